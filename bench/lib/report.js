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

/**
 * One line per scenario: each proxy relative to haproxy (per-round ratios, median), as
 * "headline / CPU per request", plus haproxy's absolute numbers and the other load.
 * results: { scenarioName: { scenario, summary } | { scenario, idle: results } }.
 */
function overviewTable(results, targets) {
  const others = targets.filter((t) => t !== 'direct' && t !== 'haproxy');
  const head = ['scenario', 'haproxy: headline, CPU µs/req', ...others.map((t) => `${t} ×haproxy`), 'direct ×haproxy', 'other load %'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const r2 = (x) => (x === null || x === undefined ? '-' : x.toFixed(2));
  for (const [name, r] of Object.entries(results)) {
    if (r.idle) {
      const h = r.idle.haproxy;
      const cells = others.map((t) => { const x = r.idle[t]; return x && x.ok && h && h.ok ? `${r2(x.kib_per_conn / h.kib_per_conn)} (${x.kib_per_conn.toFixed(2)} KiB/conn)` : 'n/a'; });
      lines.push(`| ${name} | ${h && h.ok ? `${h.kib_per_conn.toFixed(2)} KiB/conn` : 'n/a'} | ${cells.join(' | ')} | - | - |`);
      continue;
    }
    if (!r.summary) { lines.push(`| ${name} | failed |${others.map(() => '').join(' |')} | | |`); continue; }
    const key = r.scenario.metric === 'mbps' ? 'mbps' : 'rps';
    const unit = key === 'mbps' ? 'MB/s' : 'req/s';
    const h = r.summary.haproxy;
    const hcell = h && h.ok ? `${METRICS.find((m) => m.key === key).fmt(h.median[key])} ${unit}, ${h.median.cpu_us_per_req === null ? '-' : h.median.cpu_us_per_req.toFixed(1)}` : 'n/a';
    const cells = others.map((t) => { const x = r.summary[t]; return x && x.ok ? `${r2(x.vsHaproxy[key])} / ${r2(x.vsHaproxy.cpu_us_per_req)}` : 'n/a'; });
    const d = r.summary.direct;
    const loads = Object.values(r.summary).filter((x) => x.ok).map((x) => x.median.other_load).filter((x) => x !== null);
    lines.push(`| ${name} | ${hcell} | ${cells.join(' | ')} | ${d && d.ok ? r2(d.vsHaproxy[key]) : 'n/a'} | ${loads.length ? (median(loads) * 100).toFixed(0) : '-'} |`);
  }
  return `### Overview: each proxy relative to haproxy\n\nCells: throughput ratio (req/s, or MB/s for the 1 MiB scenarios; higher is better) / CPU µs per request ratio (lower is better), each the median of per-round ratios. idle-10k: memory per idle connection ratio (lower is better).\n\n${lines.join('\n')}\n`;
}

module.exports = { METRICS, summarize, wrkTable, idleTable, overviewTable };
