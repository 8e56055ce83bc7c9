/**
 * Failed TLS handshakes on a `bind ... ssl crt` are logged as HAProxy 2.6.12 logs embryonic
 * sessions (observed on loopback): `src:port [date] fe/<bind name or index>: message`, with
 * `Connection closed during SSL handshake` for a client that closes first (hidden by
 * dontlognull) and `SSL handshake failure` for a bad handshake. A client FIN during the
 * handshake is seen at once (it used to wait for `timeout client`, then leave the socket in
 * CLOSE-WAIT), and a half-close after the handshake still gets its answer.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import { freePorts, pollUntil, startFulcrum, startHttpStub, tempDir, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
let named: number;
let second: number;
let stub: Awaited<ReturnType<typeof startHttpStub>>;

before(async () => {
  const dir = tempDir('fulcrum-tlshs-');
  const pem = join(dir, 'site.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${pem}.key`, '-out', `${pem}.crt`, '-days', '2', '-subj', '/CN=hs.test'], { stdio: 'ignore' });
  writeFileSync(pem, readFileSync(`${pem}.crt`, 'utf8') + readFileSync(`${pem}.key`, 'utf8'));
  const [p0, p1, p2] = await freePorts(3);
  named = p0;
  second = p1;
  stub = await startHttpStub('app', p2);
  fp = await startFulcrum(`
global
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 30s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${named} ssl crt ${pem} name mybind
    bind 127.0.0.1:${second} ssl crt ${pem}
    default_backend app
backend app
    server s 127.0.0.1:${p2}
`, { waitPort: second });
});

after(async () => {
  await fp?.stop();
  await stub?.close();
});

function plain(port: number, data: string): Promise<void> {
  return new Promise((res) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => { if (data) s.write(data); s.end(); });
    // Bounded: a server that never closes its side must fail the test, not hang it.
    const t = setTimeout(() => { s.destroy(); res(); }, 2000);
    s.on('error', () => { clearTimeout(t); res(); });
    s.on('close', () => { clearTimeout(t); res(); });
    s.resume();
  });
}

test('a client closing during the handshake is logged at once, under the bind name or index', async () => {
  await plain(named, '');
  await plain(second, 'x');
  // timeout client is 30 s: the lines must not wait for the handshake timeout.
  await pollUntil(() => /\] fe\/mybind: Connection closed during SSL handshake\n/.test(fp.stdout), `mybind line\n${fp.stdout}`, 3000);
  await pollUntil(() => /\] fe\/2: Connection closed during SSL handshake\n/.test(fp.stdout), `fe/2 line\n${fp.stdout}`, 3000);
  assert.match(fp.stdout, /^127\.0\.0\.1:\d+ \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] fe\/mybind: /m);
});

test('plain HTTP on a TLS bind is an SSL handshake failure', async () => {
  await plain(second, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  await pollUntil(() => /\] fe\/2: SSL handshake failure\n/.test(fp.stdout), `failure line\n${fp.stdout}`, 3000);
});

test('half-close after the handshake still gets the response', async () => {
  const body = await new Promise<string>((res, rej) => {
    const s = tls.connect({ port: named, host: '127.0.0.1', rejectUnauthorized: false }, () => {
      s.write('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
      s.end();
    });
    let d = '';
    s.on('data', (c) => { d += c; });
    s.on('close', () => res(d));
    s.on('error', rej);
  });
  assert.match(body, /^HTTP\/1\.1 200 /);
  assert.match(body, /Server: app/);
});
