/**
 * `fulcrum log-stats` on a real Fulcrum httplog: traffic through bin/fulcrum (200s and 404s
 * from a stub, 503s from a backend without servers, stats page hits logged LR--), the log
 * written to stderr, then analysed from a file and from stdin.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, httpGet, pollUntil, runFulcrum, startFulcrum, startHttpStub, tempDir } from '../harness';

test('log-stats counts servers, statuses, termination states and URLs of a real log', { timeout: 60000 }, async () => {
  const [port] = await freePorts(1);
  const stub = await startHttpStub('web1', 0, (req, res) => {
    const code = req.url === '/missing' ? 404 : 200;
    res.writeHead(code, { 'content-length': '2' });
    res.end('ok');
  });
  const f = await startFulcrum(`defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    log stderr format raw local0
    option httplog
    # the harness's port probe is an empty connection: not logged with dontlognull
    option dontlognull
frontend fe
    bind 127.0.0.1:${port}
    stats uri /stats
    use_backend empty if { path_beg /down }
    default_backend app
backend app
    server web1 127.0.0.1:${stub.port}
backend empty
`, { waitPort: port });
  let log: string;
  try {
    for (let i = 0; i < 20; i++) await httpGet(port, `/page${i % 4}`);
    for (let i = 0; i < 5; i++) await httpGet(port, '/missing');
    for (let i = 0; i < 3; i++) await httpGet(port, '/down');
    for (let i = 0; i < 2; i++) await httpGet(port, '/stats;csv');
    await pollUntil(() => (f.stderr.match(/ HTTP\/1\.1"\n/g) ?? []).length >= 30, 'all 30 log lines', 8000);
    log = f.stderr;
  } finally {
    await f.stop();
    await stub.close();
  }
  const dir = tempDir();
  const file = join(dir, 'fulcrum.log');
  writeFileSync(file, log);
  try {

  const srv = await runFulcrum(['log-stats', '-srv', file]);
  assert.equal(srv.code, 0, srv.stderr);
  const rows = Object.fromEntries(srv.stdout.trim().split('\n').slice(1).map((l) => { const c = l.split(/\s+/); return [c[0], c]; }));
  // #srv_name 1xx 2xx 3xx 4xx 5xx other tot_req req_ok ...
  assert.deepEqual(rows['app/web1'].slice(1, 9), ['0', '20', '0', '5', '0', '0', '25', '25']);
  assert.deepEqual(rows['empty/<NOSRV>'].slice(1, 9), ['0', '0', '0', '0', '3', '0', '3', '0']);
  assert.equal(rows['fe/<STATS>'][7], '2');

  const st = await runFulcrum(['log-stats', '-st'], { input: log });
  assert.match(st.stdout, /^#status\s+count\n200\s+22\n404\s+5\n503\s+3\n$/);
  const tc = await runFulcrum(['log-stats', '-tc', file]);
  assert.match(tc.stdout, /\n----\s+25\n/);
  assert.match(tc.stdout, /\nSC--\s+3\n/);
  assert.match(tc.stdout, /\nLR--\s+2\n/);
  const u = await runFulcrum(['log-stats', '-u', file]);
  assert.match(u.stdout, /\n5\s+0\s.*\s\/page0\n/);
  assert.match(u.stdout, /\n5\s+0\s.*\s\/missing\n/);
  const pct = await runFulcrum(['log-stats', '-pct', file]);
  assert.match(pct.stdout, /^#percent\s+TR\s+Tw\s+Tc\s+Tr\s+Ta\n50%/);
  const summary = await runFulcrum(['log-stats', file]);
  assert.match(summary.stdout, /matched: 30 {2}errors: 3 \(10\.0%\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
