/**
 * The dashboard's data: `show info` and `show stat` answers parsed by column name (the CSV
 * header line says which column is which), plus a short history per row so that request
 * rates and sparklines come from successive polls. Pure: no I/O, unit-testable.
 */

export type StatRecord = Record<string, string>;

/** `Key: value` lines of `show info`. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** `show stat` CSV (header `# pxname,svname,...`) into records keyed by column name. */
export function parseStat(text: string): StatRecord[] {
  const lines = text.split('\n');
  const head = lines.find((l) => l.startsWith('# '));
  if (!head) return [];
  const cols = head.slice(2).split(',');
  const out: StatRecord[] = [];
  for (const l of lines) {
    if (l === '' || l.startsWith('#')) continue;
    const f = l.split(',');
    const r: StatRecord = {};
    for (let i = 0; i < cols.length && i < f.length; i++) if (cols[i] !== '' && cols[i] !== '-') r[cols[i]] = f[i];
    out.push(r);
  }
  return out;
}

export const num = (v: string | undefined): number => {
  const n = Number(v);
  return v === undefined || v === '' || !Number.isFinite(n) ? 0 : n;
};

/** One row as the dashboard shows it. */
export interface Row {
  key: string;
  proxy: string;
  name: string;
  type: 'F' | 'B' | 'S';
  rec: StatRecord;
  /** Requests (HTTP) or sessions (TCP) per second over the last poll. */
  rate: number;
  /** Last rates, oldest first. */
  history: number[];
}

export const HISTORY = 30;

/** Keeps per-row counters between polls. */
export class Model {
  info: Record<string, string> = {};
  rows: Row[] = [];
  private prev = new Map<string, { total: number; at: number; history: number[] }>();

  /** Folds in a new poll taken at `now` (ms). */
  update(infoText: string, statText: string, now: number): void {
    this.info = parseInfo(infoText);
    const rows: Row[] = [];
    for (const rec of parseStat(statText)) {
      const type = rec.type === '0' ? 'F' : rec.type === '1' ? 'B' : rec.type === '2' ? 'S' : undefined;
      if (!type) continue;
      const key = `${rec.pxname}/${rec.svname}`;
      // HTTP rows count requests, TCP rows sessions.
      const total = rec.mode === 'http' && rec.req_tot !== '' && rec.req_tot !== undefined ? num(rec.req_tot) : num(rec.stot);
      const p = this.prev.get(key);
      let rate = 0;
      const history = p ? p.history : [];
      if (p && now > p.at) {
        rate = Math.max(0, total - p.total) / ((now - p.at) / 1000);
        history.push(rate);
        if (history.length > HISTORY) history.shift();
      }
      this.prev.set(key, { total, at: now, history });
      rows.push({ key, proxy: rec.pxname, name: rec.svname, type, rec, rate, history });
    }
    this.rows = rows;
  }
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** A sparkline of `width` cells, scaled to the largest value shown. */
export function sparkline(values: number[], width: number): string {
  const v = values.slice(-width);
  const max = Math.max(0, ...v);
  let s = '';
  for (const x of v) s += max <= 0 ? BLOCKS[0] : BLOCKS[Math.min(7, Math.round((x / max) * 7))];
  return s.padStart(width, ' ');
}

/** `1d2h`, `3h4m`, `5m6s`, `7s` (as the stats page prints durations). */
export function human(sec: number): string {
  if (!(sec >= 0)) return '-';
  const d = Math.floor(sec / 86400), h = Math.floor((sec % 86400) / 3600), m = Math.floor((sec % 3600) / 60), s = Math.floor(sec % 60);
  if (d) return `${d}d${h}h`;
  if (h) return `${h}h${m}m`;
  if (m) return `${m}m${s}s`;
  return `${s}s`;
}

/** The lines of the detail view: what the server is doing and, when not UP, why. */
export function explain(r: Row): string[] {
  const x = r.rec;
  const out: string[] = [];
  const st = x.status ?? '';
  out.push(`${r.proxy}/${r.name}  status ${st}  weight ${x.weight ?? ''} (initial ${x.uweight ?? x.weight ?? ''})  addr ${x.addr || '-'}`);
  const chk = x.check_status ?? '';
  const since = x.lastchg !== undefined && x.lastchg !== '' ? ` for ${human(num(x.lastchg))}` : '';
  if (st.startsWith('MAINT')) {
    const via = /MAINT\(via ([^)]*)\)/.exec(st);
    if (via) out.push(`In maintenance${since}: it tracks ${via[1]}, which is in maintenance.`);
    else if (st === 'MAINT(resolution)') out.push(`In maintenance${since}: its address could not be resolved.`);
    else out.push(`In maintenance${since}: set by an operator (disable server / set server state maint / stats page) or 'disabled' in the configuration.`);
  } else if (st === 'DRAIN') {
    out.push(`Draining${since}: takes no new traffic (set server state drain, weight 0, or an agent said drain).`);
  } else if (st.startsWith('DOWN')) {
    if (chk.startsWith('L') || chk === 'SOCKERR' || chk.startsWith('PROC') || chk.startsWith('* ')) {
      const code = x.check_code ? `, code ${x.check_code}` : '';
      out.push(`DOWN${since}: the health check failed: ${chk}${code} (${x.check_desc || 'no description'})${x.check_duration ? ` after ${x.check_duration}ms` : ''}.`);
    } else out.push(`DOWN${since}.`);
    if (x.agent_status && x.agent_status.startsWith('L') && !x.agent_status.endsWith('OK')) out.push(`The agent check also reports ${x.agent_status} (${x.agent_desc || ''}).`);
  } else if (st === 'NOLB') {
    out.push(`NOLB${since}: the health check answered "stopping" (404 with http-check disable-on-404, or forced by 'set server health stopping').`);
  } else if (st.startsWith('UP ')) out.push(`UP but going DOWN: ${st.slice(3)} failed checks counted so far.`);
  else if (st.startsWith('DOWN ')) out.push(`DOWN but going UP: ${st.slice(5)} successful checks counted so far.`);
  else if (st === 'no check') out.push('Not health-checked: considered UP while it is not in maintenance.');
  else out.push(`UP${since}.`);
  if (chk !== '') {
    out.push(`Last check: ${chk}${x.check_code ? ` code ${x.check_code}` : ''} "${x.check_desc ?? ''}"${x.last_chk ? ` info "${x.last_chk}"` : ''}${x.check_duration ? `, ${x.check_duration}ms` : ''}; health ${x.check_health ?? '?'}/${num(x.check_rise) + num(x.check_fall) - 1} (rise ${x.check_rise ?? '?'}, fall ${x.check_fall ?? '?'}).`);
    out.push(`Failed checks: ${x.chkfail || 0}; UP->DOWN transitions: ${x.chkdown || 0}; total downtime ${human(num(x.downtime))}.`);
  }
  if (x.agent_status) out.push(`Agent: ${x.agent_status} "${x.agent_desc ?? ''}"${x.last_agt ? ` info "${x.last_agt}"` : ''}.`);
  out.push(`Sessions ${x.scur}/${x.slim || '-'} (max ${x.smax}), total ${x.stot}; queue ${x.qcur}; conn errors ${x.econ || 0}, resp errors ${x.eresp || 0}, retries ${x.wretr || 0}, redispatches ${x.wredis || 0}.`);
  out.push(`HTTP 2xx ${x.hrsp_2xx || 0}  3xx ${x.hrsp_3xx || 0}  4xx ${x.hrsp_4xx || 0}  5xx ${x.hrsp_5xx || 0}; avg queue/connect/response/total ${x.qtime || 0}/${x.ctime || 0}/${x.rtime || 0}/${x.ttime || 0} ms (max ${x.qtime_max || 0}/${x.ctime_max || 0}/${x.rtime_max || 0}/${x.ttime_max || 0}).`);
  return out;
}
