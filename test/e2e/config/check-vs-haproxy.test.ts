/**
 * `fulcrum -c` against `haproxy -c` on the stock example and on broken variants
 * (test/fixtures/configs/check/). For each file: the exit codes must be equal, and every
 * [ALERT]/[WARNING]/[NOTICE] line HAProxy prints (pid removed, version banner excepted)
 * must appear in Fulcrum's stderr, as
 * must HAProxy's stdout lines. Each case also pins the essential line on its own, so the
 * Fulcrum half still asserts something on machines without /usr/sbin/haproxy.
 * Files are passed as relative paths from the fixture directory so both tools print the
 * same `parsing [file:line]` prefix.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runFulcrum } from '../harness';

const HAPROXY = '/usr/sbin/haproxy';
const haveHaproxy = existsSync(HAPROXY);
const FIXTURES = join(ROOT, 'test', 'fixtures', 'configs', 'check');

/** Drops the pid and the version banner, keeping what users grep: severity, location, message. */
function essentialLines(stderr: string): string[] {
  return stderr.split('\n')
    .filter((l) => /^\[(ALERT|WARNING|NOTICE)\]/.test(l) && !/ : (haproxy version is|path to executable is) /.test(l))
    .map((l) => l.replace(/^\[(\w+)\]\s+\(\d+\) : /, '[$1] : '));
}

function runHaproxy(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(HAPROXY, args, { cwd, encoding: 'utf8', timeout: 10_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs both tools on `file` (relative to `cwd`) and compares; returns Fulcrum's result. */
async function compare(file: string, cwd: string, t: { diagnostic(m: string): void }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const ours = await runFulcrum(['-c', '-f', file], { cwd });
  if (!haveHaproxy) {
    t.diagnostic(`${HAPROXY} not found: only Fulcrum's side is checked`);
    return ours;
  }
  const theirs = runHaproxy(['-c', '-f', file], cwd);
  assert.equal(ours.code, theirs.code, `exit code differs for ${file}\n--- haproxy:\n${theirs.stderr}${theirs.stdout}\n--- fulcrum:\n${ours.stderr}${ours.stdout}`);
  const mine = essentialLines(ours.stderr);
  for (const line of essentialLines(theirs.stderr)) {
    assert.ok(mine.includes(line), `missing line for ${file}:\n  ${line}\n--- fulcrum printed:\n${mine.join('\n')}`);
  }
  for (const line of theirs.stdout.split('\n').filter(Boolean)) {
    assert.ok(ours.stdout.split('\n').includes(line), `missing stdout line for ${file}: ${line}\n--- fulcrum stdout:\n${ours.stdout}`);
  }
  return ours;
}

/** Fixture -> expected exit code and one line Fulcrum must print (stderr or stdout). */
const CASES: Record<string, { code: number; expect: RegExp }> = {
  'valid.cfg': { code: 0, expect: /^Configuration file is valid$/m },
  'conditions-env.cfg': { code: 0, expect: /^Configuration file is valid$/m },
  'warnings.cfg': { code: 0, expect: /'chroot' already specified\. Continuing\./ },
  'no-listener.cfg': { code: 2, expect: /no listener\) => exit\(2\)/ },
  'typo-keyword.cfg': { code: 1, expect: /parsing \[typo-keyword\.cfg:8\] : unknown keyword 'defualt_backend' in 'frontend' section; did you mean 'default_backend' maybe \?/ },
  'unknown-option.cfg': { code: 1, expect: /unknown option 'http-server-clos'; did you mean 'http-server-close' maybe \?/ },
  'missing-backend.cfg': { code: 1, expect: /Proxy 'main': unable to find required default_backend: 'nosuchbackend'\./ },
  'bad-bind.cfg': { code: 1, expect: /parsing \[bad-bind\.cfg:7\] : 'bind' : invalid port '99999'/ },
  'bad-server.cfg': { code: 1, expect: /\[bad-server\.cfg:12\] : 'server app\/app3' : unknown keyword 'chek'; did you mean 'check' maybe \?/ },
  'duplicate-proxy.cfg': { code: 1, expect: /Parsing \[duplicate-proxy\.cfg:11\]: backend 'app' has the same name as backend 'app' declared at duplicate-proxy\.cfg:9\./ },
  'bad-timeout.cfg': { code: 1, expect: /unexpected character 'x' in 'timeout client'/ },
  'missing-name.cfg': { code: 1, expect: /parsing \[missing-name\.cfg:6\] : 'frontend' expects an <id> argument/ },
  'unterminated-quote.cfg': { code: 1, expect: /parsing \[unterminated-quote\.cfg:7\]: unmatched quote at position 10:/ },
  'bad-if.cfg': { code: 1, expect: /missing arguments \(got 1\/2\), type 'string' expected in argument 1 of predicate 'streq'/ },
  'global-errors.cfg': { code: 1, expect: /parsing \[global-errors\.cfg:25\]: spread-checks already specified\. Continuing\./ },
  'global-duplicates.cfg': { code: 1, expect: /parsing \[global-duplicates\.cfg:9\] : 'chroot' already specified\. Continuing\./ },
  'global-misc.cfg': { code: 1, expect: /parsing \[global-misc\.cfg:2\] : nbproc is not supported any more since HAProxy 2\.5\./ },
  'capabilities.cfg': { code: 1, expect: /\[capabilities\.cfg:11\] : parsing \[capabilities\.cfg:11\] : 'server' not allowed because frontend 'f' has no backend capability\./ },
  'wrong-section.cfg': { code: 1, expect: /parsing \[wrong-section\.cfg:2\] : unknown keyword 'bind' in 'global' section; did you mean 'unix-bind' maybe \?/ },
  'quoting.cfg': { code: 1, expect: /parsing \[quoting\.cfg:5\]: forbidden first char in environment variable name at position 14:/ },
  'unknown-user.cfg': { code: 1, expect: /parsing \[unknown-user\.cfg:2\] : cannot find user id for '_fulcrum_no_such_user' \(0:Success\)/ },
};

for (const [file, c] of Object.entries(CASES)) {
  test(`-c ${file}: same verdict and messages as haproxy -c`, async (t) => {
    const ours = await compare(file, FIXTURES, t);
    assert.equal(ours.code, c.code, `${ours.stderr}${ours.stdout}`);
    assert.match(ours.stderr + ours.stdout, c.expect);
  });
}

test('-c on the stock example: rejected for the missing _haproxy user exactly like haproxy', async (t) => {
  const probe = spawnSync('id', ['_haproxy'], { encoding: 'utf8' });
  if (probe.status === 0) {
    t.skip('a _haproxy user exists on this machine');
    return;
  }
  const ours = await compare('examples/haproxy.cfg', ROOT, t);
  assert.equal(ours.code, 1);
  assert.match(ours.stderr, /parsing \[examples\/haproxy\.cfg:31\] : cannot find user id for '_haproxy' \(0:Success\)/);
  assert.match(ours.stderr, /parsing \[examples\/haproxy\.cfg:32\] : cannot find group id for '_haproxy' \(0:Success\)/);
});

test('-c on the stock example with its user and group present: valid for both', async (t) => {
  // A dedicated account, so that tests running alongside never see a _haproxy user appear;
  // the PID in the name keeps another suite on the same machine from racing on it.
  const name = `_fulcrumtest${process.pid}`;
  if (process.getuid?.() !== 0 || !existsSync('/usr/sbin/useradd')) {
    t.skip('needs root and useradd to create a temporary account');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-stock-'));
  const created = spawnSync('/usr/sbin/useradd', ['-r', '-U', '-M', '-s', '/usr/sbin/nologin', name], { encoding: 'utf8' });
  try {
    assert.equal(created.status, 0, created.stderr);
    writeFileSync(join(dir, 'stock.cfg'), readFileSync(join(ROOT, 'examples', 'haproxy.cfg'), 'utf8').replaceAll('_haproxy', name));
    const ours = await compare('stock.cfg', dir, t);
    assert.equal(ours.code, 0, ours.stderr);
    assert.match(ours.stdout, /^Configuration file is valid$/m);
  } finally {
    if (created.status === 0) spawnSync('/usr/sbin/userdel', [name]);
    rmSync(dir, { recursive: true, force: true });
  }
});
