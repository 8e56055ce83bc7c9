/**
 * `fulcrum log-stats [options] [file...]`: HAProxy-httplog analysis in the spirit of halog.
 * Reads files (or stdin) as a stream and prints, depending on the flags:
 *   (none)  a summary: lines, errors, status classes, termination states, timer percentiles,
 *           servers and the busiest URLs
 *   -srv    per-server table   (#srv_name 1xx 2xx 3xx 4xx 5xx other tot_req req_ok pct_ok avg_ct avg_rt avg_ta)
 *   -st     status code counts (#status count)
 *   -tc     termination state counts (#term count)
 *   -u      per-URL table      (#req err ttot tavg oktot okavg bavg btot uri); sort with
 *           -uc (count, default) -ue (errors) -ut (total time) -ua (avg time) -ub (bytes)
 *   -pct    timer percentiles  (#percent TR Tw Tc Tr Ta), 50 90 95 99 99.9 100
 *   -srv -pct  per-server Tr and Ta percentiles (#srv_name req tr_p50 tr_p90 tr_p99 ta_p50 ta_p90 ta_p99)
 *   -c      only count matching lines
 * Filters: -e (errors only), -E (no errors), -hs N / -HS N (status range), -rt N / -RT N
 * (Ta range, ms), -srvname be/srv, -be NAME, -fe NAME. -m N: stop after N lines. -json:
 * the summary as one JSON object. -top N: URL/server rows to print (default 10 in the
 * summary, all with -u/-srv).
 */

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { LogStats, type Bucket, type Filters, type IntSeries } from './stats';

const USAGE = `Usage: fulcrum log-stats [-srv|-st|-tc|-u[c|e|t|a|b]|-pct|-srv -pct|-c|-json] [-e|-E] [-hs N] [-HS N]
       [-rt MS] [-RT MS] [-srvname BE/SRV] [-be NAME] [-fe NAME] [-m LINES] [-top N] [file...]
Reads httplog lines (files or stdin) and prints statistics (see docs: halog-like).
`;

export interface Options {
  mode: 'summary' | 'srv' | 'st' | 'tc' | 'u' | 'pct' | 'srvpct' | 'count';
  urlSort: 'c' | 'e' | 't' | 'a' | 'b';
  json: boolean;
  filters: Filters;
  maxLines: number;
  top: number;
  files: string[];
}

export function parseOptions(argv: string[]): Options | string {
  const o: Options = { mode: 'summary', urlSort: 'c', json: false, filters: {}, maxLines: Infinity, top: -1, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v)) throw new Error(`option ${a} expects a number`);
      return v;
    };
    try {
      switch (a) {
        case '-srv': o.mode = o.mode === 'pct' ? 'srvpct' : 'srv'; break;
        case '-st': o.mode = 'st'; break;
        case '-tc': o.mode = 'tc'; break;
        case '-u': case '-uc': o.mode = 'u'; o.urlSort = 'c'; break;
        case '-ue': o.mode = 'u'; o.urlSort = 'e'; break;
        case '-ut': o.mode = 'u'; o.urlSort = 't'; break;
        case '-ua': o.mode = 'u'; o.urlSort = 'a'; break;
        case '-ub': o.mode = 'u'; o.urlSort = 'b'; break;
        case '-pct': o.mode = o.mode === 'srv' ? 'srvpct' : 'pct'; break;
        case '-c': o.mode = 'count'; break;
        case '-json': o.json = true; break;
        case '-e': o.filters.onlyErrors = true; break;
        case '-E': o.filters.noErrors = true; break;
        case '-hs': o.filters.statusMin = num(); break;
        case '-HS': o.filters.statusMax = num(); break;
        case '-rt': o.filters.taMin = num(); break;
        case '-RT': o.filters.taMax = num(); break;
        case '-srvname': o.filters.server = argv[++i]; break;
        case '-be': o.filters.backend = argv[++i]; break;
        case '-fe': o.filters.frontend = argv[++i]; break;
        case '-m': o.maxLines = num(); break;
        case '-top': o.top = num(); break;
        case '-h': case '--help': return USAGE;
        default:
          if (a.startsWith('-') && a !== '-') return `fulcrum log-stats: unknown option '${a}'\n${USAGE}`;
          o.files.push(a);
      }
    } catch (e) { return `fulcrum log-stats: ${(e as Error).message}\n`; }
  }
  return o;
}

/** Feeds a stream line by line (latin1, any line length), stopping after `max` lines. */
export function feed(stream: Readable, stats: LogStats, max: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let rest = '';
    let done = false;
    const finish = (): void => { if (!done) { done = true; resolve(); } };
    stream.setEncoding('latin1');
    stream.on('data', (chunk: string) => {
      if (done) return;
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        if (stats.lines >= max) { stream.destroy(); finish(); return; }
        stats.addLine(text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    });
    stream.on('end', () => { if (rest !== '' && stats.lines < max) stats.addLine(rest); finish(); });
    stream.on('close', finish);
    stream.on('error', reject);
  });
}

const pct = (a: number, b: number): string => (b ? ((100 * a) / b).toFixed(1) : '0.0');
const avg = (s: number, n: number): number => (n ? Math.round(s / n) : -1);

/** Aligned columns: the first left-aligned, numbers right-aligned, a trailing `uri` column as is. */
function table(head: string[], rows: (string | number)[][]): string {
  const all = [head, ...rows.map((r) => r.map(String))];
  const last = head.length - 1;
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : i === last && head[last] === 'uri' ? c : c.padStart(w[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

function serverRows(s: LogStats, top: number): (string | number)[][] {
  const rows = [...s.servers.entries()].sort((a, b) => b[1].count - a[1].count);
  return (top >= 0 ? rows.slice(0, top) : rows).map(([k, b]) => {
    const ok = b.count - b.errors;
    return [k, b.statusClass[1], b.statusClass[2], b.statusClass[3], b.statusClass[4], b.statusClass[5], b.statusClass[0], b.count, ok, pct(ok, b.count), avg(b.tcSum, b.tcN), avg(b.trSum, b.trN), avg(b.taSum, b.taN)];
  });
}

function urlRows(s: LogStats, sort: Options['urlSort'], top: number): (string | number)[][] {
  const key = (b: Bucket): number => (sort === 'e' ? b.errors : sort === 't' ? b.taSum : sort === 'a' ? (b.taN ? b.taSum / b.taN : 0) : sort === 'b' ? b.bytes : b.count);
  const rows = [...s.urls.entries()].sort((a, b) => key(b[1]) - key(a[1]) || b[1].count - a[1].count);
  return (top >= 0 ? rows.slice(0, top) : rows).map(([u, b]) => [b.count, b.errors, b.taSum, avg(b.taSum, b.taN), b.okTaSum, avg(b.okTaSum, b.okN), avg(b.bytes, b.count), b.bytes, u]);
}

const PCTS = [50, 90, 95, 99, 99.9, 100];
const TIMERS = ['TR', 'Tw', 'Tc', 'Tr', 'Ta'] as const;

function pctRows(s: LogStats): (string | number)[][] {
  return PCTS.map((p) => [`${p}%`, ...TIMERS.map((t) => s.timers[t].percentile(p))]);
}

function counts<K>(m: Map<K, number>): [K, number][] {
  return [...m.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
}

function seriesJson(x: IntSeries): Record<string, number> {
  const o: Record<string, number> = { count: x.n, avg: Math.round(x.avg()) };
  for (const p of PCTS) o[`p${p}`] = x.percentile(p);
  return o;
}

/** Renders the report for the chosen mode. */
export function report(s: LogStats, o: Options): string {
  const top = o.top;
  if (o.json) {
    return JSON.stringify({
      lines: s.lines, unparsed: s.unparsed, matched: s.matched, errors: s.errors, first: s.firstDate, last: s.lastDate,
      status: Object.fromEntries(counts(s.statuses)), termination: Object.fromEntries(counts(s.terms)),
      timers: Object.fromEntries(TIMERS.map((t) => [t, seriesJson(s.timers[t])])),
      servers: Object.fromEntries([...s.servers.entries()].map(([k, b]) => [k, { requests: b.count, errors: b.errors, '1xx': b.statusClass[1], '2xx': b.statusClass[2], '3xx': b.statusClass[3], '4xx': b.statusClass[4], '5xx': b.statusClass[5], other: b.statusClass[0], avg_tc: avg(b.tcSum, b.tcN), avg_tr: avg(b.trSum, b.trN), avg_ta: avg(b.taSum, b.taN) }])),
      urls: urlRows(s, o.urlSort, top >= 0 ? top : 100).map((r) => ({ uri: r[8], requests: r[0], errors: r[1], total_ta: r[2], avg_ta: r[3], bytes: r[7] })),
    }, null, 1) + '\n';
  }
  switch (o.mode) {
    case 'count': return `${s.matched}\n`;
    case 'srv': return table(['#srv_name', '1xx', '2xx', '3xx', '4xx', '5xx', 'other', 'tot_req', 'req_ok', 'pct_ok', 'avg_ct', 'avg_rt', 'avg_ta'], serverRows(s, top));
    case 'st': return table(['#status', 'count'], counts(s.statuses).map(([k, n]) => [String(k), n]));
    case 'tc': return table(['#term', 'count'], counts(s.terms).map(([k, n]) => [k, n]));
    case 'u': return table(['#req', 'err', 'ttot', 'tavg', 'oktot', 'okavg', 'bavg', 'btot', 'uri'], urlRows(s, o.urlSort, top));
    case 'pct': return table(['#percent', ...TIMERS], pctRows(s));
    case 'srvpct': {
      const rows = [...s.serverTimers.entries()].sort((a, b) => b[1].Ta.n - a[1].Ta.n);
      return table(['#srv_name', 'req', 'tr_p50', 'tr_p90', 'tr_p99', 'ta_p50', 'ta_p90', 'ta_p99'],
        (top >= 0 ? rows.slice(0, top) : rows).map(([k, t]) => [k, s.servers.get(k)?.count ?? 0, t.Tr.percentile(50), t.Tr.percentile(90), t.Tr.percentile(99), t.Ta.percentile(50), t.Ta.percentile(90), t.Ta.percentile(99)]));
    }
    default: break;
  }
  let out = `lines: ${s.lines}  parsed: ${s.lines - s.unparsed}  matched: ${s.matched}  errors: ${s.errors} (${pct(s.errors, s.matched)}%)\n`;
  if (s.firstDate) out += `from [${s.firstDate}] to [${s.lastDate}]\n`;
  const cls = [0, 0, 0, 0, 0, 0];
  for (const [st, n] of s.statuses) { const c = Math.floor(st / 100); cls[c >= 1 && c <= 5 ? c : 0] += n; }
  out += `status: ${['1xx', '2xx', '3xx', '4xx', '5xx'].map((n, i) => `${n} ${cls[i + 1]}`).join('  ')}  other ${cls[0]}\n`;
  out += `codes: ${counts(s.statuses).map(([k, n]) => `${k}=${n}`).join(' ')}\n`;
  out += `termination: ${counts(s.terms).map(([k, n]) => `${k}=${n}`).join(' ')}\n\n`;
  out += table(['#timer(ms)', ...PCTS.map((p) => `p${p}`), 'avg', 'n'], TIMERS.map((t) => [t, ...PCTS.map((p) => s.timers[t].percentile(p)), Math.round(s.timers[t].avg()), s.timers[t].n]));
  out += '\n' + table(['#srv_name', '1xx', '2xx', '3xx', '4xx', '5xx', 'other', 'tot_req', 'req_ok', 'pct_ok', 'avg_ct', 'avg_rt', 'avg_ta'], serverRows(s, top >= 0 ? top : 20));
  out += '\n' + table(['#req', 'err', 'ttot', 'tavg', 'oktot', 'okavg', 'bavg', 'btot', 'uri'], urlRows(s, 'c', top >= 0 ? top : 10));
  return out;
}

export async function run(argv: string[]): Promise<void> {
  const o = parseOptions(argv);
  if (typeof o === 'string') {
    (o.startsWith('Usage') ? process.stdout : process.stderr).write(o);
    if (!o.startsWith('Usage')) process.exitCode = 1;
    return;
  }
  const stats = new LogStats(o.filters, o.mode === 'u' || o.mode === 'summary' || o.json, o.mode === 'srvpct');
  try {
    if (o.files.length === 0 || (o.files.length === 1 && o.files[0] === '-')) await feed(process.stdin, stats, o.maxLines);
    else for (const f of o.files) await feed(f === '-' ? process.stdin : createReadStream(f), stats, o.maxLines);
  } catch (e) {
    process.stderr.write(`fulcrum log-stats: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(report(stats, o));
}
