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
import { CHECK_STATUSES } from '../checks/status';

const KIND_PREFIX: Partial<Record<StatKind, string>> = { F: 'haproxy_frontend_', B: 'haproxy_backend_', S: 'haproxy_server_' };

const SERVER_STATES = ['DOWN', 'UP', 'MAINT', 'DRAIN', 'NOLB'];
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

/** Renders every metric family, HELP/TYPE first, one sample per row (and label set). */
export function renderPrometheus(instance: Instance, now = Date.now()): string {
  const out: string[] = [];
  for (const { field, value } of infoValues(instance, now)) {
    const suffix = INFO_PROM[field.name];
    if (!suffix) continue;
    const name = `haproxy_process_${suffix}`;
    out.push(`# HELP ${name} ${field.desc}`, `# TYPE ${name} ${suffix === 'build_info' ? 'gauge' : metricType(name)}`);
    if (suffix === 'build_info') out.push(`${name}${labels([['version', String(value)]])} 1`);
    else out.push(`${name} ${typeof value === 'number' ? value : Number(value) || 0}`);
  }
  const rows = statRows(instance, undefined, now);
  for (const kind of ['F', 'B', 'S'] as const) {
    const kindRows = rows.filter((r) => r.kind === kind);
    if (kindRows.length === 0) continue;
    const seen = new Set<string>();
    for (const c of STAT_COLUMNS) {
      if (!c.prom || !c.kinds.has(kind)) continue;
      const name = KIND_PREFIX[kind]! + c.prom;
      const samples = samplesFor(c, kind, kindRows, name);
      if (samples.length === 0) continue;
      if (!seen.has(name)) {
        seen.add(name);
        out.push(`# HELP ${name} ${c.name.startsWith('hrsp_') ? 'Total number of HTTP responses.' : c.desc}`, `# TYPE ${name} ${metricType(name)}`);
      }
      out.push(...samples);
    }
  }
  return out.join('\n') + '\n';
}

function rowLabels(r: StatRow): [string, string][] {
  const l: [string, string][] = [['proxy', r.proxy.name]];
  if (r.server) l.push(['server', r.server.name]);
  return l;
}

function samplesFor(c: StatColumn, kind: StatKind, rows: StatRow[], name: string): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const v = columnValue(c, r);
    if (v === undefined) continue;
    const base = rowLabels(r);
    if (c.name === 'status') {
      const cur = stateOf(kind, String(v));
      for (const st of kind === 'S' ? SERVER_STATES : PROXY_STATES) out.push(`${name}${labels([...base, ['state', st]])} ${st === cur ? 1 : 0}`);
    } else if (c.name === 'check_status') {
      const cur = String(v).replace(/^\* /, '');
      for (const st of Object.keys(CHECK_STATUSES)) out.push(`${name}${labels([...base, ['state', st]])} ${st === cur ? 1 : 0}`);
    } else if (c.name.startsWith('hrsp_')) {
      out.push(`${name}${labels([...base, ['code', c.name.slice(5)]])} ${v}`);
    } else if (typeof v === 'number') {
      out.push(`${name}${labels(base)} ${c.prom!.includes('_seconds') && c.name !== 'lastchg' && c.name !== 'lastsess' && c.name !== 'downtime' ? v / 1000 : v}`);
    }
  }
  return out;
}
