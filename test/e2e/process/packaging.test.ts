/**
 * packaging/: the systemd unit passes `systemd-analyze verify` (skipped where systemd's
 * tools are absent) with no warning, has HAProxy's service shape, and the logrotate
 * snippet parses (`logrotate -d`, skipped without logrotate).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, BIN, tempDir } from '../harness';

const unit = readFileSync(join(ROOT, 'packaging', 'fulcrum.service'), 'utf8');
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

test('fulcrum.service has the shape of HAProxy\'s unit', () => {
  assert.match(unit, /^Type=notify$/m);
  assert.match(unit, /^KillMode=mixed$/m);
  assert.match(unit, /^ExecStartPre=\S+\/fulcrum -Ws -f \$CONFIG -c -q \$EXTRAOPTS$/m);
  assert.match(unit, /^ExecStart=\S+\/fulcrum -Ws -f \$CONFIG -p \$PIDFILE \$EXTRAOPTS$/m);
  assert.match(unit, /^ExecReload=\S+\/fulcrum -Ws -f \$CONFIG -c -q \$EXTRAOPTS\nExecReload=\/bin\/kill -USR2 \$MAINPID$/m);
  assert.match(unit, /EXTRAOPTS=-S \/run\/fulcrum-master\.sock/);
});

test('systemd-analyze verify accepts fulcrum.service without warnings', { skip: !has('systemd-analyze') && 'systemd-analyze not installed' }, () => {
  const dir = tempDir();
  try {
    // verify checks that the binaries exist: point it at this checkout's bin/fulcrum.
    const path = join(dir, 'fulcrum.service');
    writeFileSync(path, unit.replaceAll('/usr/local/bin/fulcrum', BIN));
    const r = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const ours = r.stderr.split('\n').filter((l) => l.includes('fulcrum.service'));
    assert.deepEqual(ours, [], r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the logrotate snippet parses', { skip: !has('logrotate') && 'logrotate not installed' }, () => {
  const dir = tempDir();
  try {
    const conf = join(dir, 'fulcrum');
    writeFileSync(conf, readFileSync(join(ROOT, 'packaging', 'fulcrum.logrotate'), 'utf8').replace('/var/log/fulcrum.log', join(dir, 'fulcrum.log')));
    const r = spawnSync('logrotate', ['-d', '-s', join(dir, 'state'), conf], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /error:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
