/**
 * Allocation-free text comparisons for the str/beg/end/sub/dir/dom matchers. Patterns are
 * lowercased once at compile time for `-i`; the sample is folded char by char here so no
 * lowercased copy of each request value is made. Case folding is ASCII-only, like HAProxy's
 * tolower() in the C locale.
 */

function lc(c: number): number { return c >= 65 && c <= 90 ? c + 32 : c; }

/** `s` starts with `p` (p already lowercased when icase). */
export function begins(s: string, p: string, icase: boolean): boolean {
  if (!icase) return s.startsWith(p);
  if (p.length > s.length) return false;
  for (let i = 0; i < p.length; i++) if (lc(s.charCodeAt(i)) !== p.charCodeAt(i)) return false;
  return true;
}

/** `s` ends with `p`. */
export function ends(s: string, p: string, icase: boolean): boolean {
  if (!icase) return s.endsWith(p);
  const off = s.length - p.length;
  if (off < 0) return false;
  for (let i = 0; i < p.length; i++) if (lc(s.charCodeAt(off + i)) !== p.charCodeAt(i)) return false;
  return true;
}

/** `p` occurs at `pos` in `s`. */
function at(s: string, pos: number, p: string, icase: boolean): boolean {
  if (pos + p.length > s.length) return false;
  for (let i = 0; i < p.length; i++) {
    const c = s.charCodeAt(pos + i);
    if ((icase ? lc(c) : c) !== p.charCodeAt(i)) return false;
  }
  return true;
}

/** `s` contains `p`. */
export function contains(s: string, p: string, icase: boolean): boolean {
  if (!icase) return s.includes(p);
  for (let i = 0; i + p.length <= s.length; i++) if (at(s, i, p, true)) return true;
  return false;
}

/** Exact equality. */
export function equals(s: string, p: string, icase: boolean): boolean {
  return s.length === p.length && (icase ? at(s, 0, p, true) : s === p);
}

/** Delimiter sets of the dir and dom matchers (HAProxy pattern.c match_word callers). */
export const DIR_DELIMS = '/?';
export const DOM_DELIMS = '/?.:';

/**
 * Word match: `p` (with its own leading and trailing delimiters ignored) appears in `s` as
 * a whole run between delimiters or the string ends. `dir` uses `/` and `?`, `dom` adds
 * `.` and `:`, so `path_dir /img` matches `/img/a.png` and `hdr_dom(host) example.com`
 * matches `www.example.com:8080`.
 */
export function wordMatch(s: string, p: string, icase: boolean, delims: string): boolean {
  let ps = 0;
  let pe = p.length;
  while (ps < pe && delims.includes(p[ps])) ps++;
  while (pe > ps && delims.includes(p[pe - 1])) pe--;
  const pl = pe - ps;
  if (pl > s.length) return false;
  let mayMatch = true;
  const last = s.length - pl;
  for (let i = 0; i <= last; i++) {
    if (delims.includes(s[i])) { mayMatch = true; continue; }
    if (!mayMatch) continue;
    let ok = true;
    for (let k = 0; k < pl; k++) {
      const c = s.charCodeAt(i + k);
      if ((icase ? lc(c) : c) !== p.charCodeAt(ps + k)) { ok = false; break; }
    }
    if (ok && (i === last || delims.includes(s[i + pl]))) return true;
    mayMatch = false;
  }
  return false;
}
