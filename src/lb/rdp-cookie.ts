/**
 * `balance rdp-cookie[(NAME)]` (HAProxy backend.c get_server_rch, payload.c
 * fetch_rdp_cookie_name): in TCP mode, hashes the value of the RDP connection request's
 * `Cookie: NAME=value\r\n` line (NAME defaults to `mstshash`, compared case-insensitively)
 * found in the buffered request payload (`SampleContext.payload`; the frontend must wait
 * for it with `tcp-request content` rules). Not found or incomplete: round robin.
 */

import type { PickContext } from './balancer';
import { registerBalancer } from './registry';
import { hashAlgorithm, type HashKeySource } from './hash/hash-balancer';
import type { StringHash } from './hash/functions';

const found = { start: 0, end: 0 };

function lowerByte(c: number): number { return c >= 65 && c <= 90 ? c + 32 : c; }

/** Case-insensitive compare of `b[at, at+word.length)` with lower-case ASCII `word`. */
function matchAt(b: Buffer, at: number, word: string): boolean {
  if (at + word.length > b.length) return false;
  for (let i = 0; i < word.length; i++) if (lowerByte(b[at + i]) !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * Locates the cookie value in an RDP X.224 connection request: the cookie line starts at
 * byte 11 (after the TPKT and X.224 headers). Sets `found`; false when absent/incomplete.
 */
export function findRdpCookie(b: Buffer, lname: string): boolean {
  let i = 11;
  if (b.length <= 11 || b.length - 11 <= 7) return false;
  if (!matchAt(b, i, 'cookie:')) return false;
  i += 7;
  while (i < b.length && b[i] === 32) i++;
  if (lname) {
    if (b.length - i <= lname.length) return false;
    if (b[i + lname.length] !== 61 || !matchAt(b, i, lname)) return false;
    i += lname.length + 1;
  } else {
    while (i < b.length && b[i] !== 61) {
      if (b[i] === 13 || b[i] === 10) return false;
      i++;
    }
    if (i >= b.length) return false;
    i++;
  }
  const start = i;
  while (i < b.length && b[i] !== 13) i++;
  if (b.length - i < 2 || b[i + 1] !== 10) return false;
  found.start = start;
  found.end = i;
  return i > start;
}

function makeSource(name: string): HashKeySource {
  const lname = name.toLowerCase();
  return {
    hash(ctx: PickContext, fn: StringHash): number {
      const b = ctx.sample.payload;
      if (!b || !findRdpCookie(b, lname)) return -1;
      // Short value: a latin1 string of it is the simplest byte-exact input for fn.
      const v = b.toString('latin1', found.start, found.end);
      return fn(v, 0, v.length);
    },
    describe(ctx: PickContext): string | undefined {
      const b = ctx.sample.payload;
      return b && findRdpCookie(b, lname) ? `${name}=${b.toString('latin1', found.start, found.end)}` : undefined;
    },
  };
}

registerBalancer(hashAlgorithm('rdp-cookie', (_args, paren) => makeSource(paren ?? 'mstshash'), (_args, paren) => {
  if (paren === '') return 'rdp-cookie : missing cookie name.';
  return undefined;
}));
