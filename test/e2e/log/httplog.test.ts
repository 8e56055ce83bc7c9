/**
 * Traffic logs of the real binary, received by a UDP syslog receiver and a unix datagram
 * receiver (the native addon bound in a temp dir): httplog lines for a 200 through a stub
 * backend, a 503 <NOSRV> SC--, a 400 <BADREQ> PR--, and a tcplog line for a `mode tcp`
 * listen. Shapes are HAProxy 2.6.12's (see docs in src/log/format.ts); timers, ports and
 * byte counts vary and are matched as numbers.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freePorts, startFulcrum, startHttpStub, httpGet, rawExchange, startSyslogUdp, pollUntil, tempDir, type FulcrumProcess } from '../harness';
import { loadUnixDgram } from '../../../src/log/sinks/unix-dgram';

type Stub = Awaited<ReturnType<typeof startHttpStub>>;
let fp: FulcrumProcess;
let syslog: Awaited<ReturnType<typeof startSyslogUdp>>;
let stub: Stub;
let httpPort = 0;
let tcpPort = 0;
const addon = loadUnixDgram();
let unixFd = -1;
const unixMsgs: string[] = [];

const STAMP = String.raw`[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d`;
const DATE = String.raw`\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d\.\d{3}`;

function drainUnix(): void {
  if (!addon || unixFd < 0) return;
  for (let i = 0; i < 1000; i++) {
    const b = addon.recv(unixFd);
    if (!(b instanceof Buffer)) return;
    unixMsgs.push(b.toString());
  }
}

before(async () => {
  [httpPort, tcpPort] = await freePorts(2);
  syslog = await startSyslogUdp();
  stub = await startHttpStub('app1');
  const dir = tempDir();
  if (addon) unixFd = addon.bind(join(dir, 'log.sock'));
  fp = await startFulcrum(`
global
    log 127.0.0.1:${syslog.port} local0
${addon ? `    log ${dir}/log.sock daemon` : ''}
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend main
    bind 127.0.0.1:${httpPort}
    use_backend static if { path_beg /static }
    default_backend app
backend static
    server s1 127.0.0.1:9 disabled
backend app
    server app1 127.0.0.1:${stub.port}
listen tcpl
    mode tcp
    option tcplog
    bind 127.0.0.1:${tcpPort}
    server t1 127.0.0.1:${stub.port}
`, { dir, waitPort: httpPort });
});

after(async () => {
  await fp?.stop();
  syslog?.close();
  await stub?.close();
  if (addon && unixFd >= 0) addon.close(unixFd);
});

/** Waits for one UDP message matching `re` and returns it. */
async function udpLine(re: RegExp): Promise<string | undefined> {
  return pollUntil<string | undefined>(() => syslog.messages.find((m) => re.test(m)), `syslog line matching ${re}\ngot:\n${syslog.messages.join('')}\nstderr:\n${fp.stderr}`, 5000);
}

test('200 through the stub backend: httplog line, default local framing, PRI 134', async () => {
  const r = await httpGet(httpPort, '/');
  assert.equal(r.status, 200);
  const re = new RegExp(String.raw`^<134>${STAMP} haproxy\[${fp.pid}\]: 127\.0\.0\.1:\d+ \[${DATE}\] main app/app1 \d+/0/\d+/\d+/\d+ 200 \d+ - - ---- \d+/\d+/\d+/\d+/0 0/0 "GET / HTTP/1\.1"\n$`);
  await udpLine(re);
});

test('503 for a backend without usable server: <NOSRV>, SC--', async () => {
  const r = await httpGet(httpPort, '/static/x.css');
  assert.equal(r.status, 503);
  await udpLine(new RegExp(String.raw`^<134>${STAMP} haproxy\[\d+\]: 127\.0\.0\.1:\d+ \[${DATE}\] main static/<NOSRV> \d+/-1/-1/-1/\d+ 503 \d+ - - SC-- \d+/\d+/\d+/\d+/0 0/0 "GET /static/x\.css HTTP/1\.1"\n$`));
});

test('400 for garbage: <BADREQ>, PR--', async () => {
  const out = await rawExchange(httpPort, 'GARBAGE\r\n\r\n');
  assert.match(out, /^HTTP\/1\.[01] 400 /);
  await udpLine(new RegExp(String.raw`^<134>${STAMP} haproxy\[\d+\]: 127\.0\.0\.1:\d+ \[${DATE}\] main main/<NOSRV> -1/-1/-1/-1/\d+ 400 \d+ - - PR-- \d+/\d+/\d+/\d+/0 0/0 "<BADREQ>"\n$`));
});

test('tcplog for a mode tcp listen', async () => {
  const out = await rawExchange(tcpPort, 'GET / HTTP/1.0\r\n\r\n');
  assert.match(out, /^HTTP\/1\.[01] 200 /);
  await udpLine(new RegExp(String.raw`^<134>${STAMP} haproxy\[\d+\]: 127\.0\.0\.1:\d+ \[${DATE}\] tcpl tcpl/t1 \d+/\d+/\d+ \d+ -- \d+/\d+/\d+/\d+/0 0/0\n$`));
});

test('the unix datagram target receives the same lines with facility daemon (PRI 30)', async (t) => {
  if (!addon) { t.skip('native addon fulcrum-unix-dgram not built'); return; }
  await httpGet(httpPort, '/unix-check');
  const line = await pollUntil<string | undefined>(() => { drainUnix(); return unixMsgs.find((m) => m.includes('"GET /unix-check HTTP/1.1"')); }, `unix line\n${unixMsgs.join('')}`, 5000);
  assert.match(line ?? "", new RegExp(String.raw`^<30>${STAMP} haproxy\[${fp.pid}\]: 127\.0\.0\.1:\d+ \[${DATE}\] main app/app1 .* 200 \d+ - - ---- .*"GET /unix-check HTTP/1\.1"\n$`));
});
