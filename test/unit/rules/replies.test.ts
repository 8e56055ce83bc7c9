/**
 * Replies produced by rules, byte for byte against HAProxy 2.6.12's answers to the same
 * configuration (captured on loopback), with their log termination states and counters
 * class (denied or intercepted).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, build, runRequest, runResponse, PROLOGUE } from './helpers';
import { errorfileBytes } from '../../../src/proxy/http/errors-config';

const dir = mkdtempSync(join(tmpdir(), 'rules-'));
const f403 = join(dir, '403.http');
const f503 = join(dir, '503.http');
writeFileSync(f403, 'HTTP/1.1 403 Forbidden\nContent-Type: text/plain\nContent-Length: 3\n\nno\n');
writeFileSync(f503, 'HTTP/1.0 503 Service Unavailable\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\nX-Custom: Yes\r\n\r\n<h1>custom 503</h1>\n');

const { config, messages, errors } = load(`${PROLOGUE}  timeout tarpit 2s
userlist UL
  user bob insecure-password secret
http-errors myerrs
  errorfile 403 ${f403}
frontend f
  bind 127.0.0.1:18090
  http-request deny if { path /deny }
  http-request deny deny_status 429 if { path /429 }
  http-request return status 200 content-type text/plain string hello hdr X-A b if { path /ret }
  http-request return if { path /ret2 }
  http-request redirect location /new if { path /redir }
  http-request redirect location /new code 301 set-cookie FOO=bar if { path /a }
  http-request redirect prefix /p drop-query append-slash if { path_beg /b }
  http-request redirect prefix / if { path_beg /c }
  http-request redirect scheme https code 308 clear-cookie BAR if { path /dd }
  http-request redirect location %[hdr(host)]/x%[path] code 303 if { path_beg /e }
  http-request auth realm R if { path /auth }
  http-request auth if { path /auth2 } !{ http_auth(UL) }
  http-request tarpit if { path /tarpit }
  http-request deny deny_status 403 content-type text/plain string nope hdr x-y z if { path /denys }
  http-request return status 200 content-type text/plain lf-string "a=%[hdr(nothere)] b=%[hdr(host)] c=%ci d=%[int(3)]" hdr X-A "%[hdr(nothere)]" hdr x-b "q %[hdr(host)]  z" if { path /lf }
  http-request deny deny_status 403 errorfile ${f503} if { path /deny2 }
  http-request return status 404 errorfiles myerrs if { path /ret404 }
  http-request return status 403 errorfiles myerrs if { path /ret403 }
  http-request reject if { path /rej }
  http-response deny if { status 500 }
  default_backend b
backend b
  server s 127.0.0.1:1
frontend g
  bind 127.0.0.1:18091
  errorfiles myerrs
  http-error status 429 content-type text/plain string "slow down" hdr X-E 1
  http-request deny if { path /deny }
  http-request deny deny_status 429 if { path /429 }
  http-request return status 403 default-errorfiles if { path /def }
  default_backend b
`);
assert.equal(errors, 0, messages.join('\n'));
const g = build(config);

function answer(px: string, path: string, extra = ''): { text: string; status: number; cause?: string; phase?: string; denied?: boolean; close?: boolean; delay?: number } {
  const { reply } = runRequest(g, px, `GET ${path} HTTP/1.1\nHost: a.b${extra}`);
  assert.ok(reply, `no reply for ${path}`);
  return { text: reply.response.toString('latin1'), status: reply.status, cause: reply.termCause, phase: reply.termPhase, denied: reply.denied, close: reply.close, delay: reply.delayMs };
}

const P403 = 'HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n';

test('deny: the built-in page for the status, denied, PR--', () => {
  const r = answer('f', '/deny');
  assert.equal(r.text, P403);
  assert.deepEqual([r.status, r.cause, r.phase, r.denied], [403, 'P', 'R', true]);
  assert.equal(answer('f', '/429').text, 'HTTP/1.1 429 Too Many Requests\r\ncontent-length: 117\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>429 Too Many Requests</h1>\nYou have sent too many requests in a given amount of time.\n</body></html>\n');
});

test('deny with a body and headers; connection: close goes last when the client closes', () => {
  assert.equal(answer('f', '/denys').text, 'HTTP/1.1 403 Forbidden\r\nx-y: z\r\ncontent-length: 4\r\ncontent-type: text/plain\r\n\r\nnope');
  const r = answer('f', '/denys', '\nConnection: close');
  assert.equal(r.text, 'HTTP/1.1 403 Forbidden\r\nx-y: z\r\ncontent-length: 4\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nnope');
  assert.equal(r.close, true);
  assert.equal(answer('f', '/deny', '\nConnection: close').text, P403.replace('text/html\r\n', 'text/html\r\nconnection: close\r\n'));
});

test('return: built replies, intercepted, LR--', () => {
  const r = answer('f', '/ret');
  assert.equal(r.text, 'HTTP/1.1 200 OK\r\nx-a: b\r\ncontent-length: 5\r\ncontent-type: text/plain\r\n\r\nhello');
  assert.deepEqual([r.cause, r.phase, r.denied], ['L', 'R', undefined]);
  assert.equal(answer('f', '/ret2').text, 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
});

test('return lf-string: spaces kept, absent samples empty, empty headers skipped', () => {
  // HAProxy 2.6.12 answered the same with c=127.0.0.1 (content-length 24); the test client is 10.0.0.1.
  assert.equal(answer('f', '/lf').text, 'HTTP/1.1 200 OK\r\nx-b: q a.b  z\r\ncontent-length: 23\r\ncontent-type: text/plain\r\n\r\na= b=a.b c=10.0.0.1 d=3');
});

test('redirect: location/prefix/scheme, codes, cookies, drop-query, append-slash', () => {
  assert.equal(answer('f', '/redir').text, 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /new\r\ncache-control: no-cache\r\n\r\n');
  assert.equal(answer('f', '/a').text, 'HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\nlocation: /new\r\nset-cookie: FOO=bar; path=/;\r\n\r\n');
  assert.equal(answer('f', '/b/x?q=1').text, 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /p/b/x/\r\ncache-control: no-cache\r\n\r\n');
  assert.equal(answer('f', '/b/y/?q').text, 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /p/b/y/\r\ncache-control: no-cache\r\n\r\n');
  assert.equal(answer('f', '/c/x?y').text, 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /c/x?y\r\ncache-control: no-cache\r\n\r\n');
  assert.equal(answer('f', '/dd?z').text, 'HTTP/1.1 308 Permanent Redirect\r\ncontent-length: 0\r\nlocation: https://a.b/dd?z\r\nset-cookie: BAR; path=/; Max-Age=0;\r\n\r\n');
  const e = answer('f', '/e');
  assert.equal(e.text, 'HTTP/1.1 303 See Other\r\ncontent-length: 0\r\nlocation: a.b/x/e\r\ncache-control: no-cache\r\n\r\n');
  assert.deepEqual([e.cause, e.phase], ['L', 'R']);
});

test('auth: 401 page with www-authenticate (realm defaults to the proxy name), LR--; valid credentials pass', () => {
  const a = answer('f', '/auth');
  assert.equal(a.text, 'HTTP/1.1 401 Unauthorized\r\ncontent-length: 112\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nwww-authenticate: Basic realm="R"\r\n\r\n<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n');
  assert.deepEqual([a.cause, a.phase], ['L', 'R']);
  assert.match(answer('f', '/auth2').text, /www-authenticate: Basic realm="f"\r\n\r\n/);
  const ok = runRequest(g, 'f', `GET /auth2 HTTP/1.1\nHost: a\nAuthorization: Basic ${Buffer.from('bob:secret').toString('base64')}`);
  assert.equal(ok.reply, undefined);
  const bad = runRequest(g, 'f', `GET /auth2 HTTP/1.1\nHost: a\nAuthorization: Basic ${Buffer.from('bob:nope').toString('base64')}`);
  assert.equal(bad.reply?.status, 401);
});

test('tarpit: 500 page after timeout tarpit, PT--, denied', () => {
  const r = answer('f', '/tarpit');
  assert.equal(r.text, 'HTTP/1.1 500 Internal Server Error\r\ncontent-length: 97\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>500 Internal Server Error</h1>\nAn internal server error occurred.\n</body></html>\n');
  assert.deepEqual([r.cause, r.phase, r.denied, r.delay], ['P', 'T', true, 2000]);
});

test('http-response deny: 502 page, PH--', () => {
  const { reply } = runResponse(g, 'f', 'GET / HTTP/1.1\nHost: h', 'HTTP/1.1 500 Oops\nContent-Length: 0');
  assert.equal(reply?.status, 502);
  assert.deepEqual([reply?.termCause, reply?.termPhase, reply?.denied], ['P', 'H', true]);
});

test('errorfile replies: file as HAProxy re-encodes it (names lower-cased, connection dropped, status line kept)', () => {
  assert.equal(answer('f', '/deny2').text, 'HTTP/1.0 503 Service Unavailable\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nx-custom: Yes\r\n\r\n<h1>custom 503</h1>\n');
  assert.equal(answer('f', '/ret403').text, 'HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n\r\nno\n');
  // Not declared in the section: an empty reply with the status.
  assert.equal(answer('f', '/ret404').text, 'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
});

test('errorfiles / http-error replace the proxy pages used by deny and default-errorfiles', () => {
  assert.equal(answer('g', '/deny').text, 'HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n\r\nno\n');
  assert.equal(answer('g', '/def').text, 'HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n\r\nno\n');
  assert.equal(answer('g', '/429').text, 'HTTP/1.1 429 Too Many Requests\r\nx-e: 1\r\ncontent-length: 9\r\ncontent-type: text/plain\r\n\r\nslow down');
});

test('errorfileBytes: LF files become CRLF, connection: close appended on demand', () => {
  assert.equal(errorfileBytes('HTTP/1.1 200 OK\nX: y\n\nbody', true).toString(), 'HTTP/1.1 200 OK\r\nx: y\r\nconnection: close\r\n\r\nbody');
});

test('reject: no answer, connection closed, status -1, PR--, denied', () => {
  const { reply } = runRequest(g, 'f', 'GET /rej HTTP/1.1\nHost: h');
  assert.deepEqual([reply?.response.length, reply?.status, reply?.close, reply?.denied, reply?.termCause, reply?.termPhase], [0, -1, true, true, 'P', 'R']);
});

test("a http-request rule after a 'redirect' rule warns as HAProxy", () => {
  const { messages } = load(`${PROLOGUE}frontend f\n  bind 127.0.0.1:18090\n  redirect location /x if { path /a }\n  http-request deny if { path /b }\n`);
  assert.ok(messages.includes("[WARNING]  (0) : config : parsing [t.cfg:9] : a 'http-request' rule placed after a 'redirect' rule will still be processed before.\n") || messages.some((m) => m.includes("parsing [t.cfg:9] : a 'http-request' rule placed after a 'redirect' rule will still be processed before.")), messages.join('|'));
});

test('errorloc / errorloc303: deny answers the redirect (and logs its status)', () => {
  const { config: c2, errors: e2 } = load(`${PROLOGUE}frontend h
  bind 127.0.0.1:18092
  errorloc 403 http://err.example/403
  errorloc303 429 /busy
  http-request deny if { path /deny }
  http-request deny deny_status 429 if { path /429 }
`);
  assert.equal(e2, 0);
  const g2 = build(c2);
  const d = runRequest(g2, 'h', 'GET /deny HTTP/1.1\nHost: a').reply!;
  assert.equal(d.response.toString(), 'HTTP/1.1 302 Found\r\ncache-control: no-cache\r\ncontent-length: 0\r\nlocation: http://err.example/403\r\n\r\n');
  assert.equal(d.status, 302);
  assert.equal(runRequest(g2, 'h', 'GET /429 HTTP/1.1\nHost: a').reply!.response.toString(), 'HTTP/1.1 303 See Other\r\ncache-control: no-cache\r\ncontent-length: 0\r\nlocation: /busy\r\n\r\n');
});

test('http-response return / redirect are logged LH--; wire form as on requests', () => {
  const { config: c3 } = load(`${PROLOGUE}frontend r
  bind 127.0.0.1:18093
  http-response return status 404 content-type text/plain string gone if { res.hdr(x-kind) r }
  http-response redirect location /z if { res.hdr(x-kind) z }
  default_backend b
backend b
  server s 127.0.0.1:1
`);
  const g3 = build(c3);
  const r = runResponse(g3, 'r', 'GET / HTTP/1.1\nHost: a\nConnection: close', 'HTTP/1.1 200 OK\nX-Kind: r\nContent-Length: 0').reply!;
  assert.equal(r.response.toString(), 'HTTP/1.1 404 Not Found\r\ncontent-length: 4\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\ngone');
  assert.deepEqual([r.termCause, r.termPhase], ['L', 'H']);
  const z = runResponse(g3, 'r', 'GET / HTTP/1.1\nHost: a', 'HTTP/1.1 200 OK\nX-Kind: z\nContent-Length: 0').reply!;
  assert.equal(z.response.toString(), 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /z\r\ncache-control: no-cache\r\n\r\n');
  assert.deepEqual([z.termCause, z.termPhase], ['L', 'H']);
});

test('reason phrases of built replies as HAProxy 2.6.12 (http_get_reason), class names for unknown codes', async () => {
  const { httpReason } = await import('../../../src/proxy/http/rules/reason');
  assert.deepEqual([413, 418, 502, 302, 299, 399, 460, 530].map(httpReason), ['Request Entity Too Large', "I'm a teapot", 'Bad Gateway or Proxy Error', 'Moved Temporarily', 'Success', 'Redirection', 'Client Error', 'Server Error']);
});

test('http-after-response on Fulcrum replies: headers added before connection: close, set-status applied', async () => {
  const { applyAfterResponse } = await import('../../../src/proxy/http/rules/after-reply');
  const { config: c4 } = load(`${PROLOGUE}frontend a
  bind 127.0.0.1:18094
  http-after-response set-header X-After "%[status]"
  http-after-response set-status 418 if { status 302 }
  http-request deny if { path /deny }
  http-request redirect location /x if { path /redir }
`);
  const g4 = build(c4);
  const px = g4.proxy('a');
  const deny = runRequest(g4, 'a', 'GET /deny HTTP/1.1\nHost: a\nConnection: close');
  const d = applyAfterResponse(() => deny.txn, px, undefined, deny.reply!);
  assert.equal(d.response.toString(), 'HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nx-after: 403\r\nconnection: close\r\n\r\n<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n');
  const redir = runRequest(g4, 'a', 'GET /redir HTTP/1.1\nHost: a\nConnection: close');
  const r = applyAfterResponse(() => redir.txn, px, undefined, redir.reply!);
  assert.equal(r.response.toString(), "HTTP/1.1 418 I'm a teapot\r\ncontent-length: 0\r\nlocation: /x\r\ncache-control: no-cache\r\nx-after: 302\r\nconnection: close\r\n\r\n");
  assert.equal(r.status, 418);
});
