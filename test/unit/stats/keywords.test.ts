/**
 * `stats` keywords: global socket/timeout/maxconn/bind-process into the model, proxy-level
 * page settings into the `stats` slice, and HAProxy 2.6.12's messages (from `haproxy -c`).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../runtime/helpers';
import { parseString } from '../../../src/config/parser';
import { Diagnostics } from '../../../src/config/diagnostics';
import { proxyStats } from '../../../src/stats/keywords';

function parse(text: string): { config: ReturnType<typeof parseString>['config']; errors: string[]; warnings: string[] } {
  const diag = new Diagnostics();
  const { config } = parseString(text, 'k.cfg', diag);
  return {
    config,
    errors: diag.items.filter((d) => d.severity === 'alert' && !d.message.startsWith('Error(s) found')).map((d) => d.message),
    warnings: diag.items.filter((d) => d.severity === 'warning').map((d) => d.message),
  };
}

test('global stats socket lines with options', () => {
  const { config, errors } = parse(`global
    stats socket /run/a.sock mode 600 level admin expose-fd listeners uid 0 gid 0
    stats socket ipv4@127.0.0.1:9999 level user
    stats socket /run/b.sock
    stats timeout 2m
    stats maxconn 5
    stats bind-process 1
`);
  assert.deepEqual(errors, []);
  const [a, b, c] = config.global.statsSockets;
  assert.equal(a.address.path, '/run/a.sock');
  assert.equal(a.mode, 0o600);
  assert.equal(a.level, 'admin');
  assert.equal(a.exposeFd, true);
  assert.equal(a.uid, 0);
  assert.equal(b.address.family, 'ipv4');
  assert.equal(b.address.port, 9999);
  assert.equal(b.level, 'user');
  assert.equal(c.level, 'operator');
  assert.equal(config.global.statsTimeout, 120_000);
  assert.equal(config.global.statsMaxconn, 5);
});

test('stats keyword errors use 2.6.12 wording', () => {
  const cases: [string, string][] = [
    ['stats socket', "'stats socket' in global section expects an address or a path to a UNIX socket"],
    ['stats socket /tmp/a level foo', "'stats socket' : ''level' only supports 'user', 'operator', and 'admin' (got 'foo')'"],
    ['stats socket /tmp/a mode 6z0', "'stats socket' : ''mode' : missing or invalid mode '6z0' (octal integer expected)'"],
    ['stats socket /tmp/a user nosuchuser-fulcrum', "'stats socket' : ''user' : unknown user name 'nosuchuser-fulcrum''"],
    ['stats socket /tmp/a expose-fd', "'stats socket' : ''expose-fd' : missing fd type'"],
    ['stats socket 127.0.0.1', "'stats socket' : missing port specification in '127.0.0.1'"],
    ['stats timeout 0', "'stats timeout' expects a positive value"],
    ['stats timeout 1x', "'stats timeout' : unexpected character 'x'"],
    ['stats maxconn 0', "'stats maxconn' expects a positive value"],
  ];
  for (const [line, msg] of cases) {
    const { errors } = parse(`global\n    ${line}\n`);
    assert.deepEqual(errors, [msg], line);
  }
});

test('proxy-level stats settings land in the stats slice', () => {
  const { config, errors, warnings } = parse(`defaults
    mode http
listen stats
    bind 127.0.0.1:8404
    stats uri /st
    stats realm Fulcrum\\ Stats
    stats auth admin:secret
    stats refresh 5s
    stats admin if TRUE
    stats hide-version
    stats show-legends
    stats show-node
    stats show-desc
    stats scope app
`);
  assert.deepEqual(errors, []);
  assert.equal(warnings.length, 1);
  const st = proxyStats(config.proxies[0]);
  assert.equal(st.enabled, true);
  assert.equal(st.uri, '/st');
  assert.equal(st.realm, 'Fulcrum Stats');
  assert.deepEqual(st.auth, ['admin:secret']);
  assert.equal(st.refreshMs, 5000);
  assert.deepEqual(st.admin?.words, ['TRUE']);
  assert.equal(st.hideVersion, true);
  assert.equal(st.showLegends, true);
  assert.equal(st.showNode, true);
  assert.deepEqual(st.scope, ['app']);
  const { errors: e2 } = parse('defaults\n    mode http\nlisten s\n    stats uri\n    stats admin\n');
  assert.deepEqual(e2, ["'uri' needs an URI prefix.", "'stats admin' requires either 'if' or 'unless' followed by a condition."]);
});
