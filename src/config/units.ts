/**
 * Value parsers for HAProxy's units. Each returns `{ value }` or `{ error }` with an
 * HAProxy-style message fragment; none throws.
 */

export type Parsed<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

/**
 * Result of {@link parseTime}: on error, `badChar` is the first character HAProxy's
 * parse_time_err() stops at, or `overflow` is set, so callers can word their message as
 * HAProxy does for their keyword ("unexpected character 'x' in 'timeout client'").
 */
export type ParsedTime = { value: number; error?: undefined; badChar?: undefined; overflow?: undefined } | { value?: undefined; error: string; badChar?: string; overflow?: boolean };

const TIME_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a time such as `10s`, `100ms`, `1m`, `500` (in `defaultUnit`). Result in milliseconds.
 * HAProxy accepts us, ms, s, m, h, d (configuration.txt §2.5 "Time format"); values above
 * 2147483647 ms overflow its timers.
 */
export function parseTime(text: string, defaultUnit: 'ms' | 's' = 'ms'): ParsedTime {
  const m = /^(\d*)(.*)$/.exec(text)!;
  const digits = m[1];
  const rest = m[2];
  if (text === '') return { error: 'expects an integer time value with an optional unit, got \'\'' };
  if (digits === '' || (rest !== '' && !(rest in TIME_UNITS))) {
    // The unit is read greedily: "10mx" stops at 'x', "10x" at 'x', "abc" at 'a'.
    const unit = ['us', 'ms', 's', 'm', 'h', 'd'].find((u) => rest.startsWith(u) && u.length === 2) ?? ['s', 'm', 'h', 'd'].find((u) => rest.startsWith(u)) ?? '';
    const badChar = digits === '' ? text[0] : rest[unit.length] ?? rest[0];
    return { error: `unexpected character '${badChar}' in time value '${text}'`, badChar };
  }
  const n = Number(digits);
  const unit = rest === '' ? defaultUnit : rest;
  const ms = n * TIME_UNITS[unit];
  if (ms > 2_147_483_647) return { error: `timer overflow in argument '${text}' (maximum value is 2147483647 ms or ~24.8 days)`, overflow: true };
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
