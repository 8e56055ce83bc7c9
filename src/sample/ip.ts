/**
 * IPv4/IPv6 address and network parsing for the `ip` matcher, `ipmask` and `map_ip`
 * (HAProxy: standard.c str2ip2 / str2net / str62net). Addresses are handled as
 * 16-byte arrays so that IPv4, IPv6 and IPv4-mapped IPv6 (`::ffff:a.b.c.d`) compare the same
 * way: an IPv4 address is stored as its IPv4-mapped form.
 */

import { isIPv4, isIPv6 } from 'node:net';

/** A parsed address (16 bytes, IPv4 as ::ffff:a.b.c.d) and whether it was written as IPv4. */
export interface ParsedIp {
  bytes: Uint8Array;
  v4: boolean;
}

/** A network: address bytes already masked, and the prefix length over the 16 bytes. */
export interface IpNet {
  bytes: Uint8Array;
  /** Prefix length in bits over the 128-bit form (IPv4 /24 is 96 + 24). */
  prefix: number;
}

/**
 * Parses an IPv4 or IPv6 address without a mask. Writes into `out` when given (the hot path
 * reuses one buffer). Returns undefined for anything else.
 */
export function parseIp(s: string, out?: Uint8Array): ParsedIp | undefined {
  const b = out ?? new Uint8Array(16);
  if (parseV4Into(s, b)) return { bytes: b, v4: true };
  if (!isIPv6(s)) return undefined;
  b.fill(0);
  // Split on '::' and fill the groups from both ends; an embedded IPv4 tail counts as two.
  const dbl = s.indexOf('::');
  const head = dbl >= 0 ? s.slice(0, dbl) : s;
  const tail = dbl >= 0 ? s.slice(dbl + 2) : '';
  const hg = head ? head.split(':') : [];
  const tg = tail ? tail.split(':') : [];
  const words: number[] = [];
  const expand = (groups: string[]): number[] => {
    const r: number[] = [];
    for (const g of groups) {
      if (g.includes('.')) {
        const v4 = new Uint8Array(16);
        if (!parseV4Into(g, v4)) return [];
        r.push((v4[12] << 8) | v4[13], (v4[14] << 8) | v4[15]);
      } else r.push(parseInt(g, 16));
    }
    return r;
  };
  const hw = expand(hg);
  const tw = expand(tg);
  words.push(...hw);
  for (let i = hw.length + tw.length; i < 8; i++) words.push(0);
  words.push(...tw);
  for (let i = 0; i < 8; i++) {
    b[i * 2] = words[i] >> 8;
    b[i * 2 + 1] = words[i] & 0xff;
  }
  return { bytes: b, v4: false };
}

/** Parses dotted IPv4 into the IPv4-mapped 16-byte form; false when not IPv4. No allocation. */
function parseV4Into(s: string, b: Uint8Array): boolean {
  let part = 0;
  let val = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46 /* . */) {
      if (digits === 0 || val > 255 || part > 3) return false;
      b[12 + part] = val;
      part++;
      val = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      val = val * 10 + (c - 48);
      if (++digits > 3) return false;
    } else return false;
  }
  if (part !== 4) return false;
  b.fill(0, 0, 10);
  b[10] = 0xff;
  b[11] = 0xff;
  return true;
}

/**
 * Parses `addr`, `addr/len` or `a.b.c.d/m.m.m.m` into a network. IPv4 without a mask is a
 * /32, IPv6 a /128. Returns undefined when invalid (HAProxy: "'x' is not a valid IPv4 or
 * IPv6 address").
 */
export function parseNet(s: string): IpNet | undefined {
  const slash = s.indexOf('/');
  const addr = slash >= 0 ? s.slice(0, slash) : s;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  let prefix = 128;
  if (slash >= 0) {
    const m = s.slice(slash + 1);
    if (/^\d+$/.test(m)) {
      const n = Number(m);
      if (ip.v4 ? n > 32 : n > 128) return undefined;
      prefix = ip.v4 ? 96 + n : n;
    } else if (ip.v4 && isIPv4(m)) {
      const mb = m.split('.').map(Number);
      const bits = ((mb[0] << 24) | (mb[1] << 16) | (mb[2] << 8) | mb[3]) >>> 0;
      // A dotted mask must be contiguous ones.
      const n = 32 - Math.log2(((~bits) >>> 0) + 1);
      if (!Number.isInteger(n)) return undefined;
      prefix = 96 + n;
    } else return undefined;
  }
  applyPrefix(ip.bytes, prefix);
  return { bytes: ip.bytes, prefix };
}

/** Zeroes the bits after `prefix` in place. */
export function applyPrefix(b: Uint8Array, prefix: number): void {
  for (let i = 0; i < 16; i++) {
    const keep = prefix - i * 8;
    if (keep >= 8) continue;
    b[i] = keep <= 0 ? 0 : b[i] & (0xff << (8 - keep));
  }
}

/** True when `addr` (16 bytes) lies within `net`. */
export function inNet(addr: Uint8Array, net: IpNet): boolean {
  const full = net.prefix >> 3;
  for (let i = 0; i < full; i++) if (addr[i] !== net.bytes[i]) return false;
  const rem = net.prefix & 7;
  if (rem === 0) return true;
  const mask = 0xff << (8 - rem) & 0xff;
  return (addr[full] & mask) === net.bytes[full];
}

/** Formats a 16-byte address: IPv4-mapped ones as dotted IPv4, others in RFC 5952 form. */
export function formatIp(b: Uint8Array): string {
  if (b[10] === 0xff && b[11] === 0xff && b.subarray(0, 10).every((x) => x === 0)) {
    return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[i * 2] << 8) | b[i * 2 + 1]);
  // Longest run of zero words (length >= 2) becomes '::'.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
