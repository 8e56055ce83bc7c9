/**
 * HTTP fetches against what HAProxy 2.6.12 returned for the same request (captured with
 * curl and `http-request return lf-string`):
 *   GET /p/a.b?a=12x&b=2&c=&b=3 with X-A: "one, two" and "three", X-N: 42abc,
 *   X-IP: 10.0.0.1:8080, Cookie: "s=1; n=77; s=2" and "z=9", X-Q: "\"a,b\", c".
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSampleExpr } from '../../../src/sample/expr';
import { toStr } from '../../../src/sample/types';
import { req } from '../acl/helpers';

const ctx = req('GET /p/a.b?a=12x&b=2&c=&b=3', {
  Host: '127.0.0.1:18099',
  'X-A': ['one, two', 'three'],
  'X-N': '42abc',
  'X-IP': '10.0.0.1:8080',
  Cookie: ['s=1; n=77; s=2', 'z=9'],
  'X-Q': '"a,b", c',
}, { dstPort: 18099, frontend: 'f' });

const FIXTURES: [string, string][] = [
  ['path', '/p/a.b'], ['url', '/p/a.b?a=12x&b=2&c=&b=3'], ['query', 'a=12x&b=2&c=&b=3'],
  ['base', '127.0.0.1:18099/p/a.b'], ['req.ver', '1.1'], ['method', 'GET'], ['url_param(b)', '2'],
  ['urlp(c)', ''], ['urlp_val(a)', '12'], ['req.hdr(x-a)', 'three'], ['req.hdr(x-a,1)', 'one'],
  ['req.hdr(x-a,-2)', 'two'], ['req.fhdr(x-a)', 'three'], ['req.fhdr(x-a,1)', 'one, two'],
  ['req.hdr_cnt(x-a)', '3'], ['req.fhdr_cnt(x-a)', '2'], ['req.hdr_val(x-n)', '42'],
  ['req.hdr_ip(x-ip)', '10.0.0.1'], ['req.cook(s)', '2'], ['req.cook_cnt(s)', '2'], ['req.cook_val(n)', '77'],
  ['req.cook_cnt', '4'], ['req.hdr(x-q)', 'c'], ['src', '127.0.0.1'], ['fe_name', 'f'], ['dst_port', '18099'],
  ['req.hdr(nope)', ''], ['req.hdr_cnt(nope)', '0'],
  ['hdr(x-a)', 'three'], ['cook(s)', '2'], ['hdr_cnt(x-a)', '3'],
];

test('HTTP fetches return what HAProxy 2.6.12 returned', () => {
  for (const [expr, want] of FIXTURES) {
    const fn = compileSampleExpr(expr, (m) => assert.fail(`${expr}: ${m}`))!;
    const v = fn(ctx);
    assert.equal(v === undefined ? '' : toStr(v), want, expr);
  }
});

test('empty query string and paths of absolute-form and * targets', () => {
  const ev = (e: string, line: string) => compileSampleExpr(e, (m) => assert.fail(m))!(req(line));
  assert.equal(ev('query', 'GET /x?'), '');
  assert.equal(ev('query', 'GET /x'), undefined);
  assert.equal(ev('path', 'GET http://h:81/a/b?q'), '/a/b');
  assert.equal(ev('url_port', 'GET http://h:81/a/b?q'), 81);
  assert.equal(ev('url_ip', 'GET http://10.1.1.1/a'), '10.1.1.1');
  assert.equal(ev('path', 'OPTIONS *'), undefined);
  assert.equal(ev('base', 'GET /a?x'), '/a');
});

test('response fetches read ctx.res', () => {
  const c = req('GET /');
  c.res = { method: '', uri: '', version: 'HTTP/1.1', status: 503, headers: ['Set-Cookie', 'sid=abc; Path=/', 'X-B', 'v'] };
  const ev = (e: string) => compileSampleExpr(e, (m) => assert.fail(m))!(c);
  assert.equal(ev('status'), 503);
  assert.equal(ev('res.hdr(x-b)'), 'v');
  assert.equal(ev('shdr(x-b)'), 'v');
  assert.equal(ev('res.cook(sid)'), 'abc');
  assert.equal(ev('res.ver'), '1.1');
  assert.equal(ev('res.hdr_cnt(x-b)'), 1);
});
