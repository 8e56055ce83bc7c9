/**
 * The registration manifest: importing this file registers every subsystem's config
 * keywords, CLI commands, balancing algorithms, fetches, services and post-checks, in the
 * order written here. Each subsystem's registrations live in its own keywords.ts /
 * commands.ts; add one line here per new registration module.
 */

import './proxy/keywords';
import './log/register';
import './proxy/build';
import './process/keywords';
import './process/server-state';
import './checks/keywords';
import './lb/keywords';
import './acl/keywords';
import './runtime/commands';
import './proxy/http/rules/index';
import './proxy/tls-keywords';
import './proxy/http/compression';
import './proxy/tcp/keywords';
import './checks/pgsql-role-keywords';
import './stats/web';
import './proxy/commands';
import './persist/index';
import './resolvers/index';
import './process/threads/index';
