/**
 * `show stat` renderers: CSV (the default), typed and JSON. All three iterate the one column
 * table (stats/columns.ts) over the rows chosen by stats/rows.ts; none knows any field by
 * name. Formats checked byte for byte against HAProxy 2.6.12.
 */

import type { Instance } from '../process/instance';
import { STAT_COLUMNS, columnValue, type StatColumn, type StatRow, type StatValue } from './columns';
import { statRows, ALL_ROWS, type RowFilter } from './rows';
import { jsonTags, jsonString } from './tags';

/** The CSV header line: `# pxname,...,uweight,agg_...,-,ssl_sess,...,` (with the final comma). */
export function csvHeader(): string {
  let out = '# ';
  let inModules = false;
  for (const c of STAT_COLUMNS) {
    if (c.module && !inModules) {
      out += '-,';
      inModules = true;
    }
    out += `${c.name},`;
  }
  return out;
}

/**
 * CSV escaping as HAProxy's csv_enc: a value containing a comma, a double quote or a line
 * break is quoted and its quotes doubled; other values are copied.
 */
export function csvField(v: StatValue): string {
  if (v === undefined) return '';
  const s = String(v);
  if (/[",\r\n]/.test(s)) return `"${s.replaceAll('"', '""')}"`;
  return s;
}

/** One CSV data line (with the trailing comma, and `-` between base and module fields). */
export function csvLine(row: StatRow): string {
  let out = '';
  let inModules = false;
  for (const c of STAT_COLUMNS) {
    if (c.module && !inModules) {
      out += '-,';
      inModules = true;
    }
    out += `${csvField(columnValue(c, row))},`;
  }
  return out;
}

/** `show stat` CSV: header then one line per row, each ending with `\n`. */
export function renderStatCsv(instance: Instance, filter: RowFilter = ALL_ROWS, now = Date.now()): string {
  const lines = [csvHeader()];
  for (const row of statRows(instance, filter, now)) lines.push(csvLine(row));
  return lines.join('\n') + '\n';
}

/** Typed/JSON position: the `-` marker is not a field there, so positions are table indexes. */
function fieldPos(c: StatColumn): number { return STAT_COLUMNS.indexOf(c); }

function rowSid(row: StatRow): number { return row.server ? row.server.id : 0; }

/**
 * `show stat typed`: `F.<iid>.<sid>.<pos>.<name>.1:<tags>:<type>:<value>` for every non-empty
 * field, rows one after another; with `desc`, `:"<description>"` is appended.
 */
export function renderStatTyped(instance: Instance, filter: RowFilter = ALL_ROWS, withDesc = false, now = Date.now()): string {
  let out = '';
  for (const row of statRows(instance, filter, now)) {
    for (const c of STAT_COLUMNS) {
      const v = columnValue(c, row);
      if (v === undefined) continue;
      out += `${row.kind}.${row.proxy.id}.${rowSid(row)}.${fieldPos(c)}.${c.name}.1:${c.tags[row.kind]}:${c.type}:${v}`;
      if (withDesc) out += `:"${c.desc}"`;
      out += '\n';
    }
  }
  return out;
}

const OBJ_TYPE = { F: 'Frontend', B: 'Backend', S: 'Server', L: 'Listener' } as const;

/** JSON value object for a typed field. */
export function jsonValue(type: string, v: string | number): string {
  return `{"type":"${type}","value":${type === 'str' ? jsonString(String(v)) : String(v)}}`;
}

/**
 * `show stat json`: an array with one array per row, each holding one object per non-empty
 * field (objType, proxyId, id, field{pos,name}, processNum, tags, value).
 */
export function renderStatJson(instance: Instance, filter: RowFilter = ALL_ROWS, now = Date.now()): string {
  const rows: string[] = [];
  for (const row of statRows(instance, filter, now)) {
    const fields: string[] = [];
    for (const c of STAT_COLUMNS) {
      const v = columnValue(c, row);
      if (v === undefined) continue;
      const t = jsonTags(c.tags[row.kind]!);
      fields.push(`{"objType":"${OBJ_TYPE[row.kind]}","proxyId":${row.proxy.id},"id":${rowSid(row)},"field":{"pos":${fieldPos(c)},"name":"${c.name}"},"processNum":1,"tags":{"origin":"${t.origin}","nature":"${t.nature}","scope":"${t.scope}"},"value":${jsonValue(c.type, v)}}`);
    }
    rows.push(`[${fields.join(',')}]`);
  }
  return `[${rows.join(',')}]\n`;
}
