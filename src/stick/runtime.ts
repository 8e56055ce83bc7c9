/**
 * Runtime side of stick tables: the tables of the running configuration, the stream's
 * tracked counters (HAProxy's stkctr[0..2]) and stickiness (`stick on|match|store-*`).
 *
 * Tracking levels, as HAProxy:
 * - `connection` (tcp-request connection / session track-sc*): held for the whole client
 *   connection; counts conn_cnt, conn_rate, conn_cur (released by {@link untrackConnection}),
 *   sess_cnt, sess_rate, and every HTTP request of the connection in http_req_*.
 * - `request` (http-request / tcp-request content track-sc*): held for one transaction;
 *   counts http_req_cnt / http_req_rate when tracking starts.
 * A slot already tracked is left alone (the first tracker of a slot wins).
 * Responses count 4xx in http_err_* and 5xx (but 501/505) in http_fail_* for every tracked
 * slot.
 */

import type { Instance } from '../process/instance';
import type { Proxy } from '../proxy/proxy';
import type { Server } from '../proxy/server';
import type { SampleContext, SampleValue } from '../sample/context';
import { compileSampleExpr, type CompiledSample } from '../sample/expr';
import { compileCondition, type CompiledCondition } from '../acl/compile';
import { registerHookInstaller, httpHooks } from '../proxy/http/hooks';
import { StickTable, dataTypeIndex, type StickEntry } from './table';
import type { StickRuleConfig } from './keywords';

/** Data type indexes used on the hot path (resolved once). */
export const DT = {
  server_id: dataTypeIndex('server_id'), gpt0: dataTypeIndex('gpt0'), gpc0: dataTypeIndex('gpc0'), gpc0_rate: dataTypeIndex('gpc0_rate'),
  conn_cnt: dataTypeIndex('conn_cnt'), conn_rate: dataTypeIndex('conn_rate'), conn_cur: dataTypeIndex('conn_cur'),
  sess_cnt: dataTypeIndex('sess_cnt'), sess_rate: dataTypeIndex('sess_rate'),
  http_req_cnt: dataTypeIndex('http_req_cnt'), http_req_rate: dataTypeIndex('http_req_rate'),
  http_err_cnt: dataTypeIndex('http_err_cnt'), http_err_rate: dataTypeIndex('http_err_rate'),
  bytes_in_cnt: dataTypeIndex('bytes_in_cnt'), bytes_in_rate: dataTypeIndex('bytes_in_rate'),
  bytes_out_cnt: dataTypeIndex('bytes_out_cnt'), bytes_out_rate: dataTypeIndex('bytes_out_rate'),
  gpc1: dataTypeIndex('gpc1'), gpc1_rate: dataTypeIndex('gpc1_rate'), server_key: dataTypeIndex('server_key'),
  http_fail_cnt: dataTypeIndex('http_fail_cnt'), http_fail_rate: dataTypeIndex('http_fail_rate'),
} as const;

/** One tracked slot. */
export interface TrackedCounter {
  table: StickTable;
  entry: StickEntry;
  level: 'connection' | 'request';
}

/** Number of track-sc slots (tune.stick-counters default: 3). */
export const MAX_SC = 3;

const tracked = new WeakMap<SampleContext, (TrackedCounter | undefined)[]>();

let tables = new Map<string, StickTable>();
let tablesFor: Instance | undefined;

/** The tables of the running configuration, by name (built on first use per instance). */
export function stickTables(instance?: Instance): Map<string, StickTable> {
  if (instance && tablesFor !== instance) {
    tablesFor = instance;
    const next = new Map<string, StickTable>();
    // Tables used by `stick on|match|store-*` rules store the server id implicitly, as
    // HAProxy does (the rule would otherwise never stick).
    const persistent = new Set<string>();
    for (const p of instance.config.proxies) {
      const rules = p.ext.stickRules as { table?: string }[] | undefined;
      for (const r of rules ?? []) persistent.add(r.table ?? p.name);
    }
    for (const p of instance.config.proxies) {
      let cfg = p.ext.stickTable as StickTable['cfg'] | undefined;
      if (!cfg) continue;
      if (persistent.has(p.name) && !cfg.store.some((d) => d.type === 'server_id')) {
        cfg = { ...cfg, store: [...cfg.store, { type: 'server_id' }] };
      }
      next.set(p.name, new StickTable(p.name, cfg));
    }
    tables = next;
  }
  return tables;
}

/** A table by name in the running configuration. */
export function findTable(name: string): StickTable | undefined { return tables.get(name); }

/** The tracked slots of a stream (undefined entries for free slots). */
export function trackedCounters(ctx: SampleContext): readonly (TrackedCounter | undefined)[] | undefined {
  return tracked.get(ctx);
}

/** The tracked counter of slot `n`, if any. */
export function trackedSlot(ctx: SampleContext, n: number): TrackedCounter | undefined {
  return tracked.get(ctx)?.[n];
}

/**
 * Starts tracking `key` in `table` on slot `n` (track-sc<n>). Returns the entry, or
 * undefined when the slot was already tracked or the table is full (nopurge). Callable by
 * the tcp-request rules: `level` 'connection' for `tcp-request connection|session`,
 * 'request' for `tcp-request content` and `http-request`.
 */
export function trackSc(ctx: SampleContext, n: number, table: StickTable, key: string, level: 'connection' | 'request', now = Date.now()): StickEntry | undefined {
  let slots = tracked.get(ctx);
  if (!slots) { slots = [undefined, undefined, undefined]; tracked.set(ctx, slots); }
  if (slots[n]) return undefined;
  const e = table.touch(key, now);
  if (!e) return undefined;
  slots[n] = { table, entry: e, level };
  if (level === 'connection') {
    e.use++;
    table.add(e, DT.conn_cnt, 1, now);
    table.add(e, DT.conn_rate, 1, now);
    table.add(e, DT.conn_cur, 1, now);
    table.add(e, DT.sess_cnt, 1, now);
    table.add(e, DT.sess_rate, 1, now);
  } else if (ctx.req) {
    // The request being processed counts in the entry it is now tracked in.
    table.add(e, DT.http_req_cnt, 1, now);
    table.add(e, DT.http_req_rate, 1, now);
  }
  return e;
}

/** Ends connection-level tracking when the client connection closes (conn_cur--). */
export function untrackConnection(ctx: SampleContext): void {
  const slots = tracked.get(ctx);
  if (!slots) return;
  const now = Date.now();
  for (let i = 0; i < slots.length; i++) {
    const t = slots[i];
    if (!t) continue;
    if (t.level === 'connection') {
      t.entry.use = Math.max(0, t.entry.use - 1);
      const cur = t.table.get(t.entry, DT.conn_cur, now);
      if (cur !== undefined && cur > 0) t.table.add(t.entry, DT.conn_cur, -1, now);
      if (t.table.cfg.expire !== undefined) t.entry.exp = now + t.table.cfg.expire;
    }
    slots[i] = undefined;
  }
}

/**
 * Start of an HTTP transaction: request-level slots of the previous transaction are freed,
 * connection-level ones count the new request.
 */
function newRequest(ctx: SampleContext): void {
  const slots = tracked.get(ctx);
  if (!slots) return;
  const now = Date.now();
  for (let i = 0; i < slots.length; i++) {
    const t = slots[i];
    if (!t) continue;
    if (t.level === 'request') { slots[i] = undefined; continue; }
    t.table.add(t.entry, DT.http_req_cnt, 1, now);
    t.table.add(t.entry, DT.http_req_rate, 1, now);
    if (t.table.cfg.expire !== undefined) t.entry.exp = now + t.table.cfg.expire;
  }
}

/** Response status accounting for every tracked slot. */
function countResponse(ctx: SampleContext, status: number): void {
  const slots = tracked.get(ctx);
  if (!slots) return;
  const err = status >= 400 && status < 500;
  const fail = status >= 500 && status !== 501 && status !== 505;
  if (!err && !fail) return;
  const now = Date.now();
  for (const t of slots) {
    if (!t) continue;
    if (err) { t.table.add(t.entry, DT.http_err_cnt, 1, now); t.table.add(t.entry, DT.http_err_rate, 1, now); }
    else { t.table.add(t.entry, DT.http_fail_cnt, 1, now); t.table.add(t.entry, DT.http_fail_rate, 1, now); }
  }
}

/** Increments gpc0/gpc1 (and its rate) of slot `n`; returns the new value. */
export function incGpc(t: TrackedCounter, which: 0 | 1, now = Date.now()): number | undefined {
  const c = which === 0 ? DT.gpc0 : DT.gpc1;
  const r = which === 0 ? DT.gpc0_rate : DT.gpc1_rate;
  t.table.add(t.entry, r, 1, now);
  if (!t.table.stores(c)) return t.table.stores(r) ? 0 : undefined;
  t.table.add(t.entry, c, 1, now);
  return t.table.get(t.entry, c, now);
}

// ---------------------------------------------------------------------------------------
// stick on / match / store-request / store-response
// ---------------------------------------------------------------------------------------

interface CompiledStickRule { kind: StickRuleConfig['kind']; table: StickTable; expr: CompiledSample; cond?: CompiledCondition }

function keyFor(table: StickTable, v: SampleValue | undefined): string | undefined {
  return v === undefined ? undefined : table.keyOf(v);
}

/**
 * Server a backend's `stick match` / `stick on` rules point to for this request, if any
 * (the assignment code calls it before the balancer; it checks the server is usable).
 */
export function stickLookup(backend: Proxy, ctx: SampleContext): Server | undefined {
  const rules = backend.ext.stickRules as CompiledStickRule[] | undefined;
  if (!rules) return undefined;
  const now = Date.now();
  for (const r of rules) {
    if (r.kind !== 'on' && r.kind !== 'match') continue;
    if (r.cond && !r.cond(ctx)) continue;
    const key = keyFor(r.table, r.expr(ctx));
    if (key === undefined) continue;
    const e = r.table.lookup(key, now);
    if (!e) continue;
    const id = r.table.get(e, DT.server_id, now);
    if (!id) continue;
    const srv = backend.findServer(`#${id}`);
    if (srv) return srv;
  }
  return undefined;
}

/**
 * Records the server that took the request for the backend's `stick on` /
 * `stick store-request` rules (`phase` 'request', once a server is assigned) or
 * `stick store-response` rules (`phase` 'response', on the response head).
 */
export function stickStore(backend: Proxy, ctx: SampleContext, server: Server, phase: 'request' | 'response'): void {
  const rules = backend.ext.stickRules as CompiledStickRule[] | undefined;
  if (!rules) return;
  const now = Date.now();
  for (const r of rules) {
    const ok = phase === 'request' ? r.kind === 'on' || r.kind === 'store-request' : r.kind === 'store-response';
    if (!ok) continue;
    if (r.cond && !r.cond(ctx)) continue;
    const key = keyFor(r.table, r.expr(ctx));
    if (key === undefined) continue;
    const e = r.table.touch(key, now);
    if (!e) continue;
    r.table.set(e, DT.server_id, server.id, now);
    if (r.table.storesServerKey) e.serverKey = server.name;
  }
}

registerHookInstaller((instance, px) => {
  const all = stickTables(instance);
  if (all.size === 0) return;
  // Per-transaction bookkeeping of tracked counters, in every HTTP frontend.
  if (px.isFrontend && px.mode === 'http') {
    const h = httpHooks(px);
    h.frontendRequest.unshift((txn) => { newRequest(txn.sample); return undefined; });
    h.frontendResponse.push((txn) => { if (txn.res) countResponse(txn.sample, txn.res.status); return undefined; });
  }
  const rules = px.cfg.ext.stickRules as StickRuleConfig[] | undefined;
  if (rules && rules.length) {
    const out: CompiledStickRule[] = [];
    for (const r of rules) {
      const table = all.get(r.table ?? px.name);
      const expr = compileSampleExpr(r.expr, () => undefined);
      if (!table || !expr) continue;
      let cond: CompiledCondition | undefined;
      if (r.cond) {
        const c = compileCondition(r.cond, px.cfg, () => undefined);
        if (!c) continue;
        cond = c;
      }
      out.push({ kind: r.kind, table, expr, cond });
    }
    px.ext.stickRules = out;
  }
});

/** Periodic purge of expired entries (unref'd: never keeps the process alive). */
const purgeTimer = setInterval(() => { for (const t of tables.values()) t.purgeExpired(); }, 1000);
purgeTimer.unref();
