/**
 * Placement explanations: with `-d` each request prints why it went to its backend and
 * server (switching rule, algorithm, skipped servers and why); `show placement` returns the
 * same records over the stats socket, and `set placement on` enables them without -d.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freePorts, startFulcrum, startHttpStub, httpGet, cliCommand, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
let quiet: FulcrumProcess;
let front: number;
let front2: number;
const stubs: Awaited<ReturnType<typeof startHttpStub>>[] = [];

function cfg(port: number, p1: number, p2: number): string {
  return `
global
    stats socket {{DIR}}/stats level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${port}
    acl api path_beg /api
    use_backend api if api
    default_backend web
backend api
    balance roundrobin
    server a1 127.0.0.1:${p1}
    server a2 127.0.0.1:${p2} disabled
backend web
    server w1 127.0.0.1:${p1}
`;
}

before(async () => {
  const [p0, p1, p2, p3] = await freePorts(4);
  front = p0;
  front2 = p3;
  stubs.push(await startHttpStub('a1', p1), await startHttpStub('a2', p2));
  fp = await startFulcrum(cfg(front, p1, p2), { args: ['-d'], waitPort: front });
  quiet = await startFulcrum(cfg(front2, p1, p2), { waitPort: front2 });
});

after(async () => {
  await fp?.stop();
  await quiet?.stop();
  for (const s of stubs) await s.close();
});

test('-d prints one placement line per request with rule, algorithm and skipped servers', async () => {
  await httpGet(front, '/api/x');
  const m = await fp.waitForOutput(/placement: 127\.0\.0\.1:\d+ "GET \/api\/x HTTP\/1\.1" -> frontend fe -> backend api by use_backend rule #1 \(use_backend api if api\) -> server a1 by roundrobin[^\n]*skipped a2 \(MAINT\)/);
  assert.ok(m);
  await httpGet(front, '/other');
  await fp.waitForOutput(/"GET \/other HTTP\/1\.1" -> frontend fe -> backend web by default_backend -> server w1/);
});

test('show placement returns the recorded explanations; set placement on enables them', async () => {
  const sock = join(fp.dir, 'stats');
  const out = await cliCommand(sock, 'show placement 5');
  assert.match(out, /-> backend api by use_backend rule #1/);
  const qsock = join(quiet.dir, 'stats');
  assert.match(await cliCommand(qsock, 'show placement'), /Placement recording is off/);
  await cliCommand(qsock, 'set placement on');
  await httpGet(front2, '/api/y');
  assert.match(await cliCommand(qsock, 'show placement'), /"GET \/api\/y HTTP\/1\.1" -> frontend fe -> backend api/);
});
