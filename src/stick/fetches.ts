/**
 * Stick-counter fetches and table converters (HAProxy: stick_table.c smp_fetch_sc_* and
 * sample_conv_table_*), generated from one table of counters:
 *
 * - `sc_<x>(<ctr>[,<table>])`, `sc0_<x>([<table>])` .. `sc2_<x>`: the stream's tracked
 *   counter (no sample when the slot is not tracked or the data is not stored);
 * - `src_<x>([<table>])`: the entry of the client address (0 when absent) in the given
 *   table, else the table of the proxy evaluating (its backend once chosen);
 * - `table_<x>(<table>)` converters: the entry keyed by the input sample (0 when absent).
 *
 * `inc_gpc0/1` increment and return the new value (creating the `src_` entry), `clr_gpc0/1`
 * return the old value and reset it; `tracked` and `trackers` are sc_-only.
 */

import { registerFetches, registerConverters, type FetchDef, type ConverterDef } from '../sample/registry';
import type { SampleContext, SampleValue } from '../sample/context';
import type { ArgValue } from '../sample/args';
import { findTable, trackedSlot, incGpc, DT, MAX_SC, type TrackedCounter } from './runtime';
import type { StickTable, StickEntry } from './table';

/** What a counter fetch computes from (table, entry). `create`: src_ creates the entry. */
interface CounterDef { name: string; read: (t: StickTable, e: StickEntry, now: number) => number | undefined; create?: boolean; noConverter?: boolean }

const get = (i: number) => (t: StickTable, e: StickEntry, now: number): number | undefined => t.get(e, i, now);
const kbytes = (i: number) => (t: StickTable, e: StickEntry, now: number): number | undefined => { const v = t.get(e, i, now); return v === undefined ? undefined : Math.floor(v / 1024); };
const clr = (c: number) => (t: StickTable, e: StickEntry, now: number): number | undefined => {
  const v = t.get(e, c, now);
  if (v !== undefined) t.set(e, c, 0, now);
  return v;
};

const COUNTERS: CounterDef[] = [
  { name: 'conn_cur', read: get(DT.conn_cur) },
  { name: 'conn_cnt', read: get(DT.conn_cnt) },
  { name: 'conn_rate', read: get(DT.conn_rate) },
  { name: 'sess_cnt', read: get(DT.sess_cnt) },
  { name: 'sess_rate', read: get(DT.sess_rate) },
  { name: 'http_req_cnt', read: get(DT.http_req_cnt) },
  { name: 'http_req_rate', read: get(DT.http_req_rate) },
  { name: 'http_err_cnt', read: get(DT.http_err_cnt) },
  { name: 'http_err_rate', read: get(DT.http_err_rate) },
  { name: 'http_fail_cnt', read: get(DT.http_fail_cnt) },
  { name: 'http_fail_rate', read: get(DT.http_fail_rate) },
  { name: 'bytes_in_rate', read: get(DT.bytes_in_rate) },
  { name: 'bytes_out_rate', read: get(DT.bytes_out_rate) },
  { name: 'kbytes_in', read: kbytes(DT.bytes_in_cnt) },
  { name: 'kbytes_out', read: kbytes(DT.bytes_out_cnt) },
  { name: 'get_gpc0', read: get(DT.gpc0) },
  { name: 'get_gpc1', read: get(DT.gpc1) },
  { name: 'get_gpt0', read: get(DT.gpt0) },
  { name: 'gpc0_rate', read: get(DT.gpc0_rate) },
  { name: 'gpc1_rate', read: get(DT.gpc1_rate) },
  { name: 'inc_gpc0', read: (t, e, now) => incGpc({ table: t, entry: e, level: 'request' }, 0, now), create: true, noConverter: true },
  { name: 'inc_gpc1', read: (t, e, now) => incGpc({ table: t, entry: e, level: 'request' }, 1, now), create: true, noConverter: true },
  { name: 'clr_gpc0', read: clr(DT.gpc0), create: true, noConverter: true },
  { name: 'clr_gpc1', read: clr(DT.gpc1), create: true, noConverter: true },
];

/**
 * The tracked counter of slot `n`, re-keyed into `tableName` when given (HAProxy looks the
 * tracked key up in the other table).
 */
function slotIn(ctx: SampleContext, n: number, tableName: ArgValue | undefined, create: boolean): TrackedCounter | undefined {
  const t = trackedSlot(ctx, n);
  if (!t) return undefined;
  if (tableName === undefined || tableName === t.table.name) return t;
  const other = findTable(String(tableName));
  if (!other) return undefined;
  const e = create ? other.touch(t.entry.key) : other.lookup(t.entry.key);
  return e ? { table: other, entry: e, level: t.level } : undefined;
}

/** The table of the proxy evaluating (backend once chosen, else frontend). */
function defaultTable(ctx: SampleContext, name: ArgValue | undefined): StickTable | undefined {
  return findTable(name !== undefined ? String(name) : ctx.backend ?? ctx.frontend);
}

const fetches: FetchDef[] = [];
for (const c of COUNTERS) {
  fetches.push({
    name: `sc_${c.name}`, out: 'int', use: 'internal', args: [{ type: 'int' }, { type: 'str', optional: true }],
    fetch(ctx, a: ArgValue[]) {
      const n = Number(a[0]);
      if (!(n >= 0 && n < MAX_SC)) return undefined;
      const t = slotIn(ctx, n, a[1], c.create === true);
      return t ? c.read(t.table, t.entry, Date.now()) : undefined;
    },
  });
  for (let n = 0; n < MAX_SC; n++) {
    fetches.push({
      name: `sc${n}_${c.name}`, out: 'int', use: 'internal', args: [{ type: 'str', optional: true }],
      fetch(ctx, a: ArgValue[]) {
        const t = slotIn(ctx, n, a[0], c.create === true);
        return t ? c.read(t.table, t.entry, Date.now()) : undefined;
      },
    });
  }
  fetches.push({
    name: `src_${c.name}`, out: 'int', use: 'internal', args: [{ type: 'str', optional: true }],
    fetch(ctx, a: ArgValue[]) {
      const table = defaultTable(ctx, a[0]);
      if (!table) return undefined;
      const key = table.keyOf(ctx.src);
      if (key === undefined) return undefined;
      const now = Date.now();
      const e = c.create ? table.touch(key, now) : table.lookup(key, now);
      if (!e) return 0;
      return c.read(table, e, now) ?? (c.create ? undefined : 0);
    },
  });
}
fetches.push({
  name: 'sc_trackers', out: 'int', use: 'internal', args: [{ type: 'int' }, { type: 'str', optional: true }],
  fetch: (ctx, a: ArgValue[]) => slotIn(ctx, Number(a[0]), a[1], false)?.entry.use,
});
fetches.push({
  name: 'sc_tracked', out: 'bool', use: 'internal', args: [{ type: 'int' }, { type: 'str', optional: true }],
  fetch: (ctx, a: ArgValue[]) => slotIn(ctx, Number(a[0]), a[1], false) !== undefined,
});
for (let n = 0; n < MAX_SC; n++) {
  fetches.push({ name: `sc${n}_tracked`, out: 'bool', use: 'internal', args: [{ type: 'str', optional: true }], fetch: (ctx, a: ArgValue[]) => slotIn(ctx, n, a[0], false) !== undefined });
  fetches.push({ name: `sc${n}_trackers`, out: 'int', use: 'internal', args: [{ type: 'str', optional: true }], fetch: (ctx, a: ArgValue[]) => slotIn(ctx, n, a[0], false)?.entry.use });
}
fetches.push({
  name: 'table_cnt', out: 'int', use: 'internal', args: [{ type: 'str', optional: true }],
  fetch: (ctx, a: ArgValue[]) => defaultTable(ctx, a[0])?.used(),
});
fetches.push({
  name: 'table_avl', out: 'int', use: 'internal', args: [{ type: 'str', optional: true }],
  fetch: (ctx, a: ArgValue[]) => { const t = defaultTable(ctx, a[0]); return t ? t.cfg.size - t.used() : undefined; },
});
registerFetches(fetches);

const converters: ConverterDef[] = [];
for (const c of COUNTERS) {
  if (c.noConverter) continue;
  converters.push({
    // Converters drop the `get_` of the fetch names (table_gpc0, table_gpt0).
    name: `table_${c.name.replace(/^get_/, '')}`, in: 'any', out: 'int', args: [{ type: 'str' }],
    convert(v: SampleValue, a: ArgValue[]) {
      const t = findTable(String(a[0]));
      if (!t) return undefined;
      const key = t.keyOf(v);
      if (key === undefined) return undefined;
      const now = Date.now();
      const e = t.lookup(key, now);
      if (!e) return 0;
      return c.read(t, e, now);
    },
  });
}
converters.push({
  name: 'table_trackers', in: 'any', out: 'int', args: [{ type: 'str' }],
  convert(v: SampleValue, a: ArgValue[]) {
    const t = findTable(String(a[0]));
    const key = t?.keyOf(v);
    const e = key === undefined ? undefined : t!.lookup(key);
    return e ? e.use : 0;
  },
});
converters.push({
  name: 'in_table', in: 'any', out: 'bool', args: [{ type: 'str' }],
  convert(v: SampleValue, a: ArgValue[]) {
    const t = findTable(String(a[0]));
    if (!t) return undefined;
    const key = t.keyOf(v);
    return key !== undefined && t.lookup(key) !== undefined;
  },
});
converters.push({
  name: 'table_server_id', in: 'any', out: 'int', args: [{ type: 'str' }],
  convert(v: SampleValue, a: ArgValue[]) {
    const t = findTable(String(a[0]));
    const key = t?.keyOf(v);
    const e = key === undefined ? undefined : t!.lookup(key);
    return e ? t!.get(e, DT.server_id) ?? 0 : 0;
  },
});
registerConverters(converters);
