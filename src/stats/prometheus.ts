/**
 * Prometheus text exposition (format 0.0.4) with HAProxy 2.6's exporter metric names:
 * `haproxy_process_*` from the `show info` table, `haproxy_frontend_*`, `haproxy_backend_*`
 * and `haproxy_server_*` from the stat column table (their `prom` names). Times in ms are
 * exported in seconds; `status` and `check_status` are exported per state with a `state`
 * label, as the exporter does; HTTP response classes use a `code` label.
 */

import type { Instance } from '../process/instance';
import { STAT_COLUMNS, columnValue, type StatColumn, type StatKind, type StatRow } from './columns';
import { statRows } from './rows';
import { infoValues, INFO_PROM } from './info';

const STATUS_COL = STAT_COLUMNS.find((c) => c.name === 'status')!;

const KIND_PREFIX: Partial<Record<StatKind, string>> = { F: 'haproxy_frontend_', B: 'haproxy_backend_', S: 'haproxy_server_' };

const SERVER_STATES = ['DOWN', 'UP', 'MAINT', 'DRAIN', 'NOLB'];
/** The exporter's check states, in its order (UNK, INI and CHECKED are not exported). */
const CHECK_STATES = ['HANA', 'SOCKERR', 'L4OK', 'L4TOUT', 'L4CON', 'L6OK', 'L6TOUT', 'L6RSP', 'L7TOUT', 'L7RSP', 'L7OK', 'L7OKC', 'L7STS', 'PROCERR', 'PROCTOUT', 'PROCOK'];
/** Current rates are left to Prometheus (rate()): the 2.6 exporter does not export them. */
const NOT_EXPORTED = new Set(['rate', 'req_rate', 'conn_rate']);
/** Columns the exporter leaves out for servers (only meaningful per proxy). */
const NOT_FOR_SERVERS = new Set(['act', 'bck', 'req_tot']);
/** Server metrics the exporter prints as NaN when the CSV field is empty (no limit, no check). */
const SERVER_NAN = new Set(['slim', 'qlimit', 'throttle', 'src_ilim', 'chkfail', 'chkdown', 'downtime']);
/** Process metrics with no counterpart here, printed as NaN after `limit_http_comp`. */
const PROCESS_NAN = [['current_zlib_memory', 'Current memory used for zlib in bytes (zlib.mem_used)'], ['max_zlib_memory', 'Configured maximum amount of memory for zlib in bytes (zlib.max_mem)']];
/** Process metrics typed counter although their name has no `_total`. */
const PROCESS_COUNTERS = new Set(['failed_resolutions']);
const PROXY_STATES = ['DOWN', 'UP'];

/** Label value escaping of the text format (backslash, double quote, newline). */
function esc(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function labels(pairs: [string, string][]): string {
  return pairs.length === 0 ? '' : `{${pairs.map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;
}

function metricType(name: string): 'counter' | 'gauge' {
  return name.endsWith('_total') ? 'counter' : 'gauge';
}

/** Collapses a `status` column value into the exporter's state names. */
function stateOf(kind: StatKind, status: string): string {
  if (kind !== 'S') return status === 'DOWN' || status === 'STOP' ? 'DOWN' : 'UP';
  if (status.startsWith('MAINT')) return 'MAINT';
  if (status === 'DRAIN') return 'DRAIN';
  if (status === 'NOLB') return 'NOLB';
  return status.startsWith('UP') || status === 'no check' ? 'UP' : 'DOWN';
}

/** What the exporter's query string selects (`?scope=global&scope=server&no-maint`). */
export interface PromQuery {
  scopes: Set<string>;
  noMaint: boolean;
  /** A `scope=` value that is not a scope or not decodable: 2.6.12 answers 400. */
  invalid?: boolean;
}

/**
 * Parses the request URI's query as the 2.6 exporter does: `scope=` may repeat (global,
 * frontend, backend, server, `*` for all, empty for none); without any `scope` everything
 * is exported; `no-maint` leaves out servers in maintenance.
 */
export function parsePromQuery(uri: string | undefined): PromQuery {
  const all = ['global', 'frontend', 'backend', 'server'];
  const q = uri === undefined ? '' : uri.slice(uri.indexOf('?') + 1 || uri.length);
  let scopes: Set<string> | undefined;
  let noMaint = false;
  let invalid = false;
  for (const part of q.split('&')) {
    if (part === 'no-maint') noMaint = true;
    else if (part.startsWith('scope=')) {
      scopes ??= new Set();
      let v: string;
      try { v = decodeURIComponent(part.slice(6)); } catch { invalid = true; continue; }
      if (v === '*') for (const a of all) scopes.add(a);
      else if (all.includes(v)) scopes.add(v);
      else if (v !== '') invalid = true;
    }
  }
  return { scopes: scopes ?? new Set(all), noMaint, ...(invalid ? { invalid } : {}) };
}

const KIND_SCOPE: Partial<Record<StatKind, string>> = { F: 'frontend', B: 'backend', S: 'server' };

/**
 * Renders every metric family, HELP/TYPE first, one sample per row (and label set).
 * `uri` (the request URI) may carry the exporter's `scope=` / `no-maint` parameters.
 */
export function renderPrometheus(instance: Instance, now = Date.now(), uri?: string): string {
  const out: string[] = [];
  const query = parsePromQuery(uri);
  if (query.scopes.has('global')) for (const { field, value } of infoValues(instance, now)) {
    const suffix = INFO_PROM[field.name];
    if (!suffix) continue;
    const name = `haproxy_process_${suffix}`;
    out.push(`# HELP ${name} ${field.desc}`, `# TYPE ${name} ${suffix === 'build_info' ? 'gauge' : PROCESS_COUNTERS.has(suffix) ? 'counter' : metricType(name)}`);
    if (suffix === 'build_info') out.push(`${name}${labels([['version', String(value)]])} 1`);
    else out.push(`${name} ${typeof value === 'number' ? value : Number(value) || 0}`);
    if (suffix === 'limit_http_comp') {
      for (const [n, d] of PROCESS_NAN) out.push(`# HELP haproxy_process_${n} ${d}`, `# TYPE haproxy_process_${n} gauge`, `haproxy_process_${n} NaN`);
    }
  }
  const rows = statRows(instance, undefined, now);
  for (const kind of ['F', 'B', 'S'] as const) {
    if (!query.scopes.has(KIND_SCOPE[kind]!)) continue;
    const kindRows = rows.filter((r) => r.kind === kind && !(query.noMaint && kind === 'S' && String(columnValue(STATUS_COL, r) ?? '').startsWith('MAINT')));
    if (kindRows.length === 0) continue;
    const seen = new Set<string>();
    for (const c of STAT_COLUMNS) {
      if (!c.prom || !c.kinds.has(kind) || NOT_EXPORTED.has(c.name)) continue;
      if (kind === 'S' && NOT_FOR_SERVERS.has(c.name)) continue;
      const name = KIND_PREFIX[kind]! + c.prom;
      const samples = samplesFor(c, kind, kindRows, name, rows);
      if (samples.length === 0) continue;
      if (!seen.has(name)) {
        seen.add(name);
        out.push(`# HELP ${name} ${c.name.startsWith('hrsp_') ? 'Total number of HTTP responses.' : c.desc}`, `# TYPE ${name} ${metricType(name)}`);
      }
      out.push(...samples);
      // 2.6 also exports agg_server_status under its former name.
      if (kind === 'B' && c.name === 'agg_check_status') {
        const alias = 'haproxy_backend_agg_server_check_status';
        const aliased = samplesFor(STAT_COLUMNS.find((x) => x.name === 'agg_server_status')!, kind, kindRows, alias, rows);
        if (aliased.length) out.push(`# HELP ${alias} [DEPRECATED] Backend's aggregated gauge of servers' status`, `# TYPE ${alias} gauge`, ...aliased);
      }
    }
  }
  return out.join('\n') + '\n';
}

function rowLabels(r: StatRow): [string, string][] {
  const l: [string, string][] = [['proxy', r.proxy.name]];
  if (r.server) l.push(['server', r.server.name]);
  return l;
}

/** Per-state counts of a backend's servers (agg_server_status / agg_check_status). */
function aggregate(r: StatRow, all: StatRow[], col: 'status' | 'check_status'): Map<string, number> {
  const counts = new Map<string, number>();
  const c = STAT_COLUMNS.find((x) => x.name === col)!;
  for (const s of all) {
    if (s.kind !== 'S' || s.proxy !== r.proxy) continue;
    const v = columnValue(c, s);
    if (v === undefined) continue;
    const st = col === 'status' ? stateOf('S', String(v)) : String(v).replace(/^\* /, '');
    counts.set(st, (counts.get(st) ?? 0) + 1);
  }
  return counts;
}

function samplesFor(c: StatColumn, kind: StatKind, rows: StatRow[], name: string, all: StatRow[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const base = rowLabels(r);
    if (kind === 'B' && (c.name === 'agg_server_status' || c.name === 'agg_check_status')) {
      const counts = aggregate(r, all, c.name === 'agg_server_status' ? 'status' : 'check_status');
      for (const st of c.name === 'agg_server_status' ? SERVER_STATES : CHECK_STATES) out.push(`${name}${labels([...base, ['state', st]])} ${counts.get(st) ?? 0}`);
      continue;
    }
    let v = columnValue(c, r);
    if (kind === 'S' && c.name === 'check_code' && v === undefined && r.server?.check?.enabled) v = 0;
    if (v === undefined) {
      if (kind === 'S' && SERVER_NAN.has(c.name)) out.push(`${name}${labels(base)} NaN`);
      continue;
    }
    if (c.name === 'status') {
      const cur = stateOf(kind, String(v));
      for (const st of kind === 'S' ? SERVER_STATES : PROXY_STATES) out.push(`${name}${labels([...base, ['state', st]])} ${st === cur ? 1 : 0}`);
    } else if (c.name === 'check_status') {
      const cur = String(v).replace(/^\* /, '');
      for (const st of CHECK_STATES) out.push(`${name}${labels([...base, ['state', st]])} ${st === cur ? 1 : 0}`);
    } else if (c.name.startsWith('hrsp_')) {
      out.push(`${name}${labels([...base, ['code', c.name.slice(5)]])} ${v}`);
    } else if (typeof v === 'number') {
      out.push(`${name}${labels(base)} ${c.prom!.includes('_seconds') && c.name !== 'lastchg' && c.name !== 'lastsess' && c.name !== 'downtime' ? v / 1000 : v}`);
    }
  }
  return out;
}
