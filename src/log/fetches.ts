/**
 * Connection-error fetches that `option httpslog` needs (configuration.txt §7.3.3, §8.2.4):
 * `fc_err`, `ssl_fc_err`, `ssl_c_err`, `ssl_c_ca_err`, `ssl_fc_is_resumed`. Registered
 * here only when the sample engine does not provide them (it owns fetches; this keeps
 * httpslog usable meanwhile). Fulcrum records no handshake error codes yet, so a plain
 * connection reports fc_err 0 and no TLS values (HAProxy 2.6.12 prints `0/-/-/-/0` then).
 */

import { findFetch, registerFetches, type FetchDef } from '../sample/registry';
import '../sample/expr';

const LOG_FETCHES: FetchDef[] = [
  { name: 'fc_err', out: 'int', use: 'l4', fetch: () => 0 },
  { name: 'ssl_fc_err', out: 'int', use: 'l4', fetch: (ctx) => (ctx.ssl ? 0 : undefined) },
  { name: 'ssl_c_err', out: 'int', use: 'l4', fetch: (ctx) => (ctx.ssl ? 0 : undefined) },
  { name: 'ssl_c_ca_err', out: 'int', use: 'l4', fetch: (ctx) => (ctx.ssl ? 0 : undefined) },
  { name: 'ssl_fc_is_resumed', out: 'bool', use: 'l4', fetch: () => false },
];

registerFetches(LOG_FETCHES.filter((f) => !findFetch(f.name)));
