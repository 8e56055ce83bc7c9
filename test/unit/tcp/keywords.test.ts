/**
 * tcp-request / tcp-response keyword messages, checked against haproxy 2.6.12's output for
 * the same lines (captured with `haproxy -c`), and what the rules store.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/modules';
import { parseString } from '../../../src/config/parser';
import { Diagnostics, formatDiagnostic } from '../../../src/config/diagnostics';
import { proxyTcpRules } from '../../../src/proxy/tcp/rules';

function messages(text: string): string[] {
  const diag = new Diagnostics();
  parseString(text, 'a.cfg', diag);
  return diag.items.map((d) => formatDiagnostic(d, 1).replace(/^\[\w+\]\s+\(1\) : /, '')).filter((m) => !/Error\(s\) found|Fatal errors/.test(m));
}

const FE = 'frontend f\n  bind 127.0.0.1:8000\n';
const CONN_LIST = `'accept', 'reject', 'capture', 'expect-proxy', 'expect-netscaler-cip', 'track-sc0' ... 'track-sc2', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-dst', 'set-dst-port', 'set-mark', 'set-src', 'set-src-port', 'set-tos', 'silent-drop'`;

const cases: [string, string][] = [
  [`${FE}  tcp-request\n`, "config : parsing [a.cfg:3] : missing argument for 'tcp-request' in frontend 'f'"],
  [`${FE}  tcp-request foo\n`, "config : parsing [a.cfg:3] : 'tcp-request' expects 'inspect-delay', 'connection', or 'content' in frontend 'f' (got 'foo')"],
  [`${FE}  tcp-request connection foo\n`, `config : parsing [a.cfg:3] : 'tcp-request connection' expects ${CONN_LIST} in frontend 'f' (got 'foo').\n`],
  [`${FE}  tcp-request inspect-delay\n`, "config : parsing [a.cfg:3] : 'tcp-request inspect-delay' expects a positive delay in milliseconds, in frontend 'f'"],
  [`${FE}  tcp-request inspect-delay xx\n`, "config : parsing [a.cfg:3] : 'tcp-request inspect-delay' expects a positive delay in milliseconds, in frontend 'f' (unexpected character 'x')"],
  [`${FE}  tcp-request connection accept junk\n`, "config : parsing [a.cfg:3] : 'tcp-request connection accept' only accepts 'if' or 'unless', in frontend 'f' (got 'junk')"],
  [`${FE}  tcp-request connection track-sc5 src\n`, "config : parsing [a.cfg:3] : 'tcp-request connection track-sc5' : 5 track-sc number exceeding 2 (MAX_SESS_STKCTR-1) value"],
  [`${FE}  tcp-request content reject if { nosuchfetch }\n`, "config : parsing [a.cfg:3] : 'tcp-request content reject' : error detected in frontend 'f' while parsing 'if' condition : unknown fetch method 'nosuchfetch' in ACL expression 'nosuchfetch'"],
  [`${FE}  tcp-response content accept\n`, "config : parsing [a.cfg:3] : tcp-response content is only allowed in 'backend' sections or 'defaults' section with a name"],
  [`${FE}  tcp-request content set-var(sess.x)\n`, 'config : parsing [a.cfg:3] : missing fetch method'],
  ['backend b\n  tcp-request connection accept\n', 'config : parsing [a.cfg:2] : tcp-request connection is not allowed because backend b is not a frontend'],
  ['defaults\n  tcp-request content accept\n', "config : parsing [a.cfg:2] : tcp-request content is not allowed in anonymous 'defaults' sections"],
  [`${FE}  clitcpka-idle\n`, "config : parsing [a.cfg:3] : 'clitcpka-idle' expects an integer value"],
  [`${FE}  clitcpka-idle 3x\n`, 'config : parsing [a.cfg:3] : unexpected character \'x\' in argument to <clitcpka-idle>.\n'],
  [`${FE}  clitcpka-cnt x\n`, "config : parsing [a.cfg:3] : 'clitcpka-cnt' : unexpected character 'x' in integer value 'x'"],
  [`${FE}  srvtcpka-idle 3s\n`, "config : parsing [a.cfg:3] : srvtcpka-idle will be ignored because frontend 'f' has no backend capability"],
];

for (const [text, want] of cases) {
  test(`message: ${text.split('\n').slice(-2)[0].trim()}`, () => {
    assert.deepEqual(messages(text), [want]);
  });
}

test('rules are stored in order with their condition; inspect-delay in ms', () => {
  const { config } = parseString(`${FE}  tcp-request inspect-delay 5s\n  tcp-request content accept if { req_ssl_hello_type 1 }\n  tcp-request content reject\n  tcp-request connection set-var(sess.a) src\n`);
  const r = proxyTcpRules(config.proxies[0]);
  assert.equal(r.inspectDelay, 5000);
  assert.deepEqual(r.content.map((x) => [x.action, x.cond?.polarity, x.cond?.words.join(' ')]), [['accept', 'if', '{ req_ssl_hello_type 1 }'], ['reject', undefined, undefined]]);
  assert.deepEqual(r.connection.map((x) => [x.action, x.args]), [['set-var(sess.a)', ['src']]]);
});

test('clitcpka-idle is kept in ms (seconds by default), counts as integers', () => {
  const { config } = parseString(`${FE}  clitcpka-idle 30\n  clitcpka-intvl 500ms\n  clitcpka-cnt 4\n`);
  const e = config.proxies[0].ext;
  assert.deepEqual([e.clitcpkaIdle, e.clitcpkaIntvl, e.clitcpkaCnt], [30000, 500, 4]);
});
