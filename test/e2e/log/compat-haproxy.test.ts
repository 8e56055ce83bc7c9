/**
 * Differential check against HAProxy 2.6 (skipped when /usr/sbin/haproxy is absent): the
 * same configuration and the same requests through haproxy and through bin/fulcrum, each
 * logging to its own UDP receiver; the syslog datagrams must match once the volatile parts
 * (pid, dates, ports, timer and byte values) are normalized. Digits become `N`, so `-1`
 * (not reached) still differs from a measured time.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePorts, startFulcrum, startHttpStub, httpGet, rawExchange, startSyslogUdp, pollUntil, tempDir, writeFile, canConnect, type FulcrumProcess } from '../harness';

const HAPROXY = '/usr/sbin/haproxy';
const skip = existsSync(HAPROXY) ? false : 'haproxy not installed';

type Syslog = Awaited<ReturnType<typeof startSyslogUdp>>;
interface Side { http: number; clf: number; legacy: number; https: number; tcp: number; vars: number; cap: number; syslog: Syslog }

let stub: Awaited<ReturnType<typeof startHttpStub>> | undefined;
let fp: FulcrumProcess | undefined;
let hp: ChildProcess | undefined;
let hpErr = '';
const sides: Side[] = [];

function config(s: Side, backendPort: number): string {
  return `
global
    log 127.0.0.1:${s.syslog.port} local0
defaults
    mode http
    log global
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend main
    bind 127.0.0.1:${s.http}
    option httplog
    use_backend static if { path_beg /static }
    default_backend app
frontend clf
    bind 127.0.0.1:${s.clf}
    option httplog clf
    default_backend app
frontend legacy
    bind 127.0.0.1:${s.legacy}
    default_backend app
frontend vars
    bind 127.0.0.1:${s.vars}
    http-request set-var(txn.who) str(alice)
    log-format "%{+Q}o %ci %[var(txn.who)] %{-Q}[var(txn.who),upper] %[fe_name] %[be_name] %[srv_name] %[method] %HPO %{+X}Ts %H %rt %ID %CC %hrl"
    default_backend app
frontend cap
    bind 127.0.0.1:${s.cap}
    capture request header Host len 20
    capture request header User-Agent len 10
    capture response header Content-Type len 20
    log-format "%[capture.req.hdr(0)] %[capture.res.hdr(0)] %[capture.req.method] %[capture.req.uri] %[capture.req.ver] %[capture.req.hdr(5)] %{+Q}[capture.req.hdr(1)] %hr %hs %{+Q}hrl %{+E}hr"
    default_backend app
frontend tls
    bind 127.0.0.1:${s.https}
    option httpslog
    default_backend app
backend static
    server s1 127.0.0.1:9 disabled
backend app
    server app1 127.0.0.1:${backendPort}
listen tcpl
    mode tcp
    option tcplog
    bind 127.0.0.1:${s.tcp}
    server t1 127.0.0.1:${backendPort}
`;
}

before(async () => {
  if (skip) return;
  stub = await startHttpStub('app1');
  for (let i = 0; i < 2; i++) {
    const [http, clf, legacy, https, tcp, vars, cap] = await freePorts(7);
    sides.push({ http, clf, legacy, https, tcp, vars, cap, syslog: await startSyslogUdp() });
  }
  const dir = tempDir();
  const hcfg = writeFile(dir, 'haproxy.cfg', config(sides[0], stub.port));
  hp = spawn(HAPROXY, ['-db', '-f', hcfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  hp.stderr!.on('data', (d) => { hpErr += d; });
  await pollUntil(() => canConnect(sides[0].http), `haproxy listening\n${hpErr}`, 8000);
  fp = await startFulcrum(config(sides[1], stub.port), { waitPort: sides[1].http });
});

after(async () => {
  if (hp?.pid !== undefined && hp.exitCode === null) process.kill(hp.pid, 'SIGKILL');
  await fp?.stop();
  for (const s of sides) s.syslog.close();
  await stub?.close();
});

/**
 * Normalizes the volatile parts of a datagram. An 8-digit upper-case hex word (`%{+X}Ts`,
 * the date in hex) becomes `XXXXXXXX` first: masking only its digits left its letters, so two
 * runs a second apart differed ('6B08B5FF' vs '6B08B600', seen in a full run).
 */
function norm(m: string): string {
  return m.replace(/\b[0-9A-F]{8}\b/g, 'XXXXXXXX').replace(/\d+/g, 'N').replace(/[A-Z][a-z]{2} [ N]N/g, 'Mmm dd').replace(/\/[A-Z][a-z]{2}\//g, '/Mon/');
}

/** Runs `act` against one side and returns the first new datagram containing `marker`. */
async function lineFor(s: Side, marker: string, act: (s: Side) => Promise<unknown>): Promise<string> {
  await act(s);
  const m = await pollUntil(() => s.syslog.messages.find((x) => x.includes(marker)), `line with ${marker}\n${s.syslog.messages.join('')}`, 5000);
  return m!;
}

async function compare(marker: string, act: (s: Side) => Promise<unknown>): Promise<void> {
  const h = await lineFor(sides[0], marker, act);
  const f = await lineFor(sides[1], marker, act);
  assert.equal(norm(f), norm(h), `fulcrum: ${JSON.stringify(f)}\nhaproxy: ${JSON.stringify(h)}`);
}

test('httplog 200 line matches haproxy', { skip }, () => compare('"GET /cmp-ok HTTP/1.1"', (s) => httpGet(s.http, '/cmp-ok')));
test('httplog 503 <NOSRV> line matches haproxy', { skip }, () => compare('/static/cmp.css', (s) => httpGet(s.http, '/static/cmp.css')));
test('httplog 400 <BADREQ> line matches haproxy', { skip }, () => compare(' PR-- ', (s) => rawExchange(s.http, 'GARBAGE\r\n\r\n')));
test('clf line matches haproxy', { skip }, () => compare('"GET /cmp-clf HTTP/1.1"', (s) => httpGet(s.clf, '/cmp-clf')));
test('httpslog line matches haproxy', { skip }, () => compare('"GET /cmp-s HTTP/1.1"', (s) => httpGet(s.https, '/cmp-s')));
test('legacy "Connect from" line matches haproxy', { skip }, () => compare('Connect from', (s) => httpGet(s.legacy, '/')));
test('custom format with variables, samples and +Q/+X matches haproxy', { skip }, () => compare('/cmp-vars', (s) => httpGet(s.vars, '/cmp-vars?q=1')));
test('captures (%hr %hs %hrl, capture.* fetches, #-encoding, truncation) match haproxy', { skip }, () => compare('/cmp-cap', (s) => httpGet(s.cap, '/cmp-cap', { 'User-Agent': 'a"b{c}|d]e\\f-long-agent' })));
test('tcplog line matches haproxy', { skip }, () => compare(' tcpl/t1 ', (s) => rawExchange(s.tcp, 'GET / HTTP/1.0\r\n\r\n')));
