/**
 * HTTP message handling compared with what HAProxy 2.6.12 does on the same bytes (observed
 * on loopback): HEAD and 204 without bodies, 100-continue forwarded, absolute-form targets
 * normalized and checked against Host, a missing Host forwarded, CONNECT and WebSocket
 * upgrades turned into tunnels.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePorts, startFulcrum, rawExchange, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
let front: number;
let echo: net.Server;

/** A raw echo server: answers each request with its own head as the body, keep-alive. */
function startEcho(port: number): Promise<net.Server> {
  const srv = net.createServer((c) => {
    let data = Buffer.alloc(0);
    let tunnel = false;
    c.on('error', () => undefined);
    c.on('data', (d) => {
      if (tunnel) { c.write(Buffer.concat([Buffer.from('echo:'), d])); return; }
      data = Buffer.concat([data, d]);
      for (;;) {
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = data.subarray(0, end + 4).toString('latin1');
        data = data.subarray(end + 4);
        const line = head.slice(0, head.indexOf('\r\n'));
        const [method, target] = line.split(' ');
        if (method === 'HEAD') { c.write(`HTTP/1.1 200 OK\r\nContent-Length: ${head.length}\r\n\r\n`); continue; }
        if (target === '/204') { c.write('HTTP/1.1 204 No Content\r\n\r\n'); continue; }
        if (method === 'CONNECT') { tunnel = true; c.write('HTTP/1.1 200 Connection established\r\n\r\n'); return; }
        if (/\r\nupgrade: websocket/i.test(head)) {
          tunnel = true;
          c.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
          return;
        }
        const cl = /\r\ncontent-length: (\d+)/i.exec(head);
        if (target === '/100') c.write('HTTP/1.1 100 Continue\r\n\r\n');
        if (cl) data = data.subarray(Number(cl[1]));
        c.write(`HTTP/1.1 200 OK\r\nContent-Length: ${head.length}\r\n\r\n${head}`);
      }
    });
  });
  return new Promise((r) => srv.listen(port, '127.0.0.1', () => r(srv)));
}

before(async () => {
  const [p0, p1] = await freePorts(2);
  front = p0;
  echo = await startEcho(p1);
  fp = await startFulcrum(`
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout tunnel 5s
frontend fe
    bind 127.0.0.1:${front}
    default_backend be
backend be
    server s1 127.0.0.1:${p1}
`, { waitPort: front });
});

after(async () => {
  await fp?.stop();
  echo?.close();
});

test('HEAD and 204 responses carry no body; the connection stays usable', async () => {
  const raw = await rawExchange(front, 'HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET /204 HTTP/1.1\r\nHost: a\r\n\r\nGET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
  assert.match(raw, /^HTTP\/1\.1 200 OK\r\ncontent-length: \d+\r\n\r\nHTTP\/1\.1 204 No Content\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  assert.match(raw, /GET \/last HTTP\/1\.1/);
});

test('Expect: 100-continue: the interim response is forwarded before the final one', async () => {
  const raw = await rawExchange(front, 'GET /100 HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab');
  assert.match(raw, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  assert.match(raw, /expect: 100-continue\r\n/);
});

test('absolute-form: default port dropped from target and Host; a mismatching Host is a 400', async () => {
  const ok = await rawExchange(front, 'GET http://a:80/x HTTP/1.1\r\nHost: a:80\r\nConnection: close\r\n\r\n');
  assert.match(ok, /\r\n\r\nGET http:\/\/a\/x HTTP\/1\.1\r\nhost: a\r\n/);
  const bad = await rawExchange(front, 'GET http://example.com/x HTTP/1.1\r\nHost: other\r\n\r\n');
  assert.match(bad, /^HTTP\/1\.1 400 Bad request\r\n/);
});

test('a request without Host is forwarded as is', async () => {
  const raw = await rawExchange(front, 'GET /nohost HTTP/1.1\r\nConnection: close\r\n\r\n');
  assert.match(raw, /\r\n\r\nGET \/nohost HTTP\/1\.1\r\n\r\n$/);
});

function tunnelExchange(request: string, after: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ port: front, host: '127.0.0.1' });
    let data = '';
    let sent = false;
    c.on('data', (d) => {
      data += d.toString('latin1');
      if (!sent && data.includes('\r\n\r\n')) { sent = true; c.write(after); }
      if (data.includes('echo:' + after)) { c.end(); }
    });
    c.on('close', () => resolve(data));
    c.on('error', reject);
    c.setTimeout(5000, () => c.destroy());
    c.write(request);
  });
}

test('Upgrade: websocket switches to a tunnel after 101', async () => {
  const data = await tunnelExchange('GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n\r\n', 'frame-bytes');
  assert.match(data, /^HTTP\/1\.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\necho:frame-bytes$/);
});

test('CONNECT is forwarded and becomes a tunnel on 2xx', async () => {
  const data = await tunnelExchange('CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n', 'tls-bytes');
  assert.match(data, /^HTTP\/1\.1 200 Connection established\r\n\r\necho:tls-bytes$/);
});
