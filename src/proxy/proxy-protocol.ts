/**
 * PROXY protocol v1 and v2 (haproxy doc/proxy-protocol.txt): parsing on `bind ... accept-proxy`
 * and building on `server ... send-proxy` / `send-proxy-v2`, so Fulcrum chains with HAProxy,
 * nginx and poolers that speak it.
 */

import { isIP } from 'node:net';

/** Addresses carried by a PROXY header. `local` = the LOCAL command / UNKNOWN family. */
export interface ProxyAddresses {
  local: boolean;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

export type ProxyParse =
  | { kind: 'incomplete' }
  | { kind: 'error'; message: string }
  | { kind: 'ok'; length: number; addresses: ProxyAddresses };

const V2_SIG = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** Parses a PROXY header at the start of `buf` (v1 or v2, auto-detected). */
export function parseProxyHeader(buf: Buffer): ProxyParse {
  if (buf.length === 0) return { kind: 'incomplete' };
  if (buf[0] === 0x0d) return parseV2(buf);
  if (buf[0] === 0x50) return parseV1(buf);
  return { kind: 'error', message: 'Received something which does not look like a PROXY protocol header' };
}

function parseV1(buf: Buffer): ProxyParse {
  const prefix = 'PROXY ';
  const n = Math.min(buf.length, prefix.length);
  if (buf.toString('latin1', 0, n) !== prefix.slice(0, n)) return { kind: 'error', message: 'Received something which does not look like a PROXY protocol header' };
  const lf = buf.indexOf(10);
  if (lf < 0) {
    // A v1 header is at most 107 bytes.
    return buf.length > 107 ? { kind: 'error', message: 'PROXY protocol header too long' } : { kind: 'incomplete' };
  }
  if (lf > 107 || buf[lf - 1] !== 13) return { kind: 'error', message: 'malformed PROXY protocol v1 header' };
  const line = buf.toString('latin1', 0, lf - 1);
  const parts = line.split(' ');
  if (parts[1] === 'UNKNOWN') return { kind: 'ok', length: lf + 1, addresses: { local: true, src: '', srcPort: 0, dst: '', dstPort: 0 } };
  if (parts.length !== 6 || (parts[1] !== 'TCP4' && parts[1] !== 'TCP6')) return { kind: 'error', message: 'malformed PROXY protocol v1 header' };
  const fam = parts[1] === 'TCP4' ? 4 : 6;
  const sp = Number(parts[4]);
  const dp = Number(parts[5]);
  if (isIP(parts[2]) !== fam || isIP(parts[3]) !== fam || !/^\d{1,5}$/.test(parts[4]) || !/^\d{1,5}$/.test(parts[5]) || sp > 65535 || dp > 65535) {
    return { kind: 'error', message: 'malformed PROXY protocol v1 header' };
  }
  return { kind: 'ok', length: lf + 1, addresses: { local: false, src: parts[2], srcPort: sp, dst: parts[3], dstPort: dp } };
}

function parseV2(buf: Buffer): ProxyParse {
  const n = Math.min(buf.length, 12);
  if (!buf.subarray(0, n).equals(V2_SIG.subarray(0, n))) return { kind: 'error', message: 'Received something which does not look like a PROXY protocol header' };
  if (buf.length < 16) return { kind: 'incomplete' };
  const verCmd = buf[12];
  if (verCmd >> 4 !== 2) return { kind: 'error', message: 'unsupported PROXY protocol version' };
  const len = buf.readUInt16BE(14);
  if (buf.length < 16 + len) return { kind: 'incomplete' };
  const total = 16 + len;
  const cmd = verCmd & 0x0f;
  const fam = buf[13];
  if (cmd === 0) return { kind: 'ok', length: total, addresses: { local: true, src: '', srcPort: 0, dst: '', dstPort: 0 } };
  if (cmd !== 1) return { kind: 'error', message: 'unsupported PROXY protocol command' };
  if (fam === 0x11 && len >= 12) {
    const src = [...buf.subarray(16, 20)].join('.');
    const dst = [...buf.subarray(20, 24)].join('.');
    return { kind: 'ok', length: total, addresses: { local: false, src, dst, srcPort: buf.readUInt16BE(24), dstPort: buf.readUInt16BE(26) } };
  }
  if (fam === 0x21 && len >= 36) {
    return { kind: 'ok', length: total, addresses: { local: false, src: v6(buf.subarray(16, 32)), dst: v6(buf.subarray(32, 48)), srcPort: buf.readUInt16BE(48), dstPort: buf.readUInt16BE(50) } };
  }
  // UNSPEC or unix families: keep the connection's own addresses.
  return { kind: 'ok', length: total, addresses: { local: true, src: '', srcPort: 0, dst: '', dstPort: 0 } };
}

function v6(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Builds a v1 header (`PROXY TCP4 src dst sport dport\r\n`). */
export function buildProxyV1(a: ProxyAddresses): Buffer {
  if (a.local || isIP(a.src) === 0) return Buffer.from('PROXY UNKNOWN\r\n');
  const fam = isIP(a.src) === 6 || isIP(a.dst) === 6 ? 'TCP6' : 'TCP4';
  return Buffer.from(`PROXY ${fam} ${a.src} ${a.dst} ${a.srcPort} ${a.dstPort}\r\n`, 'latin1');
}

function v4Bytes(ip: string): number[] { return ip.split('.').map(Number); }

function v6Bytes(ip: string): number[] {
  let text = ip;
  if (isIP(text) === 4) text = `::ffff:${text}`;
  const [h, t] = text.includes('::') ? text.split('::') : [text, undefined];
  const head = h ? h.split(':') : [];
  const tail = t ? t.split(':') : [];
  let groups: string[];
  if (t === undefined) groups = head;
  else groups = [...head, ...new Array(8 - head.length - tail.length).fill('0'), ...tail];
  const out: number[] = [];
  for (const g of groups) {
    if (g.includes('.')) { out.push(...v4Bytes(g)); continue; }
    const v = parseInt(g, 16);
    out.push(v >> 8, v & 0xff);
  }
  return out.slice(0, 16);
}

/** Builds a v2 header with the PROXY command (or LOCAL when addresses are unknown). */
export function buildProxyV2(a: ProxyAddresses): Buffer {
  if (a.local || isIP(a.src) === 0) return Buffer.concat([V2_SIG, Buffer.from([0x20, 0x00, 0x00, 0x00])]);
  const six = isIP(a.src) === 6 || isIP(a.dst) === 6;
  const body = six
    ? [...v6Bytes(a.src), ...v6Bytes(a.dst), a.srcPort >> 8, a.srcPort & 0xff, a.dstPort >> 8, a.dstPort & 0xff]
    : [...v4Bytes(a.src), ...v4Bytes(a.dst), a.srcPort >> 8, a.srcPort & 0xff, a.dstPort >> 8, a.dstPort & 0xff];
  return Buffer.concat([V2_SIG, Buffer.from([0x21, six ? 0x21 : 0x11, body.length >> 8, body.length & 0xff]), Buffer.from(body)]);
}
