/**
 * The stock HAProxy example (examples/haproxy.cfg) end to end. The file is loaded as
 * written except for what a test must change to run unprivileged on free ports: listen and
 * server ports, the stats socket path, the log target (a UDP receiver), and the
 * daemon/chroot/user/group lines. Everything else (ACLs, defaults, timeouts, checks) is the
 * stock text.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import { ROOT, freePorts, startFulcrum, startHttpStub, startSyslogUdp, pollUntil, cliCommand, type FulcrumProcess } from '../harness';

type Stub = Awaited<ReturnType<typeof startHttpStub>>;

let fp: FulcrumProcess;
let ports: number[];
const stubs = new Map<string, Stub>();
let syslog: Awaited<ReturnType<typeof startSyslogUdp>>;
const names = ['static', 'app1', 'app2', 'app3', 'app4'];

function stockConfig(front: number, backendPorts: Record<string, number>, logPort: number): string {
  let cfg = readFileSync(join(ROOT, 'examples', 'haproxy.cfg'), 'utf8');
  cfg = cfg.replace(/^\s*(chroot|user|group|daemon|pidfile)\b.*$/gm, '');
  cfg = cfg.replace('log         /dev/log daemon', `log         127.0.0.1:${logPort} daemon`);
  cfg = cfg.replace('stats socket /var/lib/haproxy/stats', 'stats socket {{DIR}}/stats level admin');
  cfg = cfg.replace('bind *:5000', `bind 127.0.0.1:${front}`);
  cfg = cfg.replace('127.0.0.1:4331', `127.0.0.1:${backendPorts.static}`);
  for (let i = 1; i <= 4; i++) cfg = cfg.replace(`127.0.0.1:500${i}`, `127.0.0.1:${backendPorts[`app${i}`]}`);
  return cfg;
}

/** GET through Fulcrum on a fresh connection, returning the status and which server answered. */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port: ports[0], path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    r.setTimeout(15000, () => r.destroy(new Error('timeout')));
    r.on('error', reject);
    r.end();
  });
}

function servedBy(body: string): string {
  return /Server: (\w+)/.exec(body)?.[1] ?? `?${body}`;
}

before(async () => {
  ports = await freePorts(6);
  syslog = await startSyslogUdp();
  const bp: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) {
    bp[names[i]] = ports[i + 1];
    stubs.set(names[i], await startHttpStub(names[i], ports[i + 1]));
  }
  fp = await startFulcrum(stockConfig(ports[0], bp, syslog.port), { waitPort: ports[0] });
});

after(async () => {
  await fp?.stop();
  for (const s of stubs.values()) await s.close().catch(() => undefined);
  syslog?.close();
});

test('round robin over app1..app4 for the default backend', async () => {
  const seen: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await get('/');
    assert.equal(r.status, 200);
    seen.push(servedBy(r.body));
  }
  // The first server of the cycle depends on nothing but the balancer: HAProxy starts at app1.
  assert.deepEqual(seen, ['app1', 'app2', 'app3', 'app4', 'app1']);
});

test('url_static ACLs send /static, /images, *.css, *.js ... to the static backend', async () => {
  for (const p of ['/static/a.css', '/images/logo.png', '/javascript/x', '/stylesheets/y', '/A.JPG', '/x.gif', '/app.js', '/STATIC/q']) {
    const r = await get(p);
    assert.equal(servedBy(r.body), 'static', p);
  }
  for (const p of ['/', '/a.jsx', '/css', '/x/static']) {
    const r = await get(p);
    assert.notEqual(servedBy(r.body), 'static', p);
  }
});

test('option http-server-close and forwardfor except 127.0.0.0/8 shape the request the server sees', async () => {
  const app = stubs.get('app1')!;
  const before = app.requests.length;
  // Two requests: one of them lands on app1 at most every 4 requests, so send 4.
  for (let i = 0; i < 4; i++) await get('/hdr-check', { 'X-Test': 'yes' });
  const seen = app.requests.slice(before);
  assert.ok(seen.length >= 1);
  const r = seen[seen.length - 1];
  assert.equal(r.headers['connection'], 'close');
  assert.equal(r.headers['x-forwarded-for'], undefined, 'loopback clients are excepted');
  assert.equal(r.headers['x-test'], 'yes');
});

test('httplog lines reach syslog in HAProxy format', async () => {
  await get('/log-check');
  const line = (await pollUntil(() => syslog.messages.find((m) => m.includes('"GET /log-check HTTP/1.1"')), 'httplog line', 5000)) as string;
  // <30> = daemon.info; local format: no hostname; tag[pid].
  assert.match(line, /^<30>\w{3} [ \d]\d \d\d:\d\d:\d\d haproxy\[\d+\]: 127\.0\.0\.1:\d+ \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] main app\/app\d \d+\/\d+\/\d+\/\d+\/\d+ 200 \d+ - - ---- \d+\/\d+\/\d+\/\d+\/\d+ 0\/0 "GET \/log-check HTTP\/1\.1"\n?$/);
});

test('stats socket answers show info and show stat', async () => {
  const sock = join(fp.dir, 'stats');
  const info = await cliCommand(sock, 'show info');
  assert.match(info, /^Name: /m);
  assert.match(info, new RegExp(`^Pid: ${fp.pid}$`, 'm'));
  const stat = await cliCommand(sock, 'show stat');
  assert.match(stat, /^# pxname,svname,qcur,/);
  assert.match(stat, /^app,app1,.*,UP( \d\/\d)?,/m);
  assert.match(stat, /^main,FRONTEND,.*,OPEN,/m);
});

test('stopping two app servers marks them DOWN with HAProxy lines, clients see no error, a restart brings one UP', async () => {
  const app2 = stubs.get('app2')!;
  const app3 = stubs.get('app3')!;
  await app2.close();
  await app3.close();
  // While checks notice (fall 3 x inter 2s), retries + redispatch hide the dead servers.
  const statuses: number[] = [];
  const deadline = Date.now() + 20000;
  const downRe = (n: string) => new RegExp(`Server app/${n} is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: \\d+ms\\. \\d active and 0 backup servers left\\. \\d+ sessions active, 0 requeued, 0 remaining in queue\\.`);
  while (Date.now() < deadline && !(downRe('app2').test(fp.stderr) && downRe('app3').test(fp.stderr))) {
    statuses.push((await get('/')).status);
  }
  assert.match(fp.stderr, downRe('app2'));
  assert.match(fp.stderr, downRe('app3'));
  assert.ok(statuses.length > 0);
  assert.deepEqual([...new Set(statuses)], [200], 'no client error while servers go down');
  // After DOWN, traffic goes to app1 and app4 only.
  const after: string[] = [];
  for (let i = 0; i < 4; i++) after.push(servedBy((await get('/')).body));
  assert.deepEqual([...new Set(after)].sort(), ['app1', 'app4']);
  // Bring app2 back: UP after rise (2) successful checks.
  stubs.set('app2', await startHttpStub('app2', ports[3]));
  await fp.waitForOutput(/Server app\/app2 is UP, reason: Layer4 check passed, check duration: \d+ms\. 3 active and 0 backup servers online\. 0 sessions requeued, 0 total in queue\./, 15000);
});
