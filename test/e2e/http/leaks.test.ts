/**
 * Nothing leaks: clients disappear at every point of a transaction (mid-head, mid-upload,
 * while queued, while waiting for the response, mid-response-body, mid-tunnel) and servers
 * disappear (before and in the middle of a response), a bounded number of times. Afterwards
 * every counter seen through the stats socket is back to 0 (`show info` CurrConns, `show
 * stat` scur/qcur of frontends, backends and servers, `show sess` lists no HTTP stream) and
 * bin/fulcrum's RSS (/proc/PID/status VmRSS, no forced gc possible) grew by less than a
 * generous bound between warm-up and the end.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, startFulcrum, cliCommand, pollUntil, type FulcrumProcess } from '../harness';

const ROUNDS = Number(process.env.LEAK_ROUNDS ?? 300);
const WARMUP = 150;
const CONCURRENCY = 16;
const RSS_BOUND_KIB = 30 * 1024;
const WS = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

let fp: FulcrumProcess;
let stub: net.Server;
let front = 0;
let sock = '';

/** Raw stub: /ok, /slow (150 ms), /silent, /big (streams), /die (head + part, then RST), /die-early, /ws. */
function startStub(port: number): Promise<net.Server> {
  const srv = net.createServer((c) => {
    let buf = Buffer.alloc(0);
    let tunnel = false;
    c.on('error', () => undefined);
    c.on('data', (d) => {
      if (tunnel) { c.write(d); return; }
      buf = Buffer.concat([buf, d]);
      const e = buf.indexOf('\r\n\r\n');
      if (e < 0) return;
      const head = buf.subarray(0, e).toString('latin1');
      const cl = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < e + 4 + cl) return;
      buf = buf.subarray(e + 4 + cl);
      const target = head.split(' ')[1];
      if (target === '/ok') c.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      else if (target === '/slow') setTimeout(() => { if (!c.destroyed) c.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'); }, 150);
      else if (target === '/big') {
        c.write('HTTP/1.1 200 OK\r\nContent-Length: 10485760\r\n\r\n');
        const chunk = Buffer.alloc(65536, 98);
        let n = 0;
        const pump = (): void => { while (n < 160 && !c.destroyed) { n++; if (!c.write(chunk)) { c.once('drain', pump); return; } } };
        pump();
      } else if (target === '/die') { c.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial'); setTimeout(() => c.resetAndDestroy(), 10); }
      else if (target === '/die-early') c.resetAndDestroy();
      else if (target === '/ws') { tunnel = true; c.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n'); }
      // /silent: never answers
    });
  });
  return new Promise((r) => srv.listen(port, '127.0.0.1', () => r(srv)));
}

/** Connects, writes `req`, then disappears when `until` says so (bounded by 3 s). */
function vanish(req: string, until: 'written' | 'firstByte' | number, how: 'destroy' | 'reset' = 'destroy'): Promise<void> {
  return new Promise((res) => {
    const s = net.connect(front, '127.0.0.1');
    let done = false;
    const end = (): void => {
      if (done) return;
      done = true;
      clearTimeout(cap);
      if (how === 'reset') s.resetAndDestroy(); else s.destroy();
      res();
    };
    const cap = setTimeout(end, 3000);
    s.on('error', end);
    s.on('close', end);
    s.on('connect', () => {
      s.write(req, () => {
        if (until === 'written') end();
        else if (typeof until === 'number') setTimeout(end, until);
      });
    });
    s.on('data', () => { if (until === 'firstByte') end(); });
  });
}

/** One round: every way of disappearing once. */
async function round(i: number): Promise<void> {
  const how = i % 2 === 0 ? 'destroy' : 'reset';
  const only = process.env.LEAK_ONLY;
  const all = [
    () => vanish('GET /ok HTTP/1.1\r\nHost: a\r\nX-Par', 'written', how),                                    // mid-head
    () => vanish('POST /ok HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(1000), 20, how), // mid-upload
    () => vanish('GET /slow HTTP/1.1\r\nHost: a\r\n\r\n', 200),                                              // holds the queue slot
    () => vanish('GET /slow HTTP/1.1\r\nHost: q\r\n\r\n', 30, how),                                          // while queued
    () => vanish('GET /silent HTTP/1.1\r\nHost: a\r\n\r\n', 30, how),                                        // waiting for the response
    () => vanish('GET /big HTTP/1.1\r\nHost: a\r\n\r\n', 'firstByte', how),                                  // mid-response-body
    () => vanish(`GET /ws HTTP/1.1\r\nHost: a\r\n${WS}ping`, 'firstByte', how),                             // mid-tunnel
    () => vanish('GET /die HTTP/1.1\r\nHost: a\r\n\r\n', 500),                                               // server dies mid-body
    () => vanish('GET /die-early HTTP/1.1\r\nHost: a\r\n\r\n', 500),                                         // server dies before answering
    () => vanish('GET /ok HTTP/1.1\r\nHost: a\r\n\r\n', 'firstByte'),                                        // a normal one
  ];
  await Promise.all((only === undefined ? all : [all[Number(only)]]).map((f) => f()));
}

async function rounds(n: number, base: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => { while (next < n) await round(base + next++); };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** All scur/qcur of `show stat` and CurrConns; the CLI's own connection is not an HTTP stream. */
async function counters(): Promise<{ cur: number; scur: Record<string, number>; qcur: Record<string, number>; sess: string }> {
  const info = await cliCommand(sock, 'show info');
  const cur = Number(/^CurrConns: (\d+)$/m.exec(info)?.[1] ?? NaN);
  const csv = (await cliCommand(sock, 'show stat')).split('\n');
  const cols = csv[0].replace(/^# /, '').split(',');
  const iS = cols.indexOf('scur');
  const iQ = cols.indexOf('qcur');
  const scur: Record<string, number> = {};
  const qcur: Record<string, number> = {};
  for (const line of csv.slice(1)) {
    if (!line) continue;
    const f = line.split(',');
    scur[`${f[0]}/${f[1]}`] = Number(f[iS] || 0);
    if (f[iQ] !== '') qcur[`${f[0]}/${f[1]}`] = Number(f[iQ] || 0);
  }
  return { cur, scur, qcur, sess: await cliCommand(sock, 'show sess') };
}

const allZero = (r: Record<string, number>): boolean => Object.values(r).every((v) => v === 0);

before(async () => {
  const ports = await freePorts(2);
  front = ports[0];
  stub = await startStub(ports[1]);
  fp = await startFulcrum(`
global
    stats socket {{DIR}}/stats level admin
defaults
    mode http
    timeout connect 1s
    timeout client 2s
    timeout server 2s
    timeout queue 2s
    timeout http-request 2s
    timeout tunnel 2s
frontend fe
    bind 127.0.0.1:${front}
    use_backend bq if { hdr(host) q }
    default_backend be
backend be
    server s1 127.0.0.1:${ports[1]}
backend bq
    server s1 127.0.0.1:${ports[1]} maxconn 1
`, { waitPort: front, waitSocket: '{{DIR}}/stats' });
  sock = join(fp.dir, 'stats');
});

after(async () => {
  await fp?.stop();
  await new Promise<void>((r) => stub ? stub.close(() => r()) : r());
});

test(`clients and servers vanishing at every point ${ROUNDS} times leave no connection, session or memory behind`, { timeout: 180000 }, async () => {
  await rounds(WARMUP, 0);
  await pollUntil(async () => (await counters()).cur <= 1, 'connections to drain after warm-up', 15000)
    .catch(async (e) => { throw new Error(`${(e as Error).message}\n${JSON.stringify(await counters())}`); });
  const rss0 = rssKiB(fp.pid);
  await rounds(ROUNDS, WARMUP);
  const c = (await pollUntil(async () => {
    const x = await counters();
    return x.cur <= 1 && allZero(x.scur) && allZero(x.qcur) ? x : undefined;
  }, 'every counter back to 0', 20000).catch(async (e): Promise<never> => { throw new Error(`${(e as Error).message}\n${JSON.stringify(await counters())}`); }))!;
  assert.ok(c.cur <= 1, 'CurrConns is 0 (or 1 for this CLI connection)');
  assert.ok(allZero(c.scur), JSON.stringify(c.scur));
  assert.ok(allZero(c.qcur), JSON.stringify(c.qcur));
  assert.ok(!/fe=fe\b/.test(c.sess), `no stream of frontend fe in show sess:\n${c.sess}`);
  const rss1 = rssKiB(fp.pid);
  if (existsSync(`/proc/${fp.pid}/status`)) {
    assert.ok(rss1 - rss0 < RSS_BOUND_KIB, `RSS grew by ${rss1 - rss0} KiB (from ${rss0} to ${rss1})`);
  }
  assert.ok(fp.running, 'the process is still up');
  console.log(`leaks: ${ROUNDS} rounds x 10 vanishing clients/servers; RSS ${rss0} KiB -> ${rss1} KiB (${rss1 - rss0 >= 0 ? '+' : ''}${rss1 - rss0} KiB)`);
});
