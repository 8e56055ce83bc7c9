/**
 * crypt(3) verification for `userlist` passwords (HAProxy calls the C library's crypt()).
 * Node's crypto has no crypt(), so the two schemes current systems produce are implemented
 * here per Ulrich Drepper's public specification "Unix crypt using SHA-256 and SHA-512"
 * (the `$5$` and `$6$` formats, with optional `rounds=N$`). Other formats (MD5 `$1$`, DES,
 * yescrypt `$y$`) are reported as unsupported at configuration time.
 */

import { createHash, timingSafeEqual } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Byte triplets of the final encoding (spec, step 22), SHA-512 then SHA-256. */
const ORDER512: [number, number, number][] = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];
const ORDER256: [number, number, number][] = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26],
  [27, 7, 17], [18, 28, 8], [9, 19, 29],
];

function b64(w: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) { s += ITOA64[w & 0x3f]; w >>>= 6; }
  return s;
}

/** Repeats `src` cyclically to `len` bytes. */
function cycle(src: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) out[i] = src[i % src.length];
  return out;
}

/**
 * SHA-crypt of `password` with the settings of `setting` (`$6$[rounds=N$]salt[$...]`).
 * Returns the full crypt string, or undefined when the setting is not `$5$`/`$6$`.
 */
export function shaCrypt(password: string, setting: string): string | undefined {
  const m = /^\$([56])\$(rounds=(\d+)\$)?([^$]{0,16})/.exec(setting);
  if (!m) return undefined;
  const alg = m[1] === '6' ? 'sha512' : 'sha256';
  const hlen = alg === 'sha512' ? 64 : 32;
  let rounds = 5000;
  if (m[3] !== undefined) rounds = Math.min(999_999_999, Math.max(1000, Number(m[3])));
  const P = Buffer.from(password, 'utf8');
  const S = Buffer.from(m[4], 'utf8');
  const H = (...parts: Buffer[]): Buffer => { const h = createHash(alg); for (const p of parts) h.update(p); return h.digest(); };

  const B = H(P, S, P);
  const a = createHash(alg);
  a.update(P); a.update(S);
  let cnt = P.length;
  for (; cnt > hlen; cnt -= hlen) a.update(B);
  a.update(B.subarray(0, cnt));
  for (let n = P.length; n > 0; n >>= 1) a.update((n & 1) ? B : P);
  let A = a.digest();

  const dp = createHash(alg);
  for (let i = 0; i < P.length; i++) dp.update(P);
  const Pseq = cycle(dp.digest(), P.length);
  const ds = createHash(alg);
  for (let i = 0; i < 16 + A[0]; i++) ds.update(S);
  const Sseq = cycle(ds.digest(), S.length);

  for (let i = 0; i < rounds; i++) {
    const c = createHash(alg);
    c.update((i & 1) ? Pseq : A);
    if (i % 3 !== 0) c.update(Sseq);
    if (i % 7 !== 0) c.update(Pseq);
    c.update((i & 1) ? A : Pseq);
    A = c.digest();
  }

  let enc = '';
  if (alg === 'sha512') {
    for (const [x, y, z] of ORDER512) enc += b64((A[x] << 16) | (A[y] << 8) | A[z], 4);
    enc += b64(A[63], 2);
  } else {
    for (const [x, y, z] of ORDER256) enc += b64((A[x] << 16) | (A[y] << 8) | A[z], 4);
    enc += b64((A[31] << 8) | A[30], 3);
  }
  return `$${m[1]}$${m[2] ?? ''}${m[4]}$${enc}`;
}

/** True when the crypt format is one {@link verifyCrypt} can check. */
export function cryptSupported(hash: string): boolean { return /^\$[56]\$/.test(hash); }

/** Checks `password` against a `$5$`/`$6$` crypt string (constant-time comparison). */
export function verifyCrypt(password: string, hash: string): boolean {
  const got = shaCrypt(password, hash);
  if (got === undefined || got.length !== hash.length) return false;
  return timingSafeEqual(Buffer.from(got), Buffer.from(hash));
}
