'use strict';
// Small helpers shared by the macro benchmark: free ports, waiting for a listener,
// one HTTP probe, spawning a process pinned to a CPU with a raised fd limit.

const net = require('node:net');
const http = require('node:http');
const fs = require('node:fs');
const { spawn, spawnSync } = require('node:child_process');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Returns a free TCP port on 127.0.0.1 (bound then released; racy but fine on a quiet box). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Resolves true once a TCP connect to host:port succeeds, false after timeoutMs. */
async function waitForPort(port, timeoutMs = 5000, host = '127.0.0.1') {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, host);
      c.once('connect', () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return true;
    await sleep(50);
  }
  return false;
}

/** One GET with a fresh connection; resolves {status, bytes} or {error}. Never rejects. */
function probe(port, path = '/', timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      let bytes = 0;
      res.on('data', (d) => { bytes += d.length; });
      res.on('end', () => resolve({ status: res.statusCode, bytes }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
  });
}

/** Polls probe() until it answers 200 or timeoutMs passes; returns the last probe result. */
async function waitForHttp200(port, path = '/', timeoutMs = 8000) {
  const end = Date.now() + timeoutMs;
  let last = { error: 'not tried' };
  while (Date.now() < end) {
    last = await probe(port, path, 1000);
    if (last.status === 200) return last;
    await sleep(100);
  }
  return last;
}

let cpuCount = null;
/** Number of CPUs this process may run on. */
function cpus() {
  if (cpuCount === null) {
    const r = spawnSync('nproc', [], { encoding: 'utf8' });
    cpuCount = parseInt(r.stdout, 10) || require('node:os').cpus().length;
  }
  return cpuCount;
}

let haveTaskset = null;
/**
 * Wraps argv so that the command runs with `ulimit -n` raised (10 000 idle connections need
 * it) and, when the machine has two or more CPUs and taskset exists, pinned to `cpu`.
 * `exec` keeps the PID, so the returned child's pid is the target's own.
 */
function wrapCommand(argv, cpu) {
  if (haveTaskset === null) haveTaskset = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).status === 0;
  const shell = ['bash', '-c', 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', 'bench'];
  const pin = cpu !== undefined && cpu !== null && haveTaskset && cpus() >= 2 ? ['taskset', '-c', String(cpu)] : [];
  return [...pin, ...shell, ...argv];
}

/** Every child this run started and that is still alive: killed if the run is interrupted. */
const live = new Set();
/** Registers a child process so that an interrupted run does not leave it behind. */
function track(child) {
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}
/** Temporary directories this run made: removed at exit, also after an interruption. */
const dirs = new Set();
function trackDir(dir) { dirs.add(dir); return dir; }
let handlersInstalled = false;
function installCleanup() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Whole trees: nginx's worker or a forking proxy's children must not outlive the run.
  const killAll = () => {
    const { tree } = require('./procstat');
    for (const c of live) {
      let pids = [c.pid];
      try { pids = tree(c.pid); } catch { /* /proc unreadable: the child alone */ }
      for (const p of pids.reverse()) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    }
  };
  process.on('exit', () => {
    killAll();
    for (const d of dirs) { try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* best effort */ } }
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => { process.stderr.write(`\n[bench] ${sig}: stopping the processes this run started\n`); killAll(); process.exit(130); });
  }
}

/**
 * Spawns argv (wrapped by wrapCommand) with stdout/stderr captured into a ring of the last
 * 8 KiB, for error messages. Returns { child, pid, output() }.
 */
function startProcess(argv, { cpu, cwd, env } = {}) {
  const full = wrapCommand(argv, cpu);
  installCleanup();
  const child = track(spawn(full[0], full.slice(1), { cwd, env: env || process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  const keep = (d) => { out = (out + d.toString()).slice(-8192); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (e) => keep(`spawn error: ${e.message}\n`));
  let exited = null;
  child.on('exit', (code, sig) => { exited = { code, sig }; });
  return { child, pid: child.pid, output: () => out, exited: () => exited };
}

/** Sends SIGTERM to the process started by startProcess, then SIGKILL after graceMs. */
async function stopProcess(p, graceMs = 2000) {
  if (!p || p.exited()) return;
  try { process.kill(p.pid, 'SIGTERM'); } catch { return; }
  const end = Date.now() + graceMs;
  while (!p.exited() && Date.now() < end) await sleep(50);
  if (!p.exited()) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
  const end2 = Date.now() + 1000;
  while (!p.exited() && Date.now() < end2) await sleep(20);
}

function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

let hardNofileCache = null;
/** The hard RLIMIT_NOFILE children can raise their soft limit to (containers often cap it). */
function hardNofile() {
  if (hardNofileCache === null) {
    const r = spawnSync('bash', ['-c', 'ulimit -n 65536 2>/dev/null; ulimit -n'], { encoding: 'utf8' });
    hardNofileCache = parseInt(r.stdout, 10) || 1024;
  }
  return hardNofileCache;
}

/**
 * Global maxconn for the generated configs: HAProxy needs about 2 fds per connection and
 * refuses to start when maxconn * 2 exceeds the fd limit it can get.
 */
function maxconnForLimit() {
  return Math.max(256, Math.min(20000, Math.floor((hardNofile() - 64) / 2)));
}

function readFileOr(path, dflt) {
  try { return fs.readFileSync(path, 'utf8'); } catch { return dflt; }
}

module.exports = { track, trackDir, installCleanup, hardNofile, maxconnForLimit, sleep, freePort, waitForPort, probe, waitForHttp200, cpus, wrapCommand, startProcess, stopProcess, median, commandExists, readFileOr };
