/**
 * Plain TCP checks and `option tcp-check` rulesets: the `string`, `rstring`, `binary` and
 * `rbinary` expectations, and the parser of `tcp-check` lines (also used by `http-check`
 * for the common `connect` / `expect` options). HAProxy: tcpcheck.c parse_tcpcheck_*.
 */

import { registerExpect, type ConnectRule, type ExpectRule, type Rule, type SendRule } from './rules';
import { registerCheckType } from './config';
import { isCheckStatus } from './status';

/** Upper-case hex of `data`, which HAProxy's `rbinary` regexes are matched against. */
export function hexOf(data: Buffer): string { return data.toString('hex').toUpperCase(); }

registerExpect('string', (r, i) => ({ match: i.data.includes(Buffer.from(r.pattern, 'latin1')) }));
registerExpect('binary', (r, i) => ({ match: i.data.includes(Buffer.from(r.pattern, 'hex')) }));
registerExpect('rstring', (r, i) => ({ match: new RegExp(r.pattern).test(i.data.toString('latin1')) }));
registerExpect('rbinary', (r, i) => ({ match: new RegExp(r.pattern).test(hexOf(i.data)) }));

/** Plain `check`: connect only (L4OK / L4CON / L4TOUT). */
registerCheckType('', () => ({ proto: 'tcp', rules: [] }));
/** `option tcp-check`: the proxy's `tcp-check` lines (an empty list is a plain connect). */
registerCheckType('tcp-check', (cfg) => ({ proto: cfg.tcpRules.length ? 'tcp-check' : 'tcp', rules: cfg.tcpRules }));

/** Result of parsing a rule line: the rule, or an error message for ctx.error(). */
export type ParsedRule = { rule: Rule; error?: undefined } | { rule?: undefined; error: string };

/** `connect [default] [port N] [addr IP] [send-proxy] [ssl] [sni S] [alpn A] [linger] [proto P] [comment C]` */
export function parseConnect(kw: string, a: string[]): ParsedRule {
  const r: ConnectRule = { type: 'connect' };
  for (let i = 0; i < a.length; i++) {
    const w = a[i];
    const next = (): string | undefined => a[++i];
    if (w === 'default' || w === 'linger' || w === 'via-socks4') continue;
    if (w === 'send-proxy') r.sendProxy = true;
    else if (w === 'ssl') r.ssl = true;
    else if (w === 'port' || w === 'addr' || w === 'sni' || w === 'alpn' || w === 'proto' || w === 'comment') {
      const v = next();
      if (v === undefined) {
        return { error: w === 'port' ? `'${kw} connect' : 'port' expects a port number or a sample expression as argument..` : `'${kw} connect' : '${w}' expects a string as argument.` };
      }
      if (w === 'port') {
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 1 || n > 65535) return { error: `'${kw} connect' : expects a valid port number (got '${v}').` };
        r.port = n;
      } else if (w === 'addr') r.addr = v.replace(/^ipv4@|^ipv6@/, '');
      else if (w === 'sni') r.sni = v;
      else if (w === 'comment') r.comment = v;
    } else {
      return { error: `'${kw} connect' : expects 'comment', 'port', 'addr', 'send-proxy', 'ssl', 'sni', 'alpn' or 'via-socks4', 'linger', 'default' but got '${w}' as argument..` };
    }
  }
  return { rule: r };
}

/** `send <data>`, `send-lf <fmt>`, `send-binary <hex>` with an optional `comment C`. */
export function parseSend(kw: string, action: string, a: string[]): ParsedRule {
  if (a[0] === undefined) return { error: `'${kw} ${action}' : '${action.startsWith('send-binary') ? 'binary string' : 'string'}' expects a ${action} as argument.` };
  let comment: string | undefined;
  if (a[1] === 'comment') comment = a[2];
  else if (a[1] !== undefined) return { error: `'${kw} ${action}' : unknown argument '${a[1]}'.` };
  let encoding: SendRule['encoding'] = action === 'send-lf' || action === 'send-binary-lf' ? 'lf' : action === 'send-binary' ? 'hex' : 'text';
  if (encoding === 'hex') {
    const bad = /[^0-9a-fA-F]/.exec(a[0]);
    if (bad) return { error: `'${kw} ${action}' : '${a[0]}' invalid binary string (an hex digit is expected (found '${bad[0]}')).` };
    if (a[0].length % 2) return { error: `'${kw} ${action}' : '${a[0]}' invalid binary string (an even number of hex digit is expected).` };
  }
  if (action === 'send-binary-lf') encoding = 'lf';
  return { rule: { type: 'send', data: a[0], encoding, comment } };
}

/** Statuses HAProxy accepts after ok-status / error-status / tout-status. */
const STATUS_CHOICES: Record<string, string[]> = {
  'ok-status': ['L4OK', 'L6OK', 'L7OK', 'L7OKC'],
  'error-status': ['L4CON', 'L6RSP', 'L7RSP', 'L7STS'],
  'tout-status': ['L4TOUT', 'L6TOUT', 'L7TOUT'],
};

/** Match methods allowed after `expect`, per family. */
const TCP_MATCHES = ['string', 'rstring', 'binary', 'rbinary', 'string-lf', 'binary-lf'];
const HTTP_MATCHES = ['status', 'rstatus', 'hdr', 'fhdr', 'string', 'rstring', 'string-lf'];

/**
 * `expect [min-recv N] [comment C] [ok-status S] [error-status S] [tout-status S]
 * [on-success F] [on-error F] [status-code E] [!] <match> <pattern>` (tcp-check and
 * http-check; `http` selects the HTTP match methods, whose kinds are prefixed `http-`).
 */
export function parseExpect(kw: string, a: string[], http: boolean): ParsedRule {
  const r: ExpectRule = { type: 'expect', kind: '', pattern: '', inverse: false };
  const matches = http ? HTTP_MATCHES : TCP_MATCHES;
  for (let i = 0; i < a.length; i++) {
    const w = a[i];
    if (w === '!') { r.inverse = true; continue; }
    if (matches.includes(w)) {
      const p = a[++i];
      if (p === undefined) return { error: `'${kw} expect' : '${w}' expects a <pattern> as argument.` };
      r.kind = (http ? 'http-' : '') + w.replace(/-lf$/, '');
      r.pattern = p;
      if (w === 'binary' && !/^([0-9a-fA-F]{2})*$/.test(p)) return { error: `'${kw} expect' : '${p}' invalid binary string.` };
      if (w === 'rstring' || w === 'rbinary' || w === 'rstatus') {
        try { new RegExp(p); } catch (e) { return { error: `'${kw} expect' : regex '${p}' is invalid (error=${(e as Error).message}).` }; }
      }
      if (w === 'hdr' || w === 'fhdr') {
        // hdr name [-m meth] <fmt> [value [-m meth] <fmt>]
        const extra: Record<string, string> = {};
        if (p !== 'name') return { error: `'${kw} expect' : '${w}' expects at the name keyword as first argument followed by a pattern.` };
        i++;
        if (a[i] === '-m') { extra.nameMeth = a[i + 1] ?? 'str'; i += 2; }
        if (a[i] === undefined) return { error: `'${kw} expect ${w}' : 'name' expects <fmt> as argument.` };
        extra.name = a[i];
        if (a[i + 1] === 'value') {
          i += 2;
          if (a[i] === '-m') { extra.valueMeth = a[i + 1] ?? 'str'; i += 2; }
          if (a[i] === undefined) return { error: `'${kw} expect ${w}' : 'value' expects <fmt> as argument.` };
          extra.value = a[i];
        }
        if (w === 'fhdr') extra.full = '1';
        r.extra = extra;
        r.pattern = extra.name;
      }
      continue;
    }
    const v = a[i + 1];
    const needs = ['min-recv', 'comment', 'ok-status', 'error-status', 'tout-status', 'on-success', 'on-error', 'status-code'];
    if (!needs.includes(w)) {
      // HAProxy 2.6's wording, quotes and double period included.
      return {
        error: http
          ? `'${kw} expect' : 'only supports min-recv, [!]string', '[!]rstring', '[!]string-lf', '[!]status', '[!]rstatus', [!]hdr, [!]fhdr or comment but got '${w}' as argument..`
          : `'${kw} expect' : 'only supports min-recv, '[!]binary', '[!]string', '[!]rstring', '[!]string-lf''[!]rbinary', '[!]binary-lf' or comment but got '${w}' as argument..`,
      };
    }
    if (v === undefined) return { error: `'${kw} expect ${w}' expects an argument.` };
    i++;
    if (w === 'min-recv') {
      // atoi() in HAProxy: junk reads as 0; negative means "no minimum".
      const n = Number.parseInt(v, 10) || 0;
      if (n >= 0) r.minRecv = n;
    } else if (w === 'comment') r.comment = v;
    else if (w === 'on-success') r.onSuccess = v;
    else if (w === 'on-error') r.onError = v;
    else if (w === 'status-code') r.statusCode = v;
    else {
      const allowed = STATUS_CHOICES[w];
      if (!isCheckStatus(v) || !allowed.includes(v)) {
        const list = allowed.map((x) => `'${x}'`);
        const text = list.length === 3 ? `${list[0]}, ${list[1]} or ${list[2]}` : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
        return { error: `'${kw} expect' : '${w}' only supports ${text} status (got '${v}')..` };
      }
      if (w === 'ok-status') r.okStatus = v;
      else if (w === 'error-status') r.errorStatus = v;
      else r.toutStatus = v;
    }
  }
  if (!r.kind) return { error: `'${kw} expect' : expects at least a matching pattern as arguments.` };
  return { rule: r };
}

/** Parses the words after `tcp-check` (a[0] is the action). */
export function parseTcpCheck(a: string[]): ParsedRule | { ignore: true } {
  const action = a[0];
  const rest = a.slice(1);
  switch (action) {
    case 'comment':
      if (rest[0] === undefined) return { error: `'tcp-check comment' : expects a string as argument.` };
      return { rule: { type: 'comment', text: rest[0] } };
    case 'connect': return parseConnect('tcp-check', rest);
    case 'send': case 'send-lf': case 'send-binary': case 'send-binary-lf': return parseSend('tcp-check', action, rest);
    case 'expect': return parseExpect('tcp-check', rest, false);
    default:
      return { error: `'tcp-check' expects 'comment', 'connect', 'send', 'send-lf', 'send-binary', 'send-binary-lf', 'expect', 'set-var' or 'unset-var' but got '${action ?? ''}' as argument.` };
  }
}
