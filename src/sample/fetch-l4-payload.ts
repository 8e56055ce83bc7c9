/**
 * Connection-level fetches (addresses, ports) and fetches over the buffered request payload
 * for `tcp-request content` inspection (HAProxy: tcp_sample.c, payload.c): req.len,
 * req.payload, req.payload_lv, TLS ClientHello fields and the RDP cookie.
 */

import { registerFetches, type FetchDef } from './registry';
import type { ArgValue } from './args';
import { helloSni, helloType, helloVersion } from './tls-hello';

/** payload(off,len): `len` 0 means up to the end of the buffer; no sample until it is all there. */
function payload(b: Buffer | undefined, a: ArgValue[]): Buffer | undefined {
  if (!b) return undefined;
  const off = Number(a[0]);
  const len = Number(a[1]);
  if (off < 0 || len < 0) return undefined;
  if (len === 0) return off <= b.length ? b.subarray(off) : undefined;
  if (off + len > b.length) return undefined;
  return b.subarray(off, off + len);
}

/**
 * payload_lv(off1,len[,off2]): a `len`-byte big-endian length at `off1`, then that many bytes
 * starting right after the length field, or at `off2` (absolute; `+N`/`-N` relative to the
 * end of the length field).
 */
function payloadLv(b: Buffer | undefined, a: ArgValue[]): Buffer | undefined {
  if (!b) return undefined;
  const off1 = Number(a[0]);
  const lenSize = Number(a[1]);
  if (off1 < 0 || lenSize <= 0 || lenSize > 4 || off1 + lenSize > b.length) return undefined;
  let dataLen = 0;
  for (let i = 0; i < lenSize; i++) dataLen = dataLen * 256 + b[off1 + i];
  let start = off1 + lenSize;
  if (a[2] !== undefined) {
    const s = String(a[2]);
    const n = Number(s);
    if (!Number.isInteger(n)) return undefined;
    start = s.startsWith('+') || s.startsWith('-') ? start + n : n;
  }
  if (start < 0 || start + dataLen > b.length) return undefined;
  return b.subarray(start, start + dataLen);
}

/**
 * RDP cookie (`Cookie: mstshash=user\r\n`) after the 11-byte TPKT + X.224 header of an RDP
 * connection request. `name` '' matches the first cookie whatever its name.
 */
function rdpCookie(b: Buffer | undefined, name: string): string | undefined {
  if (!b || b.length < 11 + 8) return undefined;
  const text = b.toString('latin1', 11);
  if (!text.startsWith('Cookie:')) return undefined;
  let p = 7;
  while (text[p] === ' ') p++;
  const eq = text.indexOf('=', p);
  const eol = text.indexOf('\r\n', p);
  if (eq < 0 || eol < 0 || eq > eol) return undefined;
  const n = text.slice(p, eq);
  if (name !== '' && n.toLowerCase() !== name.toLowerCase()) return undefined;
  return text.slice(eq + 1, eol);
}

const PAYLOAD_ARGS = [{ type: 'int' as const }, { type: 'int' as const }];
const LV_ARGS = [{ type: 'int' as const }, { type: 'int' as const }, { type: 'str' as const, optional: true }];

const list: FetchDef[] = [
  { name: 'src', out: 'ip', use: 'l4', fetch: (ctx) => ctx.src || undefined },
  { name: 'src_port', out: 'int', use: 'l4', fetch: (ctx) => ctx.srcPort },
  { name: 'dst', out: 'ip', use: 'l4', fetch: (ctx) => ctx.dst || undefined },
  { name: 'dst_port', out: 'int', use: 'l4', fetch: (ctx) => ctx.dstPort },
  { name: 'req.len', out: 'int', use: 'req', fetch: (ctx) => (ctx.payload ? ctx.payload.length : 0) },
  { name: 'req_len', out: 'int', use: 'req', fetch: (ctx) => (ctx.payload ? ctx.payload.length : 0) },
  { name: 'req.payload', out: 'bin', use: 'req', args: PAYLOAD_ARGS, fetch: (ctx, a: ArgValue[]) => payload(ctx.payload, a) },
  { name: 'payload', out: 'bin', use: 'req', args: PAYLOAD_ARGS, fetch: (ctx, a: ArgValue[]) => payload(ctx.payload, a) },
  { name: 'req.payload_lv', out: 'bin', use: 'req', args: LV_ARGS, fetch: (ctx, a: ArgValue[]) => payloadLv(ctx.payload, a) },
  { name: 'payload_lv', out: 'bin', use: 'req', args: LV_ARGS, fetch: (ctx, a: ArgValue[]) => payloadLv(ctx.payload, a) },
  { name: 'req.ssl_sni', out: 'str', use: 'req', fetch: (ctx) => helloSni(ctx.payload) },
  { name: 'req_ssl_sni', out: 'str', use: 'req', fetch: (ctx) => helloSni(ctx.payload) },
  { name: 'req.ssl_ver', out: 'int', use: 'req', fetch: (ctx) => helloVersion(ctx.payload) },
  { name: 'req_ssl_ver', out: 'int', use: 'req', fetch: (ctx) => helloVersion(ctx.payload) },
  { name: 'req.ssl_hello_type', out: 'int', use: 'req', fetch: (ctx) => helloType(ctx.payload) },
  { name: 'req_ssl_hello_type', out: 'int', use: 'req', fetch: (ctx) => helloType(ctx.payload) },
  {
    name: 'req.rdp_cookie', out: 'str', use: 'req', args: [{ type: 'str', optional: true }],
    fetch: (ctx, a: ArgValue[]) => rdpCookie(ctx.payload, String(a[0] ?? '')),
  },
  {
    name: 'rdp_cookie', out: 'str', use: 'req', args: [{ type: 'str', optional: true }],
    fetch: (ctx, a: ArgValue[]) => rdpCookie(ctx.payload, String(a[0] ?? '')),
  },
  {
    name: 'req.rdp_cookie_cnt', out: 'int', use: 'req', args: [{ type: 'str', optional: true }],
    fetch: (ctx, a: ArgValue[]) => (ctx.payload ? (rdpCookie(ctx.payload, String(a[0] ?? '')) === undefined ? 0 : 1) : undefined),
  },
  {
    name: 'rdp_cookie_cnt', out: 'int', use: 'req', args: [{ type: 'str', optional: true }],
    fetch: (ctx, a: ArgValue[]) => (ctx.payload ? (rdpCookie(ctx.payload, String(a[0] ?? '')) === undefined ? 0 : 1) : undefined),
  },
];

registerFetches(list);
