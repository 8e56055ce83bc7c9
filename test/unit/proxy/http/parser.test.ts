import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findHeadEnd, leadingEmptyLines, parseRequestHead, parseResponseHead, isHeadError, getHeader } from '../../../../src/proxy/http/parser';

function req(text: string) {
  return parseRequestHead(text);
}

test('findHeadEnd finds CRLF and bare-LF head ends, resumable', () => {
  const b = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY');
  assert.equal(findHeadEnd(b), b.indexOf('BODY'));
  assert.equal(findHeadEnd(Buffer.from('GET / HTTP/1.1\nHost: a\n\nX')), 'GET / HTTP/1.1\nHost: a\n\n'.length);
  assert.equal(findHeadEnd(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n')), -1);
  const split = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  assert.equal(findHeadEnd(split, split.length - 5), split.length);
  assert.equal(leadingEmptyLines(Buffer.from('\r\n\r\nGET')), 4);
});

test('parses a request head with headers, framing and connection tokens', () => {
  const h = req('POST /a?b=1 HTTP/1.1\r\nHost: example\r\nContent-Length: 5\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nExpect: 100-continue\r\n\r\n');
  assert.ok(!isHeadError(h));
  assert.equal(h.method, 'POST');
  assert.equal(h.uri, '/a?b=1');
  assert.equal(h.version, 'HTTP/1.1');
  assert.equal(h.contentLength, 5);
  assert.equal(h.connKeepAlive, true);
  assert.equal(h.connUpgrade, true);
  assert.equal(h.upgrade, 'websocket');
  assert.equal(h.expectContinue, true);
  assert.equal(h.host, 'example');
  assert.equal(getHeader(h, 'host'), 'example');
});

test('rejects smuggling and malformed heads', () => {
  const bad = [
    'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n',
    'GET /\r\n\r\n',
    'G(T / HTTP/1.1\r\nHost: a\r\n\r\n',
    'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nX-A : b\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n',
    'GET / http/1.1\r\nHost: a\r\n\r\n',
    'GET a:80 HTTP/1.1\r\nHost: a\r\n\r\n',
    'CONNECT a HTTP/1.1\r\nHost: a\r\n\r\n',
    'GET http://b/ HTTP/1.1\r\nHost: a\r\n\r\n',
  ];
  for (const b of bad) assert.ok(isHeadError(req(b)), `should reject ${JSON.stringify(b)}`);
});

test('identical repeated Content-Length values are merged', () => {
  const h = req('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\n');
  assert.ok(!isHeadError(h));
  assert.equal(h.contentLength, 3);
});

test('limits the number of headers (tune.http.maxhdr)', () => {
  let text = 'GET / HTTP/1.1\r\nHost: a\r\n';
  for (let i = 0; i < 5; i++) text += `X-${i}: v\r\n`;
  text += '\r\n';
  // HAProxy keeps one of the tune.http.maxhdr slots: 6 headers need maxhdr 7.
  assert.ok(!isHeadError(parseRequestHead(text, { maxHeaders: 7 })));
  assert.ok(isHeadError(parseRequestHead(text, { maxHeaders: 6 })));
});

test('parses response heads; Transfer-Encoding wins over Content-Length in responses', () => {
  const r = parseResponseHead('HTTP/1.0 200 OK\r\nServer: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n');
  assert.ok(!isHeadError(r));
  assert.equal(r.status, 200);
  assert.equal(r.reason, 'OK');
  assert.equal(r.versionMinor, 0);
  assert.equal(r.chunked, true);
  assert.equal(r.contentLength, -1);
  const noReason = parseResponseHead('HTTP/1.1 204\r\n\r\n');
  assert.ok(!isHeadError(noReason));
  assert.equal(noReason.status, 204);
  assert.equal((parseResponseHead('HTTP/1.1 2000 OK\r\n\r\n') as { status: number }).status, 2000);
  assert.ok(isHeadError(parseResponseHead('HTTP/1.1 abc OK\r\n\r\n')));
  assert.ok(isHeadError(parseResponseHead('http/1.1 200 OK\r\n\r\n')));
  assert.ok(isHeadError(parseResponseHead('ICY 200 OK\r\n\r\n')));
});

test('accepts what HAProxy 2.6.12 accepts (test/fixtures/raw-http)', () => {
  // Content-Length + chunked: Content-Length dropped, connection closed after the response.
  const clte = req('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n');
  assert.ok(!isHeadError(clte));
  assert.equal(clte.contentLength, -1);
  assert.equal(clte.chunked, true);
  assert.equal(clte.connClose, true);
  assert.equal(getHeader(clte, 'content-length'), undefined);
  // obs-fold unfolded into spaces; NUL and controls in values pass.
  const fold = req('GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\nY: c\x00d\x01\r\n\r\n');
  assert.ok(!isHeadError(fold));
  assert.equal(getHeader(fold, 'x'), 'a   b');
  assert.equal(getHeader(fold, 'y'), 'c\x00d\x01');
  // Any HTTP/d.d version, several SP/HT separators, identical Host headers.
  const v2 = req('GET\t /  HTTP/2.0\r\nHost: a\r\nHost: a\r\n\r\n');
  assert.ok(!isHeadError(v2));
  assert.equal(v2.uri, '/');
  assert.equal(v2.version, 'HTTP/2.0');
  // Absolute-form: default port dropped, userinfo ignored for the Host comparison.
  const abs = req('GET http://u@a:80/x HTTP/1.1\r\nHost: a:80\r\n\r\n');
  assert.ok(!isHeadError(abs));
  assert.equal(abs.uri, 'http://u@a/x');
  assert.equal(abs.host, 'a');
  // gzip before chunked in a request: 422.
  const gz = req('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n');
  assert.ok(isHeadError(gz));
  assert.equal(gz.status, 422);
});
