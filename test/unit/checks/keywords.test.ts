/** Check keywords: what they store, and HAProxy 2.6.12's exact messages for mistakes. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/proxy/keywords';
import '../../../src/checks/keywords';
import { parseString } from '../../../src/config/parser';
import { Diagnostics, formatDiagnostic } from '../../../src/config/diagnostics';
import { validateConfig } from '../../../src/config/validate';
import { checksOf } from '../../../src/checks/config';

const HEAD = 'defaults\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\nbackend b\n';

/** Messages for a config whose line 6 is `line`, without the `[ALERT]    (pid) : ` prefix. */
function messages(line: string, server = '  server s 127.0.0.1:80 check'): string[] {
  const diag = new Diagnostics();
  const { config } = parseString(`${HEAD}  ${line}\n${server}\n`, 'e.cfg', diag);
  if (diag.errorCount === 0) validateConfig(config, diag);
  return diag.items.map((d) => formatDiagnostic(d, 1).replace(/^\[\w+\]\s+\(1\) : /, ''));
}

const cases: [string, string][] = [
  ['option pgsql-check', "config : parsing [e.cfg:6] : 'option pgsql-check' expects 'user <username>' as argument."],
  ['option mysql-check foo', "config : parsing [e.cfg:6] : 'option mysql-check' only supports optional values: 'user' (got 'foo')."],
  ['option mysql-check user u x41', "config : parsing [e.cfg:6] : keyword 'user' only supports 'post-41' and 'pre-41' (got 'x41')."],
  ['tcp-check expect foo bar', "config : parsing [e.cfg:6] : 'tcp-check expect' : 'only supports min-recv, '[!]binary', '[!]string', '[!]rstring', '[!]string-lf''[!]rbinary', '[!]binary-lf' or comment but got 'foo' as argument.."],
  ['tcp-check expect string', "config : parsing [e.cfg:6] : 'tcp-check expect' : 'string' expects a <pattern> as argument."],
  ['tcp-check send', "config : parsing [e.cfg:6] : 'tcp-check send' : 'string' expects a send as argument."],
  ['tcp-check send-binary', "config : parsing [e.cfg:6] : 'tcp-check send-binary' : 'binary string' expects a send-binary as argument."],
  ['tcp-check send-binary zz', "config : parsing [e.cfg:6] : 'tcp-check send-binary' : 'zz' invalid binary string (an hex digit is expected (found 'z'))."],
  ['tcp-check send-binary abc', "config : parsing [e.cfg:6] : 'tcp-check send-binary' : 'abc' invalid binary string (an even number of hex digit is expected)."],
  ['tcp-check connect port', "config : parsing [e.cfg:6] : 'tcp-check connect' : 'port' expects a port number or a sample expression as argument.."],
  ['tcp-check connect foo', "config : parsing [e.cfg:6] : 'tcp-check connect' : expects 'comment', 'port', 'addr', 'send-proxy', 'ssl', 'sni', 'alpn' or 'via-socks4', 'linger', 'default' but got 'foo' as argument.."],
  ['tcp-check expect error-status FOO string a', "config : parsing [e.cfg:6] : 'tcp-check expect' : 'error-status' only supports 'L4CON', 'L6RSP', 'L7RSP' or 'L7STS' status (got 'FOO').."],
  ['tcp-check expect tout-status FOO string a', "config : parsing [e.cfg:6] : 'tcp-check expect' : 'tout-status' only supports 'L4TOUT', 'L6TOUT' or 'L7TOUT' status (got 'FOO').."],
  ['tcp-check comment', "config : parsing [e.cfg:6] : 'tcp-check comment' : expects a string as argument."],
  ['http-check expect', "config : parsing [e.cfg:6] : 'http-check expect' : expects at least a matching pattern as arguments."],
  ['http-check expect status', "config : parsing [e.cfg:6] : 'http-check expect' : 'status' expects a <pattern> as argument."],
  ['http-check expect foo x', "config : parsing [e.cfg:6] : 'http-check expect' : 'only supports min-recv, [!]string', '[!]rstring', '[!]string-lf', '[!]status', '[!]rstatus', [!]hdr, [!]fhdr or comment but got 'foo' as argument.."],
  ['http-check send foo', "config : parsing [e.cfg:6] : 'http-check send' : expects 'comment', 'meth', 'uri', 'uri-lf', 'ver', 'hdr', 'body' or 'body-lf' but got 'foo' as argument.."],
  ['option httpchk a b c d', "config : parsing [e.cfg:6] : 'option httpchk' cannot handle unexpected argument 'd'."],
  ['tcp-check expect min-recv x string a', "config : backend 'b' uses tcp-check rules without 'option tcp-check', so the rules are ignored."],
];

for (const [line, want] of cases) {
  test(`message for "${line}"`, () => {
    assert.equal(messages(line)[0], want);
  });
}

const serverCases: [string, string][] = [
  ['server s 127.0.0.1 check', "config : config: backend 'b': server 's' has neither service port nor check port."],
  ['server s 127.0.0.1:80 check on-error foo', "config : [e.cfg:7] : 'server b/s' : 'on-error' expects one of 'fastinter', 'fail-check', 'sudden-death' or 'mark-down' but got 'foo'."],
  ['server s 127.0.0.1:80 check observe foo', "config : [e.cfg:7] : 'server b/s' : 'observe' expects one of 'none', 'layer4', 'layer7' but got 'foo'."],
  ['server s 127.0.0.1:80 error-limit 0', "config : [e.cfg:7] : 'server b/s' : error-limit has to be > 0.."],
  ['server s 127.0.0.1:80 on-marked-down x', "config : [e.cfg:7] : 'server b/s' : 'on-marked-down' expects 'shutdown-sessions' but got 'x'."],
  ['server s 127.0.0.1:80 agent-inter 0', "config : [e.cfg:7] : 'server b/s' : invalid value 0 for argument 'agent-inter' of server s.."],
  ['server s 127.0.0.1:80 agent-addr zz', "config : [e.cfg:7] : 'server b/s' : parsing agent-addr failed. Check if 'zz' is correct address.."],
  ['server s 127.0.0.1:80 agent-check', "config : [e.cfg:7] : 'server b/s' : server s does not have agent port. Agent check has been disabled."],
  ['server s 127.0.0.1:80 check observe layer7', "config : [e.cfg:7] : 'server b/s' : 'layer7' can only be used in http proxies.."],
];

for (const [line, want] of serverCases) {
  test(`message for "${line}"`, () => {
    assert.equal(messages('mode tcp', `  ${line}`)[0], want);
  });
}

test('options are stored in ext.checks and the last check option wins; defaults are inherited', () => {
  const { config } = parseString(`defaults
  option httpchk HEAD /primary
backend a
  server s 127.0.0.1:1 check
backend b
  mode http
  option pgsql-check user haproxy
  option redis-check
  tcp-check connect port 5
  server s 127.0.0.1:1 check agent-check agent-port 9 agent-inter 3s agent-send "hi\\n" check-ssl check-sni x.example on-marked-down shutdown-sessions on-marked-up shutdown-backup-sessions on-error sudden-death observe layer7 error-limit 5 check-send-proxy
`);
  const a = checksOf(config.proxies.find((p) => p.name === 'a')!);
  assert.equal(a.type, 'httpchk');
  assert.deepEqual(a.httpchk, { meth: 'HEAD', uri: '/primary', ver: 'HTTP/1.0', headers: [] });
  const pb = config.proxies.find((p) => p.name === 'b')!;
  const b = checksOf(pb);
  assert.equal(b.type, 'redis-check');
  assert.deepEqual(b.tcpRules, [{ type: 'connect', port: 5 }]);
  assert.deepEqual(pb.servers[0].options, {
    'agent-check': true, 'agent-port': 9, 'agent-inter': 3000, 'agent-send': 'hi\n', 'check-ssl': true, 'check-sni': 'x.example',
    'on-marked-down': 'shutdown-sessions', 'on-marked-up': 'shutdown-backup-sessions', 'on-error': 'sudden-death', observe: 'layer7',
    'error-limit': 5, 'check-send-proxy': true,
  });
});

test('no option httpchk goes back to plain TCP checks', () => {
  const { config } = parseString('defaults\n  option httpchk\nbackend a\n  no option httpchk\n  server s 127.0.0.1:1 check\n');
  assert.equal(checksOf(config.proxies[0]).type, '');
});
