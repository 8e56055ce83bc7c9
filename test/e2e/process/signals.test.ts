/**
 * HAProxy's signals on a standalone process: SIGTTOU/SIGTTIN pause and resume the
 * listeners, SIGUSR1 soft stop finishes an in-flight slow request then exits 0,
 * `hard-stop-after` bounds a soft stop, SIGTERM stops at once, SIGHUP dumps server states.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, freePorts, startFulcrum, startHttpStub, httpGet, pollUntil } from '../harness';

/** True once the logging subsystem prints admin events on stderr (src/log). */
const hasStderrEvents = existsSync(join(ROOT, 'dist', 'src', 'log', 'index.js'));

const cfg = (front: number, back: number, extraGlobal = ''): string => `
global
${extraGlobal}
defaults
    mode http
    timeout client 10s
    timeout server 10s
    timeout connect 2s
frontend main
    bind 127.0.0.1:${front}
    default_backend app
backend app
    server app1 127.0.0.1:${back}
`;

/** A stub whose /slow requests wait until release() is called. */
async function slowStub(): Promise<{ port: number; waiting: () => number; release: () => void; close: () => Promise<void> }> {
  const held: http.ServerResponse[] = [];
  const stub = await startHttpStub('slow', 0, (req, res) => {
    if (req.url === '/slow') { held.push(res); return; }
    res.writeHead(200, { 'content-length': '2' });
    res.end('ok');
  });
  return {
    port: stub.port,
    waiting: () => held.length,
    release: () => { for (const r of held.splice(0)) { r.writeHead(200, { 'content-length': '4' }); r.end('done'); } },
    close: () => stub.close(),
  };
}

test('SIGTTOU holds new connections until SIGTTIN; both are logged as HAProxy does', async () => {
  const [front] = await freePorts(1);
  const stub = await startHttpStub('s1');
  const fp = await startFulcrum(cfg(front, stub.port), { waitPort: front });
  try {
    assert.equal((await httpGet(front)).status, 200);
    fp.signal('SIGTTOU');
    if (hasStderrEvents) await fp.waitForOutput(/\[WARNING\]  \(\d+\) : Paused frontend main\./);
    else await new Promise((r) => setTimeout(r, 200)); // no event sink yet: give the signal time to land
    let resumed = false;
    let answeredWhilePaused = false;
    const pending = httpGet(front).then((r) => { if (!resumed) answeredWhilePaused = true; return r; });
    // Give the held request every chance to be (wrongly) served before resuming.
    await new Promise((r) => setTimeout(r, 300));
    resumed = true;
    fp.signal('SIGTTIN');
    const r = await pending;
    assert.equal(r.status, 200);
    assert.equal(answeredWhilePaused, false, 'a request was served while the listeners were paused');
    if (hasStderrEvents) await fp.waitForOutput(/Resumed frontend main\./);
    assert.equal((await httpGet(front)).status, 200);
  } finally {
    await fp.stop();
    await stub.close();
  }
});

test('SIGUSR1 soft stop: no new connection, the in-flight slow request completes, exit 0', async () => {
  const [front] = await freePorts(1);
  const stub = await slowStub();
  const fp = await startFulcrum(cfg(front, stub.port), { waitPort: front });
  try {
    const slow = httpGet(front, '/slow');
    await pollUntil(() => stub.waiting() === 1, 'the slow request to reach the server');
    fp.signal('SIGUSR1');
    // The listener closes: a new connection is refused (nothing else listens there).
    await pollUntil(async () => !(await import('../harness').then((h) => h.canConnect(front))), 'the listener to close');
    assert.ok(fp.running, 'exited before the in-flight request finished');
    stub.release();
    const r = await slow;
    assert.equal(r.status, 200);
    assert.equal(r.body, 'done');
    const ex = await fp.waitExit(5000);
    assert.equal(ex.code, 0);
    // As HAProxy 2.6.12: one line per proxy, the backend too.
    assert.match(fp.stderr, /Proxy main stopped \(cumulated conns: FE: \d+, BE: 0\)\./);
    assert.match(fp.stderr, /Proxy app stopped \(cumulated conns: FE: 0, BE: 1\)\./);
  } finally {
    await fp.stop();
    await stub.close();
  }
});

test('hard-stop-after bounds a soft stop that a request keeps open', async () => {
  const [front] = await freePorts(1);
  const stub = await slowStub();
  const fp = await startFulcrum(cfg(front, stub.port, '    hard-stop-after 300ms'), { waitPort: front });
  try {
    const slow = httpGet(front, '/slow').catch((e: Error) => e);
    await pollUntil(() => stub.waiting() === 1, 'the slow request to reach the server');
    fp.signal('SIGUSR1');
    const ex = await fp.waitExit(5000);
    assert.equal(ex.signal, null, 'killed instead of stopping by itself');
    assert.equal(ex.code, 0);
    assert.ok((await slow) instanceof Error, 'the held request cannot complete once the process is gone');
  } finally {
    stub.release();
    await fp.stop();
    await stub.close();
  }
});

test('SIGTERM stops at once, even with a request in flight', async () => {
  const [front] = await freePorts(1);
  const stub = await slowStub();
  const fp = await startFulcrum(cfg(front, stub.port), { waitPort: front });
  try {
    const slow = httpGet(front, '/slow').catch((e: Error) => e);
    await pollUntil(() => stub.waiting() === 1, 'the slow request to reach the server');
    fp.signal('SIGTERM');
    const ex = await fp.waitExit(5000);
    assert.equal(ex.signal, null);
    assert.equal(ex.code, 0);
    assert.ok((await slow) instanceof Error);
  } finally {
    stub.release();
    await fp.stop();
    await stub.close();
  }
});

test('SIGHUP dumps every server and proxy state', { skip: !hasStderrEvents && 'src/log does not print admin events yet' }, async () => {
  const [front] = await freePorts(1);
  const stub = await startHttpStub('s1');
  const fp = await startFulcrum(cfg(front, stub.port), { waitPort: front });
  try {
    await httpGet(front);
    fp.signal('SIGHUP');
    await fp.waitForOutput(/SIGHUP received, dumping servers states\./);
    await fp.waitForOutput(/SIGHUP: Server app\/app1 is UP\. Conn: 0 act, 0 pend, 1 tot\./);
    await fp.waitForOutput(/SIGHUP: Proxy main has no servers\. Conn: act\(FE\+BE\): 0\+0, 0 pend \(0 unass\), tot\(FE\+BE\): \d+\+0\./);
    await fp.waitForOutput(/SIGHUP: Proxy app has 1 active servers and 0 backup servers available\./);
    assert.ok(fp.running, 'SIGHUP must not stop the process');
  } finally {
    await fp.stop();
    await stub.close();
  }
});

test('grace: after SIGUSR1 the listeners keep accepting for the grace delay, then the process stops', async () => {
  const [front] = await freePorts(1);
  const stub = await startHttpStub('s1');
  const fp = await startFulcrum(cfg(front, stub.port, '    grace 3s'), { waitPort: front });
  try {
    fp.signal('SIGUSR1');
    // Well inside the 3 s grace: still served.
    const r = await httpGet(front);
    assert.equal(r.status, 200);
    assert.ok(fp.running);
    const ex = await fp.waitExit(10000);
    assert.equal(ex.signal, null);
    assert.equal(ex.code, 0);
  } finally {
    await fp.stop();
    await stub.close();
  }
});
