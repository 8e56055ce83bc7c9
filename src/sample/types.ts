/**
 * Sample types and the casts between them (HAProxy: sample.c sample_casts[]). At run time a
 * sample is a plain JS value (see {@link SampleValue}); its declared type lives on the fetch or
 * converter definition, so no per-request wrapper object is allocated:
 *  - `str`, `meth` and `ip` are strings (an address is kept in its text form),
 *  - `int` is a number, `bool` a boolean, `bin` a Buffer.
 */

import type { SampleValue } from './context';

/** Declared output/input type of a fetch or converter. `any` accepts or returns every type. */
export type SampleType = 'str' | 'int' | 'bool' | 'ip' | 'bin' | 'meth' | 'any';

/**
 * Casts a sample to text. Booleans become `1`/`0`, numbers their decimal form, binary data
 * its bytes as latin1 (one character per byte, as HAProxy copies bytes).
 */
export function toStr(v: SampleValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return v.toString('latin1');
}

/** Casts a sample to bytes (strings as latin1, numbers as their decimal text). */
export function toBin(v: SampleValue): Buffer {
  if (Buffer.isBuffer(v)) return v;
  return Buffer.from(toStr(v), 'latin1');
}

/**
 * Casts a sample to an integer, or undefined when the cast fails. Strings are read as HAProxy's
 * read_int64 does: optional sign, then leading digits (`12abc` is 12, `abc` is 0); the empty
 * string does not cast.
 */
export function toInt(v: SampleValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const s = typeof v === 'string' ? v : v.toString('latin1');
  if (s.length === 0) return undefined;
  return leadingInt(s);
}

/** Reads an optional sign and leading decimal digits; 0 when there are none. */
export function leadingInt(s: string): number {
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45 /* - */) { neg = true; i = 1; } else if (s.charCodeAt(0) === 43 /* + */) i = 1;
  let n = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return neg ? -n : n;
}

/** Casts a sample to a boolean: non-zero integers and non-empty strings are true. */
export function toBool(v: SampleValue): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const n = toInt(v);
  return n !== undefined && n !== 0;
}

/** Casts to the given type; undefined when the value cannot be represented. */
export function castTo(v: SampleValue, t: SampleType): SampleValue | undefined {
  switch (t) {
    case 'any': return v;
    case 'str': case 'meth': case 'ip': return toStr(v);
    case 'int': return toInt(v);
    case 'bool': return toBool(v);
    case 'bin': return toBin(v);
  }
}
