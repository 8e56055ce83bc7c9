/**
 * `option pgsql-check user <name>` (HAProxy: tcpcheck.c proxy_parse_pgsql_check_opt).
 * Sends a protocol-3.0 StartupMessage with only `user`, then: an `E` ErrorResponse is a
 * failure whose info is the first field's value (e.g. "FATAL"); an `R` authentication
 * request of any supported method (Ok, Kerberos, cleartext, crypt, MD5, SCM, GSS, SSPI,
 * SASL) means the postmaster answered: "PostgreSQL server is ok". No authentication is done.
 */

import { registerCheckType } from './config';

/** StartupMessage bytes as hex: int32 length | 00030000 | "user\0" NAME "\0" | "\0". */
export function pgsqlStartupHex(user: string): string {
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), Buffer.from('user\0', 'latin1'), Buffer.from(user + '\0', 'latin1'), Buffer.from([0])]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length + 4);
  return Buffer.concat([len, body]).toString('hex');
}

registerCheckType('pgsql-check', (cfg) => {
  const user = cfg.args[0] === 'user' ? cfg.args[1] ?? '' : '';
  return {
    proto: 'pgsql',
    rules: [
      { type: 'connect', implicit: true },
      { type: 'send', encoding: 'hex', data: pgsqlStartupHex(user) },
      { type: 'expect', kind: 'rstring', pattern: '^E', inverse: true, minRecv: 5, errorStatus: 'L7RSP', onError: '%[res.payload(6,0)]' },
      {
        type: 'expect', kind: 'rbinary', pattern: '^52000000[A-Z0-9]{2}000000(00|02|03|04|05|06|07|09|0A)', inverse: false,
        minRecv: 9, errorStatus: 'L7STS', onSuccess: 'PostgreSQL server is ok', onError: 'PostgreSQL unknown error',
      },
    ],
  };
});
