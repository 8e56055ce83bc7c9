/**
 * Server `redir <prefix>`: GET/HEAD get HAProxy 2.6.12's 302 (bytes recorded from it) with
 * the request path appended, logged LC with the server; other methods are forwarded.
 */

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePorts, startFulcrum, rawExchange, startHttpStub, canConnect, pollUntil, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess | undefined;
const closers: (() => Promise<void>)[] = [];
after(async () => { await fp?.stop(); for (const c of closers) await c(); });

test('redir prefix: 302 for GET/HEAD, forwarded POST', async () => {
  const [fe1, fe2] = await freePorts(2);
  const stub = await startHttpStub('s1');
  closers.push(() => stub.close());
  fp = await startFulcrum(`
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  log stdout format raw local0
  option httplog
listen l1
  bind 127.0.0.1:${fe1}
  cookie SRV insert
  server s1 127.0.0.1:${stub.port} redir http://img.example.com cookie c1
listen l2
  bind 127.0.0.1:${fe2}
  default-server redir https://x.example/base/
  server s1 127.0.0.1:${stub.port}
`);
  await pollUntil(() => canConnect(fe2), 'listener');
  assert.equal(await rawExchange(fe1, 'GET /a/b?x=1 HTTP/1.1\r\nHost: x\r\n\r\n'),
    'HTTP/1.1 302 Found\r\ncache-control: no-cache\r\ncontent-length: 0\r\nlocation: http://img.example.com/a/b?x=1\r\nconnection: close\r\n\r\n');
  assert.equal(await rawExchange(fe1, 'HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n'),
    'HTTP/1.1 302 Found\r\ncache-control: no-cache\r\ncontent-length: 0\r\nlocation: http://img.example.com/a\r\nconnection: close\r\n\r\n');
  const post = await rawExchange(fe1, 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  assert.match(post, /^HTTP\/1\.1 200 /);
  assert.match(post, /\r\nset-cookie: SRV=c1; path=\/\r\n/i);
  assert.equal(await rawExchange(fe2, 'GET /p HTTP/1.0\r\n\r\n'),
    'HTTP/1.1 302 Found\r\ncache-control: no-cache\r\ncontent-length: 0\r\nlocation: https://x.example/base//p\r\nconnection: close\r\n\r\n');
  // Tq is the time from the first byte to the end of the head: 0 on an idle machine, a
  // millisecond or more on a busy one (failed in a full run), so \d+ as for l1 below.
  await fp.waitForOutput(/l2 l2\/s1 \d+\/0\/-1\/-1\/\d+ 302 .* LC-- /);
  assert.match(fp.stdout, /l1 l1\/s1 \d+\/0\/-1\/-1\/\d+ 302 .* LCNN .*"GET \/a\/b\?x=1 HTTP\/1\.1"/);
  assert.match(fp.stdout, /l1 l1\/s1 .* 200 .* --NI .*"POST \/a/);
  assert.equal(stub.requests.length, 1);
});
