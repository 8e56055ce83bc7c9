/**
 * tcp-request connection / session / content rules, tcp-response content, SNI routing
 * without terminating TLS (a real node:tls ClientHello), timeout tunnel / client-fin, and
 * a 1 GiB transfer through `mode tcp` checked by sha256 on both sides
 * (FULCRUM_SKIP_1G=1 skips it).
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { freePorts, startFulcrum, pollUntil, cliCommand, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
const servers: net.Server[] = [];
/** First bytes each recording backend saw, by name. */
const seen: Record<string, Buffer[]> = { a: [], b: [], c: [] };
let P: Record<string, number> = {};

/** A plain TCP server recording the first chunk it gets, answering its name, then closing. */
async function recorder(name: string, port: number): Promise<void> {
  const s = net.createServer((c) => {
    let got = false;
    c.on('data', (d) => {
      if (got) return;
      got = true;
      seen[name].push(d);
      c.end(`${name}\n`);
    });
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
  servers.push(s);
}

before(async () => {
  const ports = await freePorts(14);
  const names = ['sni', 'rej', 'sess', 'cont', 'var', 'tun', 'fin', 'big', 'resp', 'a', 'b', 'c', 'silent', 'halfsrv', 'sink', 'respsrv'];
  P = Object.fromEntries(names.map((n, i) => [n, ports[i] ?? 0]));
  const more = await freePorts(6);
  P.silent = more[0]; P.halfsrv = more[1]; P.sink = more[2]; P.respsrv = more[3]; P.sfin = more[4]; P.openSrv = more[5];
  // Reads and never closes, even after the client's FIN.
  const open = net.createServer({ allowHalfOpen: true }, (c) => { c.on('error', () => undefined); c.resume(); });
  await new Promise<void>((r) => open.listen(P.openSrv, '127.0.0.1', r));
  servers.push(open);
  await recorder('a', P.a);
  await recorder('b', P.b);
  await recorder('c', P.c);
  // Accepts and never writes nor closes.
  const silent = net.createServer((c) => { c.on('error', () => undefined); c.resume(); });
  await new Promise<void>((r) => silent.listen(P.silent, '127.0.0.1', r));
  servers.push(silent);
  // Writes a line, then half-closes, and keeps its reading side open.
  const half = net.createServer({ allowHalfOpen: true }, (c) => { c.on('error', () => undefined); c.resume(); c.end('bye\n'); });
  await new Promise<void>((r) => half.listen(P.halfsrv, '127.0.0.1', r));
  servers.push(half);
  // Hashes everything it receives, answers the hex digest when the client half-closes.
  const sink = net.createServer({ allowHalfOpen: true }, (c) => {
    const h = createHash('sha256');
    c.on('data', (d) => h.update(d));
    c.on('end', () => c.end(h.digest('hex')));
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => sink.listen(P.sink, '127.0.0.1', r));
  servers.push(sink);
  // Answers "EVIL..." or "GOOD..." depending on what it is sent.
  const resp = net.createServer((c) => { c.on('data', (d) => c.write(d.toString().startsWith('evil') ? 'EVIL reply\n' : 'GOOD reply\n')); c.on('error', () => undefined); });
  await new Promise<void>((r) => resp.listen(P.respsrv, '127.0.0.1', r));
  servers.push(resp);

  fp = await startFulcrum(`
global
    stats socket {{DIR}}/admin.sock level admin
defaults
    mode tcp
    log stdout format raw local0
    option tcplog
    timeout connect 1s
    timeout client 20s
    timeout server 20s

frontend fe_sni
    bind 127.0.0.1:${P.sni}
    tcp-request inspect-delay 5s
    tcp-request content accept if { req_ssl_hello_type 1 }
    tcp-request content reject
    use_backend be_a if { req_ssl_sni -i a.example }
    use_backend be_b if { req.ssl_sni -m end .b.example }
    default_backend be_c

frontend fe_rej
    bind 127.0.0.1:${P.rej}
    tcp-request connection reject if { src 127.0.0.1 }
    default_backend be_a

frontend fe_sess
    bind 127.0.0.1:${P.sess}
    tcp-request session reject if { dst_port ${P.sess} }
    default_backend be_a

frontend fe_cont
    bind 127.0.0.1:${P.cont}
    tcp-request inspect-delay 5s
    tcp-request content reject if { req.payload(0,4) -m str EVIL }
    tcp-request content accept if { req.len ge 4 }
    default_backend be_b

frontend fe_var
    bind 127.0.0.1:${P.var}
    tcp-request connection set-var(sess.dest) str(c)
    tcp-request content set-var(txn.port) dst_port
    use_backend be_c if { var(sess.dest) -m str c } { var(txn.port) -m int ${P.var} }
    default_backend be_a

frontend fe_tun
    bind 127.0.0.1:${P.tun}
    default_backend be_silent

backend be_silent
    timeout tunnel 300ms
    server s 127.0.0.1:${P.silent}

frontend fe_fin
    bind 127.0.0.1:${P.fin}
    timeout client-fin 300ms
    option clitcpka
    default_backend be_half

backend be_half
    option srvtcpka
    server h 127.0.0.1:${P.halfsrv}

frontend fe_sfin
    bind 127.0.0.1:${P.sfin}
    default_backend be_open

backend be_open
    timeout server-fin 300ms
    server o 127.0.0.1:${P.openSrv}

frontend fe_big
    bind 127.0.0.1:${P.big}
    timeout client 60s
    default_backend be_sink

backend be_sink
    timeout server 60s
    server k 127.0.0.1:${P.sink}

frontend fe_resp
    bind 127.0.0.1:${P.resp}
    default_backend be_resp

backend be_resp
    tcp-response inspect-delay 2s
    tcp-response content reject if { res.payload(0,4) -m str EVIL }
    tcp-response content accept if { res.len gt 0 }
    server r 127.0.0.1:${P.respsrv}

backend be_a
    server a 127.0.0.1:${P.a}
backend be_b
    server b 127.0.0.1:${P.b}
backend be_c
    server c 127.0.0.1:${P.c}
`, { waitPort: P.sni });
});

after(async () => {
  await fp?.stop();
  for (const s of servers) s.close();
});

/** Sends `data`, half-closes, and resolves with everything received and how it ended. */
function exchange(port: number, data: Buffer | string, end = true): Promise<{ data: string; error?: string }> {
  return new Promise((resolve) => {
    const c = net.connect({ port, host: '127.0.0.1' });
    const parts: Buffer[] = [];
    let error: string | undefined;
    c.on('data', (d) => parts.push(d));
    c.on('error', (e: NodeJS.ErrnoException) => { error = e.code ?? e.message; });
    c.on('close', () => resolve({ data: Buffer.concat(parts).toString(), error }));
    c.setTimeout(10000, () => c.destroy());
    if (end) c.end(data); else c.write(data);
  });
}

/**
 * Opens a node:tls client with `servername` (a real ClientHello) and resolves with the name
 * of the recording backend that received it. The recorder answers in clear text, so the
 * handshake fails on the client side, which is expected: only the routing is looked at.
 */
async function tlsHello(servername: string): Promise<string> {
  const before = { a: seen.a.length, b: seen.b.length, c: seen.c.length };
  await new Promise<void>((resolve) => {
    const t = tls.connect({ port: P.sni, host: '127.0.0.1', servername, rejectUnauthorized: false });
    t.on('error', () => undefined);
    t.on('close', () => resolve());
    t.setTimeout(10000, () => t.destroy());
  });
  return pollUntil<string>(() => (['a', 'b', 'c'] as const).find((n) => seen[n].length > before[n]) ?? '', `a backend receiving the hello for ${servername}`);
}

async function stat(px: string, sv: string, col: string): Promise<string> {
  const out = await cliCommand(`${fp.dir}/admin.sock`, 'show stat');
  const lines = out.split('\n');
  const head = lines[0].replace(/^# /, '').split(',');
  const row = lines.find((l) => l.startsWith(`${px},${sv},`))?.split(',') ?? [];
  return row[head.indexOf(col)] ?? '';
}

test('SNI routing on a real TLS ClientHello without terminating TLS', async () => {
  assert.equal(await tlsHello('a.example'), 'a');
  assert.equal(await tlsHello('www.b.example'), 'b');
  assert.equal(await tlsHello('other.example'), 'c');
  // The backends saw the ClientHello itself: a TLS handshake record (0x16 0x03).
  for (const n of ['a', 'b', 'c']) {
    const first = seen[n][seen[n].length - 1];
    assert.equal(first[0], 0x16);
    assert.equal(first[1], 0x03);
    assert.equal(first[5], 0x01, 'handshake type ClientHello');
  }
  // Not TLS: rejected by the unconditional rule once the delay or the data decides.
  const r = await exchange(P.sni, 'GET / HTTP/1.0\r\n\r\n');
  assert.equal(r.data, '');
  await pollUntil(() => /fe_sni fe_sni\/<NOSRV> .* PR /.test(fp.stdout), 'PR-- log line for the rejected plain-text client');
});

test('tcp-request connection reject closes at once, counts dcon, logs nothing', async () => {
  const before = fp.stdout;
  const r = await exchange(P.rej, 'hello');
  assert.equal(r.data, '');
  assert.equal(await stat('fe_rej', 'FRONTEND', 'dcon'), '1');
  assert.equal(fp.stdout.slice(before.length).includes('fe_rej'), false);
});

test('tcp-request session reject counts dses', async () => {
  const r = await exchange(P.sess, 'hello');
  assert.equal(r.data, '');
  assert.equal(await stat('fe_sess', 'FRONTEND', 'dses'), '1');
});

test('tcp-request content with inspect-delay: reject on payload, accept as soon as enough arrived', async () => {
  const bad = await exchange(P.cont, 'EVIL payload');
  assert.equal(bad.data, '');
  assert.equal(await stat('fe_cont', 'FRONTEND', 'dreq'), '1');
  // Written in two pieces without closing: accepted once 4 bytes are there, well before 5 s.
  const good = await new Promise<string>((resolve) => {
    const c = net.connect({ port: P.cont, host: '127.0.0.1' });
    let got = '';
    c.on('data', (d) => { got += d; });
    c.on('close', () => resolve(got));
    c.on('error', () => undefined);
    c.write('GO');
    setTimeout(() => c.write('OD data'), 50);
  });
  assert.equal(good, 'b\n');
  assert.equal(seen.b[seen.b.length - 1].toString(), 'GOOD data');
});

test('set-var in connection and content rules drives use_backend', async () => {
  const r = await exchange(P.var, 'x');
  assert.equal(r.data, 'c\n');
});

test('tcp-response content: reject on the server answer, accept otherwise', async () => {
  const ok = await new Promise<string>((resolve) => {
    const c = net.connect({ port: P.resp, host: '127.0.0.1' });
    c.on('data', (d) => { resolve(d.toString()); c.destroy(); });
    c.on('error', () => undefined);
    c.write('good');
  });
  assert.equal(ok, 'GOOD reply\n');
  const bad = await exchange(P.resp, 'evil', false);
  assert.equal(bad.data, '');
  await pollUntil(() => /fe_resp be_resp\/r .* PD /.test(fp.stdout), 'PD-- log line');
});

test('timeout tunnel overrides timeout client/server once connected', async () => {
  const r = await exchange(P.tun, 'ping', false);
  assert.equal(r.data, '');
  await pollUntil(() => /fe_tun be_silent\/s .* [cs]D /.test(fp.stdout), 'tunnel timeout log line');
});

test('timeout client-fin closes a client that never closes after the server did', async () => {
  const r = await new Promise<{ data: string }>((resolve) => {
    const c = net.connect({ port: P.fin, host: '127.0.0.1', allowHalfOpen: true });
    let got = '';
    c.on('data', (d) => { got += d; });
    c.on('error', () => undefined);
    // The client never closes: only Fulcrum's client-fin timeout ends the stream.
    c.on('end', () => resolve({ data: got }));
    c.write('hi');
    setTimeout(() => c.destroy(), 10000).unref();
  });
  assert.equal(r.data, 'bye\n');
  await pollUntil(() => /fe_fin be_half\/h .* cD /.test(fp.stdout), 'client-fin timeout log line');
});

test('timeout server-fin closes a server that never closes after the client did', async () => {
  await new Promise<void>((resolve) => {
    const c = net.connect({ port: P.sfin, host: '127.0.0.1', allowHalfOpen: true });
    c.on('error', () => undefined);
    c.on('close', () => resolve());
    c.on('end', () => c.end());
    c.resume();
    c.end('bye');
    setTimeout(() => c.destroy(), 10000).unref();
  });
  await pollUntil(() => /fe_sfin be_open\/o .* sD /.test(fp.stdout), `server-fin timeout log line\n${fp.stdout}`);
});

test('1 GiB through mode tcp arrives intact (sha256 both sides)', { skip: process.env.FULCRUM_SKIP_1G ? 'FULCRUM_SKIP_1G set' : false, timeout: 180000 }, async () => {
  const total = 1024 * 1024 * 1024;
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) & 0xff;
  const h = createHash('sha256');
  const start = process.hrtime.bigint();
  const digest = await new Promise<string>((resolve, reject) => {
    const c = net.connect({ port: P.big, host: '127.0.0.1', allowHalfOpen: true });
    let got = '';
    let sent = 0;
    c.on('data', (d) => { got += d; });
    c.on('end', () => resolve(got));
    c.on('error', reject);
    const pump = (): void => {
      while (sent < total) {
        // Vary each MiB so a dropped or reordered chunk changes the digest.
        const b = Buffer.from(chunk);
        b.writeUInt32BE(sent / chunk.length, 0);
        h.update(b);
        sent += b.length;
        if (!c.write(b)) { c.once('drain', pump); return; }
      }
      c.end();
    };
    pump();
  });
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`# 1 GiB through mode tcp: ${(1024 / secs).toFixed(0)} MB/s (${secs.toFixed(1)} s)\n`);
  assert.equal(digest, h.digest('hex'));
});
