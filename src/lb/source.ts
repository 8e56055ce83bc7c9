/**
 * `balance source`: hashes the client address (HAProxy backend.c get_server_sh). The key is
 * not passed through the hash function: the address's 32-bit big-endian words are XORed
 * together (one word for IPv4, four for IPv6), then the avalanche mixer applies when
 * `hash-type ... avalanche` (or `consistent` by default) is set. An IPv4-mapped IPv6
 * address (`::ffff:a.b.c.d`, what a dual-stack Node listener reports) is hashed as IPv4.
 */

import type { PickContext } from './balancer';
import { registerBalancer } from './registry';
import { hashAlgorithm, type HashKeySource } from './hash/hash-balancer';

/** Scratch for IPv6 groups: parsing must not allocate. */
const groups = new Uint16Array(8);

/** Parses dotted-quad IPv4 in s[start, end) to an unsigned 32-bit value, or -1. */
function parseV4(s: string, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) { // '.'
      if (!digits || ++dots > 3) return -1;
      value = (value * 256) + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || !digits) return -1;
  return ((value * 256) + part) >>> 0;
}

/**
 * Parses an IPv6 address into `groups`; returns false if malformed. A trailing dotted quad
 * fills the last two groups. A zone (`%eth0`) ends the address.
 */
function parseV6(s: string, end: number): boolean {
  groups.fill(0);
  let gap = -1;
  let n = 0;
  let i = 0;
  if (s.charCodeAt(0) === 58 && s.charCodeAt(1) === 58) { gap = 0; i = 2; }
  while (i < end && n < 8) {
    let j = i;
    let v = 0;
    while (j < end) {
      const c = s.charCodeAt(j);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      else break;
      v = (v << 4) | d;
      if (j - i >= 4) return false;
      j++;
    }
    if (j < end && s.charCodeAt(j) === 46) { // embedded IPv4
      const v4 = parseV4(s, i, end);
      if (v4 < 0 || n > 6) return false;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (j === i) return false;
    groups[n++] = v;
    i = j;
    if (i < end) {
      if (s.charCodeAt(i) !== 58) return false;
      i++;
      if (i < end && s.charCodeAt(i) === 58) {
        if (gap >= 0) return false;
        gap = n;
        i++;
      }
    }
  }
  if (i < end) return false;
  if (gap >= 0) {
    const move = n - gap;
    for (let k = 0; k < move; k++) {
      groups[7 - k] = groups[n - 1 - k];
      groups[n - 1 - k] = 0;
    }
    if (move === 0) { /* trailing '::' */ }
  } else if (n !== 8) {
    return false;
  }
  return true;
}

/** The source-hash key of an address text, or -1 when it is not an IP address. */
export function sourceHash(addr: string): number {
  let end = addr.indexOf('%');
  if (end < 0) end = addr.length;
  const v4 = parseV4(addr, 0, end);
  if (v4 >= 0) return v4;
  if (!parseV6(addr, end)) return -1;
  // IPv4-mapped: the data plane's socket was dual-stack but the client is IPv4.
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return ((groups[6] << 16) | groups[7]) >>> 0;
  }
  let h = 0;
  for (let k = 0; k < 8; k += 2) h = (h ^ ((groups[k] << 16) | groups[k + 1])) >>> 0;
  return h;
}

const source: HashKeySource = {
  hash: (ctx: PickContext) => sourceHash(ctx.sample.src),
  describe: (ctx: PickContext) => ctx.sample.src,
};

registerBalancer(hashAlgorithm('source', () => source));
