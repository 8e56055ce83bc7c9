/**
 * Value parsers for HAProxy's units. Each returns `{ value }` or `{ error }` with an
 * HAProxy-style message fragment; none throws.
 */

export type Parsed<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

const TIME_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a time such as `10s`, `100ms`, `1m`, `500` (in `defaultUnit`). Result in milliseconds.
 * HAProxy accepts us, ms, s, m, h, d (configuration.txt §2.5).
 */
export function parseTime(text: string, defaultUnit: 'ms' | 's' = 'ms'): Parsed<number> {
  const m = /^(\d+)(us|ms|s|m|h|d)?$/.exec(text);
  if (!m) {
    if (/^\d+/.test(text)) return { error: `unexpected character '${text.replace(/^\d+/, '')[0]}' in time value '${text}'` };
    return { error: `expects an integer time value with an optional unit, got '${text}'` };
  }
  const n = Number(m[1]);
  const unit = m[2] ?? defaultUnit;
  const ms = n * TIME_UNITS[unit];
  if (ms > 2_147_483_647) return { error: `timer overflow in argument '${text}' (maximum value is 2147483647 ms or ~24.8 days)` };
  return { value: ms };
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Parses a size such as `16k`, `1m`, `16384` into bytes (case-insensitive unit). */
export function parseSize(text: string): Parsed<number> {
  const m = /^(\d+)([kmgKMG]?)$/.exec(text);
  if (!m) return { error: `invalid size value '${text}'` };
  return { value: Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()] };
}

/** Parses a non-negative decimal integer, optionally bounded. */
export function parseInteger(text: string, min = 0, max = Number.MAX_SAFE_INTEGER): Parsed<number> {
  if (!/^-?\d+$/.test(text)) return { error: `expects an integer argument, got '${text}'` };
  const n = Number(text);
  if (n < min || n > max) return { error: `value ${text} out of range [${min}..${max}]` };
  return { value: n };
}
