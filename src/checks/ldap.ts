/**
 * `option ldap-check`: sends an anonymous LDAPv3 BindRequest and checks the BindResponse
 * (HAProxy: tcpcheck.c tcpcheck_ldap_expect_bindrsp): resultCode 0 is "Success", another
 * code is L7STS, a reply that is not an LDAPv3 BindResponse is L7RSP.
 */

import { registerCheckType } from './config';
import { registerExpect } from './rules';

/** messageID 1, bindRequest { version 3, name "", simple "" } */
export const LDAP_BIND_REQUEST_HEX = '300c020101600702010304008000';

/** Reads a BER length at `off`: [value, bytes used] or undefined when incomplete. */
function berLength(d: Buffer, off: number): [number, number] | undefined {
  if (off >= d.length) return undefined;
  const b = d[off];
  if (b < 0x80) return [b, 1];
  const n = b & 0x7f;
  if (n === 0 || n > 4 || off + 1 + n > d.length) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + d[off + 1 + i];
  return [v, 1 + n];
}

registerExpect('ldap-bindrsp', (_r, i) => {
  const d = i.data;
  const bad = { match: false, final: true, errorStatus: 'L7RSP' as const, errorInfo: 'Not LDAPv3 protocol' };
  if (d.length < 2) return i.lastRead ? bad : 'wait';
  if (d[0] !== 0x30) return bad;
  const outer = berLength(d, 1);
  if (!outer) return i.lastRead ? bad : 'wait';
  const total = 1 + outer[1] + outer[0];
  if (d.length < total) return i.lastRead ? bad : 'wait';
  let p = 1 + outer[1];
  // messageID INTEGER
  if (d[p] !== 0x02) return bad;
  const idLen = berLength(d, p + 1);
  if (!idLen) return bad;
  p += 1 + idLen[1] + idLen[0];
  // bindResponse [APPLICATION 1]
  if (d[p] !== 0x61) return bad;
  const rl = berLength(d, p + 1);
  if (!rl) return bad;
  p += 1 + rl[1];
  // resultCode ENUMERATED
  if (d[p] !== 0x0a || d[p + 1] !== 0x01) return bad;
  const code = d[p + 2];
  if (code !== 0) return { match: false, final: true, code, errorStatus: 'L7STS', errorInfo: 'See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9' };
  return { match: true, final: true, successInfo: 'Success', okStatus: 'L7OK' };
});

registerCheckType('ldap-check', () => ({
  proto: 'ldap',
  rules: [
    { type: 'connect', implicit: true },
    { type: 'send', encoding: 'hex', data: LDAP_BIND_REQUEST_HEX },
    { type: 'expect', kind: 'ldap-bindrsp', pattern: '', inverse: false, minRecv: 14 },
  ],
}));
