/**
 * Value encoders shared by the log tags: HAProxy's `+Q` (quote), `+E` (escape), `+X` (hex)
 * modifiers and its `#XX` encoding of unsafe bytes in requests and captured headers
 * (log.c lf_text_len / lf_encode_string / lf_ip / lf_port).
 */

/** `+Q`: quote text values. */
export const F_QUOTE = 1;
/** `+X`: integers, addresses and ports in upper-case hex. */
export const F_HEX = 2;
/** `+E`: backslash-escape `"`, `\\` and `]` (RFC5424 structured data). */
export const F_ESCAPE = 4;

/** Builds a 256-entry table: true for bytes to write as `#XX`: controls, >= 127, and `extra`. */
function encodeMap(extra: string): Uint8Array {
  const m = new Uint8Array(256);
  for (let i = 0; i < 32; i++) m[i] = 1;
  for (let i = 127; i < 256; i++) m[i] = 1;
  for (const c of extra) m[c.charCodeAt(0)] = 1;
  return m;
}

/** Request line / URI map (log.c url_encode_map): `"` and `#` plus non-printables. */
export const URL_MAP = encodeMap('"#');
/** Captured header map (log.c hdr_encode_map): `"#{|}` plus non-printables. */
export const HDR_MAP = encodeMap('"#{|}');

const HEX = '0123456789ABCDEF';

/** Replaces each byte flagged in `map` with `#XX`. Returns `s` itself when nothing needs it. */
export function hashEncode(s: string, map: Uint8Array): string {
  let i = 0;
  const n = s.length;
  for (; i < n; i++) if (map[s.charCodeAt(i) & 0xff] || s.charCodeAt(i) > 0xff) break;
  if (i === n) return s;
  let out = s.slice(0, i);
  // Non-Latin-1 text is encoded per UTF-8 byte, as HAProxy sees bytes.
  const bytes = Buffer.from(s.slice(i), 'utf8');
  for (const b of bytes) out += map[b] ? '#' + HEX[b >> 4] + HEX[b & 15] : String.fromCharCode(b);
  return out;
}

/** `+E`: backslash before `"`, `\` and `]` (for RFC5424 structured data). */
export function escapeSd(s: string): string {
  return /["\\\]]/.test(s) ? s.replace(/["\\\]]/g, '\\$&') : s;
}

/**
 * A text value: null/undefined prints `-` (or `""` with +Q); otherwise the text, escaped with
 * +E and quoted with +Q.
 */
export function text(v: string | null | undefined, flags: number): string {
  if (v === null || v === undefined || v === '') return flags & F_QUOTE ? '""' : '-';
  const t = flags & F_ESCAPE ? escapeSd(v) : v;
  return flags & F_QUOTE ? '"' + t + '"' : t;
}

/** An integer in decimal; HAProxy ignores +X for counters, sizes, timers and status. */
export function int(v: number): string {
  return String(v);
}

/** An integer that +X prints as upper-case hex padded to `width` (HAProxy `%04X` / `%02X`). */
export function hexInt(v: number, flags: number, width = 4): string {
  return flags & F_HEX ? (v >>> 0).toString(16).toUpperCase().padStart(width, '0') : String(v);
}

/**
 * An IP address; +X prints IPv4 as 8 hex digits and IPv6 as 32; otherwise it is text
 * (quoted with +Q, as HAProxy 2.6 prints `"127.0.0.1"`); empty prints `-`.
 */
export function ip(v: string, flags: number): string {
  if (!v) return text(null, flags);
  if (!(flags & F_HEX)) return text(v, flags);
  if (v.includes('.') && !v.includes(':')) {
    let out = '';
    for (const part of v.split('.')) out += HEX[(Number(part) >> 4) & 15] + HEX[Number(part) & 15];
    return out;
  }
  const [head, tail = ''] = v.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = v.includes('::') ? [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.padStart(4, '0').toUpperCase()).join('');
}

/** A port; +X prints 4 hex digits; 0 (unknown) prints `-`. */
export function port(v: number, flags: number): string {
  if (!v) return '-';
  return flags & F_HEX ? v.toString(16).toUpperCase().padStart(4, '0') : String(v);
}
