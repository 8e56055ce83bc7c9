#!/usr/bin/env node
'use strict';
// Fulcrum macro benchmark. See README.md. Usage:
//   node run.js [--quick] [--scenario a,b] [--target a,b] [--rounds N] [--duration S]
//               [--warmup S] [--idle-conns N] [--wait-quiet S] [--fulcrum-root DIR]
//               [--no-install] [--no-build] [--list]
// Environment equivalents: BENCH_SCENARIO, BENCH_TARGETS, BENCH_ROUNDS, BENCH_DURATION,
// BENCH_WARMUP, BENCH_IDLE_CONNS, BENCH_WAIT_QUIET, BENCH_FULCRUM_ROOT.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const readline = require('node:readline');
const { sleep, cpus, wrapCommand, hardNofile, maxconnForLimit, track, trackDir, installCleanup } = require('./lib/util');
const { cpuMicros, rssBytes, rssSampler, systemBusyMicros, CLK_TCK } = require('./lib/procstat');
const { runWrk } = require('./lib/wrk');
const { startNginx } = require('./lib/nginx');
const { SCENARIOS } = require('./lib/scenarios');
const { ALL_TARGETS, startTarget } = require('./lib/targets');
const { ROOT, ensureTools, ensureFulcrumBuilt, snapshotFulcrum, gitCommit, log } = require('./lib/tools');
const { summarize, wrkTable, idleTable, overviewTable } = require('./lib/report');

const MIB = 1024 * 1024;

function parseArgs(argv) {
  const env = process.env;
  const o = {
    quick: false,
    scenarios: env.BENCH_SCENARIO ? env.BENCH_SCENARIO.split(',') : null,
    targets: env.BENCH_TARGETS ? env.BENCH_TARGETS.split(',') : null,
    rounds: env.BENCH_ROUNDS ? Number(env.BENCH_ROUNDS) : null,
    duration: env.BENCH_DURATION ? Number(env.BENCH_DURATION) : null,
    warmup: env.BENCH_WARMUP ? Number(env.BENCH_WARMUP) : null,
    idleConns: env.BENCH_IDLE_CONNS ? Number(env.BENCH_IDLE_CONNS) : null,
    waitQuiet: env.BENCH_WAIT_QUIET ? Number(env.BENCH_WAIT_QUIET) : 0,
    fulcrumRoot: env.BENCH_FULCRUM_ROOT || null,
    install: true, build: true, list: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { const eq = a.indexOf('='); return eq >= 0 ? a.slice(eq + 1) : argv[++i]; };
    const key = a.split('=')[0];
    if (key === '--quick') o.quick = true;
    else if (key === '--scenario' || key === '--scenarios') o.scenarios = (o.scenarios && !process.env.BENCH_SCENARIO ? o.scenarios : []).concat(val().split(','));
    else if (key === '--target' || key === '--targets') o.targets = val().split(',');
    else if (key === '--rounds') o.rounds = Number(val());
    else if (key === '--duration') o.duration = Number(val());
    else if (key === '--warmup') o.warmup = Number(val());
    else if (key === '--idle-conns') o.idleConns = Number(val());
    else if (key === '--wait-quiet') o.waitQuiet = Number(val());
    else if (key === '--fulcrum-root') o.fulcrumRoot = path.resolve(val());
    else if (key === '--no-install') o.install = false;
    else if (key === '--no-build') o.build = false;
    else if (key === '--list') o.list = true;
    else if (key === '--help' || key === '-h') { process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(2, 9).join('\n').replace(/^\/\/ ?/gm, '') + '\n'); process.exit(0); }
    else { process.stderr.write(`unknown argument ${a} (try --help)\n`); process.exit(2); }
  }
  o.rounds ??= o.quick ? 1 : 3;
  o.duration ??= o.quick ? 2 : 5;
  o.warmup ??= 1;
  o.idleConns ??= o.quick ? 2000 : 10000;

  return o;
}

/** CPU layout: the proxy gets CPU 0; wrk, nginx and the idle-connection holder the rest. */
function cpuPlan() {
  const n = cpus();
  if (n < 2) return { proxyCpu: null, loadCpu: null, wrkThreads: 1, note: `${n} CPU: nothing pinned` };
  const loadCpu = n === 2 ? '1' : `1-${n - 1}`;
  return { proxyCpu: '0', loadCpu, wrkThreads: Math.min(4, n - 1), note: `proxy pinned to CPU 0; wrk + nginx pinned to CPU ${loadCpu}` };
}

function roundRecord(round, res, cpuUs, rssMax, otherUs) {
  const errorsTotal = Object.values(res.errors).reduce((a, b) => a + b, 0);
  return {
    round,
    requests: res.requests,
    duration_s: res.duration_us / 1e6,
    rps: res.rps,
    mbps: res.mbps,
    p50_ms: res.lat_us.p50 / 1000,
    p90_ms: res.lat_us.p90 / 1000,
    p99_ms: res.lat_us.p99 / 1000,
    max_ms: res.lat_us.max / 1000,
    cpu_us_per_req: cpuUs !== null && res.requests > 0 ? cpuUs / res.requests : null,
    cpu_util: cpuUs !== null ? cpuUs / res.duration_us : null,
    rss_load_mib: rssMax ? rssMax / MIB : null,
    other_load: otherUs !== null ? Math.max(0, otherUs) / res.duration_us : null,
    wrk_cpu_util: res.wrk_cpu_us !== null ? res.wrk_cpu_us / res.duration_us : null,
    errors: res.errors,
    errors_total: errorsTotal,
  };
}

/**
 * With --wait-quiet S: before a measurement, waits (up to S seconds) until CPU used by other
 * processes over a 500 ms window drops under 10% of a core. The benchmark's own processes
 * are idle then, so all busy time counts as other load. Returns the seconds waited.
 */
async function waitQuiet(maxS) {
  if (!maxS) return 0;
  const t0 = Date.now();
  while (Date.now() - t0 < maxS * 1000) {
    const a = systemBusyMicros();
    await sleep(500);
    const b = systemBusyMicros();
    if (a === null || b === null || (b - a) / 500e3 < 0.1) break;
  }
  return (Date.now() - t0) / 1000;
}

async function runWrkScenario(sc, opts, plan, ctxBase) {
  const nginx = await startNginx({ count: sc.backends, cpu: plan.loadCpu });
  const workDir = trackDir(fs.mkdtempSync(path.join(os.tmpdir(), `fulcrum-bench-${sc.name}-`)));
  const ctx = { ...ctxBase, scenario: sc, nginxPorts: nginx.ports, workDir, proxyCpu: plan.proxyCpu };
  const targets = {};
  const running = [];
  try {
    for (const name of opts.targets) {
      const t = await startTarget(name, ctx);
      targets[name] = { ok: t.ok, reason: t.reason, rounds: [], rss_idle_mib: null, port: t.port };
      if (t.ok) running.push(t); else log(`${sc.name}: ${name} n/a: ${t.reason}`);
    }
    await sleep(1000);
    for (const t of running) {
      if (t.pid) { const r = rssBytes(t.pid); targets[t.name].rss_idle_mib = r ? r / MIB : null; }
    }
    const url = (t) => `http://127.0.0.1:${t.port}${sc.path}`;
    if (opts.warmup > 0) {
      for (const t of running) {
        try { await runWrk({ url: url(t), connections: sc.connections, threads: plan.wrkThreads, seconds: opts.warmup, cpu: plan.loadCpu }); } catch (e) { log(`${sc.name}: ${t.name} warmup failed: ${e.message.slice(0, 300)}`); }
      }
    }
    for (let round = 0; round < opts.rounds; round++) {
      // Rotate the order every round so that no target always runs first or last.
      const order = running.map((_, i) => running[(i + round) % running.length]);
      for (const t of order) {
        const rec = targets[t.name];
        if (!rec.ok) continue;
        if (t.proc && t.proc.exited()) { rec.ok = false; rec.reason = `process exited during the run: ${t.proc.output().slice(-300)}`; continue; }
        const waited = await waitQuiet(opts.waitQuiet);
        if (waited > 1) log(`${sc.name}: waited ${waited.toFixed(1)} s for other load to settle`);
        const cpu0 = t.pid ? cpuMicros(t.pid) : null;
        const ng0 = cpuMicros(nginx.pid);
        const sys0 = systemBusyMicros();
        const sampler = t.pid ? rssSampler(t.pid) : null;
        let res;
        try {
          res = await runWrk({ url: url(t), connections: sc.connections, threads: plan.wrkThreads, seconds: opts.duration, cpu: plan.loadCpu });
        } catch (e) {
          if (sampler) sampler.stop();
          log(`${sc.name}: ${t.name} round ${round + 1}: wrk failed: ${e.message.slice(0, 300)}`);
          continue;
        }
        const cpu1 = t.pid ? cpuMicros(t.pid) : null;
        const ng1 = cpuMicros(nginx.pid);
        const sys1 = systemBusyMicros();
        const rssMax = sampler ? sampler.stop() : null;
        const proxyUs = cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null;
        // CPU used by anything but this proxy, nginx and wrk while wrk ran (other people's
        // builds and tests on a shared machine): a noise indicator per round.
        const otherUs = sys0 !== null && sys1 !== null && ng0 !== null && ng1 !== null && res.wrk_cpu_us !== null
          ? (sys1 - sys0) - (proxyUs || 0) - (ng1 - ng0) - res.wrk_cpu_us : null;
        const r = roundRecord(round, res, proxyUs, rssMax, otherUs);
        rec.rounds.push(r);
        log(`${sc.name} round ${round + 1}/${opts.rounds} ${t.name.padEnd(18)} ${Math.round(r.rps).toString().padStart(7)} req/s ${r.mbps.toFixed(1).padStart(8)} MB/s p99 ${r.p99_ms.toFixed(2)} ms` +
          (r.cpu_us_per_req !== null ? ` cpu ${r.cpu_us_per_req.toFixed(1)} µs/req` : '') + (r.other_load !== null ? ` other load ${(r.other_load * 100).toFixed(0)}%` : '') + (r.errors_total ? ` errors ${JSON.stringify(r.errors)}` : ''));
        await sleep(200);
      }
    }
  } finally {
    for (const t of running) await t.stop();
    await nginx.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  for (const rec of Object.values(targets)) if (rec.ok && rec.rounds.length === 0) { rec.ok = false; rec.reason ||= 'no successful round'; }
  const summary = summarize(targets);
  return { targets, summary, table: wrkTable(sc, summary) };
}

/** Starts the idle-connection holder; resolves { held, failed, status(), close() }. */
function startHolder(port, count, cpu) {
  const argv = wrapCommand([process.execPath, path.join(__dirname, 'lib', 'idle-holder.js'), String(port), String(count)], cpu);
  installCleanup();
  const child = track(spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] }));
  const rl = readline.createInterface({ input: child.stdout });
  const waiters = [];
  rl.on('line', (l) => { const w = waiters.shift(); if (w) w(l); });
  const next = (timeoutMs) => new Promise((resolve) => {
    const t = setTimeout(() => resolve(null), timeoutMs);
    waiters.push((l) => { clearTimeout(t); resolve(l); });
  });
  return next(120000).then((line) => {
    const m = /^READY (\d+) (\d+)/.exec(line || '');
    return {
      held: m ? Number(m[1]) : 0,
      failed: m ? Number(m[2]) : count,
      status: async () => { child.stdin.write('status\n'); const l = await next(5000); const mm = /^OPEN (\d+)/.exec(l || ''); return mm ? Number(mm[1]) : 0; },
      close: () => new Promise((resolve) => { child.once('exit', resolve); child.stdin.end(); setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 5000).unref(); }),
    };
  });
}

async function runIdleScenario(sc, opts, plan, ctxBase) {
  const nginx = await startNginx({ count: sc.backends, cpu: plan.loadCpu });
  const workDir = trackDir(fs.mkdtempSync(path.join(os.tmpdir(), `fulcrum-bench-${sc.name}-`)));
  const ctx = { ...ctxBase, scenario: sc, nginxPorts: nginx.ports, workDir, proxyCpu: plan.proxyCpu };
  const results = {};
  try {
    for (const name of opts.targets.filter((n) => n !== 'direct')) {
      const t = await startTarget(name, ctx);
      if (!t.ok) { results[name] = { ok: false, reason: t.reason }; log(`${sc.name}: ${name} n/a: ${t.reason}`); continue; }
      try {
        // Warm the proxy up (pools, JIT) before taking the baseline.
        try { await runWrk({ url: `http://127.0.0.1:${t.port}/`, connections: 10, threads: 1, seconds: Math.max(1, opts.warmup), cpu: plan.loadCpu }); } catch { /* measured anyway */ }
        await sleep(1000);
        const before = rssBytes(t.pid);
        const holder = await startHolder(t.port, opts.idleConns, plan.loadCpu);
        await sleep(1000);
        const after = rssBytes(t.pid);
        const held = await holder.status();
        await holder.close();
        if (!held) { results[name] = { ok: false, reason: `no connection held (${holder.failed} failed)` }; continue; }
        results[name] = {
          ok: true, held, failed: holder.failed,
          rss_before_mib: before / MIB, rss_after_mib: after / MIB,
          kib_per_conn: (after - before) / held / 1024,
        };
        log(`${sc.name} ${name.padEnd(18)} held ${held}/${opts.idleConns}, RSS ${(before / MIB).toFixed(1)} -> ${(after / MIB).toFixed(1)} MiB, ${results[name].kib_per_conn.toFixed(2)} KiB/conn`);
      } finally {
        await t.stop();
        await sleep(500);
      }
    }
  } finally {
    await nginx.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  return { targets: results, table: idleTable(sc, results, opts.idleConns) };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.list) {
    for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(16)} ${s.description}\n`);
    process.stdout.write(`\ntargets: ${ALL_TARGETS.join(', ')}\n`);
    return;
  }
  const scenarios = opts.scenarios ? opts.scenarios.map((n) => {
    const s = SCENARIOS.find((x) => x.name === n);
    if (!s) { process.stderr.write(`unknown scenario ${n}; known: ${SCENARIOS.map((x) => x.name).join(', ')}\n`); process.exit(2); }
    return s;
  }) : SCENARIOS;
  opts.targets = opts.targets || ALL_TARGETS;
  // Every proxy gets the same count: what the generated global maxconn lets HAProxy hold.
  const cap = maxconnForLimit() - 32;
  if (opts.idleConns > cap && scenarios.some((s) => s.kind === 'idle')) {
    log(`idle connections capped at ${cap} (fd hard limit ${hardNofile()}: HAProxy needs 2 fds per connection)`);
    opts.idleConns = cap;
  }
  for (const t of opts.targets) if (!ALL_TARGETS.includes(t)) { process.stderr.write(`unknown target ${t}; known: ${ALL_TARGETS.join(', ')}\n`); process.exit(2); }

  const tools = ensureTools({ install: opts.install });
  const fulcrumRoot = opts.fulcrumRoot || ROOT;
  let fulcrum = { dir: null, error: 'not selected' };
  if (opts.targets.includes('fulcrum')) {
    if (!ensureFulcrumBuilt({ build: opts.build, root: fulcrumRoot })) fulcrum = { dir: null, error: `fulcrum is not built (${fulcrumRoot}/dist/src/cli/main.js missing)` };
    else fulcrum = snapshotFulcrum(fulcrumRoot, SCENARIOS[0].config({ listen: 1, backends: [2] }));
    if (fulcrum.dir) log(`fulcrum: running a copy of ${fulcrumRoot}/dist taken now (${fulcrum.dir}); fulcrum -c says: ${fulcrum.check}`);
    else log(`fulcrum unavailable: ${fulcrum.error}`);
  }
  const plan = cpuPlan();
  const started = new Date();
  const meta = {
    started: started.toISOString(),
    commit: gitCommit(),
    fulcrum_root: fulcrumRoot,
    fulcrum_commit: gitCommit(fulcrumRoot),
    host: { cpus: cpus(), model: (os.cpus()[0] || {}).model, kernel: os.release(), clk_tck: CLK_TCK },
    versions: tools.versions,
    options: { rounds: opts.rounds, duration_s: opts.duration, warmup_s: opts.warmup, idle_conns: opts.idleConns, quick: opts.quick, wait_quiet_s: opts.waitQuiet },
    pinning: plan.note,
  };
  log(`${meta.host.cpus} CPUs (${meta.host.model}); ${plan.note}; ${opts.rounds} round(s) x ${opts.duration}s, warmup ${opts.warmup}s`);
  const ctxBase = { haproxy: tools.haproxy, fulcrumDir: fulcrum.dir, fulcrumError: fulcrum.error };
  const out = { meta, scenarios: {} };
  const tables = [];
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const jsonFile = path.join(__dirname, 'results', `${stamp}${opts.quick ? '-quick' : ''}.json`);
  const overview = {};
  for (const sc of scenarios) {
    log(`scenario ${sc.name}: ${sc.description}`);
    const t0 = Date.now();
    let r;
    try {
      r = sc.kind === 'idle' ? await runIdleScenario(sc, opts, plan, ctxBase) : await runWrkScenario(sc, opts, plan, ctxBase);
    } catch (e) {
      log(`scenario ${sc.name} failed: ${e.stack || e}`);
      r = { error: String(e.message || e), table: `### ${sc.name}\n\nfailed: ${e.message}\n` };
    }
    r.elapsed_s = (Date.now() - t0) / 1000;
    log(`scenario ${sc.name} took ${r.elapsed_s.toFixed(0)} s`);
    overview[sc.name] = sc.kind === 'idle' ? { scenario: sc, idle: r.targets } : { scenario: sc, summary: r.summary };
    out.scenarios[sc.name] = { description: sc.description, connections: sc.connections, path: sc.path, ...r };
    tables.push(r.table);
    process.stdout.write(`\n${r.table}\n`);
    fs.writeFileSync(jsonFile, JSON.stringify(out, null, 2));
  }
  const header = `## Fulcrum benchmark ${meta.started} (commit ${meta.commit}${fulcrumRoot !== ROOT ? `; fulcrum from ${fulcrumRoot} at ${meta.fulcrum_commit}` : ''})\n\n` +
    `${meta.host.cpus} CPUs (${meta.host.model}), Linux ${meta.host.kernel}; ${plan.note}; ` +
    `${opts.rounds} round(s) x ${opts.duration}s per target, warmup ${opts.warmup}s, targets interleaved per round.\n` +
    `node ${meta.versions.node}; ${meta.versions.haproxy || 'haproxy: absent'}; ${meta.versions.nginx}; ${meta.versions.wrk}\n`;
  const elapsed = (Date.now() - started.getTime()) / 1000;
  out.meta.elapsed_s = elapsed;
  fs.writeFileSync(jsonFile, JSON.stringify(out, null, 2));
  const md = `${header}\nTotal time ${Math.round(elapsed)} s.\n\n${overviewTable(overview, opts.targets)}\n${tables.join('\n')}`;
  fs.writeFileSync(jsonFile.replace(/\.json$/, '.md'), md);
  process.stdout.write(`\n\n${md}\nraw results: ${jsonFile}\n`);
  if (fulcrum.dir) fs.rmSync(fulcrum.dir, { recursive: true, force: true });
}

process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
main().catch((e) => { process.stderr.write(`${e.stack || e}\n`); process.exit(1); });
