/**
 * Process modes: `-D` detaches (the parent exits 0 once the daemon is ready, the pidfile
 * holds the daemon's PID, which is stopped by that PID), `-p` in the foreground writes the
 * server's own PID, `-db` overrides the `daemon` keyword. Ports are free ports on 127.0.0.1.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { canConnect, freePort, pollUntil, runFulcrum, startFulcrum, tempDir, writeFile } from '../harness';

function config(port: number, extraGlobal = ''): string {
  return `global
${extraGlobal}
defaults
    mode tcp
    timeout client 10s
    timeout server 10s
    timeout connect 5s
frontend main
    bind 127.0.0.1:${port}
    default_backend app
backend app
    server app1 127.0.0.1:1
`;
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

test('-D: parent exits 0 once ready; pidfile holds the daemon PID; stopping that PID ends it', async () => {
  const dir = tempDir();
  const port = await freePort();
  const pidfile = join(dir, 'fulcrum.pid');
  const cfg = writeFile(dir, 'd.cfg', config(port));
  let pid = 0;
  try {
    const r = await runFulcrum(['-D', '-p', pidfile, '-f', cfg], { timeoutMs: 15000 });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(pidfile), 'pidfile written');
    pid = Number(readFileSync(pidfile, 'utf8').trim());
    assert.ok(pid > 0 && alive(pid), `daemon ${pid} running`);
    assert.ok(await canConnect(port), 'daemon listens');
    process.kill(pid, 'SIGTERM');
    await pollUntil(() => !alive(pid), `daemon ${pid} to exit`, 5000);
  } finally {
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-D with a configuration error: the parent reports it and exits 1, no daemon left', async () => {
  const dir = tempDir();
  try {
    const cfg = writeFile(dir, 'bad.cfg', 'frontend\n');
    const r = await runFulcrum(['-D', '-f', cfg]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /'frontend' expects an <id> argument/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-p in the foreground: the pidfile holds the server\'s own PID; -db overrides daemon', async () => {
  const port = await freePort();
  const dir = tempDir();
  const pidfile = join(dir, 'fg.pid');
  const fp = await startFulcrum(config(port, '    daemon'), { args: ['-db', '-p', pidfile], waitPort: port, dir });
  try {
    // The file exists (empty) an instant before its PID is written: wait for a whole line.
    const text = await pollUntil(() => {
      const t = existsSync(pidfile) ? readFileSync(pidfile, 'utf8') : '';
      return /^\d+\n$/.test(t) ? t : undefined;
    }, 'pidfile with a PID', 5000);
    assert.equal(Number(text!.trim()), fp.pid);
    assert.ok(fp.running, 'still in the foreground despite `daemon`');
  } finally {
    await fp.stop();
  }
});
