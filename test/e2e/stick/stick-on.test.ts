/**
 * `stick on src` persistence through bin/fulcrum: with roundrobin over two servers, every
 * request of a client goes to the server stored for its address; the entry shows as HAProxy
 * 2.6.12 prints it (server_id, counters, server_key in data type order); clearing the entry
 * lets the balancer choose again.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePorts, startFulcrum, startHttpStub, cliCommand, httpGet, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
const stubs: Awaited<ReturnType<typeof startHttpStub>>[] = [];
let front = 0;
let sock = '';

before(async () => {
  const [p0, p1, p2] = await freePorts(3);
  front = p0;
  stubs.push(await startHttpStub('s1', p1), await startHttpStub('s2', p2));
  fp = await startFulcrum(`
global
  stats socket {{DIR}}/admin.sock level admin
defaults
  mode http
  timeout client 5s
  timeout server 5s
  timeout connect 1s
frontend f
  bind 127.0.0.1:${p0}
  default_backend b
backend b
  balance roundrobin
  stick-table type ip size 1k expire 1m store server_id,server_key,http_req_cnt
  stick on src
  server s1 127.0.0.1:${p1}
  server s2 127.0.0.1:${p2}
`, { waitPort: p0, waitSocket: '{{DIR}}/admin.sock' });
  sock = `${fp.dir}/admin.sock`;
});

after(async () => {
  await fp?.stop();
  for (const s of stubs) await s.close();
});

test('all requests of a source stick to the first server chosen', async () => {
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) seen.push((await httpGet(front, '/')).body.match(/Server: (\w+)/)![1]);
  assert.deepEqual(seen, ['s1', 's1', 's1', 's1']);
  assert.match(await cliCommand(sock, 'show table b'), /^# table: b, type: ip, size:1024, used:1\n0x[0-9a-f]+: key=127\.0\.0\.1 use=0 exp=\d+ server_id=1 http_req_cnt=0 server_key=s1\n\n$/);
});

test('set table moves the client; clear table lets the balancer choose again', async () => {
  assert.equal(await cliCommand(sock, 'set table b key 127.0.0.1 data.server_id 2'), '\n');
  assert.match((await httpGet(front, '/')).body, /Server: s2/);
  assert.equal(await cliCommand(sock, 'clear table b'), '\n');
  const next = (await httpGet(front, '/')).body.match(/Server: (\w+)/)![1];
  assert.match(await cliCommand(sock, 'show table b'), new RegExp(`server_key=${next}\\n`));
});

test('stick on works without an explicit store server_id (HAProxy stores it implicitly)', async () => {
  const [q0, q1, q2] = await freePorts(3);
  const local = [await startHttpStub('t1', q1), await startHttpStub('t2', q2)];
  const f2 = await startFulcrum(`
defaults
  mode http
  timeout client 5s
  timeout server 5s
  timeout connect 1s
frontend f
  bind 127.0.0.1:${q0}
  default_backend b
backend b
  balance roundrobin
  stick-table type ip size 1k expire 1m
  stick on src
  server t1 127.0.0.1:${q1}
  server t2 127.0.0.1:${q2}
`, { waitPort: q0 });
  try {
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push((await httpGet(q0, '/')).body.match(/Server: (\w+)/)![1]);
    assert.equal(new Set(seen).size, 1, `all on one server: ${seen}`);
  } finally {
    await f2.stop();
    for (const s of local) await s.close();
  }
});
