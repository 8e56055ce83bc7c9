/**
 * Stick-counter actions of HTTP rules: `track-sc0|1|2 <key> [table <t>]`,
 * `sc-inc-gpc0(<n>)`, `sc-inc-gpc1(<n>)`, `sc-set-gpt0(<n>) <int|expr>` (HAProxy:
 * http_act.c / stick_table.c action parsers), plus the post-check resolving `table` names
 * with HAProxy's message.
 */

import { registerHttpAction, type ActionResult } from '../proxy/http/rules/registry';
import { compileSampleExpr } from '../sample/expr';
import { registerPostCheck } from '../config/validate';
import type { ProxyHttpRules } from '../proxy/http/rules/keywords';
import { stickTables, trackSc, trackedSlot, incGpc, DT, MAX_SC } from './runtime';

/** `track-sc1` -> 1; undefined when not a valid slot. */
function slotOfTrack(action: string): number | undefined {
  const m = /^track-sc(\d+)$/.exec(action);
  return m ? Number(m[1]) : undefined;
}

/** `sc-inc-gpc0(2)` -> 2. */
function slotOfParen(action: string): number | string {
  const m = /\((\d+)\)$/.exec(action);
  if (!m) return `expects a stick counter number between parentheses`;
  const n = Number(m[1]);
  if (n >= MAX_SC) return `invalid stick table track ID. The max allowed ID is ${MAX_SC - 1}`;
  return n;
}

registerHttpAction([
  {
    name: 'track-sc(*)', prefix: true, sets: ['http-request', 'http-response'],
    parse(args, env) {
      const n = slotOfTrack(env.action);
      if (n === undefined || n >= MAX_SC) return `invalid stick table track ID '${env.action.slice(8)}'. The max allowed ID is ${MAX_SC - 1}`;
      if (args.length < 1) return 'missing fetch method';
      let err = '';
      if (!compileSampleExpr(args[0], (m) => { err = m; })) return err;
      if (args[1] === 'table') {
        if (args[2] === undefined) return `missing table name after 'table'`;
        if (args.length > 3) return `\0${args[3]}`;
      } else if (args.length > 1) return `\0${args[1]}`;
      return undefined;
    },
    compile(args, env) {
      const n = slotOfTrack(env.action)!;
      const table = stickTables(env.instance).get(args[1] === 'table' ? args[2] : env.px.name);
      if (!table) return `unable to find table '${args[1] === 'table' ? args[2] : env.px.name}' referenced by ${env.action}`;
      const expr = compileSampleExpr(args[0], () => undefined);
      if (!expr) return 'missing fetch method';
      return (txn): ActionResult => {
        const v = expr(txn.sample);
        if (v === undefined) return undefined;
        const key = table.keyOf(v);
        if (key !== undefined) trackSc(txn.sample, n, table, key, 'request');
        return undefined;
      };
    },
  },
  ...([0, 1] as const).map((which) => ({
    name: `sc-inc-gpc${which}(*)`, prefix: true, sets: ['http-request', 'http-response', 'http-after-response'] as const,
    parse(args: string[], env: { action: string }): string | undefined {
      const n = slotOfParen(env.action);
      if (typeof n === 'string') return n;
      return args.length ? `\0${args[0]}` : undefined;
    },
    compile(_args: string[], env: { action: string }) {
      const n = slotOfParen(env.action) as number;
      return (txn: import('../proxy/http/hooks').HttpTxn): ActionResult => {
        const t = trackedSlot(txn.sample, n);
        if (t) incGpc(t, which);
        return undefined;
      };
    },
  })),
  {
    name: 'sc-set-gpt0(*)', prefix: true, sets: ['http-request', 'http-response', 'http-after-response'],
    parse(args, env) {
      const n = slotOfParen(env.action);
      if (typeof n === 'string') return n;
      if (args.length < 1) return `expects an integer or a sample expression`;
      if (!/^-?\d+$/.test(args[0])) {
        let err = '';
        if (!compileSampleExpr(args[0], (m) => { err = m; })) return err;
      }
      return args.length > 1 ? `\0${args[1]}` : undefined;
    },
    compile(args, env) {
      const n = slotOfParen(env.action) as number;
      const constant = /^-?\d+$/.test(args[0]) ? Number(args[0]) : undefined;
      const expr = constant === undefined ? compileSampleExpr(args[0], () => undefined) : undefined;
      return (txn): ActionResult => {
        const t = trackedSlot(txn.sample, n);
        if (!t) return undefined;
        let v = constant;
        if (v === undefined) {
          const s = expr!(txn.sample);
          v = typeof s === 'number' ? s : typeof s === 'boolean' ? Number(s) : Number(String(s));
          if (!Number.isFinite(v)) return undefined;
        }
        t.table.set(t.entry, DT.gpt0, v);
        return undefined;
      };
    },
  },
]);

// Tables named by `track-sc* ... table <t>` (or the proxy's own) must exist.
registerPostCheck('stick-table references', (config, diag) => {
  const names = new Set(config.proxies.filter((p) => p.ext.stickTable).map((p) => p.name));
  for (const p of config.proxies) {
    const rules = p.ext.httpRules as ProxyHttpRules | undefined;
    if (rules) {
      for (const r of [...rules.request, ...rules.response]) {
        if (!r.action.startsWith('track-sc')) continue;
        const t = r.args[1] === 'table' ? r.args[2] : p.name;
        if (!names.has(t)) diag.alert(`Proxy '${p.name}': unable to find table '${t}' referenced by ${r.action}.`);
      }
    }
    const sticks = p.ext.stickRules as { table?: string }[] | undefined;
    for (const s of sticks ?? []) {
      const t = s.table ?? p.name;
      if (!names.has(t)) diag.alert(`Proxy '${p.name}': unable to find stick-table '${t}'.`);
    }
  }
});
