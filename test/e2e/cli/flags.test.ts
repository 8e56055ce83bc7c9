/**
 * haproxy-compatible command-line flags that finish on their own: -v, -vv, usage on an
 * unknown flag, -cc, -dK, -c with -f FILE / -f DIR, -q, -dW. Expected outputs and exit
 * codes are HAProxy 2.6's (see docs/cli.md).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runFulcrum, tempDir, writeFile } from '../harness';

const VALID = `defaults
    mode http
    timeout client 1m
    timeout server 1m
    timeout connect 5s
frontend main
    bind 127.0.0.1:65011
    default_backend app
backend app
    server app1 127.0.0.1:65012
`;

test('-v prints the version block on stdout and exits 0', async () => {
  const r = await runFulcrum(['-v']);
  assert.equal(r.code, 0);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^Fulcrum version \d+\.\d+\.\d+, compatible with HAProxy version 2\.6\.12/);
  assert.match(lines[1], /^Status: /);
  assert.match(lines[2], /^Known bugs: /);
  assert.match(lines[3], /^Running on: /);
  assert.doesNotMatch(r.stdout, /Build options/);
});

test('-vv adds build options and the feature list in HAProxy\'s layout', async () => {
  const r = await runFulcrum(['-vv']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Build options :$/m);
  assert.match(r.stdout, /^  TARGET  = node\d+$/m);
  assert.match(r.stdout, /^Feature list : .*\+OPENSSL/m);
  assert.match(r.stdout, /^Feature list : .*-LUA/m);
  assert.match(r.stdout, /^Default settings :\n  bufsize = 16384, maxrewrite = 1024, maxpollevents = 200$/m);
  assert.match(r.stdout, /^Available polling systems :$/m);
});

test('an unknown flag prints the version then the usage, and exits 1', async () => {
  const r = await runFulcrum(['-Z']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^Fulcrum version/);
  assert.match(r.stderr, /^Usage : fulcrum \[-f <cfgfile\|cfgdir>\]\* \[ -vdVD \]/);
  assert.match(r.stderr, /-sf\/-st \[pid \]\* finishes\/terminates old pids\./);
});

test('no configuration file: usage and exit 1', async () => {
  const r = await runFulcrum(['-c']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Usage : /);
});

test('a flag missing its value: usage and exit 1', async () => {
  const r = await runFulcrum(['-f']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Usage : /);
});

test('-cc evaluates a condition like .if: 0 true, 1 false, 2 unparsable', async () => {
  assert.equal((await runFulcrum(['-cc', '1'])).code, 0);
  assert.equal((await runFulcrum(['-cc', '0'])).code, 1);
  assert.equal((await runFulcrum(['-cc', 'version_atleast(2.4) && !version_before(2.6)'])).code, 0);
  assert.equal((await runFulcrum(['-cc', 'defined(FULCRUM_CC_VAR)'], { env: { FULCRUM_CC_VAR: 'x' } })).code, 0);
  assert.equal((await runFulcrum(['-cc', 'streq(a,b)'])).code, 1);
  const bad = await runFulcrum(['-cc', 'foo(']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /\[ALERT\]    \(\d+\) : config : Failed to evaluate condition: unparsable conditional expression 'foo\('/);
});

test('-dK dumps the registered configuration keywords and exits 0', async () => {
  const r = await runFulcrum(['-dKcfg']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^# List of registered configuration keywords:$/m);
  assert.match(r.stdout, /^global$/m);
  for (const kw of ['daemon', 'pidfile', 'tune.bufsize', 'setenv']) assert.match(r.stdout, new RegExp(`^\\t${kw.replace('.', '\\.')}$`, 'm'));
  const help = await runFulcrum(['-dKhelp']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^cfg: configuration keywords$/m);
});

test('-c on a valid file prints "Configuration file is valid"; -q prints nothing', async () => {
  const dir = tempDir();
  try {
    const f = writeFile(dir, 'ok.cfg', VALID);
    const r = await runFulcrum(['-c', '-f', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Configuration file is valid\n');
    const q = await runFulcrum(['-q', '-c', '-f', f]);
    assert.equal(q.code, 0);
    assert.equal(q.stdout, '');
    assert.equal(q.stderr, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-f DIR loads its *.cfg files in lexical order and ignores other files', async () => {
  const dir = tempDir();
  try {
    const conf = join(dir, 'conf.d');
    mkdirSync(conf);
    // 10-backend.cfg references what 20-frontend.cfg uses: order matters for duplicates only,
    // so a duplicate in the later file must be reported against the later file.
    writeFile(conf, '10-backend.cfg', 'defaults\n    mode http\n    timeout client 1m\n    timeout server 1m\n    timeout connect 5s\nbackend app\n    server app1 127.0.0.1:65012\n');
    writeFile(conf, '20-frontend.cfg', 'frontend main\n    bind 127.0.0.1:65011\n    default_backend app\n');
    writeFile(conf, 'README.txt', 'this is not configuration\n');
    const ok = await runFulcrum(['-c', '-f', conf]);
    assert.equal(ok.code, 0, ok.stderr);
    writeFile(conf, '30-dup.cfg', 'backend app\n    server app1 127.0.0.1:65013\n');
    const dup = await runFulcrum(['-c', '-f', conf]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /Parsing \[.*30-dup\.cfg:1\]: backend 'app' has the same name as backend 'app' declared at .*10-backend\.cfg:6\./);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-c reports every error of a file in one run, then the two closing alerts', async () => {
  const dir = tempDir();
  try {
    const f = writeFile(dir, 'bad.cfg', `${VALID}frontend other\n    bind 127.0.0.1:65013\n    defualt_backend app\n    option foobar\n    timeout client 10x\n`);
    const r = await runFulcrum(['-c', '-f', f]);
    assert.equal(r.code, 1);
    const alerts = r.stderr.split('\n').filter((l) => l.startsWith('[ALERT]'));
    assert.equal(alerts.length, 5, r.stderr);
    assert.match(alerts[3], /Error\(s\) found in configuration file : .*bad\.cfg$/);
    assert.match(alerts[4], /config : Fatal errors found in configuration\.$/);
    assert.match(r.stderr, /^\[NOTICE\]   \(\d+\) : haproxy version is 2\.6\.12/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-dW turns warnings into a failure', async () => {
  const dir = tempDir();
  try {
    const f = writeFile(dir, 'warn.cfg', `global\n    uid x\n${VALID}`);
    const ok = await runFulcrum(['-c', '-f', f]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^Warnings were found\.\nConfiguration file is valid\n$/);
    const strict = await runFulcrum(['-dW', '-c', '-f', f]);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /Some warnings were found and 'zero-warning' is set\. Aborting\./);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-f on a directory without any .cfg file: usage and exit 1, as HAProxy', async () => {
  const dir = tempDir();
  try {
    const r = await runFulcrum(['-c', '-f', dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Usage : /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing configuration file is reported and exits 1', async () => {
  const r = await runFulcrum(['-c', '-f', '/nonexistent/fulcrum.cfg']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /config : Cannot open configuration file\/directory \/nonexistent\/fulcrum\.cfg : No such file or directory/);
});
