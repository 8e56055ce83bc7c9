/**
 * Registration module of the runtime API and stats (imported once by src/modules.ts): the
 * `stats` config keywords, the stats socket service and every CLI command owned by
 * runtime/ and stats/.
 */

import '../stats/keywords';
import '../stats/commands';
import './service';
import './builtins';
import './commands-server';
import './commands-proxy';
import './commands-dynamic';
import './servers-state';
import './commands-diag';
