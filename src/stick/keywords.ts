/**
 * `stick-table` and `stick on|match|store-request|store-response` keywords (HAProxy:
 * stick_table.c parse_stick_table, cfgparse-listen.c "stick"). Both are kept as plain data
 * in the proxy's `ext` slices; runtime.ts builds the tables and compiles the stick rules.
 */

import { registerKeywords, type KeywordContext } from '../config/registry';
import { extSlice, type ProxyConfig, type ConditionConfig, type SourceRef } from '../config/model';
import { parseSize, parseTime } from '../config/units';
import { compileSampleExpr } from '../sample/expr';
import { compileCondition } from '../acl/compile';
import { DATA_TYPES, dataTypeIndex, type KeyType, type StickTableConfig } from './table';

/** One `stick ...` rule. */
export interface StickRuleConfig {
  kind: 'on' | 'match' | 'store-request' | 'store-response';
  expr: string;
  table?: string;
  cond?: ConditionConfig;
  src: SourceRef;
}

/** The proxy's table, if it declares one. */
export function proxyStickTable(p: ProxyConfig): StickTableConfig | undefined {
  return p.ext.stickTable as StickTableConfig | undefined;
}

/** The proxy's stick rules, in order. */
export function proxyStickRules(p: ProxyConfig): StickRuleConfig[] {
  return extSlice(p, 'stickRules', (): StickRuleConfig[] => []);
}

const KEY_TYPES: KeyType[] = ['ip', 'ipv6', 'integer', 'string', 'binary'];

function parseStickTable(ctx: KeywordContext): void {
  const p = ctx.proxy!;
  if (ctx.section === 'defaults') { ctx.error(`'stick-table' is not supported in 'defaults' section.`); return; }
  const prev = proxyStickTable(p);
  if (prev) { ctx.error(`stick-table name '${p.name}' conflicts with table declared in ${p.cap === 'listen' ? 'proxy' : p.cap} '${p.name}' at ${prev.src.file}:${prev.src.line}.`); return; }
  const t: StickTableConfig = { type: 'ip', keyLen: 32, size: 0, nopurge: false, store: [], src: ctx.src };
  let typed = false;
  const a = ctx.args;
  for (let i = 1; i < a.length; i++) {
    const w = a[i];
    if (w === 'type') {
      const v = a[++i];
      if (v === undefined) { ctx.error(`stick-table: missing type.`); return; }
      if (!KEY_TYPES.includes(v as KeyType)) { ctx.error(`stick-table: unknown type '${v}'.`); return; }
      t.type = v as KeyType;
      typed = true;
      if ((v === 'string' || v === 'binary') && a[i + 1] === 'len') {
        const l = a[i + 2];
        if (l === undefined || !/^\d+$/.test(l) || Number(l) <= 0) { ctx.error(`stick-table: unknown type '${l ?? ''}'.`); return; }
        t.keyLen = Number(l);
        i += 2;
      }
    } else if (w === 'size') {
      const v = a[++i];
      if (v === undefined) { ctx.error(`stick-table: missing argument after 'size'.`); return; }
      const r = parseSize(v);
      if (r.error !== undefined) {
        const bad = /^\d*(.)/.exec(v)?.[1] ?? v[0];
        ctx.error(`stick-table: unexpected character '${bad}' in argument of 'size'.`);
        return;
      }
      t.size = r.value;
    } else if (w === 'expire') {
      const v = a[++i];
      if (v === undefined) { ctx.error(`stick-table: missing argument after 'expire'.`); return; }
      const r = parseTime(v);
      if (r.error !== undefined) { ctx.error(`stick-table: unexpected character '${r.badChar ?? v[0]}' in argument of 'expire'.`); return; }
      t.expire = r.value;
    } else if (w === 'nopurge') t.nopurge = true;
    else if (w === 'peers') {
      const v = a[++i];
      if (v === undefined) { ctx.error(`stick-table: missing argument after 'peers'.`); return; }
      t.peers = v;
      // Kept for reference only: Fulcrum has no peers protocol, the table stays local.
      ctx.warning(`stick-table: 'peers' is not supported by Fulcrum yet: table '${p.name}' will not be synchronized.`);
    } else if (w === 'store') {
      const v = a[++i];
      if (v === undefined) { ctx.error(`stick-table: missing argument after 'store'.`); return; }
      for (const item of v.split(',')) {
        const m = /^([a-z0-9_]+)(?:\((.*)\))?$/.exec(item);
        const idx = m ? dataTypeIndex(m[1]) : -1;
        if (!m || idx < 0) { ctx.error(`stick-table: unknown store option '${m ? m[1] : item}'.`); return; }
        if (DATA_TYPES[idx].kind === 'rate') {
          if (m[2] === undefined) { ctx.error(`stick-table: missing argument to store option '${m[1]}'.`); return; }
          const r = parseTime(m[2]);
          if (r.error !== undefined || r.value === 0) { ctx.error(`stick-table: error when processing store option '${m[1]}'.`); return; }
          t.store.push({ type: m[1], period: r.value });
        } else t.store.push({ type: m[1] });
      }
    } else if (w === 'srvkey' || w === 'write-to' || w === 'recv-only') {
      // Accepted for compatibility; `srvkey` picks what server_key stores (name by default).
      i++;
    } else {
      ctx.error(`stick-table: unknown argument '${w}'.`);
      return;
    }
  }
  // HAProxy checks the size first (`stick-table` alone says "missing size").
  if (t.size === 0) { ctx.error(`stick-table: missing size.`); return; }
  if (!typed) { ctx.error(`stick-table: missing type.`); return; }
  p.ext.stickTable = t;
}

function parseStick(ctx: KeywordContext): void {
  const a = ctx.args;
  const kind = a[1];
  if (kind !== 'on' && kind !== 'match' && kind !== 'store-request' && kind !== 'store-response') {
    ctx.error(`'stick' expects 'on', 'match', or 'store'.`);
    return;
  }
  const expr = a[2];
  if (expr === undefined || expr === 'if' || expr === 'unless' || expr === 'table') { ctx.error(`'stick' expects a fetch method.`); return; }
  let err = '';
  if (!compileSampleExpr(expr, (m) => { err = m; })) { ctx.error(`'stick': ${err}.`); return; }
  const rule: StickRuleConfig = { kind, expr, src: ctx.src };
  let i = 3;
  if (a[i] === 'table') {
    if (a[i + 1] === undefined) { ctx.error(`'stick' expects a table name after 'table'.`); return; }
    rule.table = a[i + 1];
    i += 2;
  }
  if (a[i] !== undefined) {
    if (a[i] !== 'if' && a[i] !== 'unless') { ctx.error(`'stick' expects 'if' or 'unless' followed by a condition but found '${a[i]}'.`); return; }
    const words = a.slice(i + 1);
    if (words.length === 0) { ctx.error(`error detected while parsing sticking condition : missing condition after '${a[i]}'.`); return; }
    rule.cond = { polarity: a[i] as 'if' | 'unless', words, src: ctx.src };
    let msg: string | undefined;
    compileCondition(rule.cond, ctx.proxy!, (m) => { msg ??= m; });
    if (msg !== undefined) { ctx.error(`error detected while parsing sticking condition : ${msg}.`); return; }
  }
  proxyStickRules(ctx.proxy!).push(rule);
}

registerKeywords([
  {
    name: 'stick-table', sections: ['defaults', 'frontend', 'backend', 'listen'],
    usage: 'stick-table type {ip | integer | string [len <length>] | binary [len <length>]} size <size> [expire <expire>] [nopurge] [peers <peersect>] [store <data_type>]*',
    parse: parseStickTable,
  },
  {
    name: 'stick', sections: ['defaults', 'backend', 'listen'],
    usage: 'stick {on|match|store-request|store-response} <pattern> [table <table>] [{if | unless} <condition>]',
    parse: parseStick,
  },
]);
