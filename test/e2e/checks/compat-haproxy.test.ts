/**
 * Differential test: the same backends checked by HAProxy 2.6 and by Fulcrum must print
 * the same health-state lines on stderr, in the same order (PIDs and check durations
 * normalised). Skipped when /usr/sbin/haproxy is absent.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFulcrum, startHttpStub, freePorts, deadPort, pollUntil, tempDir } from '../harness';

const HAPROXY = '/usr/sbin/haproxy';

function normalise(stderr: string): string[] {
  return stderr.split('\n')
    .filter((l) => / : (Server|Backup Server|backend|proxy) /.test(l) || / : Health check /.test(l))
    .map((l) => l.replace(/\(\d+\)/, '(PID)').replace(/duration: \d+ms/g, 'duration: Nms'));
}

test('health-state lines are identical to HAProxy 2.6 (httpchk, refused, backup, pgsql-check, no server)', { skip: existsSync(HAPROXY) ? false : 'haproxy not installed' }, async () => {
  const [feH, feF, pgH, pgF, okPort, badPort] = await freePorts(6);
  // Refused ports that no concurrent test can take meanwhile (seen: pg1 'PostgreSQL unknown
  // error' instead of 'Connection refused' in a busy full run).
  const [dead1, dead2, deadPg] = [await deadPort(), await deadPort(), await deadPort()];
  const ok = await startHttpStub('ok', okPort);
  const bad = await startHttpStub('bad', badPort, (_q, r) => { r.writeHead(503, 'Service Unavailable'); r.end(); });
  const cfg = (fe: number, pg: number) => `
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${fe}
    default_backend app
backend app
    option httpchk GET /
    server app1 127.0.0.1:${okPort} check inter 300 rise 2 fall 3
    server app2 127.0.0.1:${badPort} check inter 300 rise 2 fall 3
    server app3 127.0.0.1:${dead1} check inter 300 rise 2 fall 3
    server app4 127.0.0.1:${dead2} check inter 300 rise 2 fall 3 backup
listen pg
    bind 127.0.0.1:${pg}
    mode tcp
    option pgsql-check user haproxy
    server pg1 127.0.0.1:${deadPg} check inter 300
`;
  const dir = tempDir();
  writeFileSync(join(dir, 'h.cfg'), cfg(feH, pgH));
  const hp = spawn(HAPROXY, ['-f', join(dir, 'h.cfg'), '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let hErr = '';
  hp.stderr!.on('data', (d) => { hErr += d; });
  const fp = await startFulcrum(cfg(feF, pgF), { waitPort: feF });
  try {
    const want = 5;
    await pollUntil(() => normalise(hErr).length >= want, `haproxy lines\n${hErr}`, 5000);
    await pollUntil(() => normalise(fp.stderr).length >= want, `fulcrum lines\n${fp.stderr}`, 5000);
    assert.deepEqual(normalise(fp.stderr).slice(0, want), normalise(hErr).slice(0, want));
  } finally {
    if (hp.pid !== undefined && hp.exitCode === null) process.kill(hp.pid, 'SIGTERM');
    await fp.stop();
    await ok.close();
    await bad.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
