/**
 * Admin events of the real binary: a server failing its health check goes DOWN and its
 * backend becomes empty. HAProxy 2.6.12 prints, in the foreground:
 *   [WARNING]  (pid) : Server app/a1 is DOWN, reason: Layer4 connection problem, ...
 *   [ALERT]    (pid) : backend 'app' has no server available!
 * and sends to syslog (facility daemon) `<25>... Server app/a1 is DOWN...` (alert) and
 * `<24>... backend app has no server available!` (emerg).
 */

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePorts, startFulcrum, startSyslogUdp, pollUntil, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess | undefined;
let syslog: Awaited<ReturnType<typeof startSyslogUdp>> | undefined;

after(async () => {
  await fp?.stop();
  syslog?.close();
});

test('server DOWN and empty backend: stderr labels and syslog severities as HAProxy', async () => {
  const [front, closed] = await freePorts(2);
  syslog = await startSyslogUdp();
  fp = await startFulcrum(`
global
    log 127.0.0.1:${syslog.port} daemon
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend main
    bind 127.0.0.1:${front}
    default_backend app
backend app
    server a1 127.0.0.1:${closed} check inter 200 fall 1 rise 1
`, { waitPort: front });
  const pid = fp.pid;
  const s = syslog;
  const down = await pollUntil(() => s.messages.find((m) => m.includes('Server app/a1 is DOWN')), `DOWN in syslog\n${fp.stderr}`, 8000);
  assert.match(down!, new RegExp(String.raw`^<25>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d haproxy\[${pid}\]: Server app/a1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: \d+ms\. 0 active and 0 backup servers left\. 0 sessions active, 0 requeued, 0 remaining in queue\.\n$`));
  const empty = await pollUntil(() => s.messages.find((m) => m.includes('has no server available')), 'no server in syslog', 5000);
  assert.match(empty!, new RegExp(String.raw`^<24>.* haproxy\[${pid}\]: backend app has no server available!\n$`));
  await fp.waitForOutput(/has no server available/);
  assert.match(fp.stderr, new RegExp(String.raw`^\[WARNING\]  \(${pid}\) : Server app/a1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: \d+ms\. 0 active and 0 backup servers left\. 0 sessions active, 0 requeued, 0 remaining in queue\.$`, 'm'));
  assert.match(fp.stderr, new RegExp(String.raw`^\[ALERT\]    \(${pid}\) : backend 'app' has no server available!$`, 'm'));
});

test('-q keeps stderr quiet but syslog still gets the events', async () => {
  await fp?.stop();
  syslog?.close();
  const [front, closed] = await freePorts(2);
  syslog = await startSyslogUdp();
  fp = await startFulcrum(`
global
    log 127.0.0.1:${syslog.port} local2
defaults
    mode http
    log global
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend main
    bind 127.0.0.1:${front}
    default_backend app
backend app
    server a1 127.0.0.1:${closed} check inter 200 fall 1 rise 1
`, { waitPort: front, args: ['-db', '-q'] });
  const s = syslog;
  await pollUntil(() => s.messages.find((m) => m.startsWith('<144>') && m.includes('backend app has no server available!')), 'no server (local2 emerg = 144)', 8000);
  assert.ok(s.messages.some((m) => m.startsWith('<145>') && m.includes('Server app/a1 is DOWN')), s.messages.join(''));
  assert.doesNotMatch(fp.stderr, /is DOWN|no server available/);
});
