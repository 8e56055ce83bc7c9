/**
 * Registers every balancing algorithm (each file calls registerBalancer on import).
 * Imported by lb/keywords.ts, so `src/modules.ts` needs only the keywords line.
 */

import './roundrobin';
import './static-rr';
import './leastconn';
import './first';
import './source';
import './uri';
import './url-param';
import './hdr';
import './rdp-cookie';
import './hash-expr';
import './random';
