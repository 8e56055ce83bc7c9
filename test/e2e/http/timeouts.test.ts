/**
 * HTTP timeouts with HAProxy 2.6.12's semantics, driven with raw sockets (observed on the
 * same scenarios against /usr/sbin/haproxy; FULCRUM_COMPAT=1 replays them there too):
 * - timeout http-request: 408 cR-- <BADREQ>, a slowloris client (one byte per 100 ms) is cut
 *   at the deadline, not kept alive by its activity; a new connection that sends nothing
 *   also gets the 408 (not logged with dontlognull);
 * - timeout http-keep-alive: an idle keep-alive connection is closed silently, no log line;
 * - timeout client: a client that stops reading a big response -> cD-- (timeout server does
 *   not fire while the client is the slow side);
 * - timeout server: 504 sH-- before the head, sD-- mid-body; a half-closed client does not
 *   abort the wait;
 * - timeout connect: 503 sC-- after `retries 1` (two attempts, no turn-around after a timeout);
 * - timeout tunnel: idle WebSocket closed, cD--;
 * - timeout server-fin: client half-closes a tunnel, the server keeps its side: sD--;
 *   the server closing a tunnel ends the stream at once (----) and FINs the client.
 * Times are never asserted; every wait is bounded.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, freePort, pollUntil, startSyslogUdp, tempDir, canConnect } from '../harness';
import { rawErrorResponse, errorResponse } from '../../../src/proxy/http/error-pages';

const WS = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
const HAS_PY = spawnSync('python3', ['-c', 'pass']).status === 0;

/** Raw stub: behaviour by target path. Half-open capable so /ws-hold can keep its side. */
function startStub(): Promise<net.Server> {
  const srv = net.createServer({ allowHalfOpen: true }, (c) => {
    let buf = Buffer.alloc(0);
    let tunnel = false;
    let hold = false;
    c.on('error', () => undefined);
    c.on('end', () => { if (!hold) c.end(); });
    c.on('data', (d) => {
      if (tunnel) { c.write(d); return; }
      buf = Buffer.concat([buf, d]);
      const e = buf.indexOf('\r\n\r\n');
      if (e < 0) return;
      const head = buf.subarray(0, e).toString('latin1');
      const target = head.split(' ')[1];
      const body = buf.subarray(e + 4);
      if (target === '/ok') { buf = Buffer.alloc(0); c.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'); }
      else if (target === '/stall') c.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789');
      else if (target === '/big') {
        c.write('HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n');
        const chunk = Buffer.alloc(65536, 97);
        let n = 0;
        const pump = (): void => { while (n < 1600) { n++; if (!c.write(chunk)) { c.once('drain', pump); return; } } };
        pump();
      } else if (target === '/upload') {
        const cl = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (body.length >= cl) { buf = Buffer.alloc(0); c.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'); }
      } else if (target.startsWith('/ws')) {
        tunnel = true;
        hold = target === '/ws-hold';
        buf = Buffer.alloc(0);
        c.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n');
        if (target === '/ws-close') setTimeout(() => c.end(), 200);
      }
      // '/silent': never answers.
    });
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r(srv)));
}

interface Outcome { port: number; data: string; closedByPeer: boolean; fin: boolean; sentBytes: number; totalBytes: number }
interface Opts { writes: (string | number)[]; readPaused?: boolean; halfClose?: boolean; allowHalfOpen?: boolean; maxMs?: number }

/** One raw client: writes (strings, or pauses in ms), collects until the proxy closes or maxMs. */
function client(port: number, o: Opts): Promise<Outcome> {
  return new Promise((res) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: o.allowHalfOpen === true });
    let data = '';
    let sent = 0;
    let lp = 0;
    let fin = false;
    let done = false;
    const total = o.writes.reduce<number>((a, w) => a + (typeof w === 'string' ? w.length : 0), 0);
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(t);
      s.destroy();
      res({ port: lp, data, closedByPeer: closed, fin, sentBytes: sent, totalBytes: total });
    };
    const t = setTimeout(() => finish(false), o.maxMs ?? 8000);
    s.on('connect', async () => {
      lp = s.localPort!;
      if (o.readPaused) s.pause();
      for (const w of o.writes) {
        if (done) return;
        if (typeof w === 'number') { await new Promise((r) => setTimeout(r, w)); continue; }
        s.write(w);
        sent += w.length;
      }
      if (o.halfClose && !done) s.end();
    });
    s.on('data', (d) => { data += d.toString('latin1'); });
    s.on('end', () => { fin = true; if (!o.allowHalfOpen) finish(true); });
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
  });
}

const SCENARIOS: Record<string, { fe: 'main' | 'conn'; opts: Opts }> = {
  slowloris: { fe: 'main', opts: { writes: ['GET /ok HTTP/1.1\r\n', ...[...'X-Slow: ' + 'a'.repeat(60)].flatMap((ch) => [100, ch])] } },
  keepalive: { fe: 'main', opts: { writes: ['GET /ok HTTP/1.1\r\nHost: a\r\n\r\n'] } },
  idleNew: { fe: 'main', opts: { writes: [] } },
  uploadStall: { fe: 'main', opts: { writes: ['POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789'] } },
  clientNoRead: { fe: 'main', opts: { writes: ['GET /big HTTP/1.1\r\nHost: a\r\n\r\n'], readPaused: true, maxMs: 9000 } },
  serverSilent: { fe: 'main', opts: { writes: ['GET /silent HTTP/1.1\r\nHost: a\r\n\r\n'] } },
  serverStall: { fe: 'main', opts: { writes: ['GET /stall HTTP/1.1\r\nHost: a\r\n\r\n'] } },
  halfClosedRequest: { fe: 'main', opts: { writes: ['GET /silent HTTP/1.1\r\nHost: a\r\n\r\n'], halfClose: true } },
  connectTimeout: { fe: 'conn', opts: { writes: ['GET /ok HTTP/1.1\r\nHost: a\r\n\r\n'] } },
  tunnelIdle: { fe: 'main', opts: { writes: [`GET /ws HTTP/1.1\r\nHost: a\r\n${WS}`, 300, 'ping'] } },
  serverFin: { fe: 'main', opts: { writes: [`GET /ws-hold HTTP/1.1\r\nHost: a\r\n${WS}`, 300, 'ping', 100], halfClose: true } },
  serverClosesTunnel: { fe: 'main', opts: { writes: [`GET /ws-close HTTP/1.1\r\nHost: a\r\n${WS}`], allowHalfOpen: true, maxMs: 3000 } },
};

interface Log { status: number; tsc: string; request: string; retries: number }
type Results = Record<string, { out: Outcome; logs: Log[] }>;

const LOG_RE = /:(\d+) \[[^\]]*\] \S+ \S+ \S+ (-?\d+) \d+ \S+ \S+ (\S{4}) \d+\/\d+\/\d+\/\d+\/\+?(\d+) \S+ "(.*)"/;

async function runScenarios(kind: 'fulcrum' | 'haproxy'): Promise<Results> {
  const stub = await startStub();
  const syslog = await startSyslogUdp();
  const [pMain, pConn, pBlack] = [await freePort(), await freePort(), await freePort()];
  // A listener that never accepts, its backlog already full: SYNs go unanswered, so the
  // connect times out (loopback only).
  let black: ChildProcess | undefined;
  const fillers: net.Socket[] = [];
  if (HAS_PY) {
    black = spawn('python3', ['-c', `import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',${pBlack}))\ns.listen(0)\nprint('ok',flush=True)\ntime.sleep(120)`], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((r) => black!.stdout!.once('data', r));
    for (let i = 0; i < 3; i++) { const f = net.connect(pBlack, '127.0.0.1'); f.on('error', () => undefined); fillers.push(f); }
    await new Promise((r) => setTimeout(r, 200));
  }
  const dir = tempDir();
  const cfg = join(dir, 'p.cfg');
  writeFileSync(cfg, `global
    log 127.0.0.1:${syslog.port} local0
defaults
    mode http
    log global
    option httplog
    retries 1
    timeout connect 500ms
    timeout client 2s
    timeout server 1s
    timeout http-request 1s
    timeout http-keep-alive 500ms
    timeout tunnel 1500ms
    timeout client-fin 700ms
    timeout server-fin 700ms
frontend fm
    bind 127.0.0.1:${pMain}
    option dontlognull
    default_backend bm
backend bm
    server s 127.0.0.1:${(stub.address() as net.AddressInfo).port}
frontend fc
    bind 127.0.0.1:${pConn}
    default_backend bc
backend bc
    server s 127.0.0.1:${pBlack}
`);
  const child = kind === 'haproxy'
    ? spawn('/usr/sbin/haproxy', ['-db', '-f', cfg], { stdio: 'ignore' })
    : spawn(process.execPath, [BIN, '-db', '-f', cfg], { stdio: 'ignore' });
  try {
    await pollUntil(() => child.exitCode === null && canConnect(pMain), `${kind} listening`, 8000);
    const names = Object.keys(SCENARIOS).filter((n) => HAS_PY || n !== 'connectTimeout');
    const outs = await Promise.all(names.map((n) => client(SCENARIOS[n].fe === 'main' ? pMain : pConn, SCENARIOS[n].opts)));
    // The cD-- of the paused reader comes with the client timeout; wait for it (bounded).
    const cnr = outs[names.indexOf('clientNoRead')];
    await pollUntil(() => syslog.messages.some((m) => m.includes(`:${cnr.port} [`)), 'clientNoRead log line', 10000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    const res: Results = {};
    names.forEach((n, i) => {
      const o = outs[i];
      const logs: Log[] = [];
      for (const m of syslog.messages) {
        const x = LOG_RE.exec(m);
        if (x && Number(x[1]) === o.port) logs.push({ status: Number(x[2]), tsc: x[3], retries: Number(x[4]), request: x[5] });
      }
      res[n] = { out: o, logs };
    });
    return res;
  } finally {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    if (black?.pid && black.exitCode === null) process.kill(black.pid, 'SIGKILL');
    for (const f of fillers) f.destroy();
    stub.close();
    syslog.close();
  }
}

const status = (o: Outcome): string => o.data.slice(0, o.data.indexOf('\r\n'));
const results: Partial<Record<'fulcrum' | 'haproxy', Results>> = {};
const compat = process.env.FULCRUM_COMPAT === '1' && existsSync('/usr/sbin/haproxy');
const kinds: ('fulcrum' | 'haproxy')[] = compat ? ['fulcrum', 'haproxy'] : ['fulcrum'];

before(async () => {
  for (const k of kinds) results[k] = await runScenarios(k);
}, { timeout: 60000 });

after(() => undefined);

for (const kind of kinds) {
  const R = (n: string): { out: Outcome; logs: Log[] } => results[kind]![n];

  test(`${kind}: timeout http-request cuts a slowloris client at the deadline (408 cR--)`, () => {
    const { out, logs } = R('slowloris');
    assert.equal(out.data, rawErrorResponse(408).toString('latin1'));
    assert.ok(out.closedByPeer);
    assert.ok(out.sentBytes < out.totalBytes, `the trickle (${out.sentBytes}/${out.totalBytes} bytes) must not extend the deadline`);
    assert.deepEqual(logs.map((l) => [l.status, l.tsc, l.request]), [[408, 'cR--', '<BADREQ>']]);
  });

  test(`${kind}: a new connection that sends nothing gets the 408 too, unlogged with dontlognull`, () => {
    const { out, logs } = R('idleNew');
    assert.equal(out.data, rawErrorResponse(408).toString('latin1'));
    assert.ok(out.closedByPeer);
    assert.deepEqual(logs, []);
  });

  test(`${kind}: timeout http-keep-alive closes an idle keep-alive connection silently`, () => {
    const { out, logs } = R('keepalive');
    assert.equal(out.data, 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    assert.ok(out.closedByPeer);
    assert.deepEqual(logs.map((l) => [l.status, l.tsc]), [[200, '----']]);
  });

  test(`${kind}: timeout client ends a response the client does not read (cD--)`, () => {
    const { logs } = R('clientNoRead');
    assert.deepEqual(logs.map((l) => [l.status, l.tsc]), [[200, 'cD--']]);
  });

  test(`${kind}: timeout server before the head answers 504 sH--, keeping the connection`, () => {
    const { out, logs } = R('serverSilent');
    assert.ok(out.data.startsWith(errorResponse(504).toString('latin1')), status(out));
    assert.deepEqual(logs.map((l) => [l.status, l.tsc]), [[504, 'sH--']]);
    const half = R('halfClosedRequest');
    assert.equal(status(half.out), 'HTTP/1.1 504 Gateway Time-out');
    assert.deepEqual(half.logs.map((l) => [l.status, l.tsc]), [[504, 'sH--']]);
  });

  test(`${kind}: a stalled upload gets 504 sH-- with connection: close when timeout server is the shorter`, () => {
    const { out, logs } = R('uploadStall');
    assert.equal(out.data, errorResponse(504, true).toString('latin1'));
    assert.ok(out.closedByPeer);
    assert.deepEqual(logs.map((l) => [l.status, l.tsc]), [[504, 'sH--']]);
  });

  test(`${kind}: timeout server mid-body cuts the response (sD--)`, () => {
    const { out, logs } = R('serverStall');
    assert.equal(out.data, 'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789');
    assert.ok(out.closedByPeer);
    assert.deepEqual(logs.map((l) => [l.status, l.tsc]), [[200, 'sD--']]);
  });

  test(`${kind}: timeout connect answers 503 sC-- after the retries`, { skip: !HAS_PY && 'python3 needed for the non-accepting listener' }, () => {
    const { out, logs } = R('connectTimeout');
    assert.ok(out.data.startsWith('HTTP/1.1 503 Service Unavailable\r\n'), status(out));
    assert.deepEqual(logs.map((l) => [l.status, l.tsc, l.retries]), [[503, 'sC--', 1]]);
  });

  test(`${kind}: timeout tunnel closes an idle WebSocket (cD--)`, () => {
    const { out, logs } = R('tunnelIdle');
    assert.equal(status(out), 'HTTP/1.1 101 Switching Protocols');
    assert.ok(out.data.endsWith('ping'), 'the tunnel carried data first');
    assert.ok(out.closedByPeer);
    assert.deepEqual(logs.map((l) => [l.status, l.tsc]), [[101, 'cD--']]);
  });

  test(`${kind}: timeout server-fin ends a tunnel the client half-closed (sD--)`, () => {
    const { out, logs } = R('serverFin');
    assert.ok(out.closedByPeer);
    assert.deepEqual(logs.map((l) => [l.status, l.tsc]), [[101, 'sD--']]);
  });

  test(`${kind}: a server closing a tunnel ends the stream at once (----) and FINs the client`, () => {
    const { out, logs } = R('serverClosesTunnel');
    assert.ok(out.fin, 'client got a FIN');
    assert.deepEqual(logs.map((l) => [l.status, l.tsc]), [[101, '----']]);
  });
}
