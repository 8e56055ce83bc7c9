/**
 * Reading pieces of an HTTP head for fetches without building intermediate arrays: header
 * values by name (whole or split on commas, RFC 9110 §5.3), URI parts, cookies and query
 * parameters. Names are compared case-insensitively char by char so that the hot path does
 * not allocate lowercased copies.
 */

import type { HttpHeadView } from './context';

/** Visitor over text values; return true to stop. */
export type TextVisitor = (v: string) => boolean;

/** ASCII case-insensitive equality of `a` with the already-lowercased `lower`. */
export function eqLower(a: string, lower: string): boolean {
  if (a.length !== lower.length) return false;
  for (let i = 0; i < a.length; i++) {
    let c = a.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function isSpace(c: number): boolean { return c === 32 || c === 9; }

/**
 * Calls `visit` for every value of header `lname` (lowercase; '' = every header). With
 * `split`, a header line is cut at commas outside double quotes and each part is trimmed, as
 * HAProxy's hdr() does; without it the whole line is one value (fhdr()). Returns true when
 * `visit` stopped the walk.
 */
export function eachHeaderValue(head: HttpHeadView | undefined, lname: string, split: boolean, visit: TextVisitor): boolean {
  if (!head) return false;
  const h = head.headers;
  for (let i = 0; i < h.length; i += 2) {
    if (lname !== '' && !eqLower(h[i], lname)) continue;
    const v = h[i + 1];
    if (!split) {
      if (visit(trim(v))) return true;
      continue;
    }
    let start = 0;
    let quoted = false;
    for (let j = 0; j <= v.length; j++) {
      const c = j < v.length ? v.charCodeAt(j) : 44;
      if (c === 34 /* " */) quoted = !quoted;
      else if (c === 92 /* \ */ && quoted) j++;
      else if (c === 44 /* , */ && (!quoted || j === v.length)) {
        if (visit(trim(v.slice(start, j)))) return true;
        start = j + 1;
      }
    }
  }
  return false;
}

function trim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Number of values of a header (split or not), as hdr_cnt()/fhdr_cnt() count them. */
export function countHeaderValues(head: HttpHeadView | undefined, lname: string, split: boolean): number {
  let n = 0;
  eachHeaderValue(head, lname, split, () => { n++; return false; });
  return n;
}

/**
 * The value at occurrence `occ`: 1 is the first, -1 the last, -2 the one before ... (HAProxy's
 * occurrence numbering). Undefined when there is no such occurrence.
 */
export function headerOccurrence(head: HttpHeadView | undefined, lname: string, split: boolean, occ: number): string | undefined {
  let target = occ;
  if (occ < 0) {
    target = countHeaderValues(head, lname, split) + occ + 1;
    if (target <= 0) return undefined;
  }
  let n = 0;
  let found: string | undefined;
  eachHeaderValue(head, lname, split, (v) => {
    if (++n === target) { found = v; return true; }
    return false;
  });
  return found;
}

/** Start index of the path in a request target: after `scheme://authority` for absolute-form. -1 when none. */
export function pathStart(uri: string): number {
  if (uri.charCodeAt(0) === 47 /* / */) return 0;
  const scheme = uri.indexOf('://');
  if (scheme < 0) return -1;
  const slash = uri.indexOf('/', scheme + 3);
  return slash;
}

/** The path of a request target (without the query string), or undefined (`*`, authority-form). */
export function uriPath(uri: string): string | undefined {
  const s = pathStart(uri);
  if (s < 0) return undefined;
  const q = uri.indexOf('?', s);
  return q < 0 ? (s === 0 ? uri : uri.slice(s)) : uri.slice(s, q);
}

/** The query string without `?`, or undefined when the target has no `?`. */
export function uriQuery(uri: string): string | undefined {
  const q = uri.indexOf('?');
  return q < 0 ? undefined : uri.slice(q + 1);
}

/** The authority of an absolute-form target (`host:port`), or undefined. */
export function uriAuthority(uri: string): string | undefined {
  const scheme = uri.indexOf('://');
  if (uri.charCodeAt(0) === 47 || scheme < 0) return undefined;
  const slash = uri.indexOf('/', scheme + 3);
  return uri.slice(scheme + 3, slash < 0 ? uri.length : slash);
}

/**
 * Calls `visit` with the value of each `name=value` pair whose name is `name` (every pair
 * when name is ''), in a query string whose pairs are separated by `delim`.
 */
export function eachParam(query: string | undefined, name: string, delim: string, icase: boolean, visit: TextVisitor): boolean {
  if (query === undefined) return false;
  const lname = icase ? name.toLowerCase() : name;
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf(delim, start);
    if (end < 0) end = query.length;
    const eq = query.indexOf('=', start);
    const nameEnd = eq >= 0 && eq < end ? eq : end;
    const n = query.slice(start, nameEnd);
    if (name === '' || (icase ? eqLower(n, lname) : n === name)) {
      if (visit(nameEnd < end ? query.slice(nameEnd + 1, end) : '')) return true;
    }
    start = end + delim.length;
  }
  return false;
}

/**
 * Calls `visit` with the value of each cookie named `name` in the `cookie`/`set-cookie`
 * headers (`lhdr` lowercase). For Set-Cookie only the first pair of each line is the cookie;
 * the rest are attributes (RFC 6265 §4.1).
 */
export function eachCookie(head: HttpHeadView | undefined, lhdr: string, name: string, visit: TextVisitor): boolean {
  const setCookie = lhdr === 'set-cookie';
  return eachHeaderValue(head, lhdr, false, (line) => {
    let start = 0;
    while (start < line.length) {
      let end = line.indexOf(';', start);
      if (end < 0) end = line.length;
      const eq = line.indexOf('=', start);
      if (eq >= 0 && eq < end) {
        const n = line.slice(start, eq).trim();
        if (name === '' || n === name) {
          if (visit(line.slice(eq + 1, end).trim())) return true;
        }
      }
      if (setCookie) break;
      start = end + 1;
    }
    return false;
  });
}
