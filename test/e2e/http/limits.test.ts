/**
 * Connection limits: server maxconn with the backend queue (`timeout queue` -> 503 sQ--),
 * and a full frontend that holds new connections instead of refusing them.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePorts, startFulcrum, rawExchange, httpGet, startSyslogUdp, pollUntil, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
let front: number;
let front2: number;
let slow: net.Server;
let syslog: Awaited<ReturnType<typeof startSyslogUdp>>;

before(async () => {
  const [p0, p1, p2] = await freePorts(3);
  front = p0;
  front2 = p2;
  // Answers each request after 400 ms.
  slow = net.createServer((c) => {
    c.on('error', () => undefined);
    c.on('data', (d) => {
      if (!d.includes('\r\n\r\n')) return;
      setTimeout(() => c.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'), 400);
    });
  });
  await new Promise<void>((r) => slow.listen(p1, '127.0.0.1', r));
  syslog = await startSyslogUdp();
  fp = await startFulcrum(`
global
    log 127.0.0.1:${syslog.port} local0
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${front}
    use_backend shortq if { path_beg /shortq }
    default_backend be
frontend tiny
    bind 127.0.0.1:${front2}
    maxconn 1
    default_backend be
backend be
    timeout queue 5s
    server s1 127.0.0.1:${p1} maxconn 1
backend shortq
    timeout queue 100ms
    server s1 127.0.0.1:${p1} maxconn 1
`, { waitPort: front });
});

after(async () => {
  await fp?.stop();
  slow?.close();
  syslog?.close();
});

test('requests beyond server maxconn wait in the queue and are served in turn', async () => {
  const rs = await Promise.all([0, 1, 2].map((i) => httpGet(front, `/q${i}`)));
  assert.deepEqual(rs.map((r) => r.status), [200, 200, 200]);
  // The queued ones logged a non-zero Tw (second timer of TR/Tw/Tc/Tr/Ta).
  const lines = await pollUntil(() => {
    const l = syslog.messages.filter((m) => /"GET \/q\d HTTP\/1\.1"/.test(m));
    return l.length === 3 ? l : undefined;
  }, '3 log lines');
  const tw = lines!.map((l) => Number(/ \d+\/(\d+)\/\d+\/\d+\/\d+ 200 /.exec(l)![1]));
  assert.ok(tw.filter((t) => t >= 300).length >= 1, `queue times ${tw}`);
});

test('timeout queue expires with 503 and sQ-- in the log', async () => {
  const first = httpGet(front, '/shortq/1');
  await new Promise((r) => setTimeout(r, 50));
  const raw = await rawExchange(front, 'GET /shortq/2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 3000);
  assert.match(raw, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
  assert.equal((await first).status, 200);
  const line = await pollUntil(() => syslog.messages.find((m) => m.includes('"GET /shortq/2 HTTP/1.1"')), 'log line');
  assert.match(line!, / 503 \d+ - - sQ-- /);
});

test('a full frontend holds new connections until a slot frees (no refusal)', async () => {
  const a = httpGet(front2, '/a');
  await new Promise((r) => setTimeout(r, 50));
  const b = httpGet(front2, '/b');
  const [ra, rb] = await Promise.all([a, b]);
  assert.equal(ra.status, 200);
  assert.equal(rb.status, 200);
});
