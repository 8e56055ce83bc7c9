/** Every check protocol through the shared conformance suite (rules.suite.ts). */

import { protocolSuite } from './rules.suite';

protocolSuite('tcp', '    mode tcp', { timeoutStatus: 'L7TOUT', passesOnConnect: true });
protocolSuite('tcp-check', '    option tcp-check\n    tcp-check send PING\\r\\n\n    tcp-check expect string +PONG', { timeoutStatus: 'L7TOUT' });
protocolSuite('httpchk', '    option httpchk', { timeoutStatus: 'L7TOUT' });
protocolSuite('pgsql-check', '    option pgsql-check user haproxy', { timeoutStatus: 'L7TOUT' });
protocolSuite('redis-check', '    option redis-check', { timeoutStatus: 'L7TOUT' });
protocolSuite('mysql-check', '    option mysql-check', { timeoutStatus: 'L7TOUT' });
protocolSuite('smtpchk', '    option smtpchk', { timeoutStatus: 'L7TOUT' });
protocolSuite('ldap-check', '    option ldap-check', { timeoutStatus: 'L7TOUT' });
protocolSuite('ssl-hello-chk', '    option ssl-hello-chk', { timeoutStatus: 'L6TOUT' });
