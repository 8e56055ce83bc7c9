/**
 * HTTP checks: `option httpchk [METH] [URI] [VER]`, `http-check send|expect|connect|comment`
 * compiled into the rule engine, and the HTTP expectations (`status`, `rstatus`, `hdr`,
 * `fhdr`, `string`, `rstring`). A bare `option httpchk` sends `OPTIONS / HTTP/1.0`; without
 * an expect rule any 2xx or 3xx status passes (HAProxy 2.6 tcpcheck.c).
 */

import { registerExpect, type ExpectInput, type ExpectVerdict, type HttpSendRule, type Rule } from './rules';
import { registerCheckType, type HttpchkConfig } from './config';
import { parseConnect, parseExpect, type ParsedRule } from './tcp';
import { OpState, type Server } from '../proxy/server';

/** A parsed HTTP response head (and body so far). */
export interface HttpCheckResponse {
  version: string;
  status: number;
  reason: string;
  headers: [string, string][];
  body: Buffer;
  /** The body is complete (content-length reached, or the connection closed). */
  complete: boolean;
}

/**
 * Parses the response in `data`. Returns 'wait' while the head is incomplete and more data
 * may come, null when the bytes are not an HTTP/1 response.
 */
export function parseHttpResponse(data: Buffer, lastRead: boolean): HttpCheckResponse | 'wait' | null {
  const end = data.indexOf('\r\n\r\n');
  const lfEnd = end < 0 ? data.indexOf('\n\n') : -1;
  if (end < 0 && lfEnd < 0) {
    if (!lastRead) return data.length >= 5 && !data.subarray(0, 5).toString('latin1').startsWith('HTTP/') ? null : 'wait';
    if (data.length === 0) return null;
  }
  const headEnd = end >= 0 ? end : lfEnd >= 0 ? lfEnd : data.length;
  const head = data.subarray(0, headEnd).toString('latin1').split(/\r?\n/);
  const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(head[0]);
  if (!m) return null;
  const headers: [string, string][] = [];
  for (const line of head.slice(1)) {
    const c = line.indexOf(':');
    if (c > 0) headers.push([line.slice(0, c).trim(), line.slice(c + 1).trim()]);
  }
  const body = data.subarray(Math.min(data.length, headEnd + (end >= 0 ? 4 : 2)));
  const cl = headers.find(([n]) => n.toLowerCase() === 'content-length');
  const status = Number(m[2]);
  const bodyless = status === 204 || status === 304 || (status >= 100 && status < 200);
  const complete = lastRead || bodyless || (cl !== undefined && body.length >= Number(cl[1]));
  return { version: m[1], status, reason: m[3] ?? '', headers, body, complete };
}

function response(i: ExpectInput, needBody: boolean): HttpCheckResponse | 'wait' | null {
  const r = parseHttpResponse(i.data, i.lastRead);
  if (r === 'wait' || r === null) return r;
  if (needBody && !r.complete) return 'wait';
  return r;
}

/** Not an HTTP response: HAProxy reports L7RSP without info. */
const invalid: ExpectVerdict = { match: false, final: true, errorStatus: 'L7RSP', errorInfo: '' };

/** `200`, `200-399`, `200,301-302` */
function statusIn(list: string, code: number): boolean {
  return list.split(',').some((part) => {
    const [lo, hi] = part.split('-').map(Number);
    return hi === undefined ? code === lo : code >= lo && code <= hi;
  });
}

function statusVerdict(match: boolean, r: HttpCheckResponse): ExpectVerdict {
  return { match, conclusive: true, code: r.status, successInfo: '', errorInfo: r.reason, okStatus: 'L7OK', errorStatus: 'L7STS' };
}

registerExpect('http-status', (rule, i) => {
  const r = response(i, false);
  if (r === 'wait') return 'wait';
  if (r === null) return invalid;
  return statusVerdict(statusIn(rule.pattern, r.status), r);
});

registerExpect('http-rstatus', (rule, i) => {
  const r = response(i, false);
  if (r === 'wait') return 'wait';
  if (r === null) return invalid;
  return statusVerdict(new RegExp(rule.pattern).test(String(r.status)), r);
});

function matchWith(meth: string | undefined, value: string, pattern: string): boolean {
  switch (meth ?? 'str') {
    case 'beg': return value.startsWith(pattern);
    case 'end': return value.endsWith(pattern);
    case 'sub': return value.includes(pattern);
    case 'reg': return new RegExp(pattern).test(value);
    default: return value === pattern;
  }
}

function hdrEval(full: boolean) {
  return (rule: { extra?: Record<string, string> }, i: ExpectInput): ExpectVerdict => {
    const r = response(i, false);
    if (r === 'wait') return 'wait';
    if (r === null) return invalid;
    const x = rule.extra ?? {};
    const name = x.name ?? '';
    let found = false;
    for (const [n, v] of r.headers) {
      if (!matchWith(x.nameMeth, n.toLowerCase(), x.nameMeth === 'reg' ? name : name.toLowerCase())) continue;
      if (x.value === undefined) { found = true; break; }
      const values = full ? [v] : v.split(',').map((s) => s.trim());
      if (values.some((val) => matchWith(x.valueMeth, val, x.value!))) { found = true; break; }
    }
    return { match: found, conclusive: true, code: r.status, successInfo: '', errorInfo: found ? 'HTTP header matched unwanted content' : 'HTTP header did not match', okStatus: 'L7OK', errorStatus: 'L7STS' };
  };
}
registerExpect('http-hdr', hdrEval(false));
registerExpect('http-fhdr', hdrEval(true));

function bodyEval(regex: boolean) {
  return (rule: { pattern: string }, i: ExpectInput): ExpectVerdict => {
    const r = response(i, true);
    if (r === 'wait') return 'wait';
    if (r === null) return invalid;
    const text = r.body.toString('latin1');
    const match = regex ? new RegExp(rule.pattern).test(text) : text.includes(rule.pattern);
    return {
      match, conclusive: true, code: r.status, successInfo: r.reason,
      errorInfo: match ? 'HTTP check matched unwanted content' : 'HTTP content check did not match',
      okStatus: 'L7OK', errorStatus: 'L7RSP',
    };
  };
}
registerExpect('http-string', bodyEval(false));
registerExpect('http-rstring', bodyEval(true));

/** `option httpchk` argument forms (configuration.txt §4.2). */
export function parseHttpchkArgs(a: string[]): HttpchkConfig {
  const c: HttpchkConfig = { meth: 'OPTIONS', uri: '/', ver: 'HTTP/1.0', headers: [] };
  if (a.length === 1) c.uri = a[0];
  else if (a.length >= 2) {
    c.meth = a[0];
    c.uri = a[1];
    if (a[2] !== undefined) {
      // Legacy: extra headers after the version, separated by CRLF ("HTTP/1.1\r\nHost:\ x").
      const parts = a[2].split(/\r\n|\\r\\n/);
      c.ver = parts[0];
      for (const h of parts.slice(1)) {
        const i = h.indexOf(':');
        if (i > 0) c.headers.push([h.slice(0, i).trim(), h.slice(i + 1).trim()]);
      }
    }
  }
  return c;
}

/** `http-check send [meth M] [uri U] [ver V] [hdr N V]* [body B] [comment C]` */
function parseHttpSend(a: string[]): ParsedRule {
  const r: HttpSendRule & { set?: Record<string, boolean> } = { type: 'http-send', meth: '', uri: '', ver: '', headers: [], body: '' };
  for (let i = 0; i < a.length; i++) {
    const w = a[i];
    const v = a[i + 1];
    if (['meth', 'uri', 'uri-lf', 'ver', 'body', 'body-lf', 'comment'].includes(w)) {
      if (v === undefined) return { error: `'http-check send' : '${w}' expects ${w === 'meth' ? 'a method' : w === 'ver' ? 'a version' : 'a string'} as argument.` };
      i++;
      if (w === 'meth') r.meth = v.toUpperCase();
      else if (w === 'uri' || w === 'uri-lf') r.uri = v;
      else if (w === 'ver') r.ver = v;
      else if (w === 'body' || w === 'body-lf') r.body = v;
      else r.comment = v;
    } else if (w === 'hdr') {
      if (v === undefined || a[i + 2] === undefined) return { error: `'http-check send' : 'hdr' expects <name> and <value> as arguments.` };
      r.headers.push([v, a[i + 2]]);
      i += 2;
    } else {
      return { error: `'http-check send' : expects 'comment', 'meth', 'uri', 'uri-lf', 'ver', 'hdr', 'body' or 'body-lf' but got '${w}' as argument..` };
    }
  }
  return { rule: r };
}

/** Parses the words after `http-check` (a[0] is the action). */
export function parseHttpCheck(a: string[]): ParsedRule | { flag: 'disable-on-404' | 'send-state' } {
  const action = a[0];
  const rest = a.slice(1);
  switch (action) {
    case 'comment':
      if (rest[0] === undefined) return { error: `'http-check comment' : expects a string as argument.` };
      return { rule: { type: 'comment', text: rest[0] } };
    case 'connect': return parseConnect('http-check', rest);
    case 'send': return parseHttpSend(rest);
    case 'expect': return parseExpect('http-check', rest, true);
    case 'disable-on-404': case 'send-state': return { flag: action };
    default:
      return { error: `'http-check' expects 'comment', 'connect', 'disable-on-404', 'expect', 'send', 'send-state', 'set-var' or 'unset-var' but got '${action ?? ''}' as argument.` };
  }
}

/**
 * `option httpchk`: the first send rule is the httpchk request with the `http-check send`
 * fields laid over it; an implicit send and a default `rstatus ^[23]` expect are added when
 * missing, as HAProxy does.
 */
registerCheckType('httpchk', (cfg) => {
  const base = cfg.httpchk ?? { meth: 'OPTIONS', uri: '/', ver: 'HTTP/1.0', headers: [] };
  const merge = (s?: HttpSendRule): HttpSendRule => ({
    type: 'http-send',
    meth: s?.meth || base.meth,
    uri: s?.uri || base.uri,
    ver: s?.ver || base.ver,
    headers: [...base.headers, ...(s?.headers ?? [])],
    body: s?.body ?? '',
    comment: s?.comment,
  });
  const rules: Rule[] = [];
  let sawSend = false;
  for (const r of cfg.httpRules) {
    if (r.type === 'http-send') {
      rules.push(sawSend ? { ...merge(r), meth: r.meth || 'GET', uri: r.uri || '/', ver: r.ver || 'HTTP/1.0', headers: r.headers } : merge(r));
      sawSend = true;
    } else rules.push(r);
  }
  const firstAction = rules.findIndex((r) => r.type !== 'comment');
  if (!sawSend) {
    const at = firstAction >= 0 && rules[firstAction].type === 'connect' ? firstAction + 1 : 0;
    rules.splice(at, 0, merge());
  }
  if (!rules.some((r) => r.type === 'expect')) {
    rules.push({ type: 'expect', kind: 'http-rstatus', pattern: '^[23]', inverse: false });
  }
  if (cfg.disableOn404) {
    // 404 while UP means "stopping" (NOLB): conditionally passed.
    const i = rules.findIndex((r) => r.type === 'expect');
    rules.splice(i, 0, { type: 'expect', kind: 'http-404', pattern: '', inverse: false });
  }
  return { proto: 'http', rules };
});

/** `http-check disable-on-404`: a 404 answers L7OKC (server goes NOLB), else continue. */
registerExpect('http-404', (_rule, i) => {
  const r = response(i, false);
  if (r === 'wait') return 'wait';
  if (r === null) return invalid;
  if (r.status === 404) return { match: false, final: true, code: 404, errorInfo: '', errorStatus: 'L7OKC' };
  return { match: true, final: true };
});

/**
 * `http-check send-state`: the `X-Haproxy-Server-State` value (HAProxy check.c
 * httpchk_build_status_header), e.g. `UP 2/3; address=10.0.0.1; port=80; name=be/srv;
 * node=lb1; weight=1/2; scur=0/0; qcur=0`.
 */
export function serverStateHeader(srv: Server, node: string): string {
  const c = srv.check;
  let st: string;
  if (!c || !c.enabled) st = 'no check';
  else if (srv.opState !== OpState.Stopped) {
    const full = c.health === c.rise + c.fall - 1;
    const word = srv.opState === OpState.Stopping ? 'NOLB' : 'UP';
    st = full ? word : `${word} ${c.health - c.rise + 1}/${c.fall}`;
  } else st = c.health ? `DOWN ${c.health}/${c.rise}` : 'DOWN';
  const px = srv.backend;
  const tw = px.totalWeight();
  const beconn = px.servers.reduce((n, s) => n + s.curConns, 0);
  return `${st}; address=${srv.host}; port=${srv.port || ''}; name=${px.name}/${srv.name}; node=${node}; `
    + `weight=${srv.eweight}/${tw.active || tw.backup}; scur=${srv.curConns}/${beconn}; qcur=${srv.queueLength}`;
}
