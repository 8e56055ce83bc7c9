/**
 * slowstart end to end: after `enable server`, the server's weight (stats `weight` column)
 * restarts near 1/16 of its weight and ramps up once a second, as HAProxy does.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freePort, startFulcrum, startHttpStub, cliCommand, pollUntil } from '../harness';

function weightOf(csv: string, srv: string): number {
  const line = csv.split('\n').find((l) => l.startsWith(`be,${srv},`));
  if (!line) throw new Error(`no stat line for ${srv}:\n${csv}`);
  const header = csv.split('\n')[0].replace(/^# /, '').split(',');
  return Number(line.split(',')[header.indexOf('weight')]);
}

test('slowstart ramps the weight after the server comes back', { timeout: 30_000 }, async () => {
  const a = await startHttpStub('a');
  const b = await startHttpStub('b');
  const front = await freePort();
  const fp = await startFulcrum(`
global
    stats socket {{DIR}}/stats.sock level admin
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
listen be
    bind 127.0.0.1:${front}
    server a 127.0.0.1:${a.port} weight 32
    server b 127.0.0.1:${b.port} weight 32 slowstart 20s
`, { waitPort: front, waitSocket: '{{DIR}}/stats.sock' });
  const sock = join(fp.dir, 'stats.sock');
  try {
    assert.equal(weightOf(await cliCommand(sock, 'show stat'), 'b'), 32, 'no slowstart at start-up');
    await cliCommand(sock, 'disable server be/b');
    await cliCommand(sock, 'enable server be/b');
    // w = (16 * 0 + 20) / 20 = 1 -> 32 * 1 / 16 = 2
    assert.equal(weightOf(await cliCommand(sock, 'show stat'), 'b'), 2);
    // It then grows along HAProxy's steps: 32 * floor((16 k + 20) / 20) / 16 after k seconds
    // (2, 2, 4, 6, 6, 8 ...). Which step we see depends on the scheduler, not which values exist.
    const steps = new Set(Array.from({ length: 21 }, (_, k) => 2 * Math.floor((16 * k + 20) / 20)));
    const w = await pollUntil(async () => {
      const v = weightOf(await cliCommand(sock, 'show stat'), 'b');
      return v > 2 ? v : 0;
    }, 'weight of b to grow', 8000, 200);
    assert.ok(steps.has(w) && w < 32, `weight ${w} is not on the ramp`);
  } finally {
    await fp.stop();
    await a.close();
    await b.close();
  }
});
