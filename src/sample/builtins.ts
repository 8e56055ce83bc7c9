/**
 * Loads every built-in fetch and converter table into the sample registry. Imported by
 * expr.ts so that compiling an expression always sees the full tables.
 */

import './fetch-internal';
import './fetch-l4-payload';
import './fetch-http';
import './conv-string';
import './conv-arith';
import './conv-map';
import './conv-misc';
