/**
 * `compression algo gzip` / `compression type`: responses are gzip-encoded on the fly when
 * HAProxy would (Accept-Encoding, status, type, no Content-Encoding), chunked to the client,
 * and left alone otherwise.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { freePorts, startFulcrum, startHttpStub, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
let front: number;
let stub: Awaited<ReturnType<typeof startHttpStub>>;
const html = '<html>' + 'hello compression '.repeat(2000) + '</html>';

before(async () => {
  const [p0, p1] = await freePorts(2);
  front = p0;
  stub = await startHttpStub('c', p1, (req, res) => {
    if (req.url === '/chunked') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write(html.slice(0, 1000));
      setTimeout(() => res.end(html.slice(1000)), 20);
      return;
    }
    if (req.url === '/json') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
      res.end('{}');
      return;
    }
    if (req.url === '/already') {
      const gz = zlib.gzipSync(html);
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': gz.length });
      res.end(gz);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), etag: '"v1"' });
    res.end(html);
  });
  fp = await startFulcrum(`
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${front}
    default_backend be
backend be
    compression algo gzip
    compression type text/html text/plain
    server s 127.0.0.1:${p1}
`, { waitPort: front });
});

after(async () => {
  await fp?.stop();
  await stub?.close();
});

function get(path: string, headers: Record<string, string>, method = 'GET'): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: front, path, headers, method, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('gzip when the client accepts it: chunked, Content-Length dropped, ETag weakened, Vary added', async () => {
  const r = await get('/', { 'accept-encoding': 'gzip, deflate' });
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.equal(r.headers['transfer-encoding'], 'chunked');
  assert.equal(r.headers['content-length'], undefined);
  assert.equal(r.headers.etag, 'W/"v1"');
  assert.equal(r.headers.vary, 'Accept-Encoding');
  assert.equal(zlib.gunzipSync(r.body).toString(), html);
  assert.ok(r.body.length < html.length / 10);
});

test('chunked server responses are compressed too', async () => {
  const r = await get('/chunked', { 'accept-encoding': 'gzip' });
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.equal(zlib.gunzipSync(r.body).toString(), html);
});

test('no compression without Accept-Encoding, for other types, already encoded, or HEAD', async () => {
  const plain = await get('/', {});
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.body.toString(), html);
  const json = await get('/json', { 'accept-encoding': 'gzip' });
  assert.equal(json.headers['content-encoding'], undefined);
  assert.equal(json.body.toString(), '{}');
  const already = await get('/already', { 'accept-encoding': 'gzip' });
  assert.equal(zlib.gunzipSync(already.body).toString(), html);
  const head = await get('/', { 'accept-encoding': 'gzip' }, 'HEAD');
  assert.equal(head.headers['content-encoding'], undefined);
});
