import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLogFormat, renderLogFormat, HTTPLOG_FORMAT, HTTPSLOG_FORMAT, TCPLOG_FORMAT, CLF_HTTPLOG_FORMAT, type CompiledFormat } from '../../../src/log/format';
import { LOG_TAGS } from '../../../src/log/tags';
import { ok200, noSrv503, badReq400, tcpPg, localMs } from './fixtures';

const env = { pid: 7590, hostname: 'vm', logCount: 1 };

function compile(src: string, http = true): CompiledFormat {
  let err = '';
  const f = compileLogFormat(src, (m) => { err = m; }, { http });
  assert.ok(f, `compile failed: ${err}`);
  return f;
}

function compileError(src: string, http = true): string {
  let err = '';
  const f = compileLogFormat(src, (m) => { err = m; }, { http });
  assert.equal(f, undefined, `expected ${src} to fail`);
  return err;
}

test('option httplog renders the observed HAProxy 2.6.12 lines byte for byte', () => {
  const f = compile(HTTPLOG_FORMAT);
  assert.equal(renderLogFormat(f, ok200(), env),
    '127.0.0.1:34520 [25/Nov/2026:18:56:47.466] main app/app1 0/0/0/14/14 200 185 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"');
  assert.equal(renderLogFormat(f, noSrv503(), env),
    '127.0.0.1:34526 [25/Nov/2026:18:56:47.509] main static/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 "GET /static/x.css HTTP/1.1"');
  assert.equal(renderLogFormat(f, badReq400(), env),
    '127.0.0.1:36890 [25/Nov/2026:18:59:00.803] main main/<NOSRV> -1/-1/-1/-1/0 400 0 - - PR-- 1/1/0/0/0 0/0 "<BADREQ>"');
});

test('option tcplog renders the observed line', () => {
  assert.equal(renderLogFormat(compile(TCPLOG_FORMAT, false), tcpPg(), env),
    '127.0.0.1:33714 [25/Nov/2026:18:57:11.839] pg pg/pg1 1/0/201 9 -- 1/1/0/0/0 0/0');
});

test('option httplog clf matches HAProxy 2.6.12 output (quoted names, GMT date, trailing space)', () => {
  // Observed: 127.0.0.1 - - [26/Nov/2026:21:30:29 +0000] "GET / HTTP/1.1" 200 579 "" "" 47576 806 "clf" "app" "app1" 0 0 0 1 1 ---- 1 1 0 0 0 0 0 "" "" 
  const r = ok200();
  Object.assign(r, {
    clientPort: 47576, frontendName: 'clf', frontendTransport: 'clf', acceptDate: Date.UTC(2026, 10, 26, 21, 30, 29, 806),
    requestDate: Date.UTC(2026, 10, 26, 21, 30, 29, 806), tr: 1, ta: 1, bytesOut: 579, beconn: 0, srvconn: 0,
  });
  assert.equal(renderLogFormat(compile(CLF_HTTPLOG_FORMAT), r, env),
    '127.0.0.1 - - [26/Nov/2026:21:30:29 +0000] "GET / HTTP/1.1" 200 579 "" "" 47576 806 "clf" "app" "app1" 0 0 0 1 1 ---- 1 1 0 0 0 0 0 "" "" ');
});

test('captured headers and cookies appear in httplog', () => {
  const r = ok200();
  r.capturedRequestHeaders = ['www.example.com', ''];
  r.capturedResponseHeaders = ['text/html'];
  r.capturedRequestCookie = 'SRV=a';
  assert.equal(renderLogFormat(compile(HTTPLOG_FORMAT), r, env),
    '127.0.0.1:34520 [25/Nov/2026:18:56:47.466] main app/app1 0/0/0/14/14 200 185 SRV=a - ---- 1/1/0/0/0 0/0 {www.example.com|} {text/html} "GET / HTTP/1.1"');
});

test('modifiers: +Q quotes strings, +X prints hex, -Q removes a default, +E escapes', () => {
  const r = ok200();
  assert.equal(renderLogFormat(compile('%{+X}ci:%{+X}cp %{+Q}b %{+Q}ST %{+X}ST %{+X}pid %{+X}ms'), r, env), '7F000001:86D8 "app" 200 200 1DA6 1D2');
  assert.equal(renderLogFormat(compile('%{+Q}o %b %{-Q}s %ci %{-Q}ci'), r, env), '"app" app1 "127.0.0.1" 127.0.0.1');
  r.requestLine = 'GET /a"b] HTTP/1.1';
  // `"` is #-encoded in the request line (url_encode_map); +E escapes `]`.
  assert.equal(renderLogFormat(compile('%{+E}r'), r, env), 'GET /a#22b\\] HTTP/1.1');
  // HAProxy 2.6.12: GET /a]b\c"d with header X: p]q\r"s, `capture request header X`.
  const e = ok200();
  Object.assign(e, { requestLine: 'GET /a]b\\c"d HTTP/1.1', uri: '/a]b\\c"d', capturedRequestHeaders: ['p]q\\r"s'] });
  assert.equal(renderLogFormat(compile('%{+E}r %{+E}HU %{+E}hr %{+E}HM %{+Q,+E}HU'), e, env),
    'GET /a\\]b\\\\c#22d HTTP/1.1 /a\\]b\\\\c#22d {p\\]q\\\\r#22s} GET "/a\\]b\\\\c#22d"');
  assert.equal(renderLogFormat(compile('%{+X}ci', true), Object.assign(ok200(), { clientIp: '::1' }), env), '00000000000000000000000000000001');
});

test('global +Q quotes IPs, names, samples and header lists but not numbers (HAProxy 2.6.12 line)', () => {
  // log-format "%{+Q}o %ci %b %{+X}Ts %ID %H %lc %rt %HPO %{+Q}HM %{+E}r %hrl %hsl %CC %[src] %{+Q}[fe_name] %Tq %Td %U %bi %{+X}bp"
  // with `capture request header Host len 20` and `... User-Agent len 10`, first request of the process.
  const r = ok200();
  Object.assign(r, {
    id: 1, frontendName: 'u', frontendTransport: 'u', acceptDate: 1795729410000, uri: '/p%22?x=1', requestLine: 'GET /p%22?x=1 HTTP/1.1',
    capturedRequestHeaders: ['h.example', 'ab"c{d}|e'], th: 0, ti: 0, tq: 0, tw: 0, tc: 0, tr: 1, tt: 1, bytesIn: 86,
    backendSrcIp: '127.0.0.1', backendSrcPort: 55604,
  });
  const f = compile('%{+Q}o %ci %b %{+X}Ts %ID %H %lc %rt %HPO %{+Q}HM %{+E}r %hrl %hsl %CC %[src] %{+Q}[fe_name] %Tq %Td %U %bi %{+X}bp');
  assert.equal(renderLogFormat(f, r, { pid: 1, hostname: 'vm', logCount: 0 }),
    '"127.0.0.1" "app" 6B08A802 "" "vm" 0 0 "/p%22" "GET" "GET /p%22?x=1 HTTP/1.1" "h.example" "ab#22c#7Bd#7D#7Ce" "" "127.0.0.1" "u" 0 0 86 "127.0.0.1" D934');
});

test('separators collapse around empty values; text, %% and leading spaces', () => {
  const r = ok200();
  assert.equal(renderLogFormat(compile('a %hr %hs b'), r, env), 'a b');
  assert.equal(renderLogFormat(compile('  %ci   100%%'), r, env), '127.0.0.1 100%');
  assert.equal(renderLogFormat(compile('[%ci]'), r, env), '[127.0.0.1]');
});

test('request pieces: %HM %HU %HP %HPO %HQ %HV, non-printables #-encoded', () => {
  const r = ok200();
  r.uri = '/p/a?x=1&y=\u00e9';
  r.method = 'POST';
  assert.equal(renderLogFormat(compile('%HM %HU %HP %HQ %HV'), r, env), 'POST /p/a?x=1&y=#C3#A9 /p/a ?x=1&y=#C3#A9 HTTP/1.1');
  r.uri = 'http://h.example/q/r?z';
  assert.equal(renderLogFormat(compile('%HPO'), r, env), '/q/r');
});

test('dates and timers: %t %T %Ts %ms %Tq %Td %Tt, %rc with redispatch', () => {
  const r = ok200();
  r.acceptDate = localMs(2026, 0, 5, 3, 4, 5, 7);
  r.tt = 20;
  r.retries = 1;
  r.redispatched = true;
  assert.equal(renderLogFormat(compile('%t %ms %Tq %Td %Tt %rc'), r, env), '05/Jan/2026:03:04:05.007 007 0 6 20 +1');
  assert.equal(renderLogFormat(compile('%Ts'), r, env), String(Math.floor(r.acceptDate / 1000)));
  const u = ok200();
  u.acceptDate = Date.UTC(2026, 1, 3, 4, 5, 6, 0);
  assert.equal(renderLogFormat(compile('%T'), u, env), '03/Feb/2026:04:05:06 +0000');
});

test('process values and absent values: %pid %H %ID %lc %si %bi', () => {
  const r = noSrv503();
  r.id = 1;
  assert.equal(renderLogFormat(compile('%pid %H %ID %lc %si:%sp %bi:%bp %{+Q}ID %rt'), r, env), '7590 vm - 1 -:- -:- "" 0');
});

test('sample expressions %[...] evaluate against rec.sample', () => {
  const r = ok200();
  r.sample = { src: '10.1.2.3', srcPort: 1234, dst: '127.0.0.1', dstPort: 80, frontend: 'main', vars: new Map([['txn.who', 'Alice']]),
    req: { method: 'GET', uri: '/x', version: 'HTTP/1.1', status: 0, headers: ['Host', 'Example.COM'] } };
  assert.equal(renderLogFormat(compile('%[src] %[var(txn.who),lower] %{+Q}[var(txn.who)] %[var(txn.none)] %[method]'), r, env),
    '10.1.2.3 alice "Alice" - GET');
  // Without the stream's context, connection fetches come from the record itself.
  assert.equal(renderLogFormat(compile('%[src]:%[src_port] %[var(txn.who)]'), ok200(), env), '127.0.0.1:34520 -');
});

test('option httpslog renders HAProxy 2.6.12 values for a plain connection', () => {
  const r = ok200();
  r.sample = { src: '127.0.0.1', srcPort: 34520, dst: '127.0.0.1', dstPort: 8080, frontend: 'main', vars: new Map() };
  assert.equal(renderLogFormat(compile(HTTPSLOG_FORMAT), r, env),
    '127.0.0.1:34520 [25/Nov/2026:18:56:47.466] main app/app1 0/0/0/14/14 200 185 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1" 0/-/-/-/0 -/-/-');
});

test('capture.* fetches read the record being logged', () => {
  const r = ok200();
  r.capturedRequestHeaders = ['h.example'];
  r.capturedResponseHeaders = ['text/plain'];
  assert.equal(renderLogFormat(compile('%[capture.req.hdr(0)] %[capture.res.hdr(0)] %[capture.req.method] %[capture.req.uri] %[capture.req.ver] %[capture.req.hdr(5)]'), r, env),
    'h.example text/plain GET / HTTP/1.1 -');
});

test('fetches whose data is gone at log time are refused as HAProxy does', () => {
  const needs = (expr: string, what: string): void => assert.equal(compileError(`%[${expr}] x`),
    `sample fetch <${expr}] x> may not be reliably used here because it needs '${what}' which is not available here.`);
  needs('req.hdr(host)', 'HTTP request headers');
  needs('path', 'HTTP request headers');
  needs('res.hdr(x)', 'HTTP response headers');
  needs('hdr(host)', 'HTTP request headers,HTTP response headers');
  needs('req.len', 'request buffer');
  compile('%[method] %[status] %[src] %[ssl_fc_sni]');
});

test('compile errors use HAProxy 2.6 wording', () => {
  assert.equal(compileError('%zz'), "no such format variable 'zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'.");
  assert.equal(compileError('%{+Q}zz'), "no such format variable 'zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'.");
  assert.equal(compileError('%'), "truncated line after '%'.");
  assert.equal(compileError('a%ci%'), "truncated line after '%'.");
  assert.equal(compileError('%{+Q'), "truncated line after '+Q'.");
  assert.equal(compileError('%{+Q}'), "parse argument modifier without variable name near '%{+Q}'.");
  assert.equal(compileError('%[src'), "missing ']' after 'src'.");
  assert.equal(compileError('%[foo]'), "failed to parse sample expression <foo]> : unknown fetch method 'foo'.");
  assert.equal(compileError('%r', false), "format variable 'r' is reserved for HTTP mode.");
  // Unknown modifiers are ignored, as 2.6 does.
  compile('%{+Z}ci');
});

test('the tag table has unique names and every tag renders a string without throwing', () => {
  const names = new Set<string>();
  for (const t of LOG_TAGS) {
    assert.ok(!names.has(t.name), `duplicate ${t.name}`);
    names.add(t.name);
    for (const rec of [ok200(), noSrv503(), badReq400(), tcpPg()]) for (const flags of [0, 1, 2, 4, 7]) assert.equal(typeof t.render(rec, flags, env), 'string');
  }
});
