/**
 * Screen layout of `fulcrum top`, as plain lines (ANSI colours optional), from the model and
 * the UI state. Pure, so tests can check what an operator sees without a terminal.
 */

import { explain, human, num, sparkline, type Model, type Row } from './model';

export const SORT_KEYS = ['config', 'name', 'status', 'sessions', 'rate', 'errors', 'rtime'] as const;
export type SortKey = typeof SORT_KEYS[number];

export interface UiState {
  selected: number;
  filter: string;
  sort: SortKey;
  detail: boolean;
  /** Line being typed (filter or weight), with its prompt. */
  input?: { prompt: string; text: string };
  message: string;
  readOnly: boolean;
  color: boolean;
  target: string;
}

const ESC = '\x1b[';
const paint = (on: boolean, code: string, s: string): string => (on ? `${ESC}${code}m${s}${ESC}0m` : s);

function statusColor(st: string): string {
  if (st.startsWith('MAINT')) return '35';
  if (st === 'DRAIN' || st === 'NOLB') return '34';
  if (st.startsWith('UP ') || st.startsWith('DOWN ')) return '33';
  if (st.startsWith('DOWN')) return '31';
  if (st === 'UP' || st === 'OPEN' || st === 'no check') return '32';
  return '0';
}

const errors = (r: Row): number => num(r.rec.econ) + num(r.rec.eresp) + num(r.rec.ereq);

/** The rows shown: servers and backends matching the filter, in the chosen order. */
export function visibleRows(m: Model, ui: UiState): Row[] {
  const f = ui.filter.toLowerCase();
  let rows = m.rows.filter((r) => r.type !== 'F' || r.proxy !== '');
  if (f) rows = rows.filter((r) => r.key.toLowerCase().includes(f) || (r.rec.status ?? '').toLowerCase().includes(f));
  if (ui.sort === 'config') return rows;
  const val = (r: Row): number | string => {
    switch (ui.sort) {
      case 'name': return r.key;
      case 'status': return r.rec.status ?? '';
      case 'sessions': return -num(r.rec.scur);
      case 'rate': return -r.rate;
      case 'errors': return -errors(r);
      case 'rtime': return -num(r.rec.rtime);
      default: return 0;
    }
  };
  return [...rows].sort((a, b) => {
    const x = val(a), y = val(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function fit(s: string, w: number): string {
  return s.length > w ? s.slice(0, w) : s.padEnd(w, ' ');
}

/** Renders the whole screen (exactly `height` lines, each at most `width` columns wide). */
export function render(m: Model, ui: UiState, width: number, height: number): string[] {
  const c = ui.color;
  const i = m.info;
  const lines: string[] = [];
  lines.push(fit(`${i.Name ?? '?'} ${i.Version ?? ''}  pid ${i.Pid ?? '?'}  node ${i.node ?? ''}  uptime ${i.Uptime ?? ''}  conns ${i.CurrConns ?? '?'}/${i.Maxconn ?? '?'}  req/s ${i.ReqRate ?? i.SessRate ?? '?'}  [${ui.target}]`, width));
  lines.push(fit(`sort: ${ui.sort}  filter: ${ui.filter || '-'}${ui.readOnly ? '  (read-only)' : ''}   q quit  j/k move  enter detail  / filter  s sort  d disable  e enable  n drain  r ready  +/- weight  w set weight`, width));
  const rows = visibleRows(m, ui);
  if (ui.selected >= rows.length) ui.selected = Math.max(0, rows.length - 1);
  const sel = rows[ui.selected];
  const SPARK = 20;
  const header = `${'  PROXY/SERVER'.padEnd(30)}${'STATUS'.padEnd(14)}${'CHECK'.padEnd(9)}${'WGHT'.padStart(6)}${'SESS'.padStart(7)}${'MAX'.padStart(6)}${'REQ/S'.padStart(8)} ${'RATE HISTORY'.padEnd(SPARK)}${'ERR'.padStart(6)}${'5XX'.padStart(6)}${'RTIME'.padStart(7)}${'CHG'.padStart(8)}  LAST CHECK`;
  lines.push(paint(c, '7', fit(header, width)));
  const body = Math.max(1, height - lines.length - 2 - (ui.detail ? 12 : 0));
  const start = Math.max(0, Math.min(ui.selected - Math.floor(body / 2), rows.length - body));
  for (const r of rows.slice(start, start + body)) {
    const x = r.rec;
    const label = r.type === 'S' ? `    ${r.proxy}/${r.name}` : `  ${r.proxy}/${r.name === 'BACKEND' ? 'BACKEND' : 'FRONTEND'}`;
    const st = x.status ?? '';
    const line = `${fit(label, 30)}${fit(st, 14)}${fit(x.check_status ?? '', 9)}${(x.weight ?? '').padStart(6)}${(x.scur ?? '').padStart(7)}${(x.smax ?? '').padStart(6)}${r.rate.toFixed(1).padStart(8)} ${sparkline(r.history, SPARK)}${String(errors(r)).padStart(6)}${(x.hrsp_5xx ?? '').padStart(6)}${(x.rtime ?? '').padStart(7)}${(x.lastchg ? human(num(x.lastchg)) : '').padStart(8)}  ${x.check_desc ? `${x.check_desc}${x.last_chk ? `: ${x.last_chk}` : ''}` : ''}`;
    let out = fit(line, width);
    if (c) out = out.replace(fit(st, 14), paint(true, statusColor(st), fit(st, 14)));
    if (r === sel) out = paint(c, '1', `>${out.slice(1)}`);
    lines.push(out);
  }
  while (lines.length < height - 2 - (ui.detail ? 12 : 0)) lines.push('');
  if (ui.detail) {
    lines.push(paint(c, '7', fit(' DETAIL', width)));
    const d = sel ? (sel.type === 'S' ? explain(sel) : [`${sel.key}: status ${sel.rec.status}, sessions ${sel.rec.scur}/${sel.rec.slim}, total ${sel.rec.stot}, denied ${sel.rec.dreq}/${sel.rec.dresp}, errors ${errors(sel)}`]) : ['(nothing selected)'];
    const wrapped: string[] = [];
    for (const l of d) for (let k = 0; k < l.length; k += width) wrapped.push(l.slice(k, k + width));
    for (let k = 0; k < 11; k++) lines.push(fit(wrapped[k] ?? '', width));
  }
  lines.push(fit(ui.input ? `${ui.input.prompt}${ui.input.text}_` : '', width));
  lines.push(fit(ui.message, width));
  return lines.slice(0, height);
}
