/**
 * HTTP/1.1 proxying over raw sockets: keep-alive on both sides, pipelining, chunked and
 * content-length bodies streamed both ways, HTTP/1.0 clients, and HAProxy's built-in
 * 400/408/502/503/504 answers byte for byte.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePorts, startFulcrum, startHttpStub, rawExchange, type FulcrumProcess, deadPort } from '../harness';

type Stub = Awaited<ReturnType<typeof startHttpStub>>;
let fp: FulcrumProcess;
let front: number;
let stub: Stub;
let silent: net.Server;
let garbage: net.Server;
const silentSockets: net.Socket[] = [];

const E503 = 'HTTP/1.1 503 Service Unavailable\r\ncontent-length: 107\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n';
const E504 = "HTTP/1.1 504 Gateway Time-out\r\ncontent-length: 92\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>504 Gateway Time-out</h1>\nThe server didn't respond in time.\n</body></html>\n";
const E502 = 'HTTP/1.1 502 Bad Gateway\r\ncontent-length: 107\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>502 Bad Gateway</h1>\nThe server returned an invalid or incomplete response.\n</body></html>\n';
const E400 = 'HTTP/1.1 400 Bad request\r\nContent-length: 90\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n<html><body><h1>400 Bad request</h1>\nYour browser sent an invalid request.\n</body></html>\n';
const E408 = "HTTP/1.1 408 Request Time-out\r\nContent-length: 110\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n<html><body><h1>408 Request Time-out</h1>\nYour browser didn't send a complete request in time.\n</body></html>\n";

before(async () => {
  const [p0, p1, p2, p3] = await freePorts(4);
  const dead = await deadPort();
  front = p0;
  stub = await startHttpStub('s1', p1, (req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const out = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(out.slice(0, 5));
        res.end(out.slice(5));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    });
  });
  silent = net.createServer((s) => { silentSockets.push(s); s.on('error', () => undefined); });
  await new Promise<void>((r) => silent.listen(p2, '127.0.0.1', r));
  garbage = net.createServer((s) => { s.on('error', () => undefined); s.once('data', () => s.end('NOT HTTP AT ALL\r\n\r\n')); });
  await new Promise<void>((r) => garbage.listen(p3, '127.0.0.1', r));
  fp = await startFulcrum(`
defaults
    mode http
    timeout connect 500ms
    timeout client 5s
    timeout server 700ms
    timeout http-request 600ms
    retries 1
frontend fe
    bind 127.0.0.1:${front}
    use_backend dead if { path_beg /dead }
    use_backend silent if { path_beg /silent }
    use_backend garbage if { path_beg /garbage }
    default_backend be
backend be
    server s1 127.0.0.1:${p1}
backend dead
    server d1 127.0.0.1:${dead}
backend silent
    server q1 127.0.0.1:${p2}
backend garbage
    server g1 127.0.0.1:${p3}
`, { waitPort: front });
});

after(async () => {
  await fp?.stop();
  await stub?.close();
  for (const s of silentSockets) s.destroy();
  silent?.close();
  garbage?.close();
});

function parseResponses(raw: string): { status: number; headers: Record<string, string>; body: string }[] {
  const out = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const lines = rest.slice(0, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
    }
    rest = rest.slice(end + 4);
    let body = '';
    if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      body = rest.slice(0, n);
      rest = rest.slice(n);
    } else if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const lf = rest.indexOf('\r\n');
        const size = parseInt(rest.slice(0, lf), 16);
        rest = rest.slice(lf + 2);
        if (size === 0) { rest = rest.slice(rest.indexOf('\r\n') + 2); break; }
        body += rest.slice(0, size);
        rest = rest.slice(size + 2);
      }
    } else { body = rest; rest = ''; }
    out.push({ status, headers, body });
  }
  return out;
}

test('pipelined keep-alive requests are answered in order on one connection', async () => {
  const raw = await rawExchange(front, 'GET /one HTTP/1.1\r\nHost: a\r\n\r\nGET /two HTTP/1.1\r\nHost: a\r\n\r\nGET /three HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 3000);
  const rs = parseResponses(raw);
  assert.deepEqual(rs.map((r) => JSON.parse(r.body).url), ['/one', '/two', '/three']);
  assert.equal(rs[2].headers.connection, 'close');
});

test('request bodies (content-length and chunked) and chunked responses are forwarded intact', async () => {
  const raw = await rawExchange(front, 'POST /cl HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloPOST /ch HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\nGET /chunked HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 3000);
  const rs = parseResponses(raw);
  assert.equal(rs.length, 3);
  assert.equal(JSON.parse(rs[0].body).body, 'hello');
  assert.equal(JSON.parse(rs[1].body).body, 'abcdefg');
  assert.equal(rs[2].headers['transfer-encoding'], 'chunked');
  assert.equal(JSON.parse(rs[2].body).url, '/chunked');
});

test('HTTP/1.0 client gets connection: close and the server sees keep-alive', async () => {
  const raw = await rawExchange(front, 'GET /old HTTP/1.0\r\nHost: a\r\n\r\n', 3000);
  const [r] = parseResponses(raw);
  assert.equal(r.status, 200);
  assert.equal(r.headers.connection, 'close');
  assert.equal(JSON.parse(r.body).headers.connection, 'keep-alive');
});

test('no server reachable: 503 after retries, byte for byte', async () => {
  const raw = await rawExchange(front, 'GET /dead HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 5000);
  assert.equal(raw, E503.replace('text/html\r\n', 'text/html\r\nconnection: close\r\n'));
});

test('server timeout: 504 byte for byte', async () => {
  const raw = await rawExchange(front, 'GET /silent HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 5000);
  assert.equal(raw, E504.replace('text/html\r\n', 'text/html\r\nconnection: close\r\n'));
});

test('invalid server response: 502 byte for byte', async () => {
  const raw = await rawExchange(front, 'GET /garbage HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 5000);
  assert.equal(raw, E502.replace('text/html\r\n', 'text/html\r\nconnection: close\r\n'));
});

test('keep-alive error answers keep the connection open', async () => {
  const raw = await rawExchange(front, 'GET /dead HTTP/1.1\r\nHost: a\r\n\r\n', 2500);
  assert.equal(raw, E503);
});

test('malformed request: raw 400 and close', async () => {
  const raw = await rawExchange(front, 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 3000);
  assert.equal(raw, E400);
});

test('incomplete head: 408 after timeout http-request', async () => {
  const raw = await rawExchange(front, 'GET / HTTP/1.1\r\nHost: a\r\n', 3000);
  assert.equal(raw, E408);
});
