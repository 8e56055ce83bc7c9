/**
 * `balance hdr(NAME) [use_domain_only]` (HAProxy backend.c get_server_hh): hashes the first
 * value of the first NAME header (name case-insensitive; a comma ends the value, blanks
 * around it are dropped). Absent or empty: round robin. With `use_domain_only` only the
 * label before the last dot is hashed: `haproxy.1wt.eu` -> `1wt`, `example.com` -> `example`.
 */

import type { PickContext } from './balancer';
import type { HttpHeadView } from '../sample/context';
import { registerBalancer } from './registry';
import { hashAlgorithm, type HashKeySource } from './hash/hash-balancer';
import type { StringHash } from './hash/functions';

/** Scratch result of {@link findHeaderValue}. */
const found = { value: '', start: 0, end: 0 };

/** ASCII case-insensitive equality of `a` with the lower-case `lower`, without allocating. */
function eqLower(a: string, lower: string): boolean {
  if (a.length !== lower.length) return false;
  for (let i = 0; i < a.length; i++) {
    let c = a.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Finds the first value of header `lname`; sets `found` and returns true when non-empty. */
export function findHeaderValue(head: HttpHeadView | undefined, lname: string): boolean {
  if (!head) return false;
  const h = head.headers;
  for (let i = 0; i < h.length; i += 2) {
    if (!eqLower(h[i], lname)) continue;
    const v = h[i + 1];
    let s = 0;
    while (s < v.length && (v.charCodeAt(s) === 32 || v.charCodeAt(s) === 9)) s++;
    let e = v.indexOf(',', s);
    if (e < 0) e = v.length;
    while (e > s && (v.charCodeAt(e - 1) === 32 || v.charCodeAt(e - 1) === 9)) e--;
    found.value = v;
    found.start = s;
    found.end = e;
    return e > s;
  }
  return false;
}

/**
 * Narrows `found` to the domain label before the TLD (HAProxy's backwards scan: the end
 * is the last dot, the start the dot before it or the start of the value).
 */
export function narrowToDomain(): void {
  const v = found.value;
  const base = found.start;
  let p = found.end; // one past the last character
  let len = found.end - base;
  let end = p;
  let dohash = false;
  while (len) {
    if (dohash) {
      if (v.charCodeAt(p - 1) === 46) break;
    } else if (p < found.end && v.charCodeAt(p) === 46) {
      end = p;
      dohash = true;
    }
    p--;
    len--;
  }
  found.start = p;
  found.end = end;
}

function makeSource(name: string, domainOnly: boolean): HashKeySource {
  const lname = name.toLowerCase();
  const locate = (ctx: PickContext): boolean => {
    if (!findHeaderValue(ctx.sample.req, lname)) return false;
    if (domainOnly) narrowToDomain();
    return true;
  };
  return {
    hash(ctx: PickContext, fn: StringHash): number {
      return locate(ctx) ? fn(found.value, found.start, found.end) : -1;
    },
    describe(ctx: PickContext): string | undefined {
      return locate(ctx) ? `${name}: ${found.value.slice(found.start, found.end)}` : undefined;
    },
  };
}

registerBalancer(hashAlgorithm('hdr', (args, paren) => makeSource(paren ?? '', args[0] === 'use_domain_only'), (args, paren) => {
  if (!paren) return 'hdr requires an http header field name.';
  if (args[0] !== undefined && args[0] !== 'use_domain_only') return `hdr(${paren}) only accepts 'use_domain_only' modifier (got '${args[0]}').`;
  return undefined;
}));
