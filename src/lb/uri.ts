/**
 * `balance uri [whole] [len N] [depth N] [path-only]` (HAProxy backend.c get_server_uh):
 * hashes the request URI as received, up to the `?` unless `whole`, at most `len`
 * characters, and stopping before the slash that would start level depth+1.
 * `path-only` starts at the path, ignoring the scheme and authority of an absolute URI,
 * so that HTTP/1 origin-form and absolute-form requests hash alike.
 */

import type { PickContext } from './balancer';
import { registerBalancer } from './registry';
import { hashAlgorithm, type HashKeySource } from './hash/hash-balancer';
import type { StringHash } from './hash/functions';

/** Parsed `balance uri` options. */
export interface UriOptions {
  whole: boolean;
  pathOnly: boolean;
  /** 0 = unlimited. */
  len: number;
  /** 0 = unlimited. */
  depth: number;
}

/** Parses the words after `balance uri`; returns an error in HAProxy's words or the options. */
export function parseUriArgs(args: readonly string[]): UriOptions | string {
  const o: UriOptions = { whole: false, pathOnly: false, len: 0, depth: 0 };
  for (let i = 0; i < args.length;) {
    const a = args[i];
    if (a === 'len' || a === 'depth') {
      const v = args[i + 1] ?? '';
      const n = atoi(v);
      if (!v || n <= 0) return `uri : '${a}' expects a positive integer (got '${v}').`;
      if (a === 'len') o.len = n; else o.depth = n;
      i += 2;
    } else if (a === 'whole') {
      o.whole = true;
      i++;
    } else if (a === 'path-only') {
      o.pathOnly = true;
      i++;
    } else {
      return `uri only accepts parameters 'len', 'depth', 'path-only', and 'whole' (got '${a}').`;
    }
  }
  return o;
}

/** C atoi(): leading blanks, optional sign, digits; 0 when none. */
export function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? parseInt(m[1], 10) : 0;
}

/** Start of the path in a request target: 0 for origin-form, after the authority otherwise. */
function pathStart(uri: string): number {
  if (uri.charCodeAt(0) === 47) return 0; // '/'
  const scheme = uri.indexOf('://');
  if (scheme < 0) return uri.length; // '*' or authority-form: no path
  const slash = uri.indexOf('/', scheme + 3);
  return slash < 0 ? uri.length : slash;
}

/** Where the hashed part of the URI starts. */
export function uriKeyStart(uri: string, o: UriOptions): number {
  return o.pathOnly ? pathStart(uri) : 0;
}

/** Where the hashed part of the URI that starts at `start` ends (exclusive). */
export function uriKeyEnd(uri: string, start: number, o: UriOptions): number {
  let remaining = uri.length - start;
  if (o.len) remaining = Math.min(remaining, o.len);
  let end = start;
  let slashes = 0;
  // HAProxy stores depth+1 and stops at that slash, so depth N keeps N levels.
  const stopAt = o.depth ? o.depth + 1 : 0;
  while (remaining-- > 0) {
    const c = uri.charCodeAt(end);
    if (c === 47) {
      if (++slashes === stopAt) break;
    } else if (c === 63 && !o.whole) {
      break;
    }
    end++;
  }
  return end;
}

function makeSource(o: UriOptions): HashKeySource {
  return {
    hash(ctx: PickContext, fn: StringHash): number {
      const uri = ctx.sample.req?.uri;
      if (uri === undefined) return -1;
      const s = uriKeyStart(uri, o);
      return fn(uri, s, uriKeyEnd(uri, s, o));
    },
    describe(ctx: PickContext): string | undefined {
      const uri = ctx.sample.req?.uri;
      if (uri === undefined) return undefined;
      const s = uriKeyStart(uri, o);
      return uri.slice(s, uriKeyEnd(uri, s, o));
    },
  };
}

registerBalancer(hashAlgorithm('uri', (args) => {
  const o = parseUriArgs(args);
  return makeSource(typeof o === 'string' ? { whole: false, pathOnly: false, len: 0, depth: 0 } : o);
}, (args) => {
  const o = parseUriArgs(args);
  return typeof o === 'string' ? o : undefined;
}));
