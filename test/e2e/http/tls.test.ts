/**
 * TLS termination (`bind ... ssl crt DIR` with SNI certificate choice, ALPN, ssl_fc_sni
 * routing) and TLS to servers (`server ... ssl verify none|required ca-file`). Certificates are
 * made by the test with the openssl command.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import https from 'node:https';
import tls from 'node:tls';
import { freePorts, startFulcrum, startHttpStub, tempDir, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
let front: number;
let dir: string;
let backendTls: https.Server;
const stubs: Awaited<ReturnType<typeof startHttpStub>>[] = [];

function makeCert(name: string, out: string): void {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${out}.key`, '-out', `${out}.crt`, '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`], { stdio: 'ignore' });
  const pem = readFileSync(`${out}.crt`, 'utf8') + readFileSync(`${out}.key`, 'utf8');
  writeFileSync(out, pem);
}

before(async () => {
  dir = tempDir('fulcrum-tls-');
  mkdirSync(join(dir, 'certs'));
  makeCert('a.test', join(dir, 'certs', 'a.pem'));
  makeCert('b.test', join(dir, 'certs', 'b.pem'));
  makeCert('backend.test', join(dir, 'backend.pem'));
  // move companion files out of the certs dir so `crt DIR` sees only the PEMs
  for (const n of ['a', 'b']) for (const ext of ['key', 'crt']) renameSync(join(dir, 'certs', `${n}.pem.${ext}`), join(dir, `${n}.${ext}`));
  const [p0, p1, p2, p3] = await freePorts(4);
  front = p0;
  stubs.push(await startHttpStub('plainA', p1), await startHttpStub('plainB', p2));
  backendTls = https.createServer({ cert: readFileSync(join(dir, 'backend.pem.crt')), key: readFileSync(join(dir, 'backend.pem.key')) }, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`tls-backend sni=${(req.socket as tls.TLSSocket).servername} url=${req.url}`);
  });
  await new Promise<void>((r) => backendTls.listen(p3, '127.0.0.1', r));
  fp = await startFulcrum(`
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${front} ssl crt ${join(dir, 'certs')} alpn http/1.1
    use_backend b if { ssl_fc_sni -i b.test }
    use_backend tlsbe if { path_beg /tls }
    default_backend a
backend a
    server s 127.0.0.1:${p1}
backend b
    server s 127.0.0.1:${p2}
backend tlsbe
    server s 127.0.0.1:${p3} ssl verify required ca-file ${join(dir, 'backend.pem.crt')} sni str(backend.test)
`, { waitPort: front });
});

after(async () => {
  await fp?.stop();
  for (const s of stubs) await s.close();
  backendTls?.close();
});

function get(servername: string, path = '/'): Promise<{ body: string; cn: string; alpn: string | false | null }> {
  return new Promise((resolve, reject) => {
    const opts: https.RequestOptions & tls.ConnectionOptions = { host: '127.0.0.1', port: front, path, servername, rejectUnauthorized: false, agent: false, ALPNProtocols: ['http/1.1'] };
    const req = https.request(opts, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        const sock = res.socket as tls.TLSSocket;
        resolve({ body, cn: String(sock.getPeerCertificate().subject?.CN ?? ''), alpn: sock.alpnProtocol });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

test('SNI picks the certificate and ssl_fc_sni routes', async () => {
  const a = await get('a.test');
  assert.equal(a.cn, 'a.test');
  assert.match(a.body, /Server: plainA/);
  assert.equal(a.alpn, 'http/1.1');
  const b = await get('b.test');
  assert.equal(b.cn, 'b.test');
  assert.match(b.body, /Server: plainB/);
});

test('unknown SNI gets the first certificate of the directory', async () => {
  const r = await get('zzz.test');
  assert.equal(r.cn, 'a.test');
});

test('TLS to a server with verify required, ca-file and sni', async () => {
  const r = await get('a.test', '/tls/x');
  assert.equal(r.body, 'tls-backend sni=backend.test url=/tls/x');
});

test('a client that sends no SNI gets the first certificate (curl -k https://127.0.0.1/)', async () => {
  // tls.Server ignores a `secureContext` option: the default certificate must come from
  // `cert`/`key`, or a handshake without SNI fails with "handshake failure".
  const r = await get('');
  assert.equal(r.cn, 'a.test');
  assert.match(r.body, /Server: plainA/);
});
