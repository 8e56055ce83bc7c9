/**
 * Same config and clients through haproxy 2.6 and Fulcrum: tcp-request connection/session/
 * content rules, SNI routing on a real ClientHello, tcp-response content. Compared: the
 * tcplog lines (frontend, backend/server, bytes, termination state; client port, date and
 * timers removed) and the dcon/dses/dreq/dresp counters of `show stat`. Skipped without
 * /usr/sbin/haproxy.
 */

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, startFulcrum, pollUntil, cliCommand, canConnectPath, tempDir } from '../harness';

const HAPROXY = '/usr/sbin/haproxy';
const skip = existsSync(HAPROXY) ? false : 'haproxy not installed';
const servers: net.Server[] = [];
after(() => { for (const s of servers) s.close(); });

function config(p: Record<string, number>, dir: string): string {
  return `
global
    stats socket ${dir}/admin.sock level admin
defaults
    mode tcp
    log stdout format raw local0
    option tcplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe_sni
    bind 127.0.0.1:${p.sni}
    tcp-request inspect-delay 3s
    tcp-request content accept if { req_ssl_hello_type 1 }
    tcp-request content reject
    use_backend be_a if { req_ssl_sni -i a.example }
    default_backend be_b
frontend fe_conn
    bind 127.0.0.1:${p.conn}
    tcp-request connection reject if { src 127.0.0.1 }
    default_backend be_a
frontend fe_sess
    bind 127.0.0.1:${p.sess}
    tcp-request session reject
    default_backend be_a
frontend fe_cont
    bind 127.0.0.1:${p.cont}
    tcp-request inspect-delay 3s
    tcp-request content reject if { req.payload(0,4) -m str EVIL }
    tcp-request content accept if { req.len ge 4 }
    default_backend be_b
frontend fe_resp
    bind 127.0.0.1:${p.resp}
    default_backend be_resp
backend be_resp
    tcp-response inspect-delay 2s
    tcp-response content reject if { res.payload(0,4) -m str EVIL }
    tcp-response content accept if { res.len gt 0 }
    server r 127.0.0.1:${p.srvr}
backend be_a
    server a 127.0.0.1:${p.srva}
backend be_b
    server b 127.0.0.1:${p.srvb}
`;
}

/** Connects, writes, waits for the close; returns what came back. */
function exchange(port: number, data: string): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect({ port, host: '127.0.0.1' });
    let got = '';
    c.on('data', (d) => { got += d; });
    c.on('error', () => undefined);
    c.on('close', () => resolve(got));
    c.write(data);
    c.setTimeout(8000, () => c.destroy());
  });
}

function hello(port: number, servername: string): Promise<void> {
  return new Promise((resolve) => {
    const t = tls.connect({ port, host: '127.0.0.1', servername, rejectUnauthorized: false });
    t.on('error', () => undefined);
    t.on('close', () => resolve());
    t.setTimeout(8000, () => t.destroy());
  });
}

/** Runs the scenario; returns normalized log lines and counters. */
async function scenario(p: Record<string, number>, out: () => string, sock: string): Promise<{ logs: string[]; counters: string[]; answers: string[] }> {
  const answers: string[] = [];
  await hello(p.sni, 'a.example');
  await hello(p.sni, 'z.example');
  answers.push(await exchange(p.sni, 'PLAIN TEXT\r\n'));
  answers.push(await exchange(p.conn, 'x'));
  answers.push(await exchange(p.sess, 'x'));
  answers.push(await exchange(p.cont, 'EVIL'));
  answers.push(await exchange(p.cont, 'GOOD'));
  answers.push(await exchange(p.resp, 'good'));
  answers.push(await exchange(p.resp, 'evil'));
  await pollUntil(() => out().split('\n').filter((l) => l.includes(' fe_')).length >= 7, `7 log lines\n${out()}`, 8000);
  const logs = out().split('\n').filter((l) => /^\S+:\d+ \[/.test(l))
    // client:port [date] fe be/srv Tw/Tc/Tt bytes ts ac/fc/bc/sc/rc sq/bq -> fe be/srv bytes ts
    .map((l) => { const f = l.split(' '); return `${f[2]} ${f[3]} ${f[5]} ${f[6]}`; }).sort();
  const csv = await cliCommand(sock, 'show stat');
  const head = csv.split('\n')[0].replace(/^# /, '').split(',');
  const counters = csv.split('\n').filter((l) => /^(fe_\w+,FRONTEND|be_resp,BACKEND),/.test(l)).map((l) => {
    const r = l.split(',');
    return `${r[0]} dcon=${r[head.indexOf('dcon')]} dses=${r[head.indexOf('dses')]} dreq=${r[head.indexOf('dreq')]} dresp=${r[head.indexOf('dresp')]}`;
  }).sort();
  return { logs, counters, answers };
}

async function backends(p: Record<string, number>): Promise<void> {
  for (const [port, name] of [[p.srva, 'A'], [p.srvb, 'B']] as const) {
    const s = net.createServer((c) => { c.once('data', () => c.end(`${name}\n`)); c.on('error', () => undefined); });
    await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
    servers.push(s);
  }
  const r = net.createServer((c) => { c.on('data', (d) => c.end(d.toString().startsWith('evil') ? 'EVIL reply\n' : 'GOOD reply\n')); c.on('error', () => undefined); });
  await new Promise<void>((res) => r.listen(p.srvr, '127.0.0.1', res));
  servers.push(r);
}

test('tcp rules: haproxy 2.6 and Fulcrum log, count and answer alike', { skip, timeout: 90_000 }, async () => {
  const names = ['sni', 'conn', 'sess', 'cont', 'resp', 'srva', 'srvb', 'srvr'];
  const hp = Object.fromEntries(names.map((n, i) => [n, 0 + i])) as Record<string, number>;
  const ports = await freePorts(16);
  names.forEach((n, i) => { hp[n] = ports[i]; });
  const fpPorts = Object.fromEntries(names.map((n, i) => [n, ports[8 + i]])) as Record<string, number>;
  await backends(hp);
  await backends(fpPorts);

  const hdir = tempDir();
  writeFileSync(join(hdir, 'h.cfg'), config(hp, hdir));
  let hout = '';
  const h: ChildProcess = spawn(HAPROXY, ['-db', '-f', join(hdir, 'h.cfg')], { stdio: ['ignore', 'pipe', 'pipe'] });
  h.stdout!.on('data', (d) => { hout += d; });
  let hres;
  try {
    await pollUntil(() => canConnectPath(`${hdir}/admin.sock`), 'haproxy stats socket', 5000);
    hres = await scenario(hp, () => hout, `${hdir}/admin.sock`);
  } finally {
    if (h.pid && h.exitCode === null) process.kill(h.pid, 'SIGTERM');
    rmSync(hdir, { recursive: true, force: true });
  }

  const fdir = tempDir();
  const fp = await startFulcrum(config(fpPorts, fdir), { dir: fdir, waitSocket: `${fdir}/admin.sock` });
  let fres;
  try {
    fres = await scenario(fpPorts, () => fp.stdout, `${fdir}/admin.sock`);
  } finally { await fp.stop(); }

  assert.deepEqual(fres.answers, hres.answers);
  assert.deepEqual(fres.counters, hres.counters);
  assert.deepEqual(fres.logs, hres.logs);
});
