/**
 * `option mysql-check [user <name> [{post-41|pre-41}]]` (HAProxy: tcpcheck.c
 * proxy_parse_mysql_check_opt). Without a user only the server greeting is checked; with a
 * user a client authentication packet (no password) is sent and an OK packet is expected,
 * then QUIT. An error packet (0xff) is L7STS with the server's message and error code.
 */

import { registerCheckType } from './config';
import { registerExpect, type ExpectVerdict, type Rule } from './rules';

/** Splits the first MySQL packet: [payload, complete?]. */
function firstPacket(d: Buffer): Buffer | undefined {
  if (d.length < 4) return undefined;
  const len = d[0] | (d[1] << 8) | (d[2] << 16);
  if (d.length < 4 + len) return undefined;
  return d.subarray(4, 4 + len);
}

function errorPacket(p: Buffer): ExpectVerdict {
  const code = p.readUInt16LE(1);
  // 4.1 error packets carry '#' + 5-byte SQLSTATE before the message.
  const msg = p[3] === 0x23 ? p.subarray(9) : p.subarray(3);
  return { match: false, final: true, code, errorStatus: 'L7STS', errorInfo: msg.toString('latin1') };
}

/** Server greeting: protocol byte then a NUL-terminated version string. */
registerExpect('mysql-greeting', (_r, i) => {
  const p = firstPacket(i.data);
  if (!p) return i.lastRead ? { match: false, final: true, errorStatus: 'L7RSP', errorInfo: 'Invalid MySQL response' } : 'wait';
  if (p[0] === 0xff) return errorPacket(p);
  const end = p.indexOf(0, 1);
  const version = p.subarray(1, end < 0 ? p.length : end).toString('latin1');
  return { match: true, final: true, okStatus: 'L7OK', successInfo: version };
});

/** After authentication: an OK packet (0x00) passes, an error packet fails. */
registerExpect('mysql-ok', (_r, i) => {
  const p = firstPacket(i.data);
  if (!p) return i.lastRead ? { match: false, final: true, errorStatus: 'L7RSP', errorInfo: 'Invalid MySQL response' } : 'wait';
  if (p[0] === 0xff) return errorPacket(p);
  if (p[0] !== 0x00) return { match: false, final: true, errorStatus: 'L7RSP', errorInfo: 'Invalid MySQL response' };
  return { match: true, final: true, okStatus: 'L7OK', successInfo: (i.scratch.mysqlVersion as string | undefined) ?? '' };
});

function packet(seq: number, payload: Buffer): string {
  const h = Buffer.from([payload.length & 0xff, (payload.length >> 8) & 0xff, (payload.length >> 16) & 0xff, seq]);
  return Buffer.concat([h, payload]).toString('hex');
}

/** Client authentication packet without password, 4.1 or pre-4.1 layout. */
export function mysqlAuthHex(user: string, post41: boolean): string {
  const u = Buffer.from(user + '\0', 'latin1');
  if (post41) {
    // CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION, max packet 16M, charset latin1, 23 zero bytes.
    return packet(1, Buffer.concat([Buffer.from([0x00, 0x82, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08]), Buffer.alloc(23), u, Buffer.from([0x00])]));
  }
  return packet(1, Buffer.concat([Buffer.from([0x80, 0x00, 0x00, 0x00, 0x00]), u]));
}

registerCheckType('mysql-check', (cfg) => {
  const user = cfg.args[0] === 'user' ? cfg.args[1] : undefined;
  const rules: Rule[] = [{ type: 'connect', implicit: true }, { type: 'expect', kind: 'mysql-greeting', pattern: '', inverse: false }];
  if (user !== undefined) {
    const post41 = cfg.args[2] === 'post-41';
    rules.push({ type: 'send', encoding: 'hex', data: mysqlAuthHex(user, post41) });
    rules.push({ type: 'expect', kind: 'mysql-ok', pattern: '', inverse: false });
    rules.push({ type: 'send', encoding: 'hex', data: packet(0, Buffer.from([0x01])) });
  }
  return { proto: 'mysql', rules };
});
