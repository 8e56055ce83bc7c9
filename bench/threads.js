'use strict';
// Multi-core scaling: the same scenario (keep-alive, 64-byte answers from nginx, roundrobin
// over `--backends` nginx ports) through fulcrum with `nbthread 1` and `nbthread N`, and
// haproxy with the same nbthread values, in interleaved rounds. Prints req/s, the proxy's
// CPU (whole process tree, all threads) and CPU per request.
//
//   node bench/threads.js [--threads 1,2] [--rounds 3] [--duration 8] [--connections 50]
//                         [--target fulcrum,haproxy] [--wrk-threads 2] [--backends 2] [--wait-quiet S]
//                         [--mode proxy|return]
//
// Nothing is pinned: with nbthread 2 on a 2-core box the proxy needs both cores, so wrk and
// nginx share them with it (see docs/internals/multi-core.md for what the numbers mean).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { startNginx } = require('./lib/nginx');
const { runWrk } = require('./lib/wrk');
const { freePort, startProcess, stopProcess, waitForHttp200, median, commandExists, trackDir, installCleanup, sleep, maxconnForLimit } = require('./lib/util');
const { cpuMicros, systemBusyMicros } = require('./lib/procstat');

const ROOT = path.resolve(__dirname, '..');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}

const THREADS = arg('threads', '1,2').split(',').map(Number);
const TARGETS = arg('target', 'fulcrum,haproxy').split(',');
const ROUNDS = Number(arg('rounds', '3'));
const DURATION = Number(arg('duration', '8'));
const WARMUP = Number(arg('warmup', '2'));
const CONNS = Number(arg('connections', '50'));
const WRK_THREADS = Number(arg('wrk-threads', '2'));
const BACKENDS = Number(arg('backends', '2'));
const WAIT_QUIET = Number(arg('wait-quiet', '0'));
// proxy: to nginx (the usual path); return: the frontend answers itself (http-request return),
// so wrk and the proxy are the only busy processes and more of the box is left to the proxy.
const MODE = arg('mode', 'proxy');

/** Waits (up to maxS seconds) until other processes use < 10% of a core over 500 ms (as run.js --wait-quiet). */
async function waitQuiet(maxS) {
  const t0 = Date.now();
  while (maxS > 0 && Date.now() - t0 < maxS * 1000) {
    const a = systemBusyMicros();
    await sleep(500);
    const b = systemBusyMicros();
    if (a === null || b === null || (b - a) / 500e3 < 0.1) break;
  }
}

function config(listen, backends, nbthread) {
  return `global
    nbthread ${nbthread}
    maxconn ${maxconnForLimit()}
defaults
    mode http
    maxconn 30000
    timeout connect 5s
    timeout client 300s
    timeout server 300s
    timeout http-keep-alive 300s
frontend fe
    bind 127.0.0.1:${listen}
${MODE === 'return' ? '    http-request return status 200 content-type text/plain string ok\n' : ''}    default_backend be
backend be
    balance roundrobin
${backends.map((p, i) => `    server s${i + 1} 127.0.0.1:${p}`).join('\n')}
`;
}

async function startProxy(target, nbthread, backends, dir) {
  const port = await freePort();
  const cfg = path.join(dir, `${target}-${nbthread}.cfg`);
  fs.writeFileSync(cfg, config(port, backends, nbthread));
  const argv = target === 'haproxy' ? ['haproxy', '-db', '-f', cfg] : [process.execPath, path.join(ROOT, 'bin', 'fulcrum'), '-db', '-f', cfg];
  const proc = startProcess(argv, { cwd: dir });
  const r = await waitForHttp200(port, '/', 10000);
  if (r.status !== 200) {
    await stopProcess(proc);
    throw new Error(`${target} nbthread ${nbthread} did not answer: ${proc.output()}`);
  }
  return { port, proc };
}

async function main() {
  installCleanup();
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'))) spawnSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, stdio: 'inherit' });
  const targets = TARGETS.filter((t) => t !== 'haproxy' || commandExists('haproxy'));
  const dir = trackDir(fs.mkdtempSync(path.join(os.tmpdir(), 'fulcrum-bench-threads-')));
  const nginx = await startNginx({ count: BACKENDS });
  const results = {};
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of targets) {
        for (const n of THREADS) {
          const key = `${target} nbthread ${n}`;
          await waitQuiet(WAIT_QUIET);
          const { port, proc } = await startProxy(target, n, nginx.ports, dir);
          try {
            const url = `http://127.0.0.1:${port}/`;
            if (WARMUP > 0) await runWrk({ url, connections: CONNS, threads: WRK_THREADS, seconds: WARMUP });
            const cpu0 = cpuMicros(proc.pid);
            const r = await runWrk({ url, connections: CONNS, threads: WRK_THREADS, seconds: DURATION });
            const cpu = cpuMicros(proc.pid) - cpu0;
            const errors = Object.values(r.errors || {}).reduce((a, b) => a + b, 0);
            (results[key] ||= []).push({ rps: r.rps, cpuPerReqUs: cpu / r.requests, cores: cpu / r.duration_us, p99: r.lat_us.p99, errors, wrkCores: (r.wrk_cpu_us || 0) / r.duration_us });
            process.stderr.write(`round ${round + 1} ${key}: ${Math.round(r.rps)} req/s, proxy ${(cpu / r.duration_us).toFixed(2)} cores, wrk ${((r.wrk_cpu_us || 0) / r.duration_us).toFixed(2)} cores, ${errors} errors\n`);
          } finally {
            await stopProcess(proc);
            await sleep(200);
          }
        }
      }
    }
  } finally {
    await nginx.stop();
  }
  const cores = require('node:os').cpus().length;
  console.log(`\n## nbthread scaling, mode ${MODE} (${cores} CPUs, ${CONNS} keep-alive connections, wrk -t${WRK_THREADS}, ${BACKENDS} nginx backends, ${ROUNDS} x ${DURATION}s, medians; nothing pinned)\n`);
  // The ratio is taken per round (the rows of one round ran back to back), then the median:
  // other load on a shared box moves whole rounds more than it moves their ratios.
  console.log('| target | req/s | vs first nbthread (median of per-round ratios) | proxy CPU (cores) | CPU us/req | wrk CPU (cores) | p99 ms | errors |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const target of targets) {
    const base = results[`${target} nbthread ${THREADS[0]}`];
    for (const n of THREADS) {
      const rs = results[`${target} nbthread ${n}`];
      if (!rs) continue;
      const rps = median(rs.map((x) => x.rps));
      const ratio = median(rs.map((x, i) => (base && base[i] ? x.rps / base[i].rps : NaN)));
      console.log(`| ${target} nbthread ${n} | ${Math.round(rps)} | ${ratio === null ? '-' : ratio.toFixed(2)} (${rs.map((x, i) => (base && base[i] ? (x.rps / base[i].rps).toFixed(2) : '-')).join(', ')}) | ${median(rs.map((x) => x.cores)).toFixed(2)} | ${median(rs.map((x) => x.cpuPerReqUs)).toFixed(1)} | ${median(rs.map((x) => x.wrkCores)).toFixed(2)} | ${(median(rs.map((x) => x.p99)) / 1000).toFixed(2)} | ${rs.reduce((a, x) => a + x.errors, 0)} |`);
    }
  }
}

main().catch((e) => { console.error(e.stack || e.message); process.exit(1); });
