/**
 * HAProxy's hash functions for the sdbm/djb2/wt6/crc32 converters (HAProxy: hash.c) and the
 * avalanche full_hash(). One implementation serves converters and load balancing: this module
 * adapts the allocation-free, range-based functions of src/lb/hash/functions.ts to the
 * converters' inputs (strings or bytes). All return unsigned 32-bit integers.
 */

import { sdbm, djb2, wt6, crc32, fullHash as avalanche, hashText, hashBuffer, type StringHash } from '../lb/hash/functions';

function over(fn: StringHash): (input: string | Uint8Array) => number {
  return (input) => {
    if (typeof input === 'string') return hashText(fn, input);
    const b = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    return hashBuffer(fn, b);
  };
}

/** sdbm: hash = c + (hash << 6) + (hash << 16) - hash. */
export const hashSdbm = over(sdbm);
/** djb2: hash = hash * 33 + c, starting at 5381. */
export const hashDjb2 = over(djb2);
/** wt6 (Willy Tarreau's 6-rotation hash). */
export const hashWt6 = over(wt6);
/** CRC-32 (IEEE 802.3, reflected polynomial 0xedb88320), as zlib computes it. */
export const hashCrc32 = over(crc32);

/** Bob Jenkins' 32-bit full-avalanche integer hash (HAProxy's full_hash()). */
export function fullHash(a: number): number {
  return avalanche(a);
}

/** Hash functions by the name `hash-type` and the converters use. */
export const HASH_FUNCTIONS: Readonly<Record<'sdbm' | 'djb2' | 'wt6' | 'crc32', (input: string | Uint8Array) => number>> = {
  sdbm: hashSdbm, djb2: hashDjb2, wt6: hashWt6, crc32: hashCrc32,
};
