/**
 * The parser state machine: sections, defaults inheritance, conditional blocks, directives,
 * error collection and HAProxy's message forms. Registers the real keywords of the data
 * plane and of the process (global) so that lines mean what they mean in production.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../src/proxy/keywords';
import '../../../src/process/keywords';
import { parseString } from '../../../src/config/parser';
import { formatDiagnostic, type Diagnostics } from '../../../src/config/diagnostics';
import { processExt } from '../../../src/process/keywords';
import { accountFiles } from '../../../src/process/passwd';

const lines = (d: Diagnostics): string[] => d.items.map((i) => formatDiagnostic(i, 1));
const DEFAULTS = 'defaults\n  mode http\n  timeout client 1m\n  timeout server 1m\n  timeout connect 5s\n';

test('several global sections are merged', () => {
  const { config, diagnostics } = parseString('global\n  maxconn 100\nglobal\n  nbthread 4\n  tune.bufsize 32k\n');
  assert.equal(diagnostics.errorCount, 0, lines(diagnostics).join('\n'));
  assert.equal(config.global.maxconn, 100);
  assert.equal(config.global.nbthread, 4);
  assert.equal(config.global.tune.bufsize, 32768);
});

test('named defaults and `from`: proxies inherit the section they name, else the last one', () => {
  const { config, diagnostics } = parseString(`defaults web\n  mode http\n  timeout client 7s\ndefaults tcp\n  mode tcp\nfrontend a from web\n  bind :8001\nfrontend b\n  bind :8002\n`);
  assert.equal(diagnostics.errorCount, 0, lines(diagnostics).join('\n'));
  const [a, b] = config.proxies;
  assert.equal(a.mode, 'http');
  assert.equal(a.timeouts.client, 7000);
  assert.equal(a.defaultsName, 'web');
  assert.equal(b.mode, 'tcp');
  assert.equal(b.defaultsName, 'tcp');
});

test('an unknown `from` aborts the file; an ambiguous one is an error', () => {
  const nf = parseString('frontend x from nope\n  bind :1\nfoo\n', 'f.cfg');
  assert.ok(nf.diagnostics.aborted);
  assert.deepEqual(lines(nf.diagnostics), [
    "[ALERT]    (1) : config : parsing [f.cfg:1] : defaults section 'nope' not found for frontend 'x'.",
    '[ALERT]    (1) : config : Error(s) found in configuration file : f.cfg',
  ]);
  const amb = parseString('defaults d1\ndefaults d1\ndefaults from d1\n', 'f.cfg');
  assert.match(lines(amb.diagnostics)[0], /ambiguous defaults section name 'd1' referenced by defaults '' exists at least at f\.cfg:1 and f\.cfg:2\./);
});

test('proxy names: frontend and backend may share one, other pairs clash as in HAProxy', () => {
  assert.equal(parseString(`${DEFAULTS}frontend app\n  bind :1\nbackend app\n`).diagnostics.errorCount, 0);
  assert.equal(parseString(`${DEFAULTS}backend app\nlisten app\n  bind :1\n`).diagnostics.errorCount, 0);
  const d = parseString(`${DEFAULTS}listen app\n  bind :1\nfrontend app\n  bind :2\n`, 'f.cfg').diagnostics;
  assert.match(lines(d)[0], /Parsing \[f\.cfg:8\]: frontend 'app' has the same name as proxy 'app' declared at f\.cfg:6\./);
});

test('a proxy without a name aborts parsing, as HAProxy does', () => {
  const { diagnostics } = parseString('backend\nfoo\n', 'f.cfg');
  assert.ok(diagnostics.aborted);
  assert.match(lines(diagnostics)[0], /parsing \[f\.cfg:1\] : 'backend' expects an <id> argument$/);
  assert.equal(diagnostics.errorCount, 2, 'the rest of the file is not read');
});

test('.if/.elif/.else/.endif select lines; nested blocks inside false branches stay off', () => {
  const text = `global
.if 0
  maxconn 1
.elif defined(FULCRUM_TEST_UNSET_VAR)
  maxconn 2
.else
  .if 1
  maxconn 3
  .endif
.endif
.if 0
  .if 1
  maxconn 4
  .else
  maxconn 5
  .endif
.endif
`;
  const { config, diagnostics } = parseString(text);
  assert.equal(diagnostics.errorCount, 0, lines(diagnostics).join('\n'));
  assert.equal(config.global.maxconn, 3);
});

test('.if errors are positioned with a caret and abort', () => {
  const d = parseString('.if 1 &&\n.endif\n', 'c.cfg').diagnostics;
  assert.ok(d.aborted);
  assert.equal(lines(d)[0], "[ALERT]    (1) : config : parsing [c.cfg:1]: unparsable conditional expression '&&' in '.if' at position 3:\n  .if 1 &&\n        ^");
  for (const [text, msg] of [
    ['.else\n', "lone '.else' with no matching '.if'."],
    ['.endif\n', "lone '.endif' with no matching '.if'."],
    ['.if 1\n.else\n.else\n.endif\n', "'.else' after '.else' is not permitted."],
    ['.if 1\n', "non-terminated '.if' block."],
  ]) {
    const dd = parseString(text, 'c.cfg').diagnostics;
    assert.ok(lines(dd)[0].endsWith(msg), `${text}: ${lines(dd)[0]}`);
  }
});

test('.alert/.warning/.notice/.diag print one argument; more is an error', () => {
  const d = parseString('.notice "hello world"\n.warning w\n.diag d\n.alert a b\n.foo\n', 'm.cfg').diagnostics;
  assert.deepEqual(lines(d), [
    "[NOTICE]   (1) : config : parsing [m.cfg:1]: 'hello world'.",
    "[WARNING]  (1) : config : parsing [m.cfg:2]: 'w'.",
    "[DIAG]     (1) : config : parsing [m.cfg:3]: 'd'.",
    "[ALERT]    (1) : config : parsing [m.cfg:4]: Unexpected argument 'b' for '.alert'. Use quotes if the message should contain spaces.",
    "[ALERT]    (1) : config : parsing [m.cfg:5]: unknown directive '.foo'.",
    '[ALERT]    (1) : config : Error(s) found in configuration file : m.cfg',
  ]);
});

test('every error of a file is reported in one run, with suggestions', () => {
  const d = parseString(`global\n  maxconn "10\n  foo 1\n${DEFAULTS}frontend f\n  bind :1\n  defualt_backend b\n  option http-server-clos\n  timeout client 5x\n`, 'e.cfg').diagnostics;
  const l = lines(d);
  assert.equal(d.errorCount, 6, l.join('\n'));
  assert.match(l[0], /parsing \[e\.cfg:2\]: unmatched quote at position 11:\n  maxconn "10\n          \^$/);
  assert.match(l[1], /unknown keyword 'foo' in 'global' section$/);
  assert.match(l[2], /unknown keyword 'defualt_backend' in 'frontend' section; did you mean 'default_backend' maybe \?$/);
  assert.match(l[3], /unknown option 'http-server-clos'; did you mean 'http-server-close' maybe \?$/);
  assert.match(l[4], /unexpected character 'x' in 'timeout client'$/);
});

test('keywords HAProxy has and nobody implements are "not supported by Fulcrum yet"', () => {
  const d = parseString(`${DEFAULTS}backend b\n  use-fcgi-app x\n  option ldap-check\nfrontend f\n  bind :1\n  use-fcgi-app x\nmailers m\n  mailer smtp1 127.0.0.1:25\n`, 'u.cfg').diagnostics;
  const l = lines(d);
  assert.match(l[0], /parsing \[u\.cfg:7\] : 'use-fcgi-app' is not supported by Fulcrum yet\.$/);
  assert.match(l[1], /'option ldap-check' is not supported by Fulcrum yet\.$/);
  assert.match(l[2], /\[WARNING\].*'use-fcgi-app' ignored because frontend 'f' has no backend capability\.$/);
  assert.match(l[3], /parsing \[u\.cfg:12\] : 'mailers' is not supported by Fulcrum yet\.$/);
  assert.equal(l.length, 5, 'lines of an unsupported section are not reported one by one');
});

test('negation is limited to options and a few keywords, as in HAProxy', () => {
  const l = lines(parseString(`${DEFAULTS}frontend f\n  bind :1\n  no mode\n  no option foo\n`, 'n.cfg').diagnostics);
  assert.match(l[0], /parsing \[n\.cfg:8\]: negation\/default currently supported only for options, log, busy-polling/);
  assert.match(l[1], /parsing \[n\.cfg:9\]: negation\/default is not supported for option 'foo'\.$/);
});

test('setenv/presetenv/unsetenv apply in order and later "${VAR}" sees them', () => {
  delete process.env.FULCRUM_T1;
  process.env.FULCRUM_T2 = 'kept';
  const { config, diagnostics } = parseString('global\n  setenv FULCRUM_T1 node-a\n  presetenv FULCRUM_T2 replaced\n  node "${FULCRUM_T1}"\n  description "${FULCRUM_T2}"\n  unsetenv FULCRUM_T1\n  pidfile "/tmp/${FULCRUM_T1-none}.pid"\n');
  assert.equal(diagnostics.errorCount, 0, lines(diagnostics).join('\n'));
  assert.equal(config.global.node, 'node-a');
  assert.equal(config.global.description, 'kept');
  assert.equal(config.global.pidfile, '/tmp/none.pid');
  assert.equal(process.env.FULCRUM_T1, undefined);
  delete process.env.FULCRUM_T2;
});

test('process keywords: values, duplicates as non-fatal alerts, HAProxy messages', () => {
  const { config, diagnostics } = parseString('global\n  daemon\n  master-worker no-exit-on-failure\n  chroot /var/empty\n  chroot /\n  hard-stop-after 30s\n  ulimit-n 4096\n  cpu-map 1/all 0-1\n  tune.http.maxhdr 64\n  tune.lua.maxmem 10\n  ssl-default-bind-ciphers ECDHE+AESGCM\n  expose-experimental-directives\n', 'p.cfg');
  const l = lines(diagnostics);
  assert.equal(diagnostics.errorCount, 0, l.join('\n'));
  assert.match(l[0], /\[ALERT\].*parsing \[p\.cfg:5\] : 'chroot' already specified\. Continuing\.$/);
  assert.match(l[1], /\[WARNING\].*'tune\.lua\.maxmem' is not supported by Fulcrum yet/);
  const g = config.global;
  assert.equal(g.daemon, true);
  assert.equal(g.masterWorker, true);
  assert.equal(g.chroot, '/var/empty');
  assert.equal(g.hardStopAfter, 30_000);
  assert.equal(g.tune['http.maxhdr'], 64);
  const ext = processExt(g);
  assert.equal(ext.noExitOnFailure, true);
  assert.equal(ext.ulimitN, 4096);
  assert.deepEqual(ext.cpuMap, [['1/all', '0-1']]);
  assert.equal(ext.strings['ssl-default-bind-ciphers'], 'ECDHE+AESGCM');
  assert.equal(ext.flags['expose-experimental-directives'], true);
});

test('user/group resolve through /etc/passwd and /etc/group with HAProxy\'s message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-passwd-'));
  const saved = { ...accountFiles };
  try {
    accountFiles.passwd = join(dir, 'passwd');
    accountFiles.group = join(dir, 'group');
    writeFileSync(accountFiles.passwd, 'root:x:0:0:root:/root:/bin/sh\n_haproxy:x:101:102::/var/lib/haproxy:/usr/sbin/nologin\n');
    writeFileSync(accountFiles.group, 'root:x:0:\n_haproxy:x:102:\n');
    const ok = parseString('global\n  user _haproxy\n  group _haproxy\n');
    assert.equal(ok.diagnostics.errorCount, 0);
    assert.equal(ok.config.global.uid, 101);
    assert.equal(ok.config.global.gid, 102);
    const bad = parseString('global\n  user nobody2\n  group nogroup2\n', 'u.cfg');
    assert.deepEqual(lines(bad.diagnostics).slice(0, 2), [
      "[ALERT]    (1) : config : parsing [u.cfg:2] : cannot find user id for 'nobody2' (0:Success)",
      "[ALERT]    (1) : config : parsing [u.cfg:3] : cannot find group id for 'nogroup2' (0:Success)",
    ]);
  } finally {
    Object.assign(accountFiles, saved);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('"${.FILE}", "${.LINE}" and "${.SECTION}" expand to the parser position', () => {
  const { diagnostics } = parseString('global\n  .notice "${.FILE}:${.LINE} ${.SECTION}"\nlisten foo\n  .notice "${.SECTION}"\n', 'v.cfg');
  assert.deepEqual(lines(diagnostics), [
    "[NOTICE]   (1) : config : parsing [v.cfg:2]: 'v.cfg:2 global'.",
    "[NOTICE]   (1) : config : parsing [v.cfg:4]: 'foo'.",
  ]);
});

test('more than 64 words: HAProxy\'s truncation alert', () => {
  const words = Array.from({ length: 70 }, (_, i) => `w${i}`).join(' ');
  const d = parseString(`global\n  description ${words}\n`, 'w.cfg');
  assert.equal(lines(d.diagnostics)[0], '[ALERT]    (1) : config : parsing [w.cfg:2]: too many words, truncating after word 64, position 251: <w62>.');
  assert.equal(d.config.global.description?.split(' ').length, 63);
});
