import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BodyKind, ChunkedScanner, requestBodyKind, responseBodyKind } from '../../../../src/proxy/http/framing';
import { parseRequestHead, parseResponseHead, type ParsedHead } from '../../../../src/proxy/http/parser';

function head(text: string, response = false): ParsedHead {
  const r = response ? parseResponseHead(text) : parseRequestHead(text);
  if ('error' in r) throw new Error(r.error);
  return r;
}

test('request and response body kinds follow RFC 9112 §6.3', () => {
  assert.equal(requestBodyKind(head('GET / HTTP/1.1\r\nHost: a\r\n\r\n')), BodyKind.None);
  assert.equal(requestBodyKind(head('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n')), BodyKind.Length);
  assert.equal(requestBodyKind(head('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n')), BodyKind.Chunked);
  const ok = head('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n', true);
  assert.equal(responseBodyKind(ok, 'GET'), BodyKind.Length);
  assert.equal(responseBodyKind(ok, 'HEAD'), BodyKind.None);
  assert.equal(responseBodyKind(head('HTTP/1.1 204 No Content\r\n\r\n', true), 'GET'), BodyKind.None);
  assert.equal(responseBodyKind(head('HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n', true), 'GET'), BodyKind.None);
  assert.equal(responseBodyKind(head('HTTP/1.0 200 OK\r\n\r\n', true), 'GET'), BodyKind.UntilClose);
});

function scanAll(parts: string[]): { consumed: number[]; done: boolean; error?: string } {
  const sc = new ChunkedScanner();
  const consumed: number[] = [];
  for (const p of parts) {
    const b = Buffer.from(p, 'latin1');
    consumed.push(sc.feed(b, 0, b.length));
    if (sc.done || sc.error) break;
  }
  return { consumed, done: sc.done, error: sc.error };
}

test('chunked scanner finds the end of the body, with extensions and trailers', () => {
  const body = '5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n';
  const r = scanAll([body + 'NEXT']);
  assert.equal(r.done, true);
  assert.equal(r.consumed[0], body.length);
});

test('chunked scanner works byte by byte', () => {
  const body = 'a\r\n0123456789\r\n0\r\n\r\n';
  const sc = new ChunkedScanner();
  let total = 0;
  for (const ch of body) {
    total += sc.feed(Buffer.from(ch), 0, 1);
  }
  assert.equal(sc.done, true);
  assert.equal(total, body.length);
  assert.equal(sc.dataBytes, 10);
});

test('chunked scanner rejects bad sizes and missing CRLF', () => {
  assert.ok(scanAll(['zz\r\n']).error);
  assert.ok(scanAll(['5\r\nhelloX\r\n']).error);
  assert.ok(scanAll(['\r\n']).error);
  assert.ok(scanAll(['fffffffffffffff\r\n']).error);
});
