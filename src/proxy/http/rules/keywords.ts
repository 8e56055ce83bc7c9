/**
 * `http-request`, `http-response` and `http-after-response` keywords (HAProxy:
 * http_rules.c parse_http_req_cond / parse_http_res_cond / parse_http_after_res_cond), and
 * the installer turning a proxy's rules into hooks (hooks.ts):
 *
 *   http-request  in a frontend/listen  -> frontendRequest (before use_backend)
 *   http-request  in a backend          -> backendRequest  (after use_backend)
 *   http-response in a backend/listen   -> backendResponse (first)
 *   http-response in a frontend         -> frontendResponse
 *   http-after-response                 -> afterResponse
 *
 * Rules are kept as words in `proxy.ext.httpRules` (plain data, inherited from defaults).
 * The action's own parse() runs when the line is read and the condition is compiled then
 * too (HAProxy resolves ACLs at that point, so a rule sees only ACLs declared above it); the
 * installer compiles both again against the runtime graph once per proxy.
 */

import { registerKeywords, ALL_PROXY_SECTIONS, type KeywordContext } from '../../../config/registry';
import { extSlice, type ProxyConfig, type ConditionConfig } from '../../../config/model';
import { compileCondition, compileConditionInfo, type CompiledCondition, type ConditionInfo } from '../../../acl/compile';
import type { FetchUse } from '../../../sample/registry';
import { registerHookInstaller, httpHooks, type HttpHook, type HttpTxn, type HttpReply } from '../hooks';
import type { Instance } from '../../../process/instance';
import type { Proxy } from '../../proxy';
import {
  findHttpAction, actionNames, haproxyKnowsAction, STOP,
  type RuleSet, type HttpRuleConfig, type CompiledAction, type ActionCompileEnv,
} from './registry';

/** `ext.httpRules` slice: the three rule lists of a proxy, in order. */
export interface ProxyHttpRules {
  request: HttpRuleConfig[];
  response: HttpRuleConfig[];
  after: HttpRuleConfig[];
}

/** The proxy's rule lists. */
export function proxyHttpRules(p: ProxyConfig): ProxyHttpRules {
  return extSlice(p, 'httpRules', (): ProxyHttpRules => ({ request: [], response: [], after: [] }));
}

const LIST: Record<RuleSet, keyof ProxyHttpRules> = { 'http-request': 'request', 'http-response': 'response', 'http-after-response': 'after' };

/** HAProxy's way of naming the proxy in rule errors (`frontend 'f'`, `proxy 'l'`). */
function proxyWhat(p: ProxyConfig): string {
  return `${p.cap === 'listen' ? 'proxy' : p.cap} '${p.name}'`;
}

/** Splits action words from the condition: the first `if` / `unless` starts it. */
function splitCondition(args: string[], from: number): { words: string[]; condAt: number } {
  for (let i = from; i < args.length; i++) if (args[i] === 'if' || args[i] === 'unless') return { words: args.slice(from, i), condAt: i };
  return { words: args.slice(from), condAt: -1 };
}

function parseRule(ctx: KeywordContext, set: RuleSet): void {
  const p = ctx.proxy!;
  // Rules of a named defaults section run before the proxy's own (inherited with `ext`);
  // an anonymous one may not hold rules (HAProxy 2.6).
  if (ctx.section === 'defaults' && ctx.sectionName === '') {
    ctx.error(`'${set}' not allowed in anonymous 'defaults' section.`);
    return;
  }
  const name = ctx.args[1];
  const action = name === undefined ? undefined : findHttpAction(set, name);
  if (!action) {
    if (name !== undefined && haproxyKnowsAction(set, name)) {
      ctx.error(`'${set} ${name}' is not supported by Fulcrum yet.`);
      return;
    }
    const list = actionNames(set).map((n) => `'${n}'`).join(', ');
    ctx.error(`'${set}' expects ${list}, but got '${name ?? ''}'${name === undefined ? ' (did you forget an action ?)' : ''}.`, 'parsing-tight');
    return;
  }
  const { words, condAt } = splitCondition(ctx.args, 2);
  const env = { set, action: name!, proxy: p, config: ctx.config, src: ctx.src };
  const err = action.parse(words, env);
  if (err !== undefined) {
    if (err.startsWith('\0')) {
      // The action asks for the "expects if/unless" form (trailing garbage, as HAProxy reports it).
      ctx.error(`'${set} ${name}' expects either 'if' or 'unless' followed by a condition but found '${err.slice(1)}'.`, 'parsing-tight');
      return;
    }
    ctx.error(`error detected in ${proxyWhat(p)} while parsing '${set} ${name}' rule : ${err}.`);
    return;
  }
  let cond: ConditionConfig | undefined;
  if (condAt >= 0) {
    const cw = ctx.args.slice(condAt + 1);
    if (cw.length === 0) {
      ctx.error(`error detected while parsing an '${set} ${name}' condition : missing condition after '${ctx.args[condAt]}'.`);
      return;
    }
    cond = { polarity: ctx.args[condAt] as 'if' | 'unless', words: cw, src: ctx.src };
    let msg: string | undefined;
    const info = compileConditionInfo(cond, p, (m) => { msg ??= m; });
    if (msg !== undefined || !info) {
      ctx.error(`error detected while parsing an '${set} ${name}' condition : ${msg ?? 'invalid condition'}.`);
      return;
    }
    warnIncompatible(ctx, set, cond, info);
  }
  // `redirect` rules run after every http-request rule whatever the line order.
  if (set === 'http-request' && ((p.ext.httpIntercept as { redirects?: unknown[] } | undefined)?.redirects?.length ?? 0) > 0) {
    ctx.warning(`a 'http-request' rule placed after a 'redirect' rule will still be processed before.`);
  }
  proxyHttpRules(p)[LIST[set]].push({ set, action: name!, args: words, cond, src: ctx.src });
}

/**
 * HAProxy's warnings for ACL terms whose fetches cannot work where the rule runs (response
 * fetches in http-request rules, request fetches in response rules). Fulcrum still keeps
 * the request head during response rules, so such terms do evaluate (HAProxy: never match).
 */
function warnIncompatible(ctx: KeywordContext, set: RuleSet, cond: ConditionConfig, info: ConditionInfo): void {
  const bad: FetchUse = set === 'http-request' ? 'res' : 'req';
  const where = `${ctx.proxy!.cap === 'backend' ? 'backend' : 'frontend'} ${set} header rule`;
  // Fetch keywords of the anonymous ACLs, in order: the word after each `{`.
  const anon: string[] = [];
  cond.words.forEach((w, i) => { if (w === '{' && cond.words[i + 1] !== undefined) anon.push(cond.words[i + 1].split(/[(,]/)[0]); });
  let k = 0;
  for (const suite of info.suites) {
    for (const t of suite) {
      const kw = t.name === '' ? anon[k++] : undefined;
      if (t.uses.length === 0 || !t.uses.includes(bad)) continue;
      if (t.name === '') ctx.warning(`anonymous acl will never match because it uses keyword '${kw}' which is incompatible with '${where}'`);
      else if (t.uses.every((u) => u === bad)) ctx.warning(`acl '${t.name}' will never match because it only involves keywords that are incompatible with '${where}'`);
    }
  }
}

registerKeywords((['http-request', 'http-response', 'http-after-response'] as RuleSet[]).map((set) => ({
  name: set, sections: ALL_PROXY_SECTIONS, usage: `${set} <action> [options...] [ { if | unless } <condition> ]`,
  parse: (ctx: KeywordContext) => parseRule(ctx, set),
})));

/** A compiled rule: its condition (undefined = always) and its action. */
interface CompiledRule { cond?: CompiledCondition; run: CompiledAction }

/**
 * Compiles a rule list into one hook running the rules in order: the first reply answers,
 * `allow` (STOP) ends this list. Errors are reported through `report` and the rule dropped
 * (the post-check of the same compile refuses such a config before it runs).
 */
export function compileRuleList(instance: Instance, px: Proxy, rules: HttpRuleConfig[], report: (msg: string) => void): HttpHook | undefined {
  const out: CompiledRule[] = [];
  for (const r of rules) {
    const def = findHttpAction(r.set, r.action);
    if (!def) continue;
    const env: ActionCompileEnv = { set: r.set, action: r.action, proxy: px.cfg, config: instance.config, src: r.src, instance, px };
    const run = def.compile(r.args, env);
    if (typeof run === 'string') { report(run); continue; }
    let cond: CompiledCondition | undefined;
    if (r.cond) {
      cond = compileCondition(r.cond, px.cfg, report);
      if (!cond) continue;
    }
    out.push({ cond, run });
  }
  if (out.length === 0) return undefined;
  const n = out.length;
  return (txn: HttpTxn): HttpReply | undefined => {
    const s = txn.sample;
    for (let i = 0; i < n; i++) {
      const r = out[i];
      if (r.cond && !r.cond(s)) continue;
      const res = r.run(txn);
      if (res === undefined) continue;
      if (res === STOP) return undefined;
      return res;
    }
    return undefined;
  };
}

/** Errors met while compiling at build time, keyed per proxy (for the post-check / logs). */
registerHookInstaller((instance, px) => {
  const rules = px.cfg.ext.httpRules as ProxyHttpRules | undefined;
  if (!rules) return;
  const report = (m: string): void => { process.stderr.write(`[ALERT]    (${process.pid}) : config : Proxy '${px.name}': ${m}.\n`); };
  const hooks = httpHooks(px);
  const req = compileRuleList(instance, px, rules.request, report);
  if (req) {
    if (px.isFrontend) hooks.frontendRequest.push(req);
    else hooks.backendRequest.push(req);
  }
  const res = compileRuleList(instance, px, rules.response, report);
  if (res) {
    if (px.isBackend) hooks.backendResponse.push(res);
    else hooks.frontendResponse.push(res);
  }
  const after = compileRuleList(instance, px, rules.after, report);
  if (after) hooks.afterResponse.push(after);
});
