'use strict';
// Summaries and Markdown tables. Every value is the median over rounds; every ratio is
// computed within one round (target / direct, target / haproxy of the same round) and the
// median of those per-round ratios is shown, so drift between rounds cancels.

const { median } = require('./util');

/** Per-round metrics taken from one wrk result and the proxy's /proc deltas. */
const METRICS = [
  { key: 'rps', label: 'req/s', fmt: (v) => Math.round(v).toString() },
  { key: 'mbps', label: 'MB/s', fmt: (v) => v.toFixed(1) },
  { key: 'p50_ms', label: 'p50 ms', fmt: (v) => v.toFixed(2) },
  { key: 'p99_ms', label: 'p99 ms', fmt: (v) => v.toFixed(2) },
  { key: 'cpu_us_per_req', label: 'CPU µs/req', fmt: (v) => v.toFixed(1) },
  { key: 'cpu_util', label: 'proxy CPU %', fmt: (v) => (v * 100).toFixed(0) },
  { key: 'rss_load_mib', label: 'RSS load MiB', fmt: (v) => v.toFixed(1) },
];

/** Noise indicators: shown as plain medians, no ratios. */
const PLAIN = [
  { key: 'other_load', label: 'other load %', fmt: (v) => (v * 100).toFixed(0) },
];

function clean(reason) {
  return String(reason || 'unknown').replace(/\s+/g, ' ').slice(0, 400);
}

function footnotes(notes) {
  return notes.length ? `\n${notes.map((n, i) => `[${i + 1}] ${n}`).join('\n\n')}\n` : '';
}

function ratioCell(value, rd, rh, fmt) {
  if (value === null || value === undefined) return 'n/a';
  const r = (x) => (x === null || x === undefined ? '-' : x.toFixed(2));
  return `${fmt(value)} (${r(rd)}/${r(rh)})`;
}

/**
 * summarize(targets: { name: { ok, reason, rss_idle_mib, rounds: [{ round, ...metrics }] } })
 * -> { name: { ok, reason, rss_idle_mib, errors, median: { key: v }, vsDirect: { key: r }, vsHaproxy: { key: r } } }
 */
function summarize(targets) {
  const out = {};
  const byRound = (name) => new Map(((targets[name] && targets[name].rounds) || []).map((r) => [r.round, r]));
  const direct = byRound('direct');
  const haproxy = byRound('haproxy');
  for (const [name, t] of Object.entries(targets)) {
    const s = { ok: t.ok, reason: t.reason, rss_idle_mib: t.rss_idle_mib ?? null, median: {}, vsDirect: {}, vsHaproxy: {}, errors: 0 };
    for (const r of t.rounds || []) s.errors += r.errors_total || 0;
    for (const m of PLAIN) s.median[m.key] = median((t.rounds || []).map((r) => r[m.key]));
    for (const m of METRICS) {
      s.median[m.key] = median((t.rounds || []).map((r) => r[m.key]));
      const ratios = (ref) => median((t.rounds || []).map((r) => {
        const o = ref.get(r.round);
        return o && typeof o[m.key] === 'number' && o[m.key] > 0 && typeof r[m.key] === 'number' ? r[m.key] / o[m.key] : null;
      }));
      s.vsDirect[m.key] = ratios(direct);
      s.vsHaproxy[m.key] = ratios(haproxy);
    }
    if (s.rss_idle_mib !== null && targets.haproxy && targets.haproxy.rss_idle_mib) s.vsHaproxy.rss_idle_mib = s.rss_idle_mib / targets.haproxy.rss_idle_mib;
    out[name] = s;
  }
  return out;
}

function wrkTable(scenario, summary) {
  const head = ['target', ...METRICS.map((m) => m.label), 'RSS idle MiB', ...PLAIN.map((m) => m.label), 'errors'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const notes = [];
  for (const [name, s] of Object.entries(summary)) {
    if (!s.ok) { notes.push(`${name}: ${clean(s.reason)}`); lines.push(`| ${name} | ${head.slice(1).map(() => `n/a [${notes.length}]`).join(' | ')} |`); continue; }
    const cells = METRICS.map((m) => ratioCell(s.median[m.key], s.vsDirect[m.key], s.vsHaproxy[m.key], m.fmt));
    const idle = s.rss_idle_mib === null ? 'n/a' : `${s.rss_idle_mib.toFixed(1)} (-/${s.vsHaproxy.rss_idle_mib ? s.vsHaproxy.rss_idle_mib.toFixed(2) : '-'})`;
    const plain = PLAIN.map((m) => (s.median[m.key] === null ? 'n/a' : m.fmt(s.median[m.key])));
    lines.push(`| ${name} | ${cells.join(' | ')} | ${idle} | ${plain.join(' | ')} | ${s.errors} |`);
  }
  return `### ${scenario.name}: ${scenario.description}\n\nCells: median value (ratio to direct / ratio to haproxy, each ratio taken within a round, median over rounds). "other load": CPU used by other processes on the machine during the runs (100 = one full core); above ~10 the req/s and latency columns are disturbed, CPU µs/req much less.\n\n${lines.join('\n')}\n${footnotes(notes)}`;
}

function idleTable(scenario, results, conns) {
  const head = ['target', 'RSS before MiB', `RSS with ${conns} conns MiB`, 'KiB per connection', 'vs haproxy', 'connections held'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const notes = [];
  const h = results.haproxy && results.haproxy.ok ? results.haproxy.kib_per_conn : null;
  for (const [name, r] of Object.entries(results)) {
    if (!r.ok) { notes.push(`${name}: ${clean(r.reason)}`); lines.push(`| ${name} | ${head.slice(1).map(() => `n/a [${notes.length}]`).join(' | ')} |`); continue; }
    lines.push(`| ${name} | ${r.rss_before_mib.toFixed(1)} | ${r.rss_after_mib.toFixed(1)} | ${r.kib_per_conn.toFixed(2)} | ${h ? (r.kib_per_conn / h).toFixed(2) : '-'} | ${r.held} |`);
  }
  return `### ${scenario.name}: ${scenario.description}\n\n${lines.join('\n')}\n${footnotes(notes)}`;
}

module.exports = { METRICS, summarize, wrkTable, idleTable };
