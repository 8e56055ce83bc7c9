/** Check tasks: rise/fall, intervals, state changes and HAProxy's exact messages. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpState } from '../../../src/proxy/server';
import { firstDelays } from '../../../src/checks/scheduler';
import { scripted, closedPort, buildBackend, collectEvents, until } from './helpers';

test('refused servers go DOWN at the first failed check with the exact line; all down => no server available', async () => {
  const up = await scripted(() => {});
  const [d1, d2] = [await closedPort(), await closedPort()];
  const b = buildBackend(`backend app
    server app1 127.0.0.1:${up.port} check inter 50
    server app2 127.0.0.1:${d1} check inter 50
    server app3 127.0.0.1:${d2} check inter 50
`);
  const ev = collectEvents();
  try {
    for (const t of b.tasks) t.start(0);
    await until(() => b.server('app2').opState === OpState.Stopped && b.server('app3').opState === OpState.Stopped, 'two servers DOWN');
    const downs = ev.messages().filter((m) => m.includes(' is DOWN'));
    assert.equal(downs.length, 2);
    assert.match(downs[0], /^Server app\/app[23] is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: \d+ms\. 2 active and 0 backup servers left\. 0 sessions active, 0 requeued, 0 remaining in queue\.$/);
    assert.match(downs[1], /1 active and 0 backup servers left\./);
    assert.equal(ev.events.find((e) => e.message.includes(' is DOWN'))!.severity, 'alert');
    const app2 = b.server('app2');
    assert.equal(app2.check!.status, 'L4CON');
    assert.equal(app2.check!.desc, 'Layer4 connection problem');
    assert.equal(app2.check!.health, 0);
    assert.equal(app2.failedChecks >= 1, true);
    assert.equal(b.server('app1').isRunning, true);
    await until(() => b.server('app1').check!.status === 'L4OK', 'app1 checked');
    assert.equal(b.server('app1').check!.health, 2 + 3 - 1);
    // Now the last one goes too.
    await up.close();
    await until(() => !b.server('app1').isRunning, 'app1 DOWN');
    assert.ok(ev.events.some((e) => e.severity === 'emerg' && e.message === 'backend app has no server available!'));
  } finally {
    for (const t of b.tasks) t.stop();
    ev.stop();
    await up.close();
  }
});

test('a DOWN server comes back UP after `rise` successes, with the UP line', async () => {
  const port = await closedPort();
  const b = buildBackend(`backend app
    server app1 127.0.0.1:${port} check inter 40 rise 2 fall 2
    server app2 127.0.0.1:${port} check disabled
`);
  const ev = collectEvents();
  let srv: Awaited<ReturnType<typeof scripted>> | undefined;
  try {
    for (const t of b.tasks) t.start(0);
    const s = b.server('app1');
    await until(() => s.opState === OpState.Stopped, 'DOWN');
    srv = await scripted(() => {});
    // Re-point the server at the live port (as `set server addr` would).
    s.port = srv.port;
    await until(() => s.isRunning, 'UP again');
    const upLine = ev.messages().find((m) => m.includes(' is UP'))!;
    assert.match(upLine, /^Server app\/app1 is UP, reason: Layer4 check passed, check duration: \d+ms\. 1 active and 0 backup servers online\. 0 sessions requeued, 0 total in queue\.$/);
    assert.equal(s.check!.health, 3);
    // The disabled (MAINT) server is not checked: its status is still INI.
    assert.equal(b.server('app2').check!.status, 'INI');
  } finally {
    for (const t of b.tasks) t.stop();
    ev.stop();
    await srv?.close();
  }
});

test('option log-health-checks: per-check lines, and the state line without reason', async () => {
  const port = await closedPort();
  const b = buildBackend(`backend app
    option log-health-checks
    server app1 127.0.0.1:${port} check inter 40 rise 2 fall 3
    server bk 127.0.0.1:${port} check inter 40 backup
`);
  const ev = collectEvents();
  try {
    for (const t of b.tasks) t.start(0);
    await until(() => b.px.servers.every((s) => s.opState === OpState.Stopped), 'both DOWN');
    const msgs = ev.messages();
    assert.ok(msgs.some((m) => /^Health check for server app\/app1 failed, reason: Layer4 connection problem, info: "Connection refused", check duration: \d+ms, status: 0\/2 DOWN\.$/.test(m)), msgs.join('\n'));
    assert.ok(msgs.some((m) => /^Health check for backup server app\/bk failed, /.test(m)));
    assert.ok(msgs.includes('Server app/app1 is DOWN. 0 active and 1 backup servers left. Running on backup. 0 sessions active, 0 requeued, 0 remaining in queue.') ||
      msgs.includes('Server app/app1 is DOWN. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.'), msgs.join('\n'));
  } finally {
    for (const t of b.tasks) t.stop();
    ev.stop();
  }
});

test('intervals: inter when healthy, fastinter while changing, downinter when DOWN', () => {
  const b = buildBackend(`backend app
    server s 127.0.0.1:1 check inter 1000 fastinter 100 downinter 5000 rise 2 fall 3
`);
  const t = b.tasks[0];
  assert.equal(t.currentInter(), 100); // starts at health=rise: transitioning
  t.view.health = 4;
  assert.equal(t.currentInter(), 1000);
  t.view.health = 3;
  assert.equal(t.currentInter(), 100);
  t.view.health = 0;
  b.server('s').opState = OpState.Stopped;
  assert.equal(t.currentInter(), 5000);
});

test('first checks are spread over the smallest interval by position (no spread-checks)', () => {
  const b = buildBackend(`backend app
    server a 127.0.0.1:1 check inter 2000 rise 1 fall 1
    server b 127.0.0.1:1 check inter 2000 rise 1 fall 1
    server c 127.0.0.1:1 check inter 2000 rise 1 fall 1
    server d 127.0.0.1:1 check inter 2000 rise 1 fall 1
`);
  assert.deepEqual(firstDelays(b.tasks, 0), [0, 500, 1000, 1500]);
  const spread = firstDelays(b.tasks, 50);
  assert.equal(spread[0], 0);
  for (const d of spread) assert.ok(d >= 0 && d <= 3000);
});

test('on-marked-down shutdown-sessions kills the server streams', async () => {
  const port = await closedPort();
  const b = buildBackend(`backend app
    server s 127.0.0.1:${port} check inter 40 on-marked-down shutdown-sessions
`);
  const s = b.server('s');
  const killed: string[] = [];
  s.streams.add({ kill: (r) => killed.push(r) });
  s.streams.add({ kill: (r) => killed.push(r) });
  const ev = collectEvents();
  try {
    b.tasks[0].start(0);
    await until(() => s.opState === OpState.Stopped, 'DOWN');
    assert.equal(killed.length, 2);
  } finally {
    b.tasks[0].stop();
    ev.stop();
  }
});

test('check port and addr are used instead of the server address', async () => {
  const srv = await scripted(() => {});
  const b = buildBackend(`backend app
    server s 127.0.0.2:1 check inter 40 addr 127.0.0.1 port ${srv.port}
`);
  try {
    b.tasks[0].start(0);
    await until(() => b.server('s').check!.status === 'L4OK', 'L4OK via addr/port');
  } finally {
    b.tasks[0].stop();
    await srv.close();
  }
});

import { healthTarget, agentTarget } from '../../../src/checks/service';

test('timeouts: with `timeout check`, connect gets min(timeout connect, inter) then timeout check; else inter for all', () => {
  const b = buildBackend(`backend app
    timeout connect 5s
    timeout check 700
    server s 127.0.0.1:80 check inter 2s agent-check agent-port 9999 agent-addr 127.0.0.3
`);
  const t = healthTarget(b.px, b.server('s'), 2000);
  assert.deepEqual([t.host, t.port, t.connectTimeoutMs, t.readTimeoutMs, t.totalMs], ['127.0.0.1', 80, 2000, 700, 2000]);
  const a = agentTarget(b.px, b.server('s'), 2000);
  assert.deepEqual([a.host, a.port], ['127.0.0.3', 9999]);
  const b2 = buildBackend(`backend app
    timeout connect 500
    server s 127.0.0.1:80 check inter 2s
`);
  const t2 = healthTarget(b2.px, b2.server('s'), 2000);
  assert.deepEqual([t2.connectTimeoutMs, t2.readTimeoutMs, t2.totalMs], [2000, undefined, 2000]);
});

test('disable-on-404: a 404 puts a running server in NOLB with HAProxy\'s "is stopping" line', async () => {
  const srv = await scripted((sock) => sock.on('data', () => sock.end('HTTP/1.0 404 Not Found\r\ncontent-length: 0\r\n\r\n')));
  const b = buildBackend(`backend app
    option httpchk GET /
    http-check disable-on-404
    server a1 127.0.0.1:${srv.port} check inter 40
`);
  const ev = collectEvents();
  try {
    b.tasks[0].start(0);
    await until(() => b.server('a1').opState === OpState.Stopping, 'NOLB');
    assert.match(ev.messages()[0], /^Server app\/a1 is stopping, reason: Layer7 check conditionally passed, code: 404, check duration: \d+ms\. 0 active and 0 backup servers online\. 0 sessions requeued, 0 total in queue\.$/);
    assert.equal(b.server('a1').check!.status, 'L7OKC');
  } finally {
    b.tasks[0].stop();
    ev.stop();
    await srv.close();
  }
});

test('on-marked-up shutdown-backup-sessions kills backup streams when an active server comes back', async () => {
  const { setHealth } = await import('../../../src/checks/control');
  const b = buildBackend(`backend app
    server a 127.0.0.1:1 check on-marked-up shutdown-backup-sessions
    server bk 127.0.0.1:1 check backup
`);
  const killed: string[] = [];
  b.server('bk').streams.add({ kill: (r) => killed.push(r) });
  const ev = collectEvents();
  try {
    setHealth(b.server('a'), 'down');
    assert.equal(killed.length, 0);
    setHealth(b.server('a'), 'up');
    assert.equal(killed.length, 1);
  } finally {
    ev.stop();
  }
});

test('on-error sudden-death: one more failed check after the analysis takes the server down', async () => {
  const { reportObservedError } = await import('../../../src/checks/observe');
  const b = buildBackend(`backend app
    server s 127.0.0.1:1 check observe layer4 error-limit 1 on-error sudden-death rise 2 fall 3
`);
  const s = b.server('s');
  const t = b.tasks[0];
  const ev = collectEvents();
  try {
    t.view.health = 4; // fully up
    reportObservedError(s, 'L4_ERR');
    // rise+1 then one failure: health 2 = rise, still UP but "going down"
    assert.equal(t.view.health, 2);
    assert.equal(s.isRunning, true);
    assert.equal(t.fastinterOnce, true);
    t.applyHealth('L4CON', 'Connection refused', undefined, 0);
    assert.equal(s.opState, OpState.Stopped);
  } finally {
    ev.stop();
  }
});
