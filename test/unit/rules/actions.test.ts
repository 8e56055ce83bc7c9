/**
 * Non-final http-request / http-response actions on real parsed heads: header edits,
 * request-line rewrites, status, variables, log level, captures, acl/map updates, and the
 * rule-list semantics (conditions, `unless`, `allow` stopping the list).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, build, runRequest, runResponse, PROLOGUE } from './helpers';
import { splitUri } from '../../../src/proxy/http/rules/actions-uri';
import { getVar } from '../../../src/sample/vars';

function graph(body: string, extra = '') {
  const { config, messages, errors } = load(`${PROLOGUE}frontend f\n  bind 127.0.0.1:18090\n${body.split('\n').map((l) => `  ${l}`).join('\n')}\n  default_backend b\nbackend b\n  server s 127.0.0.1:1\n${extra}`);
  assert.equal(errors, 0, messages.join('\n'));
  return build(config);
}

test('set-header replaces every occurrence, add-header appends, del-header removes (case-insensitive)', () => {
  const g = graph(`http-request set-header X-Fwd "%[req.hdr(host)] :%[dst_port]"
http-request add-header X-Multi one
http-request add-header X-Multi two
http-request del-header user-agent
http-request set-header Accept text/plain`);
  const { txn, reply } = runRequest(g, 'f', 'GET / HTTP/1.1\nHost: a.b\nUser-Agent: x\nX-Fwd: old\nx-fwd: older\naccept: */*\nUSER-AGENT: y');
  assert.equal(reply, undefined);
  assert.deepEqual(txn.req.headers, ['Host', 'a.b', 'X-Fwd', 'a.b :80', 'X-Multi', 'one', 'X-Multi', 'two', 'Accept', 'text/plain']);
});

test('del-header -m beg/sub/reg', () => {
  const g = graph(`http-request del-header x-a -m beg
http-request del-header trace -m sub
http-request del-header ^z-[0-9]+$ -m reg`);
  const { txn } = runRequest(g, 'f', 'GET / HTTP/1.1\nHost: h\nX-A1: 1\nx-ab: 2\nmy-trace-id: 3\nZ-12: 4\nZ-1x: 5');
  assert.deepEqual(txn.req.headers, ['Host', 'h', 'Z-1x', '5']);
});

test('replace-header rewrites whole values with back-references; replace-value works per item', () => {
  const g = graph(`http-request replace-header Cookie foo=([^;]*);(.*) foo=\\1;ip=%ci;\\2
http-request replace-value X-List ^(a|b)$ <\\1>`);
  const { txn } = runRequest(g, 'f', 'GET / HTTP/1.1\nHost: h\nCookie: foo=1;bar=2\nX-List: a, c,b');
  assert.deepEqual(txn.req.headers, ['Host', 'h', 'Cookie', 'foo=1;ip=10.0.0.1;bar=2', 'X-List', '<a>, c, <b>']);
});

test('request line: set-method, set-path keeps the query, set-query, replace-path, set-uri', () => {
  const g = graph(`http-request set-method POST if { path /m }
http-request set-path /new%[path] if { path_beg /p/ }
http-request set-query x=%[url_param(a)] if { path_beg /q }
http-request replace-path /api/(.*) /v2/\\1 if { path_beg /api/ }
http-request set-uri /fixed if { path /u }
http-request set-pathq /pq?z=1 if { path /pq }`);
  assert.equal(runRequest(g, 'f', 'GET /m HTTP/1.1\nHost: h').txn.req.method, 'POST');
  assert.equal(runRequest(g, 'f', 'GET /p/1?a=2 HTTP/1.1\nHost: h').txn.req.uri, '/new/p/1?a=2');
  assert.equal(runRequest(g, 'f', 'GET /q?a=7&b=1 HTTP/1.1\nHost: h').txn.req.uri, '/q?x=7');
  assert.equal(runRequest(g, 'f', 'GET /api/users?id=3 HTTP/1.1\nHost: h').txn.req.uri, '/v2/users?id=3');
  assert.equal(runRequest(g, 'f', 'GET /u?k HTTP/1.1\nHost: h').txn.req.uri, '/fixed');
  assert.equal(runRequest(g, 'f', 'GET /pq?old HTTP/1.1\nHost: h').txn.req.uri, '/pq?z=1');
});

test('splitUri handles origin-form and absolute-form targets', () => {
  assert.deepEqual(splitUri('/a/b?c=1'), ['', '/a/b', '?c=1']);
  assert.deepEqual(splitUri('/a'), ['', '/a', '']);
  assert.deepEqual(splitUri('http://h:80/x?y'), ['http://h:80', '/x', '?y']);
  assert.deepEqual(splitUri('http://h?y'), ['http://h', '', '?y']);
});

test('conditions: if/unless, rules only after a match, allow stops the list', () => {
  const g = graph(`http-request set-header X-1 a unless { path /skip }
http-request allow if { path /allow }
http-request set-header X-2 b`);
  assert.deepEqual(runRequest(g, 'f', 'GET /x HTTP/1.1\nHost: h').txn.req.headers, ['Host', 'h', 'X-1', 'a', 'X-2', 'b']);
  assert.deepEqual(runRequest(g, 'f', 'GET /skip HTTP/1.1\nHost: h').txn.req.headers, ['Host', 'h', 'X-2', 'b']);
  assert.deepEqual(runRequest(g, 'f', 'GET /allow HTTP/1.1\nHost: h').txn.req.headers, ['Host', 'h', 'X-1', 'a']);
});

test('set-var / set-var-fmt / unset-var and set-log-level', () => {
  const g = graph(`http-request set-var(txn.host) req.hdr(host),lower
http-request set-var-fmt(txn.both) "%[var(txn.host)]-%[path]"
http-request set-var(txn.gone) str(x)
http-request unset-var(txn.gone)
http-request set-log-level silent if { path /quiet }`);
  const { txn } = runRequest(g, 'f', 'GET /quiet HTTP/1.1\nHost: A.B');
  assert.equal(getVar(txn.sample, 'txn.host'), 'a.b');
  assert.equal(getVar(txn.sample, 'txn.both'), 'a.b-/quiet');
  assert.equal(getVar(txn.sample, 'txn.gone'), undefined);
  assert.equal(txn.rec.logLevel, 'silent');
});

test('http-response: set-status with reason, header edits on the response, del-header', () => {
  const g = graph(`http-response set-status 503 reason "Go Away" if { status 200 }
http-response set-header X-Srv %[res.hdr(server)]
http-response del-header server`);
  const { txn, reply } = runResponse(g, 'f', 'GET / HTTP/1.1\nHost: h', 'HTTP/1.1 200 OK\nServer: nginx\nContent-Length: 0');
  assert.equal(reply, undefined);
  assert.equal(txn.res!.status, 503);
  assert.equal(txn.res!.reason, 'Go Away');
  assert.deepEqual(txn.res!.headers, ['Content-Length', '0', 'X-Srv', 'nginx']);
});

test('capture request header slots in declaration order, cut to len; http-request capture len appends a slot', () => {
  const g = graph(`capture request header Host len 5
capture request header User-Agent len 3
http-request capture req.hdr(x-id) len 2`);
  const { txn } = runRequest(g, 'f', 'GET / HTTP/1.1\nHost: example.com\nX-Id: abcdef');
  assert.deepEqual(txn.rec.capturedRequestHeaders, ['examp', '', 'ab']);
});

test('add-acl / del-acl / set-map update the shared pattern references', () => {
  const { config } = load(`${PROLOGUE}frontend f
  bind 127.0.0.1:18090
  acl blocked src -f /dev/null
  http-request add-acl(/dev/null) %[req.hdr(x-block)] if { req.hdr(x-block) -m found }
  http-request del-acl(/dev/null) %[req.hdr(x-unblock)] if { req.hdr(x-unblock) -m found }
  http-request deny if blocked
  default_backend b
backend b
  server s 127.0.0.1:1
`);
  const g = build(config);
  assert.equal(runRequest(g, 'f', 'GET / HTTP/1.1\nHost: h').reply, undefined);
  assert.equal(runRequest(g, 'f', 'GET / HTTP/1.1\nHost: h\nX-Block: 10.0.0.1').reply?.status, 403);
  assert.equal(runRequest(g, 'f', 'GET / HTTP/1.1\nHost: h\nX-Unblock: 10.0.0.1').reply, undefined);
  assert.equal(runRequest(g, 'f', 'GET / HTTP/1.1\nHost: h').reply, undefined);
});

test('monitor-uri answers the built-in 200 (503 when monitor fail matches) before any rule, unlogged', () => {
  const g = graph(`monitor-uri /mon
monitor fail if { req.hdr(x-fail) 1 }
http-request deny`);
  const ok = runRequest(g, 'f', 'GET /mon HTTP/1.1\nHost: h');
  assert.equal(ok.reply?.status, 200);
  assert.match(ok.reply!.response.toString(), /^HTTP\/1\.1 200 OK\r\ncontent-length: 58\r\ncache-control: no-cache\r\ncontent-type: text\/html\r\n\r\n<html><body><h1>200 OK<\/h1>\nService ready\.\n<\/body><\/html>\n$/);
  assert.equal(ok.txn.rec.logLevel, 'silent');
  assert.equal(runRequest(g, 'f', 'GET /mon HTTP/1.1\nHost: h\nX-Fail: 1').reply?.status, 503);
  assert.equal(runRequest(g, 'f', 'GET /other HTTP/1.1\nHost: h').reply?.status, 403);
});
