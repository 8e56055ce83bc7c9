/** DNS resolution of servers: resolvers sections, server-template, init-addr, show resolvers. */
import './config';
import './runtime';
import './commands';
