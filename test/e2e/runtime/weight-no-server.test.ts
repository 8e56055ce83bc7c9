/**
 * `set weight` that leaves a backend without a usable server logs HAProxy 2.6.12's
 * `backend X has no server available!` (observed: the stock example with app1 in maintenance,
 * app2 draining, app3 down, then `set weight app/app4 50%` on weight 1).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliCommand, freePorts, pollUntil, startFulcrum, startHttpStub } from '../harness';

test('set weight to 0 on the last usable server: backend has no server available!', async () => {
  const [front, p1] = await freePorts(2);
  const stub = await startHttpStub('a', p1);
  const fp = await startFulcrum(`
global
    stats socket {{DIR}}/stats.sock level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend main
    bind 127.0.0.1:${front}
    default_backend app
backend app
    server a1 127.0.0.1:${p1}
    server a2 127.0.0.1:${p1}
`, { waitPort: front });
  try {
    const sock = `${fp.dir}/stats.sock`;
    await cliCommand(sock, 'set weight app/a1 0');
    assert.doesNotMatch(fp.stderr, /has no server available/);
    await cliCommand(sock, 'set weight app/a2 50%');
    await pollUntil(() => /\[ALERT\] +\(\d+\) : backend 'app' has no server available!/.test(fp.stderr), `alert\n${fp.stderr}`);
  } finally {
    await fp.stop();
    await stub.close();
  }
});
