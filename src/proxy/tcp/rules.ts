/**
 * `tcp-request connection|session|content` and `tcp-response content` rules (HAProxy:
 * tcp_rules.c). Rules are kept as plain words in `ProxyConfig.ext.tcpRules` (see
 * keywords.ts) and compiled once per runtime proxy on first use.
 *
 * Evaluation follows tcp_exec_l4_rules / tcp_inspect_request: rules run in order; the first
 * matching `accept` / `reject` (and `expect-proxy`, `silent-drop`, `close`) ends the list;
 * other actions (track-sc*, set-var, unset-var, sc-inc-gpc*) run and continue. For content
 * rules, a condition that is false while it reads buffered payload (fetch use `req`/`res`)
 * and more data may still come is a "miss": evaluation stops at that rule and resumes there
 * when data arrives or the inspect delay ends (HAProxy: ACL_TEST_MISS -> missing_data).
 */

import type { ConditionConfig, ProxyConfig, SourceRef } from '../../config/model';
import { extSlice } from '../../config/model';
import type { SampleContext } from '../../sample/context';
import { compileConditionInfo, type CompiledCondition } from '../../acl/compile';
import { compileSampleExpr } from '../../sample/expr';
import { checkVarName, setVar, unsetVar } from '../../sample/vars';
import type { Instance } from '../../process/instance';
import type { Proxy } from '../proxy';
import { stickTables, trackSc, trackedSlot, incGpc, MAX_SC } from '../../stick/runtime';

/** Which rule list. */
export type TcpRuleSet = 'connection' | 'session' | 'content' | 'response';

/** One rule as written. `args` are the action's words before `if`/`unless`. */
export interface TcpRuleConfig {
  action: string;
  args: string[];
  cond?: ConditionConfig;
  src: SourceRef;
}

/** The `ext.tcpRules` slice of a proxy. */
export interface ProxyTcpRules {
  connection: TcpRuleConfig[];
  session: TcpRuleConfig[];
  content: TcpRuleConfig[];
  response: TcpRuleConfig[];
  /** `tcp-request inspect-delay` / `tcp-response inspect-delay` (ms). */
  inspectDelay?: number;
  resInspectDelay?: number;
}

/** The proxy's rule lists (created on first use). */
export function proxyTcpRules(p: { ext: Record<string, unknown> }): ProxyTcpRules {
  return extSlice(p, 'tcpRules', (): ProxyTcpRules => ({ connection: [], session: [], content: [], response: [] }));
}

/** Actions Fulcrum runs, per rule set (HAProxy knows more; see UNSUPPORTED). */
export const ACTIONS: Record<TcpRuleSet, string[]> = {
  connection: ['accept', 'reject', 'expect-proxy', 'silent-drop', 'track-sc0', 'track-sc1', 'track-sc2', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'set-var(*)', 'unset-var(*)'],
  session: ['accept', 'reject', 'silent-drop', 'track-sc0', 'track-sc1', 'track-sc2', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'set-var(*)', 'unset-var(*)'],
  content: ['accept', 'reject', 'silent-drop', 'track-sc0', 'track-sc1', 'track-sc2', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'set-var(*)', 'unset-var(*)'],
  response: ['accept', 'close', 'reject', 'silent-drop', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'set-var(*)', 'unset-var(*)'],
};

/** HAProxy 2.6.12's lists of actions, as printed in its "expects ..." errors (observed). */
export const HAPROXY_LISTS: Record<TcpRuleSet, string> = {
  connection: `'accept', 'reject', 'capture', 'expect-proxy', 'expect-netscaler-cip', 'track-sc0' ... 'track-sc2', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-dst', 'set-dst-port', 'set-mark', 'set-src', 'set-src-port', 'set-tos', 'silent-drop'`,
  session: `'accept', 'reject', 'capture', 'expect-proxy', 'expect-netscaler-cip', 'track-sc0' ... 'track-sc2', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-dst', 'set-dst-port', 'set-mark', 'set-src', 'set-src-port', 'set-tos', 'silent-drop'`,
  content: `'accept', 'reject', 'capture', 'expect-proxy', 'expect-netscaler-cip', 'track-sc0' ... 'track-sc2', 'ot-group', 'set-log-level', 'set-nice', 'switch-mode', 'use-service', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'send-spoe-group', 'do-resolve(*)', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-src', 'set-src-port', 'set-dst', 'set-dst-port', 'set-mark', 'set-tos', 'silent-drop', 'set-priority-class', 'set-priority-offset'`,
  response: `'accept', 'close', 'reject', 'ot-group', 'set-log-level', 'set-nice', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'send-spoe-group', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-mark', 'set-tos', 'silent-drop'`,
};

/** Action name as listed (`set-var(x)` -> `set-var(*)`). */
export function actionKey(action: string): string {
  const o = action.indexOf('(');
  return o > 0 && action.endsWith(')') ? action.slice(0, o) + '(*)' : action;
}

/** Is `action` one HAProxy accepts in this set (even if Fulcrum does not run it)? */
export function haproxyKnows(set: TcpRuleSet, action: string): boolean {
  const key = actionKey(action);
  if (/^track-sc\d+$/.test(action)) return set !== 'response';
  return HAPROXY_LISTS[set].includes(`'${key}'`);
}

function parenArg(action: string): string | undefined {
  const o = action.indexOf('(');
  if (o < 0 || !action.endsWith(')')) return undefined;
  return action.slice(o + 1, -1);
}

/**
 * Validates an action's words. Returns undefined when valid, or HAProxy's message; a
 * message starting with NUL means "trailing word" (the caller words it HAProxy's way).
 */
export function parseAction(set: TcpRuleSet, action: string, args: string[]): string | undefined {
  const key = actionKey(action);
  const m = /^track-sc(\d+)$/.exec(action);
  if (m) {
    const n = Number(m[1]);
    if (n >= MAX_SC) return `${n} track-sc number exceeding ${MAX_SC - 1} (MAX_SESS_STKCTR-1) value`;
    if (args.length < 1) return 'missing fetch method';
    let err = '';
    if (!compileSampleExpr(args[0], (e) => { err = e; })) return err;
    if (args[1] === 'table') {
      if (args[2] === undefined) return `missing table name after 'table'`;
      if (args.length > 3) return `\0${args[3]}`;
    } else if (args.length > 1) return `\0${args[1]}`;
    return undefined;
  }
  switch (key) {
    case 'accept': case 'reject': case 'silent-drop': case 'close':
      return args.length ? `\0${args[0]}` : undefined;
    case 'expect-proxy':
      if (args[0] !== 'layer4') return `'layer4' expected after 'expect-proxy'`;
      return args.length > 1 ? `\0${args[1]}` : undefined;
    case 'set-var(*)': case 'unset-var(*)': {
      const n = parenArg(action);
      if (n === undefined) return 'expects a variable name between parentheses';
      const e = checkVarName(n);
      if (e) return e;
      if (key === 'unset-var(*)') return args.length ? `\0${args[0]}` : undefined;
      if (args.length < 1) return 'missing fetch method';
      let err = '';
      if (!compileSampleExpr(args[0], (x) => { err = x; })) return err;
      return args.length > 1 ? `\0${args[1]}` : undefined;
    }
    case 'sc-inc-gpc0(*)': case 'sc-inc-gpc1(*)': {
      const n = Number(parenArg(action));
      if (!Number.isInteger(n)) return 'expects a stick counter number between parentheses';
      if (n >= MAX_SC) return `invalid stick table track ID. The max allowed ID is ${MAX_SC - 1}`;
      return args.length ? `\0${args[0]}` : undefined;
    }
    default:
      return undefined;
  }
}

/** What a rule list decided. */
export type TcpVerdict = 'continue' | 'accept' | 'reject' | 'silent-drop' | 'expect-proxy' | 'close' | 'wait';

/** A compiled rule. `test` has the polarity applied. */
interface CompiledRule {
  test?: CompiledCondition;
  unless: boolean;
  /** The condition reads buffered payload: false + more data possible = wait. */
  mayChange: boolean;
  /** Final verdict of the action, or 'continue' with a side effect. */
  verdict: TcpVerdict;
  run?: (ctx: SampleContext) => void;
}

/** A compiled rule list. */
export interface CompiledTcpRules {
  rules: CompiledRule[];
}

function compileRule(instance: Instance, px: ProxyConfig, set: TcpRuleSet, r: TcpRuleConfig, report: (m: string) => void): CompiledRule | undefined {
  const key = actionKey(r.action);
  let test: CompiledCondition | undefined;
  let mayChange = false;
  if (r.cond) {
    const info = compileConditionInfo(r.cond, px, report);
    if (!info) return undefined;
    test = info.test;
    const dirUse = set === 'response' ? 'res' : 'req';
    if (set === 'content' || set === 'response') {
      // WAIT_END / wait_end have no sample until the analysis is final: they may change too.
      mayChange = info.suites.some((s) => s.some((t) => t.uses.includes(dirUse)))
        || r.cond.words.some((w) => w === 'WAIT_END' || w === 'wait_end' || w.startsWith('wait_end,'));
    }
  }
  const base = { test, unless: r.cond?.polarity === 'unless', mayChange };
  const level = set === 'content' ? 'request' as const : 'connection' as const;
  const m = /^track-sc(\d+)$/.exec(r.action);
  if (m) {
    const n = Number(m[1]);
    const tname = r.args[1] === 'table' ? r.args[2] : px.name;
    const table = stickTables(instance).get(tname);
    if (!table) { report(`unable to find table '${tname}' referenced by ${r.action}`); return undefined; }
    const expr = compileSampleExpr(r.args[0], report);
    if (!expr) return undefined;
    return {
      ...base, verdict: 'continue',
      run: (ctx) => {
        const v = expr(ctx);
        if (v === undefined) return;
        const k = table.keyOf(v);
        if (k !== undefined) trackSc(ctx, n, table, k, level);
      },
    };
  }
  switch (key) {
    case 'accept': return { ...base, verdict: 'accept' };
    case 'reject': return { ...base, verdict: 'reject' };
    case 'silent-drop': return { ...base, verdict: 'silent-drop' };
    case 'close': return { ...base, verdict: 'close' };
    case 'expect-proxy': return { ...base, verdict: 'expect-proxy' };
    case 'set-var(*)': {
      const name = parenArg(r.action)!;
      const expr = compileSampleExpr(r.args[0], report);
      if (!expr) return undefined;
      return { ...base, verdict: 'continue', run: (ctx) => { const v = expr(ctx); if (v !== undefined) setVar(ctx, name, v); } };
    }
    case 'unset-var(*)': {
      const name = parenArg(r.action)!;
      return { ...base, verdict: 'continue', run: (ctx) => unsetVar(ctx, name) };
    }
    case 'sc-inc-gpc0(*)': case 'sc-inc-gpc1(*)': {
      const n = Number(parenArg(r.action));
      const which = key === 'sc-inc-gpc0(*)' ? 0 : 1;
      return { ...base, verdict: 'continue', run: (ctx) => { const t = trackedSlot(ctx, n); if (t) incGpc(t, which); } };
    }
    default:
      report(`'tcp-${set === 'response' ? 'response content' : `request ${set}`} ${r.action}' is not supported by Fulcrum yet`);
      return undefined;
  }
}

const cache = new WeakMap<Proxy, Partial<Record<TcpRuleSet, CompiledTcpRules | null>>>();

/** The compiled rules of `set` for runtime proxy `px` (undefined when there are none). */
export function tcpRulesOf(instance: Instance, px: Proxy, set: TcpRuleSet): CompiledTcpRules | undefined {
  let c = cache.get(px);
  if (!c) { c = {}; cache.set(px, c); }
  const hit = c[set];
  if (hit !== undefined) return hit ?? undefined;
  const cfg = px.cfg.ext.tcpRules as ProxyTcpRules | undefined;
  const list = cfg?.[set] ?? [];
  const out: CompiledRule[] = [];
  const report = (m: string): void => { process.stderr.write(`[ALERT]    (${process.pid}) : config : Proxy '${px.name}': ${m}.\n`); };
  for (const r of list) {
    const cr = compileRule(instance, px.cfg, set, r, report);
    if (cr) out.push(cr);
  }
  const res = out.length ? { rules: out } : null;
  c[set] = res;
  return res ?? undefined;
}

/** Evaluation state of a list that may wait for data (the rule to resume at). */
export interface RuleCursor { next: number }

/**
 * Runs `rules` from `cursor.next`. `final` says no more data will come (inspect-delay
 * expired, buffer full, peer closed, or no inspect-delay configured): a payload condition
 * is then taken as it is. Returns the verdict; 'continue' means no rule decided (accept).
 */
export function execTcpRules(rules: CompiledTcpRules, ctx: SampleContext, final: boolean, cursor: RuleCursor = { next: 0 }): TcpVerdict {
  try {
    return runRules(rules, ctx, final, cursor);
  } catch (e) {
    // A fetch or action bug must not take the process down (conventions: errors end the
    // stream). The connection is refused and the reason reported once per process.
    if (!reportedInternal) {
      reportedInternal = true;
      process.stderr.write(`[ALERT]    (${process.pid}) : tcp rules: internal error, connection rejected: ${(e as Error)?.stack ?? e}\n`);
    }
    cursor.next = rules.rules.length;
    return 'reject';
  }
}

let reportedInternal = false;

function runRules(rules: CompiledTcpRules, ctx: SampleContext, final: boolean, cursor: RuleCursor): TcpVerdict {
  ctx.final = final;
  const list = rules.rules;
  for (let i = cursor.next; i < list.length; i++) {
    const r = list[i];
    if (r.test) {
      const ok = r.test(ctx);
      if (!ok) {
        // Unmatched while the payload may still grow: a miss (HAProxy ACL_TEST_MISS).
        if (r.mayChange && !final && !r.unless) { cursor.next = i; return 'wait'; }
        continue;
      }
      if (r.mayChange && !final && r.unless) { cursor.next = i; return 'wait'; }
    }
    if (r.run) { r.run(ctx); continue; }
    cursor.next = list.length;
    return r.verdict;
  }
  cursor.next = list.length;
  return 'continue';
}
