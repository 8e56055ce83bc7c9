/**
 * The exporter's `scope=` parameter: an unknown or undecodable value is answered 400 as
 * HAProxy 2.6.12 does (`?scope=%zz` used to throw in the rules, print a stack trace and leave
 * the client without an answer).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePorts, httpGet, startFulcrum } from '../harness';

test('scope=bogus and scope=%zz get 400, the process keeps serving', async () => {
  const [front] = await freePorts(1);
  const fp = await startFulcrum(`
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend stats
    bind 127.0.0.1:${front}
    http-request use-service prometheus-exporter if { path /metrics }
`, { waitPort: front });
  try {
    assert.equal((await httpGet(front, '/metrics?scope=bogus')).status, 400);
    assert.equal((await httpGet(front, '/metrics?scope=%zz')).status, 400);
    const ok = await httpGet(front, '/metrics?scope=global');
    assert.equal(ok.status, 200);
    assert.match(ok.body, /haproxy_process_nbthread/);
    assert.doesNotMatch(fp.stderr, /internal error|\n\s+at /);
  } finally {
    await fp.stop();
  }
});
