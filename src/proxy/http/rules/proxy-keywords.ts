/**
 * Proxy keywords that produce HTTP answers outside the http-request list:
 * `redirect ...` (evaluated after every `http-request` rule of the frontend, whatever the line
 * order, as HAProxy warns), `monitor-uri <uri>` and `monitor fail { if | unless } <cond>`
 * (intercepted before any rule; answered with the built-in 200 page, or 503 when the
 * monitor condition fails; never logged, as HAProxy).
 */

import { registerKeywords, registerFamily, FRONTEND_SECTIONS, FRONTEND_ONLY, type KeywordContext } from '../../../config/registry';
import { extSlice, type ProxyConfig, type ConditionConfig, type SourceRef } from '../../../config/model';
import { compileCondition, type CompiledCondition } from '../../../acl/compile';
import { registerHookInstaller, httpHooks, type HttpReply } from '../hooks';
import { parseRedirect, compileRedirect } from './actions-reply';
import { clientCloses } from './reply';
import { pageSource } from '../errors-config';

/** `ext.httpIntercept` slice. */
export interface ProxyInterceptConfig {
  redirects: { args: string[]; cond?: ConditionConfig; src: SourceRef }[];
  monitorUri?: string;
  monitorFail?: ConditionConfig;
}

function intercept(p: ProxyConfig): ProxyInterceptConfig {
  return extSlice(p, 'httpIntercept', (): ProxyInterceptConfig => ({ redirects: [] }));
}

function proxyWhat(p: ProxyConfig): string { return `${p.cap === 'listen' ? 'proxy' : p.cap} '${p.name}'`; }

function parseCond(ctx: KeywordContext, at: number, what: string): ConditionConfig | undefined | null {
  if (at < 0) return undefined;
  const words = ctx.args.slice(at + 1);
  if (words.length === 0) { ctx.error(`error detected while parsing ${what} condition : missing condition after '${ctx.args[at]}'.`); return null; }
  const cond: ConditionConfig = { polarity: ctx.args[at] as 'if' | 'unless', words, src: ctx.src };
  let msg: string | undefined;
  compileCondition(cond, ctx.proxy!, (m) => { msg ??= m; });
  if (msg !== undefined) { ctx.error(`error detected while parsing ${what} condition : ${msg}.`); return null; }
  return cond;
}

registerKeywords([
  {
    name: 'redirect', sections: FRONTEND_SECTIONS.concat(['backend']), usage: 'redirect {location|prefix|scheme} <to> [code <code>] <option> [{if | unless} <condition>]',
    parse(ctx) {
      const p = ctx.proxy!;
      const at = ctx.args.findIndex((w, i) => i > 0 && (w === 'if' || w === 'unless'));
      const words = ctx.args.slice(1, at < 0 ? undefined : at);
      const r = parseRedirect(words);
      if (typeof r === 'string') { ctx.error(`error detected in ${proxyWhat(p)} while parsing redirect rule : ${r}.`); return; }
      const cond = parseCond(ctx, at, 'a redirect rule');
      if (cond === null) return;
      intercept(p).redirects.push({ args: words, cond, src: ctx.src });
    },
  },
  {
    name: 'monitor-uri', sections: FRONTEND_SECTIONS, usage: 'monitor-uri <uri>',
    parse(ctx) {
      if (ctx.args.length < 2 || ctx.args[1] === '') { ctx.error(`'monitor-uri' expects an URI.`); return; }
      intercept(ctx.proxy!).monitorUri = ctx.args[1];
    },
  },
]);

registerFamily('monitor', [{
  name: 'fail', sections: FRONTEND_ONLY, usage: 'monitor fail {if | unless} <condition>',
  parse(ctx) {
    const w = ctx.args[2];
    if (w !== 'if' && w !== 'unless') { ctx.error(`'monitor fail' expects 'if' or 'unless' followed by a condition.`); return; }
    const cond = parseCond(ctx, 2, "a 'monitor fail'");
    if (!cond) return;
    intercept(ctx.proxy!).monitorFail = cond;
  },
}]);

registerHookInstaller((instance, px) => {
  const ic = px.cfg.ext.httpIntercept as ProxyInterceptConfig | undefined;
  if (!ic) return;
  const hooks = httpHooks(px);
  const report = (m: string): void => { process.stderr.write(`[ALERT]    (${process.pid}) : config : Proxy '${px.name}': ${m}.\n`); };
  if (ic.monitorUri !== undefined && px.isFrontend) {
    const uri = ic.monitorUri;
    let fail: CompiledCondition | undefined;
    if (ic.monitorFail) {
      const c = compileCondition(ic.monitorFail, px.cfg, report);
      if (c) fail = c; // polarity applied by compileCondition
    }
    const pages = pageSource(instance.config, px);
    // Monitor requests come first: HAProxy intercepts them before any http-request rule.
    hooks.frontendRequest.unshift((txn): HttpReply | undefined => {
      if (txn.req.uri !== uri) return undefined;
      const status = fail && fail(txn.sample) ? 503 : 200;
      const close = clientCloses(txn);
      txn.rec.logLevel = 'silent';
      return { response: pages.proxyPage(status, close), status, close, termCause: 'L', termPhase: 'R' };
    });
  }
  if (ic.redirects.length) {
    const rules: { cond?: CompiledCondition; run: ReturnType<typeof compileRedirect> }[] = [];
    for (const r of ic.redirects) {
      const parsed = parseRedirect(r.args);
      if (typeof parsed === 'string') { report(parsed); continue; }
      let cond: CompiledCondition | undefined;
      if (r.cond) {
        const c = compileCondition(r.cond, px.cfg, report);
        if (!c) continue;
        cond = c;
      }
      rules.push({ cond, run: compileRedirect(parsed) });
    }
    const list = px.isFrontend ? hooks.frontendRequest : hooks.backendRequest;
    list.push((txn) => {
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i];
        if (r.cond && !r.cond(txn.sample)) continue;
        const rep = r.run(txn);
        if (rep) return rep;
      }
      return undefined;
    });
  }
});
