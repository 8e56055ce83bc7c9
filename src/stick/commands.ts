/**
 * Runtime API on stick tables (HAProxy: stick_table.c cli_parse_table_req /
 * cli_io_handler_table), output and messages as HAProxy 2.6.12 prints them:
 *
 *   show table                       -> one `# table: ...` header per table
 *   show table <t> [data.<x> <op> <v>]* [key <k>]
 *   clear table <t> [data.<x> <op> <v>]* [key <k>]
 *   set table <t> key <k> [data.<x> <v>]*
 *
 * Entry lines: `0x<addr>: key=<k> use=<n> exp=<ms left> <type>=<v> <rate>(<period>)=<v> ...`
 * in the data types' enum order.
 */

import { registerCliCommands, type CliContext } from '../runtime/registry';
import { DATA_TYPES, dataTypeIndex, type StickEntry, type StickTable } from './table';
import { stickTables } from './runtime';

const OPS = ['eq', 'ne', 'le', 'ge', 'lt', 'gt'];

function header(t: StickTable, now: number): string {
  return `# table: ${t.name}, type: ${t.cfg.type}, size:${t.cfg.size}, used:${t.used(now)}\n`;
}

/** Pseudo address printed for an entry (HAProxy prints the entry's pointer). */
function address(e: StickEntry): string { return `0x${(0x55a940000000 + e.addr * 0x60).toString(16)}`; }

/** One `show table` entry line. */
export function entryLine(t: StickTable, e: StickEntry, now: number): string {
  let s = `${address(e)}: key=${e.key} use=${e.use} exp=${e.exp === 0 ? 0 : Math.max(0, e.exp - now)}`;
  for (let i = 0; i < DATA_TYPES.length; i++) {
    const d = DATA_TYPES[i];
    if (d.kind === 'dict' ? !t.storesServerKey : !t.stores(i)) continue;
    if (d.kind === 'dict') s += ` ${d.name}=${e.serverKey ?? ''}`;
    else if (d.kind === 'rate') s += ` ${d.name}(${t.periods[i]})=${t.get(e, i, now)}`;
    else s += ` ${d.name}=${t.get(e, i, now)}`;
  }
  return `${s}\n`;
}

interface Filter { type: number; op: string; value: number }

/**
 * A key typed on the CLI, as HAProxy parses it there: binary tables refuse keys, integer
 * and ipv6 tables answer "Invalid key" (an IPv4 address is not taken for ipv6 here), an
 * unparsable ip key is ignored silently.
 */
function cliKey(t: StickTable, text: string): { key?: string; error?: string } {
  const type = t.cfg.type;
  if (type === 'binary') return { error: 'Inserting keys into tables of type other than ip, ipv6, string and integer is not supported\n' };
  if (type === 'integer' && !/^-?\d+$/.test(text)) return { error: 'Invalid key\n' };
  if (type === 'ipv6' && !text.includes(':')) return { error: 'Invalid key\n' };
  const key = t.keyOf(text);
  return key === undefined ? (type === 'ip' ? {} : { error: 'Invalid key\n' }) : { key };
}

/** Parses `[data.<x> <op> <v>]* [key <k>]` from args[from..]; returns an error text. */
function parseFilters(t: StickTable, args: string[], from: number): { filters: Filter[]; key?: string } | string {
  const filters: Filter[] = [];
  let key: string | undefined;
  for (let i = from; i < args.length;) {
    const w = args[i];
    if (w === 'key') {
      if (args[i + 1] === undefined) return 'Key value expected\n';
      key = args[i + 1];
      i += 2;
    } else if (w.startsWith('data.')) {
      const n = filters.length + 1;
      const type = dataTypeIndex(w.slice(5));
      if (type < 0 || DATA_TYPES[type].kind === 'dict') return `Filter entry #${n}: Unknown data type\n`;
      if (!t.stores(type)) return `Filter entry #${n}: Data type not stored in this table\n`;
      const op = args[i + 1];
      if (op === undefined || !OPS.includes(op)) return `Filter entry #${n}: Require and operator among "eq", "ne", "le", "ge", "lt", "gt"\n`;
      const v = args[i + 2];
      if (v === undefined || !/^-?\d+$/.test(v)) return `Filter entry #${n}: Require a valid integer value to compare against\n`;
      filters.push({ type, op, value: Number(v) });
      i += 3;
    } else {
      return 'Optional argument only supports "data.<store_data_type>" <operator> <value> and key <key>\n';
    }
  }
  return { filters, key };
}

function matches(t: StickTable, e: StickEntry, filters: Filter[], now: number): boolean {
  for (const f of filters) {
    const v = t.get(e, f.type, now) ?? 0;
    switch (f.op) {
      case 'eq': if (!(v === f.value)) return false; break;
      case 'ne': if (!(v !== f.value)) return false; break;
      case 'le': if (!(v <= f.value)) return false; break;
      case 'ge': if (!(v >= f.value)) return false; break;
      case 'lt': if (!(v < f.value)) return false; break;
      default: if (!(v > f.value)) return false;
    }
  }
  return true;
}

function showTable(ctx: CliContext): string {
  const tables = stickTables(ctx.instance);
  const now = Date.now();
  const name = ctx.args[2];
  if (name === undefined) {
    // HAProxy walks its table list newest first.
    let out = '';
    for (const t of [...tables.values()].reverse()) out += header(t, now);
    return out;
  }
  const t = tables.get(name);
  if (!t) return 'No such table\n';
  const f = parseFilters(t, ctx.args, 3);
  if (typeof f === 'string') return f;
  if (f.key !== undefined) {
    // A key lookup prints nothing at all when the key is absent (not even the header).
    const k = cliKey(t, f.key);
    if (k.error) return k.error;
    const e = k.key === undefined ? undefined : t.lookup(k.key, now);
    if (!e || !matches(t, e, f.filters, now)) return '';
    return header(t, now) + entryLine(t, e, now);
  }
  let out = header(t, now);
  for (const e of t.entries.values()) {
    if (e.exp !== 0 && e.exp <= now && e.use === 0) continue;
    if (matches(t, e, f.filters, now)) out += entryLine(t, e, now);
  }
  return out;
}

function clearTable(ctx: CliContext): string {
  const tables = stickTables(ctx.instance);
  const name = ctx.args[2];
  if (name === undefined) return 'Required arguments: <table> "data.<store_data_type>" <operator> <value> or <table> key <key>\n';
  const t = tables.get(name);
  if (!t) return 'No such table\n';
  const f = parseFilters(t, ctx.args, 3);
  if (typeof f === 'string') return f;
  const now = Date.now();
  if (f.key !== undefined) {
    const k = cliKey(t, f.key);
    if (k.error) return k.error;
    const e = k.key === undefined ? undefined : t.lookup(k.key, now);
    // Entries still tracked by a stream stay (HAProxy only removes unreferenced ones).
    if (e && e.use === 0 && matches(t, e, f.filters, now)) t.entries.delete(e.key);
    return '';
  }
  for (const e of [...t.entries.values()]) if (e.use === 0 && matches(t, e, f.filters, now)) t.entries.delete(e.key);
  return '';
}

function setTable(ctx: CliContext): string {
  const tables = stickTables(ctx.instance);
  const a = ctx.args;
  const name = a[2];
  if (name === undefined) return 'Required arguments: <table> "data.<store_data_type>" <operator> <value> or <table> key <key>\n';
  const t = tables.get(name);
  if (!t) return 'No such table\n';
  if (a[3] !== 'key' || a[4] === undefined) return '';
  const k = cliKey(t, a[4]);
  if (k.error) return k.error;
  const key = k.key;
  if (key === undefined) return '';
  const now = Date.now();
  // Data words are checked before anything changes: a bad one leaves the entry untouched.
  const sets: [number, number][] = [];
  for (let i = 5; i < a.length; i += 2) {
    const w = a[i];
    if (!w.startsWith('data.')) return 'Optional argument only supports "data.<store_data_type>" <operator> <value> and key <key>\n';
    const type = dataTypeIndex(w.slice(5));
    if (type < 0) return 'Unknown data type\n';
    if (!t.stores(type)) return 'Data type not stored in this table\n';
    const v = a[i + 1];
    if (v === undefined || !/^-?\d+$/.test(v)) return 'Require a valid integer value to store\n';
    sets.push([type, Number(v)]);
  }
  const e = t.touch(key, now);
  if (!e) return '';
  for (const [type, v] of sets) t.set(e, type, v, now);
  return '';
}

registerCliCommands([
  { words: ['show', 'table'], level: 'operator', help: 'show table <table> [<filter>]*          : report table usage stats or dump this table\'s contents (filter: data/key)', handler: showTable },
  { words: ['clear', 'table'], level: 'operator', help: 'clear table <table> [<filter>]*         : remove an entry from a table (filter: data/key)', handler: clearTable },
  { words: ['set', 'table'], level: 'operator', help: 'set table <table> key <k> [data.* <v>]* : update or create a table entry\'s data', handler: setTable },
]);
