/**
 * Stick tables: registration entry (imported by src/proxy/http/rules/index.ts). Keywords
 * (`stick-table`, `stick`), the runtime tables and tracking, HTTP actions, fetches and
 * converters, runtime API commands.
 */

import './keywords';
import './runtime';
import './actions';
import './fetches';
import './commands';

export { trackSc, untrackConnection, stickLookup, stickStore, stickTables, findTable, trackedSlot } from './runtime';
export { StickTable } from './table';
