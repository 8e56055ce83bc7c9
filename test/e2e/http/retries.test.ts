/**
 * retry-on (L7 retries with the request replayed), option abortonclose, option
 * http-buffer-request, option originalto and http-pretend-keepalive.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePorts, startFulcrum, rawExchange, httpGet, pollUntil, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
let front: number;
const servers: net.Server[] = [];
const seen: { name: string; head: string }[] = [];
let connections = 0;

/** A raw server: `behaviour` decides what to answer to each request head. */
async function rawServer(port: number, name: string, behaviour: (c: net.Socket, head: string) => void): Promise<void> {
  const s = net.createServer((c) => {
    connections++;
    let buf = '';
    c.on('error', () => undefined);
    c.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end + 4);
      const cl = /\r\ncontent-length: (\d+)/i.exec(head);
      if (cl && buf.length < end + 4 + Number(cl[1])) return;
      seen.push({ name, head: buf });
      buf = '';
      behaviour(c, head);
    });
  });
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
  servers.push(s);
}

const ok = (name: string) => (c: net.Socket) => c.end(`HTTP/1.1 200 OK\r\nContent-Length: ${name.length}\r\nConnection: close\r\n\r\n${name}`);

before(async () => {
  const [p0, bad503, empty, good, slowq, echo] = await freePorts(6);
  front = p0;
  await rawServer(bad503, 'bad503', (c) => c.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
  await rawServer(empty, 'empty', (c) => c.destroy());
  await rawServer(good, 'good', ok('good'));
  await rawServer(slowq, 'slowq', (c) => setTimeout(() => ok('slowq')(c), 300));
  await rawServer(echo, 'echo', (c, head) => c.end(`HTTP/1.1 200 OK\r\nContent-Length: ${head.length}\r\nConnection: close\r\n\r\n${head}`));
  fp = await startFulcrum(`
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 2s
    timeout queue 5s
    option redispatch 1
    retries 2
frontend fe
    bind 127.0.0.1:${front}
    use_backend st if { path_beg /st }
    use_backend em if { path_beg /em }
    use_backend q if { path_beg /q }
    use_backend buf if { path_beg /buf }
    use_backend echo if { path_beg /echo }
backend st
    retry-on 503
    server bad 127.0.0.1:${bad503}
    server good 127.0.0.1:${good}
backend em
    retry-on empty-response
    server empty 127.0.0.1:${empty}
    server good 127.0.0.1:${good}
backend q
    option abortonclose
    server slowq 127.0.0.1:${slowq} maxconn 1
backend buf
    option http-buffer-request
    server echo 127.0.0.1:${echo}
backend echo
    option originalto
    option http-server-close
    option http-pretend-keepalive
    server echo 127.0.0.1:${echo}
`, { waitPort: front });
});

after(async () => {
  await fp?.stop();
  for (const s of servers) s.close();
});

test('retry-on 503 replays the request on another server', async () => {
  for (let i = 0; i < 4; i++) {
    const r = await httpGet(front, `/st/${i}`);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'good');
  }
  assert.ok(seen.some((x) => x.name === 'bad503'), 'the 503 server was tried');
});

test('retry-on empty-response replays when the server closes without answering', async () => {
  for (let i = 0; i < 4; i++) {
    const r = await httpGet(front, `/em/${i}`);
    assert.equal(r.status, 200);
  }
  assert.ok(seen.some((x) => x.name === 'empty'));
});

test('option abortonclose: a queued request whose client closed is not sent', async () => {
  const first = httpGet(front, '/q/first');
  await pollUntil(() => seen.some((x) => x.head.startsWith('GET /q/first')), 'first request at the server');
  // Second request waits in the queue (maxconn 1), then its client half-closes.
  await new Promise<void>((resolve) => {
    const c = net.connect({ port: front, host: '127.0.0.1' }, () => {
      c.end('GET /q/aborted HTTP/1.1\r\nHost: a\r\n\r\n');
    });
    c.on('close', () => resolve());
    c.on('error', () => resolve());
    c.resume();
  });
  assert.equal((await first).status, 200);
  // Give the queue a chance to (wrongly) dispatch it: the server must never see it.
  await httpGet(front, '/q/after');
  assert.ok(!seen.some((x) => x.head.startsWith('GET /q/aborted')));
});

test('option http-buffer-request waits for the body before connecting', async () => {
  const before = connections;
  const c = net.connect({ port: front, host: '127.0.0.1' });
  let data = '';
  c.on('data', (d) => { data += d; });
  await new Promise<void>((r) => c.on('connect', () => r()));
  c.write('POST /buf HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nConnection: close\r\n\r\n01234');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(connections, before, 'no server connection while the body is incomplete');
  c.write('56789');
  await pollUntil(() => data.includes('POST /buf HTTP/1.1'), 'response');
  assert.equal(connections, before + 1);
  c.destroy();
});

test('option originalto adds X-Original-To; http-pretend-keepalive hides the close from the server', async () => {
  const raw = await rawExchange(front, 'GET /echo HTTP/1.1\r\nHost: a\r\n\r\n', 2000);
  assert.match(raw, /\r\nx-original-to: 127\.0\.0\.1\r\n/);
  assert.doesNotMatch(raw.slice(raw.indexOf('\r\n\r\n')), /connection: close/);
});

test('unique-id-format / unique-id-header: the server sees the id that the log line carries', async () => {
  const [p0, p1] = await freePorts(2);
  let seenHead = '';
  const s = net.createServer((c) => {
    c.on('error', () => undefined);
    c.on('data', (d) => {
      seenHead += d.toString('latin1');
      if (seenHead.includes('\r\n\r\n')) c.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  });
  await new Promise<void>((r) => s.listen(p1, '127.0.0.1', r));
  const f = await startFulcrum(`
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 2s
frontend fe
    bind 127.0.0.1:${p0}
    unique-id-format %{+X}o\\ %ci:%cp_%fi:%fp_%rt
    unique-id-header X-Unique-ID
    default_backend be
backend be
    server s 127.0.0.1:${p1}
`, { waitPort: p0 });
  try {
    const r = await httpGet(p0, '/uid');
    assert.equal(r.status, 200);
    assert.match(seenHead, /\r\nx-unique-id: 7F000001:[0-9A-F]+_7F000001:[0-9A-F]+_[0-9A-F]+\r\n/);
  } finally {
    await f.stop();
    s.close();
  }
});

test('option http-use-proxy-header: Proxy-Connection: close from an explicit-proxy client closes like Connection: close', async () => {
  const [p0, p1] = await freePorts(2);
  const s = net.createServer((c) => {
    c.on('error', () => undefined);
    c.on('data', (d) => { if (d.includes('\r\n\r\n')) c.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'); });
  });
  await new Promise<void>((r) => s.listen(p1, '127.0.0.1', r));
  const f = await startFulcrum(`
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 2s
frontend fe
    bind 127.0.0.1:${p0}
    option http-use-proxy-header
    default_backend be
backend be
    server s 127.0.0.1:${p1}
`, { waitPort: p0 });
  try {
    // rawExchange resolves when the connection closes (or at the time limit): a close is expected.
    const t0 = Date.now();
    const raw = await rawExchange(p0, 'GET http://a/x HTTP/1.1\r\nHost: a\r\nProxy-Connection: close\r\n\r\n', 4000);
    assert.match(raw, /^HTTP\/1\.1 200 OK\r\n[\s\S]*connection: close\r\n/);
    assert.ok(Date.now() - t0 < 3500, 'closed by the proxy, not by the test time limit');
  } finally {
    await f.stop();
    s.close();
  }
});
