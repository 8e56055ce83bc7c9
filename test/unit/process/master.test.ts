/**
 * Master pieces that need no process: `show proc` columns as HAProxy 2.6.12 prints them,
 * master CLI answers, and the listener keys shared by master and workers.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/modules';
import { parseString } from '../../../src/config/parser';
import { Master } from '../../../src/process/master';
import { bindKey } from '../../../src/process/sockets';
import type { CliOptions } from '../../../src/cli/args';
import type { ChildProcess } from 'node:child_process';

function master(): Master {
  const { config } = parseString('frontend f\n    bind 127.0.0.1:1\n');
  return new Master(config, { foreground: true, quiet: true, debug: false, localPeer: 'x', configFiles: [] }, { masterCli: [], configPaths: [], quiet: true, diagnostic: false } as unknown as CliOptions);
}

test('show proc: header and rows padded as HAProxy 2.6 (%-15s columns)', () => {
  const m = master();
  const t0 = m.started;
  m.reloads = 2;
  m.failedReloads = 1;
  m.workers = [
    { child: {} as ChildProcess, pid: 4321, started: t0 - 61000, reloads: 1, ready: true, old: true },
    { child: {} as ChildProcess, pid: 4400, started: t0, reloads: 0, ready: true, old: false },
  ];
  const out = m.showProc(t0 + 3723000).split('\n');
  // Observed on 2.6.12: "#<PID>          <type>          <reloads>       <uptime>        <version>      "
  assert.equal(out[0].trimEnd(), '#<PID>          <type>          <reloads>       <uptime>        <version>');
  assert.match(out[1], new RegExp(`^${process.pid}\\s+master          2 \\[failed: 1\\]   0d01h02m03s     \\S+$`));
  assert.equal(out[1].indexOf('master'), 16);
  assert.equal(out[2], '# workers');
  assert.match(out[3], /^4400            worker          0               0d01h02m03s     \S+$/);
  assert.equal(out[4], '# old workers');
  assert.match(out[5], /^4321            worker          1               0d01h03m04s     \S+$/);
  assert.equal(out[6], '# programs');
  assert.equal(out[7], '');
});

test('master CLI: help lists reload and show proc; unknown commands get the hint', () => {
  const m = master();
  assert.match(m.cliCommand('help'), /^The following commands are valid at this level:\n[\s\S]*  reload {34}: reload haproxy\n[\s\S]*  show proc {31}: show processes status\n/);
  assert.match(m.cliCommand('frobnicate'), /^Unknown command/);
  assert.ok(m.cliCommand('show proc').endsWith('# programs\n\n'));
});

test('bindKey: one key per address and port, shared by master and worker', () => {
  const { config } = parseString('frontend f\n    bind 127.0.0.1:80-81\n    bind :8080\n    bind [::1]:443\n    bind /run/x.sock\n    bind abns@y\n');
  const binds = config.proxies[0].binds;
  assert.equal(bindKey(binds[0].address, 81), 'ipv4:127.0.0.1:81');
  assert.equal(bindKey(binds[1].address, 8080), 'ipv4:0.0.0.0:8080');
  assert.equal(bindKey(binds[2].address, 443), 'ipv6:[::1]:443');
  assert.equal(bindKey(binds[3].address, 0), 'unix:/run/x.sock');
  assert.equal(bindKey(binds[4].address, 0), 'abns:y');
});
