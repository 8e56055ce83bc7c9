/**
 * Retries after a refused connection wait HAProxy's 1 s turn-around, which HAProxy 2.6.12
 * counts in Tw (observed with the stock defaults and a closed port, retries 3:
 * `dead/d1 0/3005/-1/-1/3005 503 ... SC-- 1/1/0/0/3`).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePorts, httpGet, pollUntil, startFulcrum, deadPort } from '../harness';

test('Tw includes the turn-around of connection retries', async () => {
  const [front] = await freePorts(1);
  const dead = await deadPort();
  const fp = await startFulcrum(`
global
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    retries 1
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend main
    bind 127.0.0.1:${front}
    default_backend dead
backend dead
    server d1 127.0.0.1:${dead}
`, { waitPort: front });
  try {
    const r = await httpGet(front, '/x');
    assert.equal(r.status, 503);
    const m = await pollUntil(() => / dead\/d1 -?\d+\/(\d+)\/-1\/-1\/(\d+) 503 \d+ - - SC-- \S+ \d+\/\d+ "GET \/x HTTP\/1\.1"/.exec(fp.stdout), `log line\n${fp.stdout}`);
    assert.ok(Number(m![1]) >= 900, `Tw ${m![1]} should include the 1 s turn-around`);
    assert.ok(Number(m![2]) >= Number(m![1]));
    assert.match(fp.stdout, / 1\/1\/0\/0\/1 0\/0 "GET \/x/);
  } finally {
    await fp.stop();
  }
});
