/**
 * The table of HTTP rule actions (HAProxy: http_act.c's action keyword lists registered with
 * http_req_keywords_register / http_res_keywords_register / http_after_res_keywords_register).
 * Each action family lives in its own file (actions-header.ts, actions-reply.ts ...) and
 * registers its entries here with {@link registerHttpAction}; keywords.ts looks actions up by
 * name at parse time, install.ts compiles them at build time.
 *
 * Two phases, as everywhere in Fulcrum: `parse` checks the words when the line is read (so
 * `-c` reports HAProxy's message at the right line), `compile` turns the same words into a
 * closure once per proxy when the runtime graph is built. The closure runs on the hot path.
 */

import type { ProxyConfig, Config, SourceRef, ConditionConfig } from '../../../config/model';
import type { HttpTxn, HttpReply } from '../hooks';
import type { Instance } from '../../../process/instance';
import type { Proxy } from '../../proxy';

/** The three rule sets HAProxy has for HTTP. */
export type RuleSet = 'http-request' | 'http-response' | 'http-after-response';

/** One rule as written: plain data kept in the proxy's `ext.httpRules` slice. */
export interface HttpRuleConfig {
  set: RuleSet;
  /** Action name as written, e.g. 'set-header', 'track-sc0', 'set-var(txn.x)'. */
  action: string;
  /** Words after the action name, up to (not including) `if` / `unless`. */
  args: string[];
  cond?: ConditionConfig;
  src: SourceRef;
}

/**
 * What an action closure returns: `undefined` to go on with the next rule, {@link STOP} to
 * stop evaluating this rule set (`allow`), or a reply to answer the client.
 */
export type ActionResult = undefined | typeof STOP | HttpReply;

/** Returned by a final action that does not answer (`allow`): stop this rule set. */
export const STOP = 1 as const;

/** A compiled action, run for each transaction whose condition matched. */
export type CompiledAction = (txn: HttpTxn) => ActionResult;

/** What parse() receives besides the words. */
export interface ActionParseEnv {
  set: RuleSet;
  /** The action name as written (with its suffix: `track-sc1`, `set-var(txn.a)`). */
  action: string;
  proxy: ProxyConfig;
  config: Config;
  src: SourceRef;
}

/** What compile() receives: the runtime graph (tables, userlists, other proxies). */
export interface ActionCompileEnv extends ActionParseEnv {
  instance: Instance;
  px: Proxy;
}

/** One action keyword. */
export interface HttpActionDef {
  /**
   * The name HAProxy lists in its "expects ..." message: `set-header`, or a prefix followed by
   * `(*)` for actions whose name carries an argument (`track-sc(*)`, `set-var(*)`).
   */
  name: string;
  /** Rule sets accepting this action. */
  sets: readonly RuleSet[];
  /**
   * Checks the words after the action name; returns HAProxy's error text (without the
   * `error detected in ... rule : ` prefix and without the final dot) or undefined.
   */
  parse(args: string[], env: ActionParseEnv): string | undefined;
  /**
   * Builds the closure. Called once per proxy at build time with words parse() accepted;
   * may still fail on cross-references (missing table), returning the error text.
   */
  compile(args: string[], env: ActionCompileEnv): CompiledAction | string;
  /** A prefix action (`track-sc`, `set-var`): the written name starts with `name`'s stem. */
  prefix?: boolean;
}

const actions: HttpActionDef[] = [];

/** Registers action keywords (from each action family's file). */
export function registerHttpAction(list: HttpActionDef[]): void {
  for (const a of list) {
    if (actions.some((x) => x.name === a.name && x.sets.some((s) => a.sets.includes(s)))) throw new Error(`internal: http action '${a.name}' registered twice`);
    actions.push(a);
  }
}

/** Stem of a prefix action name: `track-sc(*)` -> `track-sc`. */
function stem(name: string): string { return name.endsWith('(*)') ? name.slice(0, -3) : name; }

/**
 * Finds the action for a written name in a rule set: exact names first, then prefix actions
 * (`set-var(txn.x)` -> `set-var(*)`, `track-sc0` -> `track-sc(*)`).
 */
export function findHttpAction(set: RuleSet, written: string): HttpActionDef | undefined {
  // Only what HAProxy 2.6 accepts in this rule set, whatever a family file registered.
  if (!haproxyKnowsAction(set, written)) return undefined;
  for (const a of actions) if (!a.prefix && a.sets.includes(set) && a.name === written) return a;
  let best: HttpActionDef | undefined;
  for (const a of actions) {
    if (!a.prefix || !a.sets.includes(set)) continue;
    const s = stem(a.name);
    if (written.startsWith(s) && (!best || s.length > stem(best.name).length)) best = a;
  }
  return best;
}

/**
 * HAProxy's list of action names for a rule set, in its order (used by the "expects ..."
 * message). Fulcrum lists what it implements plus the names HAProxy 2.6 knows, so a config
 * written for HAProxy gets the same message.
 */
export function actionNames(set: RuleSet): string[] {
  return HAPROXY_ORDER[set];
}

/** HAProxy 2.6.12's action lists, in the order its "expects" messages print them. */
const HAPROXY_ORDER: Record<RuleSet, string[]> = {
  'http-request': ['wait-for-handshake', 'ot-group', 'set-log-level', 'set-nice', 'use-service', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'send-spoe-group', 'do-resolve(*)', 'cache-use', 'add-acl(*)', 'add-header', 'allow', 'auth', 'capture', 'del-acl(*)', 'del-header', 'del-map(*)', 'deny', 'disable-l7-retry', 'early-hint', 'normalize-uri', 'redirect', 'reject', 'replace-header', 'replace-path', 'replace-pathq', 'replace-uri', 'replace-value', 'return', 'set-header', 'set-map(*)', 'set-method', 'set-path', 'set-pathq', 'set-query', 'set-uri', 'strict-mode', 'tarpit', 'track-sc(*)', 'set-timeout', 'wait-for-body', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-dst', 'set-dst-port', 'set-mark', 'set-src', 'set-src-port', 'set-tos', 'silent-drop', 'set-priority-class', 'set-priority-offset'],
  'http-response': ['ot-group', 'set-log-level', 'set-nice', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'send-spoe-group', 'cache-store', 'add-acl(*)', 'add-header', 'allow', 'capture', 'del-acl(*)', 'del-header', 'del-map(*)', 'deny', 'redirect', 'replace-header', 'replace-value', 'return', 'set-header', 'set-map(*)', 'set-status', 'strict-mode', 'track-sc(*)', 'wait-for-body', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-mark', 'set-tos', 'silent-drop'],
  'http-after-response': ['ot-group', 'add-header', 'allow', 'capture', 'del-header', 'replace-header', 'replace-value', 'set-header', 'set-status', 'strict-mode', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)'],
};

/** Whether HAProxy 2.6 knows the action (so an unimplemented one gets a clear "not supported"). */
export function haproxyKnowsAction(set: RuleSet, written: string): boolean {
  for (const n of HAPROXY_ORDER[set]) {
    if (n.endsWith('(*)') ? written.startsWith(stem(n)) : n === written) return true;
  }
  return false;
}
