/**
 * IPv4/IPv6 network matching for `except` clauses and ACL ip patterns.
 */

import { isIP } from 'node:net';

export interface Network {
  v6: boolean;
  /** Address as 4 or 16 bytes. */
  bytes: Uint8Array;
  prefix: number;
}

/** Parses `a.b.c.d[/n]`, `a.b.c.d/m.m.m.m` or an IPv6 `addr[/n]`. Returns undefined if invalid. */
export function parseNetwork(text: string): Network | undefined {
  const slash = text.indexOf('/');
  const addr = slash >= 0 ? text.slice(0, slash) : text;
  const mask = slash >= 0 ? text.slice(slash + 1) : undefined;
  const fam = isIP(addr);
  if (fam === 0) return undefined;
  const bytes = fam === 4 ? v4Bytes(addr) : v6Bytes(addr);
  if (!bytes) return undefined;
  let prefix = fam === 4 ? 32 : 128;
  if (mask !== undefined) {
    if (/^\d+$/.test(mask)) prefix = Number(mask);
    else if (fam === 4 && isIP(mask) === 4) prefix = maskToPrefix(v4Bytes(mask)!);
    else return undefined;
    if (prefix < 0 || prefix > (fam === 4 ? 32 : 128)) return undefined;
  }
  return { v6: fam === 6, bytes, prefix };
}

function maskToPrefix(m: Uint8Array): number {
  let n = 0;
  for (const b of m) for (let i = 7; i >= 0; i--) if (b & (1 << i)) n++;
  return n;
}

function v4Bytes(a: string): Uint8Array | undefined {
  const p = a.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !(x >= 0 && x <= 255))) return undefined;
  return Uint8Array.from(p);
}

function v6Bytes(a: string): Uint8Array | undefined {
  let text = a;
  const out = new Uint8Array(16);
  // Embedded IPv4 tail (::ffff:1.2.3.4).
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  let tailBytes: Uint8Array | undefined;
  if (tail.includes('.')) {
    tailBytes = v4Bytes(tail);
    if (!tailBytes) return undefined;
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const groups = halves.length === 2 ? [...head, ...new Array(8 - head.length - rest.length).fill('0'), ...rest] : head;
  if (groups.length !== 8) return undefined;
  for (let i = 0; i < 8; i++) {
    const v = parseInt(groups[i], 16);
    if (Number.isNaN(v)) return undefined;
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  }
  if (tailBytes) out.set(tailBytes, 12);
  return out;
}

/** True when `ip` (text) is inside `net`. IPv4-mapped IPv6 addresses match IPv4 networks. */
export function inNetwork(ip: string, net: Network): boolean {
  let text = ip;
  if (!net.v6 && text.startsWith('::ffff:')) text = text.slice(7);
  const fam = isIP(text);
  if (fam === 0 || (fam === 6) !== net.v6) return false;
  const b = fam === 4 ? v4Bytes(text) : v6Bytes(text);
  if (!b) return false;
  let bits = net.prefix;
  for (let i = 0; i < b.length && bits > 0; i++) {
    const m = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((b[i] & m) !== (net.bytes[i] & m)) return false;
    bits -= 8;
  }
  return true;
}
