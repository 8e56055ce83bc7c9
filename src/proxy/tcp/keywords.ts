/**
 * `tcp-request` (connection, session, content, inspect-delay) and `tcp-response` (content,
 * inspect-delay) keywords (HAProxy: tcp_rules.c tcp_parse_tcp_req / tcp_parse_tcp_rep).
 * Rules are stored as words in `ext.tcpRules` (rules.ts) with their condition checked at
 * parse time, so `-c` reports errors with HAProxy's wording.
 */

import { registerKeywords, ALL_PROXY_SECTIONS, type KeywordContext, type SectionKeyword } from '../../config/registry';
import type { ConditionConfig, ProxyConfig } from '../../config/model';
import { parseTime } from '../../config/units';
import { compileCondition } from '../../acl/compile';
import './fetches';
import './http-content';
import { proxyTcpRules, parseAction, haproxyKnows, ACTIONS, HAPROXY_LISTS, actionKey, type TcpRuleSet } from './rules';

/** HAProxy's proxy_type_str(): frontend / backend / proxy (listen) / defaults. */
function pxWhat(p: ProxyConfig): string {
  return p.cap === 'listen' ? 'proxy' : p.cap;
}

function splitCond(args: string[], from: number): { words: string[]; condAt: number } {
  for (let i = from; i < args.length; i++) if (args[i] === 'if' || args[i] === 'unless') return { words: args.slice(from, i), condAt: i };
  return { words: args.slice(from), condAt: -1 };
}

function parseRule(ctx: KeywordContext, family: 'tcp-request' | 'tcp-response', set: TcpRuleSet, at: number): void {
  const p = ctx.proxy!;
  const where = `${pxWhat(p)} '${p.name}'`;
  const kw = `${family} ${family === 'tcp-response' ? 'content' : set}`;
  const action = ctx.args[at];
  if (action === undefined || !haproxyKnows(set, action)) {
    ctx.error(`'${kw}' expects ${HAPROXY_LISTS[set]} in ${where} (got '${action ?? ''}').\n`);
    return;
  }
  if (!/^track-sc\d+$/.test(action) && !ACTIONS[set].includes(actionKey(action))) {
    ctx.error(`'${kw} ${action}' is not supported by Fulcrum yet (in ${where}).`);
    return;
  }
  const { words, condAt } = splitCond(ctx.args, at + 1);
  const err = parseAction(set, action, words);
  if (err !== undefined) {
    if (err.startsWith('\0')) ctx.error(`'${kw} ${action}' only accepts 'if' or 'unless', in ${where} (got '${err.slice(1)}')`);
    else if (err === 'missing fetch method') ctx.error(err);
    else ctx.error(`'${kw} ${action}' : ${err}`);
    return;
  }
  let cond: ConditionConfig | undefined;
  if (condAt >= 0) {
    const cw = ctx.args.slice(condAt + 1);
    if (cw.length) {
      cond = { polarity: ctx.args[condAt] as 'if' | 'unless', words: cw, src: ctx.src };
      let msg: string | undefined;
      compileCondition(cond, p, (m) => { msg ??= m; });
      if (msg !== undefined) {
        ctx.error(`'${kw} ${action}' : error detected in ${where} while parsing '${ctx.args[condAt]}' condition : ${msg}`);
        return;
      }
    }
  }
  proxyTcpRules(p)[set].push({ action, args: words, cond, src: ctx.src });
}

function parseDelay(ctx: KeywordContext, family: string, set: (ms: number) => void): void {
  const p = ctx.proxy!;
  const where = `${pxWhat(p)} '${p.name}'`;
  const v = ctx.args[2];
  if (v === undefined) { ctx.error(`'${family} inspect-delay' expects a positive delay in milliseconds, in ${where}`); return; }
  const r = parseTime(v);
  if (r.error !== undefined || r.value === undefined) {
    const bad = /[^0-9]/.exec(v.replace(/(us|ms|s|m|h|d)$/, ''));
    ctx.error(`'${family} inspect-delay' expects a positive delay in milliseconds, in ${where}${bad ? ` (unexpected character '${bad[0]}')` : ''}`);
    return;
  }
  set(r.value);
}

/**
 * `clitcpka-idle|intvl|cnt` and `srvtcpka-idle|intvl|cnt` (HAProxy cfgparse-listen.c): stored
 * in `ext` (`clitcpkaIdle`... in ms or a count). Node applies only the idle time (the
 * initial keep-alive delay); interval and count keep the system values.
 */
function tcpkaKeyword(side: 'cli' | 'srv', what: 'idle' | 'intvl' | 'cnt'): SectionKeyword {
  const name = `${side}tcpka-${what}`;
  const key = `${side}tcpka${what[0].toUpperCase()}${what.slice(1)}`;
  return {
    name, sections: ALL_PROXY_SECTIONS,
    parse(ctx) {
      const p = ctx.proxy!;
      const v = ctx.args[1];
      if (v === undefined) { ctx.error(`'${name}' expects an integer value`); return; }
      if (side === 'srv' && p.cap === 'frontend') { ctx.warning(`${name} will be ignored because frontend '${p.name}' has no backend capability`); return; }
      if (side === 'cli' && p.cap === 'backend') { ctx.warning(`${name} will be ignored because backend '${p.name}' has no frontend capability`); return; }
      if (what === 'cnt') {
        const bad = /[^0-9]/.exec(v);
        if (bad) { ctx.error(`'${name}' : unexpected character '${bad[0]}' in integer value '${v}'`); return; }
        p.ext[key] = Number(v);
        return;
      }
      const r = parseTime(v, 's');
      if (r.error !== undefined || r.value === undefined) {
        const bad = /[^0-9]/.exec(v.replace(/(us|ms|s|m|h|d)$/, '')) ?? /[^0-9]/.exec(v);
        ctx.error(`unexpected character '${bad?.[0] ?? v[0]}' in argument to <${name}>.\n`);
        return;
      }
      p.ext[key] = r.value;
    },
  };
}

registerKeywords((['cli', 'srv'] as const).flatMap((side) => (['idle', 'intvl', 'cnt'] as const).map((w) => tcpkaKeyword(side, w))));

registerKeywords([
  {
    name: 'tcp-request', sections: ALL_PROXY_SECTIONS,
    usage: 'tcp-request connection|session|content <action> [options...] [ { if | unless } <condition> ] | tcp-request inspect-delay <timeout>',
    parse(ctx) {
      const p = ctx.proxy!;
      const where = `${pxWhat(p)} '${p.name}'`;
      const sub = ctx.args[1];
      if (sub === undefined) { ctx.error(`missing argument for 'tcp-request' in ${where}`); return; }
      if (p.cap === 'defaults' && !ctx.sectionName && ['inspect-delay', 'connection', 'session', 'content'].includes(sub)) {
        ctx.error(`tcp-request ${sub} is not allowed in anonymous 'defaults' sections`);
        return;
      }
      if (sub === 'inspect-delay') {
        parseDelay(ctx, 'tcp-request', (ms) => { proxyTcpRules(p).inspectDelay = ms; });
        return;
      }
      if (sub === 'connection' || sub === 'session') {
        if (p.cap === 'backend') { ctx.error(`tcp-request ${sub} is not allowed because ${p.cap} ${p.name} is not a frontend`); return; }
        parseRule(ctx, 'tcp-request', sub, 2);
        return;
      }
      if (sub === 'content') { parseRule(ctx, 'tcp-request', 'content', 2); return; }
      ctx.error(`'tcp-request' expects 'inspect-delay', 'connection', or 'content' in ${where} (got '${sub}')`);
    },
  },
  {
    name: 'tcp-response', sections: ALL_PROXY_SECTIONS,
    usage: 'tcp-response content <action> [ { if | unless } <condition> ] | tcp-response inspect-delay <timeout>',
    parse(ctx) {
      const p = ctx.proxy!;
      const where = `${pxWhat(p)} '${p.name}'`;
      const sub = ctx.args[1];
      if (p.cap === 'frontend' || (p.cap === 'defaults' && !ctx.sectionName)) {
        ctx.error(`tcp-response ${sub ?? ''} is only allowed in 'backend' sections or 'defaults' section with a name`);
        return;
      }
      if (sub === undefined) { ctx.error(`missing argument for 'tcp-response' in ${where}`); return; }
      if (sub === 'inspect-delay') { parseDelay(ctx, 'tcp-response', (ms) => { proxyTcpRules(p).resInspectDelay = ms; }); return; }
      if (sub === 'content') { parseRule(ctx, 'tcp-response', 'response', 2); return; }
      ctx.error(`'tcp-response' expects 'inspect-delay' or 'content' in ${where} (got '${sub}')`);
    },
  },
]);
