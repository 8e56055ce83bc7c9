/**
 * http-request / http-response rules through bin/fulcrum: headers as the server sees them
 * and as the client gets them, deny/return/redirect/auth answers byte for byte (captured from
 * HAProxy 2.6.12 on the same rules), captures in the httplog line, errorfile overrides of
 * the stream's own 503 and of deny pages, monitor-uri.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePorts, startFulcrum, startHttpStub, rawExchange, startSyslogUdp, pollUntil, tempDir, writeFile, type FulcrumProcess, deadPort } from '../harness';

type Stub = Awaited<ReturnType<typeof startHttpStub>>;
let fp: FulcrumProcess;
let stub: Stub;
let syslog: Awaited<ReturnType<typeof startSyslogUdp>>;
let front = 0;

const P403 = 'HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n';

before(async () => {
  const [p0, p1] = await freePorts(2);
  const dead = await deadPort();
  front = p0;
  stub = await startHttpStub('s1', p1, (req, res) => {
    const body = JSON.stringify({ url: req.url, method: req.method, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json', 'x-secret': 'hide-me', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  syslog = await startSyslogUdp();
  const files = tempDir('fulcrum-rules-');
  const e503 = writeFile(files, '503.http', 'HTTP/1.0 503 Service Unavailable\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n<h1>custom 503</h1>\n');
  const e403 = writeFile(files, '403.http', 'HTTP/1.1 403 Forbidden\nContent-Type: text/plain\nContent-Length: 3\n\nno\n');
  fp = await startFulcrum(`
defaults
  mode http
  timeout client 5s
  timeout server 5s
  timeout connect 200ms
  timeout tarpit 100ms
userlist UL
  user bob insecure-password secret groups admins
  group admins
frontend f
  bind 127.0.0.1:${p0}
  option httplog
  log 127.0.0.1:${syslog.port} local0
  monitor-uri /health
  capture request header Host len 20
  capture request header User-Agent len 5
  capture response header Content-Type len 20
  acl is_admin http_auth_group(UL) admins
  http-request set-header X-Added "yes %[src]"
  http-request del-header X-Remove
  http-request replace-path /old/(.*) /new/\\1
  http-request use-service prometheus-exporter if { path /metrics }
  http-request deny if { path /deny }
  http-request deny deny_status 403 errorfile ${e403} if { path /deny-file }
  http-request tarpit if { path /tarpit }
  http-request return status 200 content-type text/plain string hello hdr X-A b if { path /ret }
  http-request redirect scheme https code 301 if { path /sch }
  http-request redirect location /new set-cookie SEEN=1 if { path /redir }
  http-request auth realm Admin if { path_beg /admin } !is_admin
  http-response set-header X-Resp 1
  http-response del-header X-Secret
  http-after-response set-header X-After "%[res.hdr(x-resp)]-done" if { res.hdr(x-resp) -m found }
  http-after-response set-header X-Own yes if { status 302 }
  use_backend dead if { path /dead }
  default_backend b
backend b
  server s 127.0.0.1:${p1}
backend dead
  retries 0
  errorfile 503 ${e503}
  server s 127.0.0.1:${dead}
`, { waitPort: p0 });
});

after(async () => {
  await fp?.stop();
  await stub?.close();
  syslog?.close();
});

function get(path: string, extra = ''): Promise<string> {
  return rawExchange(front, `GET ${path} HTTP/1.1\r\nHost: a.b\r\n${extra}Connection: close\r\n\r\n`);
}

function split(resp: string): { head: string; body: string } {
  const i = resp.indexOf('\r\n\r\n');
  return { head: resp.slice(0, i), body: resp.slice(i + 4) };
}

test('request headers and path as the server sees them; response headers (http-response, http-after-response) as the client gets them', async () => {
  const r = split(await get('/old/x?q=1', 'X-Remove: 1\r\nX-Added: old\r\n'));
  const seen = JSON.parse(r.body);
  assert.equal(seen.url, '/new/x?q=1');
  assert.equal(seen.headers['x-added'], 'yes 127.0.0.1');
  assert.equal(seen.headers['x-remove'], undefined);
  assert.match(r.head, /\r\nx-resp: 1(\r\n|$)/);
  assert.doesNotMatch(r.head, /x-secret/i);
  // http-after-response runs after http-response (sees its header).
  assert.match(r.head, /\r\nx-after: 1-done(\r\n|$)/);
});

test('deny answers the 403 page (connection: close last), deny with errorfile sends the file', async () => {
  assert.equal(await get('/deny'), P403);
  assert.equal(await get('/deny-file'), 'HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 3\r\nconnection: close\r\n\r\nno\n');
});

test('return and redirect answers byte for byte', async () => {
  assert.equal(await get('/ret'), 'HTTP/1.1 200 OK\r\nx-a: b\r\ncontent-length: 5\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nhello');
  assert.equal(await get('/sch?x=1'), 'HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\nlocation: https://a.b/sch?x=1\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n');
  // http-after-response also edits Fulcrum's own replies (x-own), before connection: close.
  assert.equal(await get('/redir'), 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /new\r\nset-cookie: SEEN=1; path=/;\r\nx-own: yes\r\nconnection: close\r\n\r\n');
});

test('auth: 401 with the realm until a user of the group authenticates', async () => {
  assert.equal(await get('/admin/x'), 'HTTP/1.1 401 Unauthorized\r\ncontent-length: 112\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nwww-authenticate: Basic realm="Admin"\r\nconnection: close\r\n\r\n<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n');
  const bad = await get('/admin/x', `Authorization: Basic ${Buffer.from('bob:nope').toString('base64')}\r\n`);
  assert.match(bad, /^HTTP\/1\.1 401 /);
  const ok = split(await get('/admin/x', `Authorization: Basic ${Buffer.from('bob:secret').toString('base64')}\r\n`));
  assert.equal(JSON.parse(ok.body).url, '/admin/x');
});

test('errorfile replaces the 503 the stream sends when no server answers', async () => {
  assert.equal(await get('/dead'), 'HTTP/1.0 503 Service Unavailable\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n<h1>custom 503</h1>\n');
});

test('use-service prometheus-exporter: chunked exposition page as HAProxy sends it', async () => {
  const r = await get('/metrics');
  assert.match(r, /^HTTP\/1\.1 200 OK\r\ncache-control: no-cache\r\ncontent-type: text\/plain; version=0\.0\.4\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n[0-9A-F]+\r\n# HELP haproxy_process_nbthread /);
  assert.match(r, /\r\n0\r\n\r\n$/);
});

test('monitor-uri answers 200 and is not logged', async () => {
  const r = await get('/health');
  assert.match(r, /^HTTP\/1\.1 200 OK\r\ncontent-length: 58\r\ncache-control: no-cache\r\ncontent-type: text\/html\r\n/);
});

test('httplog lines: captures {req}|{res}, termination states of deny, tarpit, return, redirect', async () => {
  await get('/cap', 'User-Agent: curl/8.0\r\n');
  await get('/tarpit');
  const line = (path: string) => syslog.messages.find((m) => m.includes(`"GET ${path} HTTP/1.1"`));
  await pollUntil(() => line('/cap') && line('/tarpit') && line('/deny') && line('/ret') && line('/redir'), 'log lines', 5000);
  assert.match(line('/cap')!, / \{a\.b\|curl\/\} \{application\/json\} "GET \/cap HTTP\/1\.1"/);
  assert.match(line('/deny')!, / 403 \d+ - - PR-- /);
  assert.match(line('/tarpit')!, / 500 \d+ - - PT-- /);
  assert.match(line('/ret')!, / 200 \d+ - - LR-- /);
  assert.match(line('/redir')!, / 302 \d+ - - LR-- /);
  assert.equal(syslog.messages.some((m) => m.includes('/health')), false);
});
