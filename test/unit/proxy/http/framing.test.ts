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

/** Feeds `body` in slices cut at `cuts`, returns [decoded payload, re-encoded bytes, consumed, done, error]. */
function scanSplit(body: string, cuts: number[]): [string, string, number, boolean, string | undefined] {
  const sc = new ChunkedScanner();
  const buf = Buffer.from(body, 'latin1');
  let payload = '';
  let enc = '';
  let consumed = 0;
  const bounds = [0, ...cuts, buf.length];
  for (let k = 0; k + 1 < bounds.length && !sc.done && !sc.error; k++) {
    const out: (Buffer | string)[] = [];
    consumed += sc.feed(buf, bounds[k], bounds[k + 1], (b, s, e) => { payload += b.toString('latin1', s, e); }, out);
    for (const p of out) enc += typeof p === 'string' ? p : p.toString('latin1');
  }
  return [payload, enc, consumed, sc.done, sc.error];
}

test('re-encoding: canonical chunks as HAProxy forwards them (test/fixtures/raw-http)', () => {
  assert.equal(scanSplit('5;foo=bar\r\nhello\r\n0\r\n\r\n', [])[1], '5\r\nhello\r\n0\r\n\r\n');
  assert.equal(scanSplit('5;a\x01b\r\nhello\r\n0\r\n\r\n', [])[1], '5\r\nhello\r\n0\r\n\r\n');
  assert.equal(scanSplit('5 \r\nhello\r\n0\r\n\r\n', [])[1], '5\r\nhello\r\n0\r\n\r\n');
  assert.equal(scanSplit('5\nhello\n0\n\n', [])[1], '5\r\nhello\r\n0\r\n\r\n');
  assert.equal(scanSplit('5\r\nhello\r\n0\r\nX-T: v\r\n\r\n', [])[1], '5\r\nhello\r\n0\r\nx-t: v\r\n\r\n');
  assert.equal(scanSplit('A\r\n0123456789\r\n0\r\n\r\n', [])[1], 'a\r\n0123456789\r\n0\r\n\r\n');
  // A chunk cut by the end of what arrived goes out as the part that is here.
  assert.equal(scanSplit('5\r\nhel', [])[1], '3\r\nhel\r\n');
});

test('split-boundary fuzz: every cut (single and pairs) gives the same payload, end and validity', () => {
  const bodies = [
    '5\r\nhello\r\n0\r\n\r\n',
    '3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\nU: w\r\n\r\nNEXT',
    '5\nhello\n0\n\nNEXT',
    'zz\r\nhello\r\n0\r\n\r\n',
    '5\r\nhelloXX0\r\n\r\n',
  ];
  for (const body of bodies) {
    const whole = scanSplit(body, []);
    const canonical = whole[1];
    for (let i = 1; i < body.length; i++) {
      const one = scanSplit(body, [i]);
      assert.deepEqual([one[0], one[2], one[3], one[4] !== undefined], [whole[0], whole[2], whole[3], whole[4] !== undefined], `${JSON.stringify(body)} cut at ${i}`);
      if (whole[3]) assert.equal(scanSplit(one[1], [])[0], whole[0], 're-encoded form decodes to the same payload');
      for (let j = i + 1; j < body.length; j += 3) {
        const two = scanSplit(body, [i, j]);
        assert.deepEqual([two[0], two[2], two[3]], [whole[0], whole[2], whole[3]], `${JSON.stringify(body)} cut at ${i},${j}`);
      }
    }
    if (whole[3]) assert.equal(scanSplit(canonical, [])[1], canonical, 'canonical form is a fixed point');
  }
});
