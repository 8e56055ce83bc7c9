/**
 * tcplog's actconn/feconn/beconn/srv_conn/retries: the backend and server counts are taken
 * after the stream released them, as HAProxy 2.6.12 logs them (a lone connection:
 * `1/1/0/0/0`; observed with the same config through haproxy).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePorts, pollUntil, startFulcrum } from '../harness';

test('a lone tcp connection logs 1/1/0/0/0', async () => {
  const [front, back] = await freePorts(2);
  const echo = net.createServer((c) => { c.on('error', () => undefined); c.pipe(c); });
  await new Promise<void>((r) => echo.listen(back, '127.0.0.1', r));
  const fp = await startFulcrum(`
global
    log stdout format raw local0
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen l
    bind 127.0.0.1:${front}
    server a 127.0.0.1:${back}
`, { waitPort: front });
  try {
    // The harness's port probe is a connection through l too (logged `0 -- 1/1/0/0/0`): wait
    // until it is over, else a busy machine logs the measured one as 2/2/1/1/0 (seen in a
    // full run).
    await pollUntil(() => / l l\/\S+ .* 0 -- /.test(fp.stdout), `the probe connection's log line\n${fp.stdout}`);
    await new Promise<void>((res, rej) => {
      const s = net.connect({ port: front, host: '127.0.0.1' }, () => s.end('ping'));
      s.resume();
      s.on('close', () => res());
      s.on('error', rej);
    });
    const m = await pollUntil(() => / l l\/a \d+\/\d+\/\d+ 4 -- (\d+\/\d+\/\d+\/\d+\/\d+) 0\/0\n/.exec(fp.stdout), `tcplog line\n${fp.stdout}`);
    assert.equal(m![1], '1/1/0/0/0');
  } finally {
    await fp.stop();
    echo.close();
  }
});
