/**
 * The per-request placement line printed with `-d` carries the balancer's explanation:
 * algorithm, hash key and value, and the servers skipped with the reason.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startFulcrum, startHttpStub, httpGet } from '../harness';

test('placement line shows algorithm, key and skipped servers', { timeout: 30_000 }, async () => {
  const a = await startHttpStub('a');
  const b = await startHttpStub('b');
  const c = await startHttpStub('c');
  const front = await freePort();
  const fp = await startFulcrum(`
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
listen be
    bind 127.0.0.1:${front}
    balance uri
    hash-type consistent
    server a 127.0.0.1:${a.port}
    server b 127.0.0.1:${b.port} disabled
    server c 127.0.0.1:${c.port} backup
`, { waitPort: front, args: ['-d'] });
  try {
    const r = await httpGet(front, '/img/logo.png?v=2');
    assert.equal(r.status, 200);
    const m = await fp.waitForOutput(/placement: .*"GET \/img\/logo\.png\?v=2[^\n]*/);
    const line = m[0];
    assert.match(line, / by uri key "\/img\/logo\.png" \(consistent sdbm\+avalanche hash 0x[0-9a-f]{8}\)/);
    assert.match(line, /skipped b \(MAINT\), c \(BACKUP\)/);
  } finally {
    await fp.stop();
    await a.close();
    await b.close();
    await c.close();
  }
});
