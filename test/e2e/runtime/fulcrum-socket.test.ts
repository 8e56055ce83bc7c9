/**
 * The stats socket of the real binary (`bin/fulcrum -db -f cfg`): the runtime service opens
 * it at startup, `show stat` reflects the built proxies, admin commands log HAProxy's lines
 * on stderr, and the socket file is removed at exit.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFulcrum, cliCommand, freePort, tempDir } from '../harness';

test('bin/fulcrum serves the stats socket; admin commands act and log', async () => {
  const port = await freePort();
  // The socket lives outside the process's temp dir so its removal at exit can be checked.
  const sockDir = tempDir();
  const sock = join(sockDir, 'admin.sock');
  const fp = await startFulcrum(`
global
    stats socket ${sock} level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend main
    bind 127.0.0.1:${port}
    default_backend app
backend app
    server app1 127.0.0.1:1
    server app2 127.0.0.1:2
`, { waitSocket: sock });
  try {
    assert.match(await cliCommand(sock, 'show info'), /^Name: Fulcrum\n/);
    const stat = (await cliCommand(sock, 'show stat')).split('\n');
    assert.deepEqual(stat.slice(1, 5).map((l) => l.split(',').slice(0, 2).join(',')), ['main,FRONTEND', 'app,app1', 'app,app2', 'app,BACKEND']);
    assert.equal(await cliCommand(sock, 'disable server app/app1'), '\n');
    await fp.waitForOutput(/Server app\/app1 is going DOWN for maintenance\. 1 active and 0 backup servers left\. 0 sessions active, 0 requeued, 0 remaining in queue\./);
    assert.equal(await cliCommand(sock, 'set server app/app1 state ready'), '\n');
    await fp.waitForOutput(/Server app\/app1 is UP\/READY \(leaving forced maintenance\)\./);
  } finally {
    await fp.stop();
  }
  assert.equal(existsSync(sock), false);
  rmSync(sockDir, { recursive: true, force: true });
});

test('a stats socket that cannot be bound stops startup with HAProxy\'s messages', async () => {
  const { runFulcrum, tempDir: mk, writeFile } = await import('../harness');
  const dir = mk();
  const port = await freePort();
  const cfg = writeFile(dir, 'bad.cfg', `global
    stats socket /nonexistent-fulcrum-dir/s level admin
defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend f
    bind 127.0.0.1:${port}
`);
  try {
    const r = await runFulcrum(['-db', '-f', cfg]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\[ALERT\] +\(\d+\) : Binding \[.*bad\.cfg:2\] for frontend GLOBAL: cannot bind UNIX socket \(No such file or directory\) \[\/nonexistent-fulcrum-dir\/s\]\n/);
    assert.match(r.stderr, /\.main\(\)\] Some protocols failed to start their listeners! Exiting\.\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
