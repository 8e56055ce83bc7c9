/** Persistence and server address subsystems: cookie persistence (config + data plane). */
import './config';
import './cookie';
import './commands';
