/**
 * Final actions that answer the client or stop the rule list: allow, deny, tarpit, return,
 * redirect, auth (HAProxy: http_act.c, http_ana.c http_apply_redirect_rule /
 * http_reply_401_407). Wire forms and log states observed on HAProxy 2.6.12:
 *
 * - `deny`: the proxy's error page for the status (403 for requests, 502 for responses),
 *   counted as denied, logged `PR--` (`PH--` on responses).
 * - `tarpit`: the same page after `timeout tarpit` (else `timeout connect`), 500 by
 *   default, logged `PT--`.
 * - `return`: built reply (reply.ts), 200 by default, intercepted, `LR--` (`LH--` on
 *   responses, as redirect).
 * - `redirect`: `content-length: 0`, `location`, then `set-cookie` or `cache-control:
 *   no-cache`; intercepted, `LR--`.
 * - `auth`: the 401 page with `www-authenticate: Basic realm="<realm>"` appended (realm
 *   defaults to the proxy name), `LR--`.
 */

import { registerHttpAction, STOP, type ActionResult, type ActionCompileEnv, type RuleSet } from './registry';
import { parseReplyArgs, compileReply, clientCloses, type ReplyConfig } from './reply';
import { compileLf, type LfValue } from './lf';
import { pageSource, statusOf } from '../errors-config';
import { splitUri } from './actions-uri';
import type { HttpReply, HttpTxn } from '../hooks';

const REQ_RES: readonly RuleSet[] = ['http-request', 'http-response'];

function noArgs(args: string[]): string | undefined {
  return args.length > 0 ? `\0${args[0]}` : undefined;
}

/** deny / tarpit share the reply grammar with `deny_status` as an alias of `status`. */
function denyLike(name: 'deny' | 'tarpit', sets: readonly RuleSet[]) {
  return {
    name, sets,
    parse(args: string[], env: { set: RuleSet }): string | undefined {
      const r = parseReplyArgs(args, 0, 0, ['deny_status', 'status']);
      return typeof r === 'string' ? r : (void env, undefined);
    },
    compile(args: string[], env: ActionCompileEnv) {
      const res = env.set !== 'http-request';
      const def = name === 'tarpit' ? 500 : res ? 502 : 403;
      const r = parseReplyArgs(args, 0, def, ['deny_status', 'status']) as ReplyConfig;
      const pages = pageSource(env.config, env.px);
      const hasBody = r.body !== undefined || r.hdrs.length > 0 || r.contentType !== undefined;
      const build = hasBody ? compileReply(r, pages) : undefined;
      if (typeof build === 'string') return build;
      const status = r.status;
      const t = env.px.cfg.timeouts;
      const delay = name === 'tarpit' ? (t.tarpit ?? t.connect ?? 0) : 0;
      return (txn: HttpTxn): ActionResult => {
        const close = clientCloses(txn);
        const bytes = build ? build(txn, close) : pages.proxyPage(status, close);
        // An errorfile/errorloc may carry another status than asked (HAProxy logs the sent one).
        const reply: HttpReply = {
          response: bytes, status: build ? status : statusOf(bytes), close, denied: true,
          termCause: 'P', termPhase: name === 'tarpit' ? 'T' : res ? 'H' : 'R',
        };
        if (delay > 0) reply.delayMs = delay;
        return reply;
      };
    },
  };
}

/** Redirect rule options, shared by `http-request redirect` and the `redirect` keyword. */
export interface RedirectConfig {
  type: 'location' | 'prefix' | 'scheme';
  value: string;
  code: number;
  dropQuery: boolean;
  appendSlash: boolean;
  ignoreEmpty: boolean;
  /** `set-cookie NAME[=VALUE]` / `clear-cookie NAME[=]` text to send, '' when none. */
  cookie: string;
}

const REDIRECT_CODES = [301, 302, 303, 307, 308];
/** Status lines of redirects (http_ana.c's own strings: 302 is "Found" here). */
const REDIRECT_REASONS: Record<number, string> = { 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect' };

/** Parses redirect words (without `redirect` itself); returns HAProxy's error text. */
export function parseRedirect(args: string[]): RedirectConfig | string {
  const r: RedirectConfig = { type: 'location', value: '', code: 302, dropQuery: false, appendSlash: false, ignoreEmpty: false, cookie: '' };
  let typed = false;
  for (let i = 0; i < args.length; i++) {
    const w = args[i];
    if (w === 'location' || w === 'prefix' || w === 'scheme') {
      if (args[i + 1] === undefined) return `missing argument for '${w}'`;
      r.type = w;
      r.value = args[++i];
      typed = true;
    } else if (w === 'code') {
      const v = args[++i];
      if (v === undefined) return `missing argument for 'code'`;
      const n = Number(v);
      if (!REDIRECT_CODES.includes(n)) return `'code': unsupported HTTP code '${v}' (must be one of 301, 302, 303, 307 or 308)`;
      r.code = n;
    } else if (w === 'set-cookie' || w === 'clear-cookie') {
      const v = args[++i];
      if (v === undefined) return `missing argument for '${w}'`;
      r.cookie = w === 'set-cookie' ? `${v}; path=/;` : `${v}; path=/; Max-Age=0;`;
    } else if (w === 'drop-query') r.dropQuery = true;
    else if (w === 'append-slash') r.appendSlash = true;
    else if (w === 'ignore-empty') r.ignoreEmpty = true;
    else if (w === 'if' || w === 'unless') break;
    else return `expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash' (was '${w}')`;
  }
  if (!typed) return `redirection type expected ('prefix', 'location', or 'scheme')`;
  const f = compileLf(r.value);
  if (typeof f === 'string') return f;
  return r;
}

/** Compiles a redirect into an action closure. */
export function compileRedirect(r: RedirectConfig, phase: 'R' | 'H' = 'R'): (txn: HttpTxn) => HttpReply | undefined {
  const v = compileLf(r.value) as LfValue;
  const head = `HTTP/1.1 ${r.code} ${REDIRECT_REASONS[r.code]}\r\ncontent-length: 0\r\nlocation: `;
  const tail = r.cookie ? `\r\nset-cookie: ${r.cookie}\r\n` : '\r\ncache-control: no-cache\r\n';
  const pathPart = (txn: HttpTxn): string => {
    const [, p, q] = splitUri(txn.req.uri);
    let path = p;
    if (r.appendSlash && !path.endsWith('/')) path += '/';
    return r.dropQuery ? path : path + q;
  };
  return (txn) => {
    let loc: string;
    const val = v(txn);
    if (r.type === 'location') loc = val;
    else if (r.type === 'prefix') {
      if (val === '' && r.ignoreEmpty) return undefined;
      // A prefix of "/" means "no prefix" (HAProxy avoids a double slash).
      loc = (val === '/' ? '' : val) + pathPart(txn);
    } else {
      if (val === '' && r.ignoreEmpty) return undefined;
      let host = '';
      const h = txn.req.headers;
      for (let i = 0; i < h.length; i += 2) if (h[i].length === 4 && h[i].toLowerCase() === 'host') { host = h[i + 1]; break; }
      loc = `${val}://${host}${pathPart(txn)}`;
    }
    if (r.type === 'location' && loc === '' && r.ignoreEmpty) return undefined;
    const close = clientCloses(txn);
    const text = head + loc + tail + (close ? 'connection: close\r\n' : '') + '\r\n';
    return { response: Buffer.from(text, 'latin1'), status: r.code, close, termCause: 'L', termPhase: phase };
  };
}

/** Inserts a header line before the end of a reply head. */
function withHeader(page: Buffer, line: string): Buffer {
  const end = page.indexOf('\r\n\r\n');
  if (end < 0) return page;
  return Buffer.concat([page.subarray(0, end + 2), Buffer.from(line, 'latin1'), page.subarray(end + 2)]);
}

const EMPTY = Buffer.alloc(0);

registerHttpAction([
  // reject / silent-drop: the connection closes without an answer; logged with status -1,
  // 0 bytes and PR-- (HAProxy 2.6.12). silent-drop's TCP tricks (no RST) are not reproduced.
  ...(['reject', 'silent-drop'] as const).map((name) => ({
    name, sets: name === 'reject' ? ['http-request'] as const : REQ_RES,
    parse: noArgs,
    compile: () => (): ActionResult => ({ response: EMPTY, status: -1, close: true, denied: true, termCause: 'P', termPhase: 'R' }),
  })),
  // Accepted with no effect, faithfully: Fulcrum's header rewrites cannot fail (what
  // strict-mode turns into errors) and it performs no layer-7 retries.
  {
    name: 'strict-mode', sets: ['http-request', 'http-response', 'http-after-response'],
    parse: (args) => (args[0] !== 'on' && args[0] !== 'off' ? `expects 'on' or 'off' as argument` : args.length > 1 ? `\0${args[1]}` : undefined),
    compile: () => () => undefined,
  },
  { name: 'disable-l7-retry', sets: ['http-request'], parse: noArgs, compile: () => () => undefined },
  { name: 'allow', sets: ['http-request', 'http-response', 'http-after-response'], parse: noArgs, compile: () => () => STOP },
  denyLike('deny', REQ_RES),
  denyLike('tarpit', ['http-request']),
  {
    name: 'return', sets: REQ_RES,
    parse(args) {
      const r = parseReplyArgs(args, 0, 200, ['status']);
      return typeof r === 'string' ? r : undefined;
    },
    compile(args, env) {
      const r = parseReplyArgs(args, 0, 200, ['status']) as ReplyConfig;
      const build = compileReply(r, pageSource(env.config, env.px));
      if (typeof build === 'string') return build;
      const status = r.status;
      // On a response the phase is H (HAProxy logs LH--).
      const phase = env.set === 'http-request' ? 'R' : 'H';
      return (txn): ActionResult => {
        const close = clientCloses(txn);
        return { response: build(txn, close), status, close, termCause: 'L', termPhase: phase };
      };
    },
  },
  {
    name: 'redirect', sets: REQ_RES,
    parse(args) {
      const r = parseRedirect(args);
      return typeof r === 'string' ? r : undefined;
    },
    compile(args, env) {
      const r = parseRedirect(args);
      if (typeof r === 'string') return r;
      return compileRedirect(r, env.set === 'http-request' ? 'R' : 'H');
    },
  },
  {
    name: 'auth', sets: ['http-request'],
    parse(args) {
      if (args.length === 0) return undefined;
      if (args[0] !== 'realm') return `\0${args[0]}`;
      if (args.length < 2) return 'missing realm value';
      if (args.length > 2) return `\0${args[2]}`;
      return undefined;
    },
    compile(args, env) {
      const realm = args[0] === 'realm' ? args[1] : env.px.name;
      const pages = pageSource(env.config, env.px);
      const line = `www-authenticate: Basic realm="${realm}"\r\n`;
      // Built on first use: the proxy's error table is installed by another hook installer.
      let keep: Buffer | undefined;
      let shut: Buffer | undefined;
      return (txn): ActionResult => {
        const close = clientCloses(txn);
        let b = close ? shut : keep;
        if (!b) {
          b = withHeader(pages.proxyPage(401, false), line);
          if (close) b = withHeader(b, 'connection: close\r\n');
          if (close) shut = b; else keep = b;
        }
        return { response: b, status: statusOf(b), close, termCause: 'L', termPhase: 'R' };
      };
    },
  },
]);
