/**
 * fd targets and failure reporting of the real binary: `log stdout format raw` (containers),
 * `log stderr` in the default framing, and a unix target whose socket does not exist, which
 * HAProxy reports once on stderr (`sendmsg()/writev() failed in logger #N: ...`) and never
 * again, while the other targets keep working.
 */

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePorts, startFulcrum, startHttpStub, httpGet, startSyslogUdp, pollUntil, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess | undefined;
let stub: Awaited<ReturnType<typeof startHttpStub>> | undefined;
let syslog: Awaited<ReturnType<typeof startSyslogUdp>> | undefined;

after(async () => {
  await fp?.stop();
  await stub?.close();
  syslog?.close();
});

test('stdout raw, stderr local framing, missing unix socket reported once', async () => {
  const [front] = await freePorts(1);
  stub = await startHttpStub('app1');
  syslog = await startSyslogUdp();
  fp = await startFulcrum(`
global
    log 127.0.0.1:${syslog.port} local0
    log {{DIR}}/no-such-dir/log.sock daemon
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend main
    bind 127.0.0.1:${front}
    log global
    log stdout format raw local0
    log stderr local1 info
    log-tag web
    option httplog
    default_backend app
backend app
    server app1 127.0.0.1:${stub.port}
`, { waitPort: front });
  const p = fp;
  for (let i = 0; i < 3; i++) assert.equal((await httpGet(front, `/t${i}`)).status, 200);
  await pollUntil(() => p.stdout.includes('"GET /t2 HTTP/1.1"'), `stdout line\n${p.stdout}\n${p.stderr}`);
  await pollUntil(() => syslog!.messages.some((m) => m.includes('"GET /t2 HTTP/1.1"')), 'udp line');
  // raw: the message alone, one line per stream.
  const out = p.stdout.split('\n').filter((l) => l.includes('"GET /t'));
  assert.equal(out.length, 3);
  assert.match(out[0], /^127\.0\.0\.1:\d+ \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] main app\/app1 \S+ 200 \d+ - - ---- \S+ 0\/0 "GET \/t0 HTTP\/1\.1"$/);
  // stderr: local framing with the proxy's log-tag, facility local1 (PRI 142).
  assert.match(p.stderr, new RegExp(String.raw`^<142>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d web\[${p.pid}\]: 127\.0\.0\.1:\d+ .*"GET /t1 HTTP/1\.1"$`, 'm'));
  // The UDP target also uses the proxy's tag.
  assert.ok(syslog.messages.every((m) => !m.includes('"GET /t') || m.startsWith('<134>') && m.includes(` web[${p.pid}]: `)), syslog.messages.join(''));
  // The missing socket: one alert, logger #2 of the global list, nothing else.
  const alerts = p.stderr.split('\n').filter((l) => l.includes('failed in logger'));
  assert.deepEqual(alerts, [`[ALERT]    (${p.pid}) : sendmsg()/writev() failed in logger #2: No such file or directory (errno=2)`]);
  assert.ok(p.running);
});
