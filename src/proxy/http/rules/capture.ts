/**
 * Header captures for the log line's `%hr` / `%hs` (HAProxy: `capture request header`,
 * `capture response header`, `declare capture`, and the `http-request capture` /
 * `http-response capture` actions). Slots are numbered in declaration order per direction;
 * `http-request capture <expr> len N` appends a slot of its own, `id N` writes into an
 * existing one. Values are cut to the slot length; the last occurrence of a header wins
 * (HAProxy overwrites the slot for each occurrence).
 */

import { registerFamily, registerKeywords, FRONTEND_ONLY } from '../../../config/registry';
import { extSlice, type ProxyConfig, type SourceRef } from '../../../config/model';
import { compileSampleExpr } from '../../../sample/expr';
import { registerHookInstaller, httpHooks, type HttpTxn } from '../hooks';
import { registerHttpAction, type ActionResult, type HttpRuleConfig } from './registry';
import { registerPostCheck } from '../../../config/validate';
import type { SampleValue } from '../../../sample/context';

/** One capture slot. `name` is the header (lower-case) or '' for an action/declared slot. */
export interface CaptureSlot { name: string; len: number; src: SourceRef }

/** `ext.captures` slice of a frontend. */
export interface ProxyCaptures { request: CaptureSlot[]; response: CaptureSlot[] }

/** The proxy's capture slots. */
export function proxyCaptures(p: ProxyConfig): ProxyCaptures {
  return extSlice(p, 'captures', (): ProxyCaptures => ({ request: [], response: [] }));
}

function parseLen(w: string | undefined): number | undefined {
  if (w === undefined || !/^\d+$/.test(w)) return undefined;
  const n = Number(w);
  return n > 0 ? n : undefined;
}

registerFamily('capture', (['request', 'response'] as const).map((dir) => ({
  name: dir, sections: FRONTEND_ONLY, usage: `capture ${dir} header <name> len <length>`,
  parse(ctx) {
    const a = ctx.args;
    if (a[2] !== 'header' || a[3] === undefined || a[4] !== 'len' || a[5] === undefined) {
      ctx.error(`'capture ${dir} header' expects <header name> 'len' <len>.`);
      return;
    }
    const len = parseLen(a[5]);
    if (len === undefined) { ctx.error(`'capture ${dir} header' expects a positive length value.`); return; }
    proxyCaptures(ctx.proxy!)[dir].push({ name: a[3].toLowerCase(), len, src: ctx.src });
  },
})));

registerKeywords([{
  name: 'declare', sections: FRONTEND_ONLY, usage: 'declare capture [ request | response ] len <length>',
  parse(ctx) {
    const a = ctx.args;
    if (a[1] !== 'capture') { ctx.error(`unknown keyword 'declare ${a[1] ?? ''}'.`); return; }
    if (a[2] !== 'request' && a[2] !== 'response') { ctx.error(`'declare capture' requires a direction ('request' or 'response').`); return; }
    if (a[3] !== 'len') { ctx.error(`'declare capture' expects 'len'.`); return; }
    const len = parseLen(a[4]);
    if (len === undefined) { ctx.error(`length must be > 0.`); return; }
    proxyCaptures(ctx.proxy!)[a[2]].push({ name: '', len, src: ctx.src });
  },
}]);

function cut(v: string, len: number): string { return v.length > len ? v.slice(0, len) : v; }

function str(v: SampleValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return v.toString('latin1');
}

/** Fills `out` (one string per slot, '' when absent) from a head's headers. */
function captureHeaders(slots: CaptureSlot[], headers: string[], out: string[]): void {
  for (let k = 0; k < slots.length; k++) {
    const s = slots[k];
    if (out.length <= k) out.push('');
    if (!s.name) continue;
    for (let i = 0; i < headers.length; i += 2) {
      if (headers[i].length === s.name.length && headers[i].toLowerCase() === s.name) out[k] = cut(headers[i + 1], s.len);
    }
  }
}

registerHookInstaller((_instance, px) => {
  const c = px.cfg.ext.captures as ProxyCaptures | undefined;
  if (!c || !px.isFrontend) return;
  const hooks = httpHooks(px);
  if (c.request.length) {
    const slots = c.request;
    // Captured when the request head is parsed, before any rule (HAProxy does it there).
    hooks.frontendRequest.unshift((txn) => { captureHeaders(slots, txn.req.headers, txn.rec.capturedRequestHeaders); return undefined; });
  }
  if (c.response.length) {
    const slots = c.response;
    hooks.frontendResponse.unshift((txn) => { if (txn.res) captureHeaders(slots, txn.res.headers, txn.rec.capturedResponseHeaders); return undefined; });
  }
});

/**
 * `http-request capture <sample> [ len <length> | id <id> ]` and
 * `http-response capture <sample> id <id>`.
 */
registerHttpAction([{
  name: 'capture', sets: ['http-request', 'http-response', 'http-after-response'],
  parse(args, env) {
    const usage = env.set === 'http-request' ? `expects <expression> [ 'len' <length> | id <idx> ]` : `expects <expression> id <idx>`;
    if (args.length < 3) return usage;
    let err = '';
    if (!compileSampleExpr(args[0], (m) => { err = m; })) return err;
    if (args[1] === 'len' && env.set === 'http-request') {
      const len = parseLen(args[2]);
      if (len === undefined) return 'length must be > 0';
      // A `len` capture declares its own request slot, after those declared above it.
      proxyCaptures(env.proxy).request.push({ name: '', len, src: env.src });
    } else if (args[1] === 'id') {
      if (!/^\d+$/.test(args[2])) return `Invalid capture id '${args[2]}'`;
    } else return usage;
    if (args.length > 3) return `\0${args[3]}`;
    return undefined;
  },
  compile(args, env) {
    const fn = compileSampleExpr(args[0], () => undefined);
    if (!fn) return 'invalid sample expression';
    const c = proxyCaptures(env.px.cfg);
    const dir = env.set === 'http-request' ? 'request' : 'response';
    const slots = c[dir];
    let idx: number;
    if (args[1] === 'len') idx = slots.findIndex((s) => s.name === '' && s.src.file === env.src.file && s.src.line === env.src.line);
    else idx = Number(args[2]);
    if (idx < 0 || idx >= slots.length) return `unable to find capture id '${args[2]}' referenced by ${env.set} capture rule`;
    const len = slots[idx].len;
    return (txn: HttpTxn): ActionResult => {
      const v = str(fn(txn.sample));
      if (v === undefined) return undefined;
      const out = dir === 'request' ? txn.rec.capturedRequestHeaders : txn.rec.capturedResponseHeaders;
      while (out.length <= idx) out.push('');
      out[idx] = cut(v, len);
      return undefined;
    };
  },
}]);

// `capture ... id N` must name an existing slot (HAProxy checks it once the proxy is parsed).
registerPostCheck('capture ids', (config, diag) => {
  for (const p of config.proxies) {
    const rules = p.ext.httpRules as { request: HttpRuleConfig[]; response: HttpRuleConfig[] } | undefined;
    if (!rules) continue;
    const c = p.ext.captures as ProxyCaptures | undefined;
    for (const [list, dir] of [[rules.request, 'request'], [rules.response, 'response']] as const) {
      for (const r of list) {
        if (r.action !== 'capture' || r.args[1] !== 'id') continue;
        const n = Number(r.args[2]);
        if (!c || n >= c[dir].length) diag.alert(`Proxy '${p.name}': unable to find capture id '${r.args[2]}' referenced by ${r.set} capture rule.`);
      }
    }
  }
});
