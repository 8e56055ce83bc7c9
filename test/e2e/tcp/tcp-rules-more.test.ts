/**
 * More tcp-request rules: track-sc0 in a stick table with a conn_cur limit, expect-proxy
 * layer4, connection rules on an HTTP frontend, and content rules in a backend.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePorts, startFulcrum, pollUntil, cliCommand, httpGet, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
const servers: net.Server[] = [];
let P: Record<string, number> = {};
const got: string[] = [];

before(async () => {
  const [track, proxy, http, bec, echo, http2, web, http3] = await freePorts(8);
  P = { track, proxy, http, bec, echo, http2, web, http3 };
  const w = (await import('node:http')).createServer((req, res) => res.end('ok'));
  await new Promise<void>((r) => w.listen(web, '127.0.0.1', r));
  servers.push(w as unknown as net.Server);
  const s = net.createServer((c) => { c.on('data', (d) => { got.push(d.toString()); c.write(`echo:${d}`); }); c.on('error', () => undefined); });
  await new Promise<void>((r) => s.listen(echo, '127.0.0.1', r));
  servers.push(s);
  fp = await startFulcrum(`
global
    stats socket {{DIR}}/admin.sock level admin
defaults
    mode tcp
    log stdout format raw local0
    option tcplog
    timeout connect 1s
    timeout client 10s
    timeout server 10s

frontend fe_track
    bind 127.0.0.1:${track}
    stick-table type ip size 1k expire 30s store conn_cur,conn_cnt
    tcp-request connection track-sc0 src
    tcp-request connection reject if { sc0_conn_cur gt 1 }
    default_backend be_echo

frontend fe_proxy
    bind 127.0.0.1:${proxy}
    tcp-request connection expect-proxy layer4 if { src 127.0.0.1 }
    default_backend be_echo

frontend fe_http
    mode http
    bind 127.0.0.1:${http}
    tcp-request connection reject if { src 127.0.0.1 }
    default_backend be_web

frontend fe_http2
    mode http
    option httplog
    bind 127.0.0.1:${http2}
    stick-table type ip size 1k expire 30s store http_req_cnt
    tcp-request content track-sc0 src
    tcp-request content reject if { hdr(host) -m str evil.example }
    http-request deny if { sc0_http_req_cnt gt 2 }
    default_backend be_web2

frontend fe_http3
    mode http
    bind 127.0.0.1:${http3}
    stick-table type ip size 1k expire 30s store http_req_cnt
    tcp-request connection track-sc0 src
    tcp-request session set-var(sess.tag) str(t1)
    http-request deny deny_status 429 if { sc0_http_req_cnt gt 2 }
    http-request return status 200 content-type text/plain lf-string "tag=%[var(sess.tag)]"

backend be_web2
    mode http
    server w 127.0.0.1:${web}

frontend fe_bec
    bind 127.0.0.1:${bec}
    default_backend be_inspect

backend be_inspect
    tcp-request inspect-delay 2s
    tcp-request content reject if { req.payload(0,3) -m str BAD }
    tcp-request content accept if { req.len ge 3 }
    server e 127.0.0.1:${echo}

backend be_echo
    server e 127.0.0.1:${echo}

backend be_web
    mode http
    server e 127.0.0.1:${echo}
`, { waitPort: bec });
});

after(async () => {
  await fp?.stop();
  for (const s of servers) s.close();
});

function open(port: number, first: string): Promise<{ sock: net.Socket; answer: Promise<string> }> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    let data = '';
    const answer = new Promise<string>((r) => {
      sock.on('data', (d) => { data += d; if (data.startsWith('echo:')) r(data); });
      sock.on('close', () => r(data));
    });
    sock.on('error', () => undefined);
    sock.on('connect', () => { sock.write(first); resolve({ sock, answer }); });
    // A rejected connection is closed with a RST: on a busy machine it can land before this
    // side saw 'connect' (ECONNRESET, then 'close' only), which used to leave the test
    // waiting forever. The answer is then '' (nothing was echoed).
    sock.on('close', () => resolve({ sock, answer }));
  });
}

test('track-sc0 src + sc0_conn_cur: a second concurrent connection is rejected, released on close', async () => {
  const a = await open(P.track, 'one');
  assert.equal(await a.answer, 'echo:one');
  const b = await open(P.track, 'two');
  assert.equal(await b.answer, '');
  a.sock.destroy();
  await pollUntil(async () => /conn_cur=0/.test(await cliCommand(`${fp.dir}/admin.sock`, 'show table fe_track')), 'conn_cur back to 0');
  const c = await open(P.track, 'three');
  assert.equal(await c.answer, 'echo:three');
  c.sock.destroy();
  assert.match(await cliCommand(`${fp.dir}/admin.sock`, 'show table fe_track'), /key=127\.0\.0\.1 .*conn_cnt=3/);
});

test('expect-proxy layer4: the PROXY header gives the logged client address', async () => {
  const a = await open(P.proxy, 'PROXY TCP4 192.0.2.7 198.51.100.1 4242 80\r\nhello');
  assert.equal(await a.answer, 'echo:hello');
  a.sock.destroy();
  await pollUntil(() => /^192\.0\.2\.7:4242 \[.*\] fe_proxy be_echo\/e /m.test(fp.stdout), `log line with the PROXY address\n${fp.stdout}`);
});

test('tcp-request connection applies to an HTTP frontend too', async () => {
  await assert.rejects(httpGet(P.http, '/'));
  const out = await cliCommand(`${fp.dir}/admin.sock`, 'show stat');
  const head = out.split('\n')[0].replace(/^# /, '').split(',');
  const row = out.split('\n').find((l) => l.startsWith('fe_http,FRONTEND,'))!.split(',');
  assert.equal(row[head.indexOf('dcon')], '1');
});

test('tcp-request content rules in a backend run after switching', async () => {
  const bad = await open(P.bec, 'BAD stuff');
  assert.equal(await bad.answer, '');
  const ok = await open(P.bec, 'good');
  assert.equal(await ok.answer, 'echo:good');
  ok.sock.destroy();
  await pollUntil(() => /fe_bec be_inspect\/<NOSRV> .* PR /.test(fp.stdout), `PR log line\n${fp.stdout}`);
});

test('HTTP frontend: tcp-request content track-sc0 feeds http-request rules; reject closes without a response', async () => {
  assert.equal((await httpGet(P.http2, '/')).status, 200);
  assert.equal((await httpGet(P.http2, '/')).status, 200);
  assert.equal((await httpGet(P.http2, '/')).status, 403);
  await assert.rejects(httpGet(P.http2, '/', { host: 'evil.example' }));
  await pollUntil(() => /fe_http2 fe_http2\/<NOSRV> .* -1 .* PR-- /.test(fp.stdout), `PR-- log line\n${fp.stdout}`);
});

test('HTTP frontend: sess vars and track-sc0 from tcp-request connection/session reach http-request rules', async () => {
  const a = await httpGet(P.http3, '/');
  assert.deepEqual([a.status, a.body], [200, 'tag=t1']);
  assert.equal((await httpGet(P.http3, '/')).status, 200);
  assert.equal((await httpGet(P.http3, '/')).status, 429);
});
