/**
 * `tcp-request content` rules of HTTP proxies. HAProxy evaluates them for every HTTP request
 * (each request is a new stream), before the `http-request` rules; Fulcrum runs them as the
 * first frontend (or backend) request hook, once the request head is parsed, with no
 * payload inspection (an inspect-delay does not apply). A `reject` closes the connection
 * without a response, counts `dreq` and is logged `PR--` with status -1 (HAProxy logs
 * `<BADREQ>` there because it rejects before parsing the request).
 */

import { registerHookInstaller, httpHooks, type HttpHook } from '../http/hooks';
import { tcpRulesOf, execTcpRules } from './rules';
import { stickTables } from '../../stick/runtime';

registerHookInstaller((instance, px) => {
  if (px.mode !== 'http') return;
  const rules = tcpRulesOf(instance, px, 'content');
  if (!rules) return;
  const hook: HttpHook = (txn) => {
    const v = execTcpRules(rules, txn.sample, true);
    txn.sample.final = undefined;
    if (v !== 'reject' && v !== 'silent-drop') return undefined;
    return { response: Buffer.alloc(0), status: -1, close: true, denied: true, termCause: 'P', termPhase: 'R' };
  };
  const hooks = httpHooks(px);
  if (px.isFrontend) {
    // stick/runtime.ts (loaded by rules.ts, so its installer ran before this one) put its
    // per-request bookkeeping first when tables exist; it frees request-level slots, so the
    // rules come right after it, before every http-request rule.
    hooks.frontendRequest.splice(stickTables(instance).size > 0 ? 1 : 0, 0, hook);
  } else hooks.backendRequest.unshift(hook);
});
