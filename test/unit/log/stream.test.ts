/**
 * logStream / sendAdminLog against real sinks: a UDP receiver and a unix datagram receiver
 * (the native addon bound in a temp dir) on this machine only.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../src/proxy/keywords';
import '../../../src/log/register';
import { parseString } from '../../../src/config/parser';
import { validateConfig } from '../../../src/config/validate';
import { Instance } from '../../../src/process/instance';
import { Proxy } from '../../../src/proxy/proxy';
import { logStream, sendAdminLog, droppedLogs, uniqueId, uniqueIdHeader } from '../../../src/log/index';
import { logRuntime, closeLogRuntime, type LogRuntime } from '../../../src/log/runtime';
import { loadUnixDgram } from '../../../src/log/sinks/unix-dgram';
import { pollUntil } from '../../e2e/harness/index';
import { ok200, noSrv503, tcpPg } from './fixtures';

const OK_LINE = '127.0.0.1:34520 [25/Nov/2026:18:56:47.466] main app/app1 0/0/0/14/14 200 185 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"';
const SENTINEL_IP = '198.51.100.77';
const HDR = /^<(\d+)>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ([^[]+)\[(\d+)\]: /;

let udp: dgram.Socket;
let udpPort = 0;
const udpMsgs: string[] = [];
let dir = '';
let unixFd = -1;
const unixMsgs: string[] = [];
const addon = loadUnixDgram();

before(async () => {
  udp = dgram.createSocket('udp4');
  udp.on('message', (m) => udpMsgs.push(m.toString()));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  udpPort = udp.address().port;
  dir = mkdtempSync(join(tmpdir(), 'fulcrum-log-unit-'));
  if (addon) unixFd = addon.bind(join(dir, 'log.sock'));
});

after(() => {
  udp.close();
  if (addon && unixFd >= 0) addon.close(unixFd);
  rmSync(dir, { recursive: true, force: true });
});

function drainUnix(): void {
  if (!addon || unixFd < 0) return;
  for (let i = 0; i < 1000; i++) {
    const b = addon.recv(unixFd);
    if (!(b instanceof Buffer)) return;
    unixMsgs.push(b.toString());
  }
}

/** Sends a sentinel through the same path and waits for it: everything sent before has arrived. */
async function settle(inst: Instance, fe: Proxy): Promise<string[]> {
  // An error stream (status 500) at emerg passes dontlog-normal and level filters; the
  // client address marks it in every format, the legacy one included.
  const r = ok200();
  Object.assign(r, { clientIp: SENTINEL_IP, status: 500, logLevel: 'emerg' });
  logStream(inst, fe, r);
  await pollUntil(() => udpMsgs.some((m) => m.includes(SENTINEL_IP)), 'sentinel', 3000, 10);
  const out = udpMsgs.splice(0).filter((m) => !m.includes(SENTINEL_IP));
  return out;
}

function build(cfgText: string): { inst: Instance; px: (name: string) => Proxy; errs: string[] } {
  const r = parseString(cfgText.replaceAll('{{UDP}}', String(udpPort)).replaceAll('{{DIR}}', dir), 'u.cfg');
  validateConfig(r.config, r.diagnostics);
  assert.equal(r.diagnostics.errorCount, 0, JSON.stringify(r.diagnostics.items));
  const inst = new Instance(r.config, { foreground: true, quiet: false, debug: false, localPeer: '', configFiles: [] } as never);
  r.config.proxies.forEach((c, i) => inst.proxies.push(new Proxy(c, i + 2)));
  const errs: string[] = [];
  const rt: LogRuntime = logRuntime(inst);
  rt.printErr = (label, msg) => errs.push(`${label}: ${msg}`);
  return { inst, px: (n) => inst.findProxy(n)!, errs };
}

test('httplog line goes to UDP and /dev/log-style unix socket in the default local format', async (t) => {
  if (!addon) t.diagnostic('native addon not built: unix part skipped');
  const { inst, px } = build(`global\n  log 127.0.0.1:{{UDP}} local2\n${addon ? '  log {{DIR}}/log.sock daemon\n' : ''}defaults\n  mode http\n  log global\n  option httplog\nfrontend main\n  bind :1\n`);
  logStream(inst, px('main'), ok200());
  await pollUntil(() => udpMsgs.length > 0, "udp log line");
  const got = udpMsgs.splice(0);
  assert.equal(got.length, 1);
  const m = HDR.exec(got[0])!;
  assert.ok(m, got[0]);
  assert.equal(m[1], '150');
  assert.equal(m[2], 'haproxy');
  assert.equal(Number(m[3]), process.pid);
  assert.equal(got[0].slice(m[0].length), OK_LINE + '\n');
  if (addon) {
    await pollUntil(() => { drainUnix(); return unixMsgs.length > 0; }, 'unix log line');
    const u = unixMsgs.splice(0);
    assert.equal(u.length, 1);
    assert.ok(u[0].startsWith('<30>'), u[0]);
    assert.ok(u[0].endsWith(`haproxy[${process.pid}]: ${OK_LINE}\n`), u[0]);
  }
  closeLogRuntime(inst);
});

test('dontlognull, dontlog-normal, log-separate-errors, set-log-level, no log', async () => {
  const { inst, px } = build(`global\n  log 127.0.0.1:{{UDP}} local0\ndefaults\n  mode http\n  log global\n  option httplog\nfrontend a\n  bind :1\n  option dontlognull\nfrontend b\n  bind :2\n  option dontlog-normal\n  option log-separate-errors\nfrontend c\n  bind :3\n  no log\nfrontend d\n  bind :4\n`);
  // dontlognull: no bytes and no request -> nothing; a request -> logged.
  const empty = ok200();
  Object.assign(empty, { bytesIn: 0, method: '', requestLine: '<BADREQ>', status: 400, termCause: 'C', termPhase: 'R' });
  logStream(inst, px('a'), empty);
  logStream(inst, px('a'), ok200());
  let got = await settle(inst, px('a'));
  assert.equal(got.length, 1);
  assert.ok(got[0].startsWith('<134>') && got[0].includes('"GET / HTTP/1.1"'), got[0]);
  // dontlog-normal drops the 200, keeps the 503 (an error) at level err with log-separate-errors.
  logStream(inst, px('b'), ok200());
  logStream(inst, px('b'), noSrv503());
  got = await settle(inst, px('b'));
  assert.equal(got.length, 1);
  assert.ok(got[0].startsWith('<131>') && got[0].includes(' 503 '), got[0]);
  // no log: nothing at all.
  logStream(inst, px('c'), ok200());
  got = await settle(inst, px('d'));
  assert.equal(got.length, 0);
  // set-log-level: silent drops, err changes the PRI.
  const silent = ok200();
  silent.logLevel = 'silent';
  const errLvl = ok200();
  errLvl.logLevel = 'err';
  logStream(inst, px('d'), silent);
  logStream(inst, px('d'), errLvl);
  got = await settle(inst, px('d'));
  assert.equal(got.length, 1);
  assert.ok(got[0].startsWith('<131>'), got[0]);
  closeLogRuntime(inst);
});

test('per-logger level filter, minimum level, log-tag, tcplog, legacy format', async () => {
  const { inst, px } = build(`global\n  log 127.0.0.1:{{UDP}} local0 info notice\n  log-tag gtag\ndefaults\n  mode tcp\n  log global\nlisten pg\n  bind :1\n  option tcplog\n  log-tag pgtag\nfrontend legacy\n  bind :2\n`);
  logStream(inst, px('pg'), tcpPg());
  let got = await settle(inst, px('pg'));
  assert.equal(got.length, 1);
  assert.match(got[0], /^<134>... .. ..:..:.. pgtag\[\d+\]: 127\.0\.0\.1:33714 \[25\/Nov\/2026:18:57:11\.839\] pg pg\/pg1 1\/0\/201 9 -- 1\/1\/0\/0\/0 0\/0\n$/);
  const r = tcpPg();
  Object.assign(r, { clientPort: 60006, frontendIp: '127.0.0.1', frontendPort: 46582 });
  logStream(inst, px('legacy'), r);
  got = await settle(inst, px('legacy'));
  assert.match(got[0], /gtag\[\d+\]: Connect from 127\.0\.0\.1:60006 to 127\.0\.0\.1:46582 \(legacy\/TCP\)\n$/);
  // debug is above the logger's max level (info): dropped. emerg is raised to notice (minlevel).
  const dbg = tcpPg();
  dbg.logLevel = 'debug';
  logStream(inst, px('pg'), dbg);
  sendAdminLog(inst, { severity: 'emerg', message: 'proxy pg has no server available!', proxy: 'pg' });
  got = await settle(inst, px('pg'));
  assert.deepEqual(got.map((m) => m.replace(/^(<\d+>).*?: /, '$1')), ['<133>proxy pg has no server available!\n']);
  closeLogRuntime(inst);
});

test('admin events: proxy loggers or global ones, stderr labels as HAProxy prints them', async () => {
  const { inst, px } = build(`global\n  log 127.0.0.1:{{UDP}} daemon\ndefaults\n  mode http\n  log global\nbackend app\n  server app1 127.0.0.1:1\n`);
  const written: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => { written.push(String(s)); return true; };
  try {
    sendAdminLog(inst, { severity: 'alert', message: 'Server app/app1 is DOWN, reason: Layer4 connection problem.', proxy: 'app' });
    sendAdminLog(inst, { severity: 'emerg', message: 'backend app has no server available!', proxy: 'app', stderr: { label: 'alert', message: "backend 'app' has no server available!" } });
    sendAdminLog(inst, { severity: 'notice', message: 'Health check for server app/app1 failed', proxy: 'app', stderr: false });
    sendAdminLog(inst, { severity: 'warning', message: 'Proxy x stopped.' });
  } finally {
    (process.stderr as unknown as { write: typeof orig }).write = orig;
  }
  const got = await settle(inst, px('app'));
  assert.deepEqual(got.map((m) => m.replace(/^(<\d+>).*?: /, '$1')), [
    '<25>Server app/app1 is DOWN, reason: Layer4 connection problem.\n',
    '<24>backend app has no server available!\n',
    '<29>Health check for server app/app1 failed\n',
    '<28>Proxy x stopped.\n',
  ]);
  const pid = process.pid;
  assert.deepEqual(written, [
    `[WARNING]  (${pid}) : Server app/app1 is DOWN, reason: Layer4 connection problem.\n`,
    `[ALERT]    (${pid}) : backend 'app' has no server available!\n`,
    `[WARNING]  (${pid}) : Proxy x stopped.\n`,
  ]);
  closeLogRuntime(inst);
});

test('admin events about a proxy without log lines reach no syslog target (HAProxy send_log)', async () => {
  const { inst, px } = build(`global\n  log 127.0.0.1:{{UDP}} daemon\ndefaults\n  mode http\nbackend quiet\n  server a 127.0.0.1:1\nfrontend main\n  bind :1\n  log global\n`);
  inst.options.quiet = true;
  logRuntime(inst).eventsToStderr = false;
  sendAdminLog(inst, { severity: 'alert', message: 'Server quiet/a is DOWN.', proxy: 'quiet' });
  sendAdminLog(inst, { severity: 'warning', message: 'No proxy named.' });
  sendAdminLog(inst, { severity: 'warning', message: 'Unknown proxy.', proxy: 'nope' });
  const got = await settle(inst, px('main'));
  assert.deepEqual(got.map((m) => m.replace(/^(<\d+>).*?: /, '$1')), ['<28>No proxy named.\n', '<28>Unknown proxy.\n']);
  closeLogRuntime(inst);
});

test('a missing unix socket is reported once, not per message, and nothing throws', async (t) => {
  if (!addon) { t.skip('native addon not built'); return; }
  const { inst, px, errs } = build(`global\n  log 127.0.0.1:{{UDP}} local0\n  log {{DIR}}/missing.sock daemon\ndefaults\n  mode http\n  log global\n  option httplog\nfrontend main\n  bind :1\n`);
  for (let i = 0; i < 5; i++) logStream(inst, px('main'), ok200());
  const got = await settle(inst, px('main'));
  assert.equal(got.length, 5);
  assert.deepEqual(errs, ['alert: sendmsg()/writev() failed in logger #2: No such file or directory (errno=2)']);
  // Every lost message counts (show info DroppedLogs): 5 streams + the sentinel.
  assert.equal(droppedLogs(inst), 6);
  closeLogRuntime(inst);
});

test('unique-id-format: rendered once per transaction into %ID, header name exposed', async () => {
  const { inst, px } = build(`global\n  log 127.0.0.1:{{UDP}} local0\ndefaults\n  mode http\n  log global\nfrontend main\n  bind :1\n  unique-id-format %{+X}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid\n  unique-id-header X-Unique-ID\n  log-format "id=%ID %ci"\n`);
  const r = ok200();
  r.id = 3;
  r.acceptDate = 1795729410000;
  const hexPid = process.pid.toString(16).toUpperCase().padStart(4, '0');
  const expected = `7F000001:86D8_7F000001:1F90_6B08A802_0002:${hexPid}`;
  assert.equal(uniqueId(inst, px('main'), r), expected);
  assert.equal(r.uniqueId, expected);
  assert.equal(uniqueIdHeader(inst, px('main')), 'X-Unique-ID');
  logStream(inst, px('main'), r);
  // Computed at log time when the data plane did not ask for it.
  const late = ok200();
  late.id = 4;
  logStream(inst, px('main'), late);
  const got = await settle(inst, px('main'));
  assert.equal(got.length, 2);
  assert.ok(got[0].endsWith(`: id=${expected} 127.0.0.1\n`), got[0]);
  assert.match(got[1], /: id=7F000001:86D8_7F000001:1F90_[0-9A-F]{8}_0003:[0-9A-F]{4,} 127\.0\.0\.1\n$/);
  closeLogRuntime(inst);
});

test('logStream never throws, even on a broken record', () => {
  const { inst, px } = build(`global\n  log 127.0.0.1:{{UDP}} local0\ndefaults\n  mode http\n  log global\n  log-format "%ci %hr %[src]"\nfrontend main\n  bind :1\n`);
  const broken = ok200() as unknown as Record<string, unknown>;
  broken.capturedRequestHeaders = null;
  assert.doesNotThrow(() => logStream(inst, px('main'), broken as never));
  closeLogRuntime(inst);
});
