/**
 * Configuration messages for ACLs and use_backend conditions, worded as HAProxy 2.6.12
 * prints them (captured with `haproxy -c` on the same lines; pid shown as 0 here).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fe, load } from './helpers';

/** Messages for a frontend body; the body starts at line 8 of the generated file. */
function msgs(body: string): string[] {
  return load(fe(body)).messages.filter((m) => m.includes('[ALERT]') || m.includes('[WARNING]'))
    .filter((m) => !m.includes('missing timeouts') && !/Error\(s\) found|Fatal errors/.test(m));
}

const A = '[ALERT]    (0) : config : ';

const cases: [string, string][] = [
  ['acl a nosuchfetch /x', `parsing [t.cfg:8] : error detected while parsing ACL 'a' : unknown fetch method 'nosuchfetch' in ACL expression 'nosuchfetch'.`],
  ['acl x nosuch(a) foo', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : unknown fetch method 'nosuch' in ACL expression 'nosuch(a)'.`],
  ['acl b path_beg,nosuchconv /x', `parsing [t.cfg:8] : error detected while parsing ACL 'b' : ACL keyword 'path_beg' : unknown converter 'nosuchconv'..`],
  ['acl x path,nosuchconv foo', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : ACL keyword 'path' : unknown converter 'nosuchconv'..`],
  ['acl c path_beg -m nosuch /x', `parsing [t.cfg:8] : error detected while parsing ACL 'c' : unknown matching method 'nosuch' when parsing ACL expression.`],
  ['acl x path -m', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : unknown matching method '' when parsing ACL expression.`],
  ['acl d hdr(host /x', `parsing [t.cfg:8] : error detected while parsing ACL 'd' : ACL keyword 'hdr' : expected ')'.`],
  ['acl x hdr(a,1,2) foo', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : ACL keyword 'hdr' : expected ')' before ',2)'.`],
  ['acl e hdr(host,x) foo', `parsing [t.cfg:8] : error detected while parsing ACL 'e' : ACL keyword 'hdr' : failed to parse 'x' as type 'integer' at position 2.`],
  ['acl x nbsrv(a,b) 1', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : fetch method 'nbsrv' : expected ')' before ',b)' in ACL expression 'nbsrv(a,b)'.`],
  ['acl x int(x)', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : fetch method 'int' : failed to parse 'x' as type 'integer' at position 1 in ACL expression 'int(x)'.`],
  ['acl f path,field(x,:) foo', `parsing [t.cfg:8] : error detected while parsing ACL 'f' : ACL keyword 'path' : invalid arg 1 in converter 'field' : failed to parse 'x' as type 'integer' at position 1..`],
  ['acl g path,field(1) foo', `parsing [t.cfg:8] : error detected while parsing ACL 'g' : ACL keyword 'path' : invalid arg 2 in converter 'field' : missing arguments (got 1/2), type 'string' expected..`],
  ['acl x path,field foo', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : ACL keyword 'path' : invalid arg 1 in converter 'field' : expected type 'integer' at position 1, but got nothing..`],
  ['acl x path,field(1,:,3,4) foo', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : ACL keyword 'path' : invalid arg 3 in converter 'field' : expected ')' before ',4)'..`],
  ['acl x path,field(1,: foo', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : ACL keyword 'path' : invalid arg 2 in converter 'field' : expected ')'..`],
  ['acl x path,lower(1) foo', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : ACL keyword 'path' : invalid arg 1 in converter 'lower' : expected ')' before '1)'..`],
  ['acl a path_beg -f /nonexistent', `parsing [t.cfg:8] : error detected while parsing ACL 'a' : failed to open pattern file </nonexistent>.`],
  ['acl x path -f', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : failed to open pattern file <>.`],
  ['acl m path,map(/nonexistent) foo', `parsing [t.cfg:8] : error detected while parsing ACL 'm' : ACL keyword 'path' : invalid args in converter 'map' : failed to open pattern file </nonexistent>..`],
  ['acl b src 1.2.3.400', `parsing [t.cfg:8] : error detected while parsing ACL 'b' : '1.2.3.400' is not a valid IPv4 or IPv6 address.`],
  ['acl x url_ip 1.2.3.4/40', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : '1.2.3.4/40' is not a valid IPv4 or IPv6 address.`],
  ['acl c dst_port abc', `parsing [t.cfg:8] : error detected while parsing ACL 'c' : 'abc' is not a number.`],
  ['acl r src_port 1:x', `parsing [t.cfg:8] : error detected while parsing ACL 'r' : '1:x' is not a valid number range.`],
  ['acl x int(3) 2:1', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : '2:1' is not a valid number range.`],
  ['acl o path_beg -x foo', `parsing [t.cfg:8] : error detected while parsing ACL 'o' : '-x' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'.`],
  ['acl x req.hdr(x),set-var(foo) foo', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : invalid args in converter 'set-var' : invalid variable name 'foo'. A variable name must be start by its scope. The scope can be 'proc', 'sess', 'txn', 'req', 'res' or 'check' in ACL expression 'req.hdr(x),set-var(foo)'.`],
  ['acl x var(foo) x', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : invalid args in fetch method 'var' : invalid variable name 'foo'. A variable name must be start by its scope. The scope can be 'proc', 'sess', 'txn', 'req', 'res' or 'check' in ACL expression 'var(foo)'.`],
  ['acl f', `parsing [t.cfg:8] : error detected while parsing ACL 'f' : missing fetch method in ACL expression ''.`],
  ['acl or path /x', `parsing [t.cfg:8] : acl name 'or' will never match. 'or' is used to express a logical disjunction within a condition.`],
  ['acl a/b path /x', `parsing [t.cfg:8] : character '/' is not permitted in acl name 'a/b'.`],
  ['use_backend b if nosuchacl', `parsing [t.cfg:8] : error detected while parsing switching rule : no such ACL : 'nosuchacl'.`],
  ['use_backend b if { nosuchfetch x }', `parsing [t.cfg:8] : error detected while parsing switching rule : unknown fetch method 'nosuchfetch' in ACL expression 'nosuchfetch'.`],
  ['use_backend b if { path_beg /x', `parsing [t.cfg:8] : error detected while parsing switching rule : missing closing '}' in condition.`],
  ['acl j nbsrv(nob) 1', `parsing [t.cfg:8]: unable to find backend 'nob' referenced in arg 1 of ACL keyword 'nbsrv' in proxy 'f'.`],
  ['acl j srv_is_up(b/zz)', `parsing [t.cfg:8]: unable to find server 'zz' in proxy 'b', referenced in arg 1 of ACL keyword 'srv_is_up' in proxy 'f'.`],
  ['acl x var(txn.x) foo', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : matching method must be specified first (using '-m') when using a sample fetch of this type ('var').`],
  ['acl x req.payload(0,2) 1603', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : matching method must be specified first (using '-m') when using a sample fetch of this type ('req.payload').`],
  ['acl x path - foo', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : '-' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'.`],
  ['acl x -m found', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : unknown fetch method '-m' in ACL expression '-m'.`],
  [`acl x path -f ${__filename} -m str`, `parsing [t.cfg:8] : error detected while parsing ACL 'x' : '-m' must only be specified before patterns and files in parsing ACL expression.`],
  ['acl x path -u abc foo', `parsing [t.cfg:8] : error detected while parsing ACL 'x' : the argument of -u must be an integer.`],
];

for (const [line, want] of cases) {
  test(`message for: ${line}`, () => {
    assert.deepEqual(msgs(line), [A + want]);
  });
}

test('a failed ACL is not registered: conditions naming it report no such ACL', () => {
  assert.deepEqual(msgs('acl a nosuchfetch /x\nuse_backend b if a || TRUE'), [
    A + `parsing [t.cfg:8] : error detected while parsing ACL 'a' : unknown fetch method 'nosuchfetch' in ACL expression 'nosuchfetch'.`,
    A + `parsing [t.cfg:9] : error detected while parsing switching rule : no such ACL : 'a'.`,
  ]);
});

test('an ACL declared after the rule is unknown to it, as in HAProxy', () => {
  assert.deepEqual(msgs('use_backend b if later\nacl later path /x'), [
    A + `parsing [t.cfg:8] : error detected while parsing switching rule : no such ACL : 'later'.`,
  ]);
});

test('valid lines produce no message', () => {
  for (const l of [
    'acl x path_beg,lower foo', 'acl x path_beg() foo', 'acl x int(3) ge', 'acl x int(3) ge 2 3', 'acl x path -m str -i',
    'acl x path -M foo', 'acl x always_true -m found', 'acl x path -m ip 1.2.3.4', 'acl x src -m beg 1.2',
    'acl x path_beg foo\nuse_backend b if x { always_true } !x', 'acl x always_true\nuse_backend b if x or', 'acl a.b-c:d_e path /x',
    'acl x path_beg -i -- -i', 'acl x nbsrv(b) 1', 'acl x srv_is_up(b/s)', 'use_backend static if { path_beg /s } || TRUE',
  ]) assert.deepEqual(msgs(l), [], l);
});

test('no-pattern warning', () => {
  const m = msgs('acl e path_beg');
  assert.equal(m.length, 1);
  assert.match(m[0], /no pattern to match against were provided, so this ACL will never match/);
});

test('acl in anonymous defaults is an error; named defaults accept it but do not pass it on', () => {
  const text = `defaults
  mode http
  acl dd path_beg /x
defaults named
  mode http
  timeout client 1s
  timeout server 1s
  timeout connect 1s
  acl dd path_beg /x
frontend f from named
  bind 127.0.0.1:18080
  use_backend b if dd
  default_backend b
backend b from named
  server s 127.0.0.1:1
`;
  const { messages } = load(text);
  const alerts = messages.filter((m) => m.includes('[ALERT]') && !/Error\(s\) found|Fatal errors/.test(m));
  assert.deepEqual(alerts, [
    A + `parsing [t.cfg:3] : 'acl' not allowed in anonymous 'defaults' section.`,
    A + `parsing [t.cfg:12] : error detected while parsing switching rule : no such ACL : 'dd'.`,
  ]);
});

test('response-only ACL in use_backend warns as HAProxy does', () => {
  assert.deepEqual(msgs('acl x res.hdr(x) foo\nuse_backend b if x'), [
    `[WARNING]  (0) : config : parsing [t.cfg:9] : acl 'x' will never match because it only involves keywords that are incompatible with 'frontend use-backend rule'`,
  ]);
});
