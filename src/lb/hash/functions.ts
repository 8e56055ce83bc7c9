/**
 * The hash functions `hash-type` selects (HAProxy hash.c: sdbm, djb2, wt6, crc32) and the
 * "avalanche" mixer (intops.h full_hash, one of Bob Jenkins' integer hashes), on 32-bit
 * unsigned arithmetic so that results equal HAProxy's bit for bit.
 *
 * Keys are strings whose characters are bytes (latin1), which is how Node hands out
 * request lines and header values; hashing reads `charCodeAt(i) & 0xff` over a range, so
 * no substring or Buffer is allocated on the pick path. Buffers use the *Buf variants.
 * (The sample subsystem may grow its own src/sample/hash.ts for converters; this file is
 * self-contained so that lb/ does not wait for it.)
 */

/** A hash over `s[start, end)` (bytes as latin1 characters). */
export type StringHash = (s: string, start: number, end: number) => number;

/** sdbm: the default hash function. */
export function sdbm(s: string, start = 0, end = s.length): number {
  let h = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i) & 0xff;
    // c + (h << 6) + (h << 16) - h, modulo 2^32
    h = (c + (h << 6) + (h << 16) - h) >>> 0;
  }
  return h;
}

/** djb2: h * 33 + c, starting at 5381. */
export function djb2(s: string, start = 0, end = s.length): number {
  let h = 5381;
  for (let i = start; i < end; i++) h = (((h << 5) + h) + (s.charCodeAt(i) & 0xff)) >>> 0;
  return h;
}

/** wt6: Willy Tarreau's 6-bit-rotation hash. */
export function wt6(s: string, start = 0, end = s.length): number {
  let h0 = 0xa53c965a;
  let h1 = 0x5ca6953a;
  let step0 = 6;
  let step1 = 18;
  for (let i = start; i < end; i++) {
    let t = s.charCodeAt(i) & 0xff;
    h0 = ~(h0 ^ t) >>> 0;
    h1 = ~(h1 + t) >>> 0;
    t = ((h1 << step0) | (h1 >>> (32 - step0))) >>> 0;
    // A shift by 32 is a shift by 0 in JS, as it is in practice on x86 for the C code.
    h1 = ((h0 << step1) | (h0 >>> (32 - step1))) >>> 0;
    h0 = t;
    t = ((h0 >>> 16) ^ h1) & 0xffff;
    step0 = t & 0x1f;
    step1 = t >>> 11;
  }
  return (h0 ^ h1) >>> 0;
}

/** crc32 (IEEE 802.3 polynomial, reflected), bitwise like HAProxy's compact version. */
export function crc32(s: string, start = 0, end = s.length): number {
  let h = 0xffffffff;
  for (let i = start; i < end; i++) {
    h = (h ^ (s.charCodeAt(i) & 0xff)) >>> 0;
    for (let b = 0; b < 8; b++) h = ((h >>> 1) ^ ((h & 1) ? 0xedb88320 : 0)) >>> 0;
  }
  return ~h >>> 0;
}

/** Avalanche (`hash-type ... avalanche`, and always for consistent hashing by default). */
export function fullHash(a: number): number {
  a = a >>> 0;
  a = ((a + 0x7ed55d16) + (a << 12)) >>> 0;
  a = ((a ^ 0xc761c23c) ^ (a >>> 19)) >>> 0;
  a = ((a + 0x165667b1) + (a << 5)) >>> 0;
  a = ((a + 0xd3a2646c) ^ (a << 9)) >>> 0;
  a = ((a + 0xfd7046c5) + (a << 3)) >>> 0;
  a = ((a ^ 0xb55a4f09) ^ (a >>> 16)) >>> 0;
  // Spread over the ring by multiplying by a large prime near 3/4 of 2^32.
  return Math.imul(a, 3221225473) >>> 0;
}

/** The functions by their `hash-type` name. */
export const HASH_FUNCTIONS: Readonly<Record<string, StringHash>> = { sdbm, djb2, wt6, crc32 };

/** Hashes a Buffer range with `fn` (latin1 view; allocates a string: not for hot paths). */
export function hashBuffer(fn: StringHash, b: Buffer, start = 0, end = b.length): number {
  const s = b.toString('latin1', start, end);
  return fn(s, 0, s.length);
}

/**
 * Hashes a string that may contain characters above 0xff (e.g. a sample value built from
 * UTF-8 text): those are hashed as their UTF-8 bytes, as HAProxy sees them.
 */
export function hashText(fn: StringHash, s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) return hashBuffer(fn, Buffer.from(s, 'utf8'));
  }
  return fn(s, 0, s.length);
}
