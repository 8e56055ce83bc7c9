/**
 * execTcpRules: first accept/reject wins, side-effect actions continue, and a payload
 * condition that is false while more data may come is a miss that resumes at that rule
 * (HAProxy tcp_inspect_request / ACL_TEST_MISS), for `if` and `unless`.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/modules';
import { parseString } from '../../../src/config/parser';
import { Proxy } from '../../../src/proxy/proxy';
import { tcpRulesOf, execTcpRules } from '../../../src/proxy/tcp/rules';
import type { SampleContext } from '../../../src/sample/context';
import type { Instance } from '../../../src/process/instance';

function rules(lines: string) {
  const { config } = parseString(`frontend f\n  bind 127.0.0.1:8000\n  tcp-request inspect-delay 5s\n${lines}`);
  const px = new Proxy(config.proxies[0], 1);
  const inst = { config } as unknown as Instance;
  return tcpRulesOf(inst, px, 'content')!;
}

function ctx(payload?: string): SampleContext {
  return { src: '127.0.0.1', srcPort: 1, dst: '127.0.0.1', dstPort: 2, frontend: 'f', vars: new Map(), payload: payload === undefined ? undefined : Buffer.from(payload) };
}

test('a payload condition waits while data may come, then decides', () => {
  const r = rules('  tcp-request content accept if { req.payload(0,4) -m str GOOD }\n  tcp-request content reject\n');
  const cur = { next: 0 };
  assert.equal(execTcpRules(r, ctx('GO'), false, cur), 'wait');
  assert.equal(cur.next, 0);
  assert.equal(execTcpRules(r, ctx('GOOD'), false, cur), 'accept');
  assert.equal(execTcpRules(r, ctx('BAD!'), true), 'reject');
});

test('unless: a match of the inner condition continues at once, a miss waits', () => {
  const r = rules('  tcp-request content reject unless { req.len ge 3 }\n');
  assert.equal(execTcpRules(r, ctx('ab'), false), 'wait');
  assert.equal(execTcpRules(r, ctx('abc'), false), 'continue');
  assert.equal(execTcpRules(r, ctx('ab'), true), 'reject');
});

test('conditions on connection fetches never wait; set-var runs and continues; resume skips done rules', () => {
  const r = rules('  tcp-request content set-var(txn.n) int(1)\n  tcp-request content accept if { req.len ge 5 }\n  tcp-request content reject if { src 127.0.0.1 }\n');
  const c = ctx('abc');
  const cur = { next: 0 };
  assert.equal(execTcpRules(r, c, false, cur), 'wait');
  assert.equal(c.vars.get('txn.n'), 1);
  assert.equal(cur.next, 1);
  c.vars.delete('txn.n');
  c.payload = Buffer.from('abcdef');
  assert.equal(execTcpRules(r, c, false, cur), 'accept');
  assert.equal(c.vars.has('txn.n'), false, 'set-var is not run again on resume');
  assert.equal(execTcpRules(r, ctx('x'), true), 'reject');
});

test('SNI and hello type from a ClientHello drive the decision', () => {
  const r = rules('  tcp-request content accept if { req_ssl_hello_type 1 }\n  tcp-request content reject\n');
  // A truncated record: the hello type is not known yet.
  assert.equal(execTcpRules(r, { ...ctx(), payload: Buffer.from([0x16, 0x03, 0x01]) }, false), 'wait');
  assert.equal(execTcpRules(r, ctx('GET / HTTP/1.0\r\n\r\n'), true), 'reject');
});

test('WAIT_END waits until the inspect delay or the end of data', () => {
  const r = rules('  tcp-request content accept if WAIT_END\n  tcp-request content reject\n');
  assert.equal(execTcpRules(r, ctx('abc'), false), 'wait');
  assert.equal(execTcpRules(r, ctx('abc'), true), 'accept');
});
