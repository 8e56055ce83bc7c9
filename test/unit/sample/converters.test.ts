/**
 * Converters against values HAProxy 2.6.12 printed for the same expressions (captured with
 * `http-request return ... lf-string "%[expr]"` on loopback, txn.n set to int(7) and
 * proc.g to str(hello),upper).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSampleExpr } from '../../../src/sample/expr';
import { procVars } from '../../../src/sample/vars';
import { toStr } from '../../../src/sample/types';
import type { SampleContext } from '../../../src/sample/context';

function ctx(): SampleContext {
  return { src: '127.0.0.1', srcPort: 1, dst: '127.0.0.1', dstPort: 80, frontend: 'f', vars: new Map([['txn.n', 7]]) };
}

/** Expression, and HAProxy's output ('' for an empty or absent sample). */
const FIXTURES: [string, string][] = [
  ["str(abc),sdbm", "807794786"],
  ["str(abc),sdbm(1)", "659243622"],
  ["str(abc),djb2", "193485963"],
  ["str(abc),djb2(1)", "2235766107"],
  ["str(abc),wt6", "2483038440"],
  ["str(hello world foo bar),wt6", "1472883378"],
  ["str(abc),wt6(1)", "266135527"],
  ["str(abc),crc32", "891568578"],
  ["str(abc),crc32(1)", "930845320"],
  ["str(abc),crc32c", "910901175"],
  ["str(abc),hex", "616263"],
  ["str(abc),base64", "YWJj"],
  ["str(YWJj),b64dec", "abc"],
  ["str(a:b:c),field(2,:)", "b"],
  ["str(a:b:c),field(-1,:)", "c"],
  ["str(a:b:c:d),field(2,:,2)", "b:c"],
  ["str(a:b:c:d),field(2,:,0)", "b:c:d"],
  ["str(a::c),field(2,:)", ""],
  ["str(a::c),word(2,:)", "c"],
  ["str(a:b:c:d),word(-2,:,2)", "b:c"],
  ["str(a:b),field(5,:)", ""],
  ["str(aXbXc),regsub(X,-,g)", "a-b-c"],
  ["str(aXbXc),regsub(X,-)", "a-bXc"],
  ["str(aXbxc),regsub(x,-,ig)", "a-b-c"],
  ["int(5),add(3)", "8"],
  ["int(5),add(txn.n)", "12"],
  ["int(5),sub(8)", "-3"],
  ["int(5),mul(-3)", "-15"],
  ["int(7),div(2)", "3"],
  ["int(-7),div(2)", "-3"],
  ["int(7),div(0)", "9223372036854775807"],
  ["int(-7),mod(3)", "-1"],
  ["int(7),mod(0)", "0"],
  ["int(6),and(3)", "2"],
  ["int(6),or(3)", "7"],
  ["int(6),xor(3)", "5"],
  ["int(6),neg", "-6"],
  ["int(6),cpl", "-7"],
  ["int(6),bool", "1"],
  ["int(0),not", "1"],
  ["int(3),odd", "1"],
  ["int(3),even", "0"],
  ["str(abcd),length", "4"],
  ["str(AbC),lower", "abc"],
  ["str(aBc),upper", "ABC"],
  ["str(ff),hex2i", "255"],
  ["str(ffffffffffffffff),hex2i", "-1"],
  ["ipv4(192.168.1.77),ipmask(24)", "192.168.1.0"],
  ["ipv6(2001:db8::1234),ipmask(24,64)", "2001:db8::"],
  ["ipv4(10.9.8.7),ipmask(255.255.0.0)", "10.9.0.0"],
  ["str(a/b),json", "a\\/b"],
  ["str(a%20b+c),url_dec", "a b+c"],
  ["str(/x+y?a+b),url_dec", "/x+y?a b"],
  ["str(abcdef),bytes(2,3)", "cde"],
  ["str(abcdef),bytes(4)", "ef"],
  ["int(258),htonl,hex", "00000102"],
  ["int(0),utime(%Y-%m-%dT%H:%M:%S)", "1970-01-01T00:00:00"],
  ["str(a),concat(<,txn.n,>)", "a<7>"],
  ["var(proc.g)", "HELLO"],
  ["str(7),strcmp(txn.n)", "0"],
  ["str(8),strcmp(txn.n)", "1"],
  ["str(abc?>),ub64enc", "YWJjPz4"],
  ["bool(true)", "1"],
  ["str(a:b:c:d),word(5,:)", ""],
  ["str(a:b:c:d),field(-2,:,2)", "b:c"],

  ["str(abc),sha1,hex", "A9993E364706816ABA3E25717850C26C9CD0D89D"],
];

/** LLONG_MAX is not exactly representable as a JS number; compare numerically. */
const NUMERIC = new Set(['int(7),div(0)']);

test('converters produce what HAProxy 2.6.12 produced', () => {
  procVars.set('proc.g', 'HELLO');
  for (const [expr, want] of FIXTURES) {
    const errs: string[] = [];
    const fn = compileSampleExpr(expr, (m) => errs.push(m));
    assert.ok(fn, `${expr}: ${errs.join()}`);
    const v = fn!(ctx());
    const got = v === undefined ? '' : toStr(v);
    if (NUMERIC.has(expr)) assert.equal(Number(got), Number(want), expr);
    else assert.equal(got, want, expr);
  }
});

test('regsub: quoted regex with a group, \\1 references, quoted commas (as HAProxy 2.6.12)', () => {
  const ev = (e: string) => compileSampleExpr(e, (m) => assert.fail(m))!(ctx());
  assert.equal(ev('str(abc),regsub("(b)","[\\1]")'), 'a[b]c');
  assert.equal(ev('str(abc),regsub("(b)",[\\1])'), 'a[b]c');
  assert.equal(ev('str(abc),regsub(b,[\\1])'), 'a[]c');
  assert.equal(ev('str(abc),regsub(b,"x,y")'), 'ax,yc');
});

test('set-var converter stores and passes the sample through; var() reads it back', () => {
  const c = ctx();
  const fn = compileSampleExpr('str(x),upper,set-var(txn.up)', () => assert.fail())!;
  assert.equal(fn(c), 'X');
  assert.equal(c.vars.get('txn.up'), 'X');
  assert.equal(compileSampleExpr('var(txn.up),lower', () => assert.fail())!(c), 'x');
  assert.equal(compileSampleExpr('var(txn.nope)', () => assert.fail())!(c), undefined);
  compileSampleExpr('str(x),unset-var(txn.up)', () => assert.fail())!(c);
  assert.equal(c.vars.has('txn.up'), false);
});

test('compileSampleExpr reports HAProxy wording for unknown fetch/converter and bad args', () => {
  const err = (e: string) => {
    const m: string[] = [];
    assert.equal(compileSampleExpr(e, (x) => m.push(x)), undefined, e);
    return m;
  };
  assert.deepEqual(err('nosuch'), [`unknown fetch method 'nosuch'`]);
  assert.deepEqual(err('path,nosuch'), [`unknown converter 'nosuch'`]);
  assert.deepEqual(err('path,field(x,:)'), [`invalid arg 1 in converter 'field' : failed to parse 'x' as type 'integer' at position 1`]);
  assert.deepEqual(err('hdr(a,b)'), [`fetch method 'hdr' : failed to parse 'b' as type 'integer' at position 2`]);
  assert.deepEqual(err('var(x)'), [`invalid args in fetch method 'var' : invalid variable name 'x'. A variable name must be start by its scope. The scope can be 'proc', 'sess', 'txn', 'req', 'res' or 'check'`]);
  assert.deepEqual(err(''), ['missing fetch method']);
});

test('map converters: str, beg, ip (longest prefix), int output, default value', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'map-'));
  try {
    const hosts = join(dir, 'hosts.map');
    writeFileSync(hosts, '# comment\nexample.com  be_example\n\nfoo.org be_foo\n');
    const nets = join(dir, 'nets.map');
    writeFileSync(nets, '10.0.0.0/8 wide\n10.1.0.0/16 narrow\n');
    const prefixes = join(dir, 'paths.map');
    writeFileSync(prefixes, '/api 1\n/static 2\n');
    const ev = (e: string, c = ctx()) => compileSampleExpr(e, (m) => assert.fail(m))!(c);
    assert.equal(ev(`str(foo.org),map(${hosts})`), 'be_foo');
    assert.equal(ev(`str(nope),map(${hosts})`), undefined);
    assert.equal(ev(`str(nope),map(${hosts},dflt)`), 'dflt');
    assert.equal(ev(`str(10.1.2.3),map_ip(${nets})`), 'narrow');
    assert.equal(ev(`str(10.2.2.3),map_ip(${nets})`), 'wide');
    assert.equal(ev(`str(/static/a.css),map_beg_int(${prefixes})`), 2);
    assert.equal(ev(`str(/x),map_beg_int(${prefixes},0)`), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
