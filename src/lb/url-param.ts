/**
 * `balance url_param NAME [check_post [max_wait]]` (HAProxy backend.c get_server_ph and
 * get_server_ph_post): hashes the value of the first query-string parameter named NAME
 * (case-sensitive, up to the next `&`). When the query has no such parameter and the
 * request is a POST whose body the data plane buffered (`PickContext.body`), the
 * url-encoded body is searched the same way, as HAProxy 2.6 does for every POST
 * (`check_post` is accepted and `max_wait` ignored, as in 2.6). No parameter: round robin.
 */

import type { PickContext } from './balancer';
import { registerBalancer } from './registry';
import { hashAlgorithm, type HashKeySource } from './hash/hash-balancer';
import type { StringHash } from './hash/functions';

/** Scratch result of {@link findParam}: value range, valid when it returned true. */
const found = { start: 0, end: 0 };

/** RFC 9110 tchar. */
function isToken(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    || c === 33 || (c >= 35 && c <= 39) || c === 42 || c === 43 || c === 45 || c === 46
    || c === 94 || c === 95 || c === 96 || c === 124 || c === 126;
}

/**
 * Finds parameter `name` in `s[from, to)` (a `a=1&b=2` list). `body` applies HAProxy's POST
 * rule: a value whose first byte is not a token character ends at once if it is white
 * space and makes the body "not url-encoded" (no match) otherwise.
 */
export function findParam(s: string, from: number, to: number, name: string, body: boolean): boolean {
  const plen = name.length;
  let params = from;
  let left = to - from;
  while (left > plen) {
    if (s.charCodeAt(params + plen) === 61 && s.startsWith(name, params)) { // '='
      const start = params + plen + 1;
      let end = start;
      let rem = left - plen - 1;
      while (rem && s.charCodeAt(end) !== 38) { // '&'
        if (body) {
          // HAProxy tests the first byte of the value on each round.
          const c0 = s.charCodeAt(start);
          if (!isToken(c0)) {
            if (c0 === 32 || c0 === 9 || c0 === 13 || c0 === 10) break;
            return false;
          }
        }
        rem--;
        end++;
      }
      found.start = start;
      found.end = end;
      return true;
    }
    const amp = s.indexOf('&', params);
    if (amp < 0 || amp >= params + left) return false;
    left -= amp + 1 - params;
    params = amp + 1;
  }
  return false;
}

/** Locates the parameter in the query string, then in a POST body. Sets `found`. */
function locate(ctx: PickContext, name: string): string | undefined {
  const req = ctx.sample.req;
  if (!req) return undefined;
  const uri = req.uri;
  const q = uri.indexOf('?');
  if (q >= 0 && findParam(uri, q + 1, uri.length, name, false)) return uri;
  if (req.method === 'POST' && ctx.body && ctx.body.length) {
    const body = ctx.body.toString('latin1');
    if (findParam(body, 0, body.length, name, true)) return body;
  }
  return undefined;
}

function makeSource(name: string): HashKeySource {
  return {
    hash(ctx: PickContext, fn: StringHash): number {
      const s = locate(ctx, name);
      return s === undefined ? -1 : fn(s, found.start, found.end);
    },
    describe(ctx: PickContext): string | undefined {
      const s = locate(ctx, name);
      return s === undefined ? undefined : `${name}=${s.slice(found.start, found.end)}`;
    },
  };
}

registerBalancer(hashAlgorithm('url_param', (args) => makeSource(args[0] ?? ''), (args) => {
  if (!args[0]) return 'url_param requires an URL parameter name.';
  if (args[1] !== undefined && args[1] !== 'check_post') return `url_param only accepts 'check_post' modifier (got '${args[1]}').`;
  return undefined;
}));
