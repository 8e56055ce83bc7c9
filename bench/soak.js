#!/usr/bin/env node
/**
 * Bounded soak of bin/fulcrum (default 10 minutes, `--minutes N`, `--conc N`): keep-alive
 * clients doing normal requests mixed with clients that vanish at every point (mid-head,
 * mid-upload, waiting for the response, mid-response-body, mid-tunnel) and a server that
 * dies mid-response. Prints RSS (from /proc/PID/status) at warm-up, every minute and at the
 * end, the request/abort counts, and `show info` CurrConns once the load stops (must be 0).
 * Loopback only; every process is started here and stopped by PID. Clients that vanish while
 * waiting for /silent leave a half-closed request that holds its server slot until `timeout
 * server` (HAProxy does the same without `option abortonclose`), so some normal requests get
 * a queue-timeout 503 (sQ--): counted apart from errors.
 *
 *   node bench/soak.js --minutes 2 [--conc 32] [--kinds 0,3]   (kinds: indexes in KINDS)
 */
'use strict';
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : def; };
const MINUTES = Math.min(opt('minutes', 10), 10);
const KIND_SET = (() => { const i = args.indexOf('--kinds'); return i >= 0 ? args[i + 1].split(',').map(Number) : null; })();
const CONC = opt('conc', 32);
const ROOT = path.resolve(__dirname, '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const WS = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

function freePort() { return new Promise((res) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); }); }
function rss(pid) { const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8')); return m ? Number(m[1]) : NaN; }
function cli(sock, cmd) {
  return new Promise((res) => {
    const s = net.connect(sock); let d = '';
    const t = setTimeout(() => { s.destroy(); res(d); }, 3000);
    s.on('connect', () => s.write(cmd + '\n')); s.on('data', (x) => { d += x; }); s.on('close', () => { clearTimeout(t); res(d); }); s.on('error', () => res(d));
  });
}

function startStub() {
  const srv = net.createServer((c) => {
    let buf = Buffer.alloc(0); let tunnel = false;
    c.on('error', () => undefined);
    c.on('data', (d) => {
      if (tunnel) { c.write(d); return; }
      buf = Buffer.concat([buf, d]);
      for (let guard = 0; guard < 16; guard++) {
        const e = buf.indexOf('\r\n\r\n'); if (e < 0) return;
        const head = buf.subarray(0, e).toString('latin1');
        const cl = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < e + 4 + cl) return;
        buf = buf.subarray(e + 4 + cl);
        const target = head.split(' ')[1];
        if (target === '/big') { c.write('HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n'); c.write(Buffer.alloc(1048576, 98)); }
        else if (target === '/silent') { /* no answer */ }
        else if (target === '/die') { c.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial'); setImmediate(() => c.resetAndDestroy()); return; }
        else if (target === '/ws') { tunnel = true; c.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n'); return; }
        else c.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      }
    });
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r(srv)));
}

const stats = { ok: 0, aborted: 0, errors: 0, queue503: 0, why: {} };
const noteErr = (w) => { stats.errors++; stats.why[w] = (stats.why[w] || 0) + 1; };

/** Ten keep-alive requests on one connection. */
function normal(port) {
  return new Promise((res) => {
    const s = net.connect(port, '127.0.0.1'); let left = 10; let got = '';
    // 5 s per request (a request may wait up to `timeout queue` in the backend queue).
    const onTimeout = () => { noteErr(`no answer in 5 s after ${10 - left} answers: ${JSON.stringify(got.slice(0, 60))}`); s.destroy(); res(); };
    let t = setTimeout(onTimeout, 5000);
    s.on('connect', () => s.write('GET /ok HTTP/1.1\r\nHost: a\r\n\r\n'));
    s.on('data', (d) => {
      got += d;
      while (got.includes('\r\n\r\nok')) {
        got = got.slice(got.indexOf('\r\n\r\nok') + 6); stats.ok++;
        if (--left === 0) { clearTimeout(t); s.end(); res(); return; }
        clearTimeout(t);
        t = setTimeout(onTimeout, 5000);
        s.write('GET /ok HTTP/1.1\r\nHost: a\r\n\r\n');
      }
    });
    s.on('error', (e) => { clearTimeout(t); noteErr(e.code || e.message); res(); });
    s.on('end', () => { if (left > 0 && got.startsWith('HTTP/1.1 503 ')) { clearTimeout(t); stats.queue503++; res(); return; } if (left > 0) { clearTimeout(t); noteErr(`closed after ${10 - left} answers: ${JSON.stringify(got.slice(0, 60))}`); res(); } });
  });
}

/** Connects, sends `req`, vanishes (destroy or RST) after `after` ms or the first byte. */
function vanish(port, req, after, reset) {
  return new Promise((res) => {
    const s = net.connect(port, '127.0.0.1'); let done = false;
    const end = () => { if (done) return; done = true; clearTimeout(cap); if (reset) s.resetAndDestroy(); else s.destroy(); stats.aborted++; res(); };
    const cap = setTimeout(end, 2000);
    s.on('error', end); s.on('close', end);
    s.on('connect', () => s.write(req, () => { if (after >= 0) setTimeout(end, after); }));
    s.on('data', () => { if (after < 0) end(); });
  });
}

const KINDS = [
  (p) => normal(p),
  (p, r) => vanish(p, 'GET /ok HTTP/1.1\r\nHost: a\r\nX-Par', 0, r),
  (p, r) => vanish(p, 'POST /ok HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(4000), 5, r),
  (p, r) => vanish(p, 'GET /silent HTTP/1.1\r\nHost: a\r\n\r\n', 10, r),
  (p, r) => vanish(p, 'GET /big HTTP/1.1\r\nHost: a\r\n\r\n', -1, r),
  (p, r) => vanish(p, `GET /ws HTTP/1.1\r\nHost: a\r\n${WS}ping`, -1, r),
  (p) => vanish(p, 'GET /die HTTP/1.1\r\nHost: a\r\n\r\n', 200, false),
];

(async () => {
  const stub = await startStub();
  const front = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fulcrum-soak-'));
  const sock = path.join(dir, 'stats');
  const cfg = path.join(dir, 'soak.cfg');
  const logCfg = process.env.SOAK_LOG ? '    log stderr format raw local0\n' : '';
  fs.writeFileSync(cfg, `global
    stats socket ${sock} level admin
${logCfg}defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 2s
    timeout server 2s
    timeout http-request 2s
    timeout http-keep-alive 1s
    timeout tunnel 2s
frontend fe
    bind 127.0.0.1:${front}
    default_backend be
backend be
    server s1 127.0.0.1:${stub.address().port} maxconn 64
`);
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'fulcrum'), '-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    for (let i = 0; i < 100 && !(await new Promise((r) => { const s = net.connect(front, '127.0.0.1'); s.on('connect', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); })); i++) await sleep(50);
    const t0 = Date.now();
    const end = t0 + MINUTES * 60000;
    let n = 0;
    let warm = NaN;
    let nextReport = t0 + 60000;
    const worker = async () => {
      while (Date.now() < end) {
        const k = KIND_SET ? KIND_SET[n++ % KIND_SET.length] : n++ % KINDS.length;
        await KINDS[k](front, n % 2 === 0);
      }
    };
    // Warm-up: 20 s of load before the reference RSS.
    const workers = Array.from({ length: CONC }, worker);
    await sleep(Math.min(20000, MINUTES * 60000 / 4));
    warm = rss(child.pid);
    console.log(`warm-up RSS ${(warm / 1024).toFixed(1)} MiB after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    while (Date.now() < end) {
      await sleep(Math.min(1000, Math.max(0, end - Date.now())));
      if (Date.now() >= nextReport) { nextReport += 60000; console.log(`t=${((Date.now() - t0) / 1000).toFixed(0)}s RSS ${(rss(child.pid) / 1024).toFixed(1)} MiB ok=${stats.ok} aborted=${stats.aborted} errors=${stats.errors}`); }
    }
    await Promise.all(workers);
    let cur = -1;
    for (let i = 0; i < 100; i++) { cur = Number(/CurrConns: (\d+)/.exec(await cli(sock, 'show info'))?.[1] ?? -1); if (cur <= 1) break; await sleep(100); }
    const last = rss(child.pid);
    console.log(`end: ${MINUTES} min, ${CONC} clients: ok=${stats.ok} aborted=${stats.aborted} queue-full 503=${stats.queue503} errors=${stats.errors} ${JSON.stringify(stats.why)}; CurrConns after the load ${cur} (the CLI's own connection may count 1)`);
    console.log(`RSS warm-up ${(warm / 1024).toFixed(1)} MiB -> end ${(last / 1024).toFixed(1)} MiB (${last - warm >= 0 ? '+' : ''}${((last - warm) / 1024).toFixed(1)} MiB)`);
  } finally {
    if (child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    await sleep(500);
    if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    stub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
