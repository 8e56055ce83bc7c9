/**
 * HAProxy's hash functions (HAProxy: hash.c, and full_hash() from lb_chash), bit-for-bit:
 * used by the sdbm/djb2/wt6/crc32 converters and by hash-based load balancing
 * (`hash-type ... sdbm|djb2|wt6|crc32 [avalanche]`). All return unsigned 32-bit integers.
 */

/** Bytes of a string or buffer: strings are hashed as latin1 (one byte per char, like header bytes). */
function bytes(input: string | Uint8Array): Uint8Array {
  return typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
}

/** sdbm: hash = c + (hash << 6) + (hash << 16) - hash. */
export function hashSdbm(input: string | Uint8Array): number {
  const b = bytes(input);
  let h = 0;
  for (let i = 0; i < b.length; i++) h = (b[i] + (h << 6) + (h << 16) - h) >>> 0;
  return h;
}

/** djb2: hash = hash * 33 + c, starting at 5381. */
export function hashDjb2(input: string | Uint8Array): number {
  const b = bytes(input);
  let h = 5381;
  for (let i = 0; i < b.length; i++) h = (((h << 5) + h) + b[i]) >>> 0;
  return h;
}

/**
 * wt6 (Willy Tarreau's 6-rotation hash). JS shifts take their count modulo 32 exactly like
 * the x86 instructions HAProxy's C compiles to, so a step of 0 rotates by 0 in both.
 */
export function hashWt6(input: string | Uint8Array): number {
  const b = bytes(input);
  let h0 = 0xa53c965a;
  let h1 = 0x5ca6953a;
  let step0 = 6;
  let step1 = 18;
  for (let i = 0; i < b.length; i++) {
    let t = b[i];
    h0 = ~(h0 ^ t) >>> 0;
    h1 = ~(h1 + t) >>> 0;
    t = ((h1 << step0) | (h1 >>> (32 - step0))) >>> 0;
    h1 = ((h0 << step1) | (h0 >>> (32 - step1))) >>> 0;
    h0 = t;
    t = ((h0 >>> 16) ^ h1) & 0xffff;
    step0 = t & 0x1f;
    step1 = t >>> 11;
  }
  return (h0 ^ h1) >>> 0;
}

/** CRC-32 (IEEE 802.3, reflected polynomial 0xedb88320), as zlib computes it. */
export function hashCrc32(input: string | Uint8Array): number {
  const b = bytes(input);
  let h = 0xffffffff;
  for (let i = 0; i < b.length; i++) {
    h ^= b[i];
    for (let bit = 0; bit < 8; bit++) h = (h >>> 1) ^ ((h & 1) ? 0xedb88320 : 0);
  }
  return (~h) >>> 0;
}

/**
 * Bob Jenkins' 32-bit full-avalanche integer hash (HAProxy's full_hash()), applied after the
 * hash function when `avalanche` is set.
 */
export function fullHash(a: number): number {
  a = (a + 0x7ed55d16 + (a << 12)) >>> 0;
  a = ((a ^ 0xc761c23c) ^ (a >>> 19)) >>> 0;
  a = (a + 0x165667b1 + (a << 5)) >>> 0;
  a = ((a + 0xd3a2646c) ^ (a << 9)) >>> 0;
  a = (a + 0xfd7046c5 + (a << 3)) >>> 0;
  a = ((a ^ 0xb55a4f09) ^ (a >>> 16)) >>> 0;
  // HAProxy then spreads values over the 32-bit space with a large prime close to 3/4 of it.
  return Math.imul(a, 3221225473) >>> 0;
}

/** Hash functions by the name `hash-type` and the converters use. */
export const HASH_FUNCTIONS: Readonly<Record<'sdbm' | 'djb2' | 'wt6' | 'crc32', (input: string | Uint8Array) => number>> = {
  sdbm: hashSdbm, djb2: hashDjb2, wt6: hashWt6, crc32: hashCrc32,
};
