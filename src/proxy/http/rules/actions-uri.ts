/**
 * Request line and status actions: set-method, set-path, set-pathq, set-query, set-uri,
 * replace-path, replace-pathq, replace-uri (http-request) and set-status (responses)
 * (HAProxy: http_act.c http_action_set_req_line / http_action_replace_uri /
 * action_http_set_status). The request line sent to the server is rebuilt from
 * `req.method` / `req.uri`; the logged `%r` keeps the line as received, as HAProxy.
 */

import { registerHttpAction, type ActionResult } from './registry';
import { compileLf } from './lf';
import { compileRegex, expandRefs } from './regex';
import { httpReason } from './reason';
import type { HttpTxn } from '../hooks';

/**
 * Splits a request target into [scheme+authority, path, query-with-'?'] (RFC 9112 §3.2:
 * origin-form `/p?q` or absolute-form `http://h/p?q`).
 */
export function splitUri(uri: string): [string, string, string] {
  let start = 0;
  if (uri.charCodeAt(0) !== 47 /* / */) {
    const s = uri.indexOf('://');
    if (s > 0) {
      const slash = uri.indexOf('/', s + 3);
      const q0 = uri.indexOf('?', s + 3);
      start = slash < 0 ? (q0 < 0 ? uri.length : q0) : (q0 >= 0 && q0 < slash ? q0 : slash);
    }
  }
  const q = uri.indexOf('?', start);
  if (q < 0) return [uri.slice(0, start), uri.slice(start), ''];
  return [uri.slice(0, start), uri.slice(start, q), uri.slice(q)];
}

function oneArg(args: string[]): string | undefined {
  if (args.length < 1) return 'expects exactly 1 argument';
  if (args.length > 1) return `\0${args[1]}`;
  const f = compileLf(args[0]);
  return typeof f === 'string' ? f : undefined;
}

type UriEdit = (uri: string, v: string) => string;

const SETTERS: [string, UriEdit | null][] = [
  ['set-method', null],
  ['set-uri', (_u, v) => v],
  ['set-path', (u, v) => { const [a, , q] = splitUri(u); return a + v + q; }],
  ['set-pathq', (u, v) => { const [a] = splitUri(u); return a + v; }],
  // An empty format removes the query string marker too (HAProxy http_replace_req_query).
  ['set-query', (u, v) => { const [a, p] = splitUri(u); return v === '' ? a + p : `${a}${p}?${v}`; }],
];

/** The part of the target each replace-* action matches and rewrites. */
const REPLACERS: [string, (u: string) => [string, string, string]][] = [
  ['replace-uri', (u) => ['', u, '']],
  ['replace-path', (u) => { const [a, p, q] = splitUri(u); return [a, p, q]; }],
  ['replace-pathq', (u) => { const [a, p, q] = splitUri(u); return [a, p + q, '']; }],
];

registerHttpAction([
  ...SETTERS.map(([name, edit]) => ({
    name, sets: ['http-request'] as const,
    parse: oneArg,
    compile(args: string[]) {
      const f = compileLf(args[0]);
      if (typeof f === 'string') return f;
      if (!edit) return (txn: HttpTxn): ActionResult => { txn.req.method = f(txn); return undefined; };
      return (txn: HttpTxn): ActionResult => { txn.req.uri = edit(txn.req.uri, f(txn)); return undefined; };
    },
  })),
  ...REPLACERS.map(([name, part]) => ({
    name, sets: ['http-request'] as const,
    parse(args: string[]): string | undefined {
      if (args.length < 2) return 'expects exactly 2 arguments';
      if (args.length > 2) return `\0${args[2]}`;
      const re = compileRegex(args[0], false);
      if (typeof re === 'string') return re;
      const f = compileLf(args[1]);
      return typeof f === 'string' ? f : undefined;
    },
    compile(args: string[]) {
      const re = compileRegex(args[0], false);
      if (typeof re === 'string') return re;
      const f = compileLf(args[1]);
      if (typeof f === 'string') return f;
      return (txn: HttpTxn): ActionResult => {
        const [pre, subject, post] = part(txn.req.uri);
        const m = re.exec(subject);
        if (m) txn.req.uri = pre + expandRefs(f(txn), m) + post;
        return undefined;
      };
    },
  })),
  {
    name: 'set-status', sets: ['http-response', 'http-after-response'],
    parse(args) {
      if (args.length < 1) return `expects an HTTP status code`;
      const n = Number(args[0]);
      if (!/^\d+$/.test(args[0]) || n < 100 || n > 999) return `expects an integer status code between 100 and 999`;
      if (args.length === 1) return undefined;
      if (args[1] !== 'reason') return `\0${args[1]}`;
      if (args.length < 3) return `expects a reason string`;
      if (args.length > 3) return `\0${args[3]}`;
      return undefined;
    },
    compile(args) {
      const status = Number(args[0]);
      const reason = args[1] === 'reason' ? args[2] : httpReason(status);
      return (txn): ActionResult => {
        const r = txn.res;
        if (!r) return undefined;
        r.status = status;
        r.reason = reason;
        txn.rec.status = status;
        return undefined;
      };
    },
  },
]);
