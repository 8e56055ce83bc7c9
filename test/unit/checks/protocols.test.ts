/**
 * Protocol checks against small in-process servers: redis, mysql greeting/auth, smtp banner,
 * ldap bind response, ssl-hello (a node:tls server) and check-ssl.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseString } from '../../../src/config/parser';
import { compileProxyChecks } from '../../../src/checks/config';
import { runRuleset } from '../../../src/checks/rules';
import { LDAP_BIND_REQUEST_HEX } from '../../../src/checks/ldap';
import { scripted, replyWhen, target } from './helpers';

function rs(opt: string) {
  const { config } = parseString(`backend b\n    ${opt}\n    server s 127.0.0.1:1 check\n`);
  return compileProxyChecks(config.proxies[0]);
}

test('redis-check: PING -> +PONG is L7OK "Redis server is ok"; an error is L7STS with the reply line', async () => {
  const ok = await scripted(replyWhen((rx) => rx.includes('PING\r\n'), '+PONG\r\n'));
  const o = await runRuleset(rs('option redis-check'), target(ok.port));
  assert.equal(ok.received[0].toString(), '*1\r\n$4\r\nPING\r\n');
  assert.deepEqual([o.status, o.info, o.code], ['L7OK', 'Redis server is ok', 0]);
  await ok.close();
  const bad = await scripted(replyWhen((rx) => rx.includes('PING\r\n'), '-NOAUTH Authentication required.\r\n', true));
  const o2 = await runRuleset(rs('option redis-check'), target(bad.port));
  assert.deepEqual([o2.status, o2.info], ['L7STS', '-NOAUTH Authentication required.']);
  await bad.close();
});

function mysqlPacket(seq: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([payload.length & 0xff, (payload.length >> 8) & 0xff, 0, seq]), payload]);
}
const greeting = mysqlPacket(0, Buffer.concat([Buffer.from([10]), Buffer.from('8.0.36\0', 'latin1'), Buffer.alloc(20, 1)]));

test('mysql-check: greeting only -> L7OK with the version; error packet -> L7STS with message and code', async () => {
  const srv = await scripted((sock) => sock.write(greeting));
  const o = await runRuleset(rs('option mysql-check'), target(srv.port));
  assert.deepEqual([o.status, o.info], ['L7OK', '8.0.36']);
  await srv.close();
  const err = mysqlPacket(0, Buffer.concat([Buffer.from([0xff, 0x6a, 0x04]), Buffer.from("Host '1.2.3.4' is not allowed", 'latin1')]));
  const srv2 = await scripted((sock) => sock.end(err));
  const o2 = await runRuleset(rs('option mysql-check'), target(srv2.port));
  assert.deepEqual([o2.status, o2.code, o2.info], ['L7STS', 1130, "Host '1.2.3.4' is not allowed"]);
  await srv2.close();
});

test('mysql-check user U post-41: auth packet carries the user, OK packet passes, then QUIT', async () => {
  const srv = await scripted((sock, rx) => {
    sock.write(greeting);
    let answered = false;
    sock.on('data', () => {
      if (!answered && rx().length >= 4) { answered = true; sock.write(mysqlPacket(2, Buffer.from([0, 0, 0, 2, 0, 0, 0]))); }
    });
  });
  const o = await runRuleset(rs('option mysql-check user haproxy post-41'), target(srv.port));
  assert.equal(o.status, 'L7OK', o.info);
  assert.ok(srv.received[0].includes(Buffer.from('haproxy\0')));
  await srv.close();
});

test('smtpchk: banner + HELO -> L7OK with code 250 and the reply text; 5xx banner -> L7STS', async () => {
  const srv = await scripted((sock, rx) => {
    sock.write('220 mx.example.org ESMTP\r\n');
    sock.on('data', () => { if (rx().toString().endsWith('\r\n') && rx().toString().startsWith('HELO')) sock.write('250 mx.example.org hello\r\n'); });
  });
  const o = await runRuleset(rs('option smtpchk'), target(srv.port));
  assert.deepEqual([o.status, o.code, o.info], ['L7OK', 250, 'mx.example.org hello']);
  assert.ok(srv.received[0].toString().startsWith('HELO localhost\r\n'));
  await srv.close();
  const busy = await scripted((sock) => sock.end('554 no service\r\n'));
  const o2 = await runRuleset(rs('option smtpchk EHLO me.example'), target(busy.port));
  assert.deepEqual([o2.status, o2.code, o2.info], ['L7STS', 554, 'no service']);
  await busy.close();
});

test('ldap-check: bind request bytes; resultCode 0 -> L7OK "Success", other -> L7STS', async () => {
  const ok = Buffer.from('300c02010161070a010004000400', 'hex');
  const srv = await scripted(replyWhen((rx) => rx.length >= 14, ok));
  const o = await runRuleset(rs('option ldap-check'), target(srv.port));
  assert.equal(srv.received[0].toString('hex'), LDAP_BIND_REQUEST_HEX);
  assert.deepEqual([o.status, o.info], ['L7OK', 'Success']);
  await srv.close();
  const denied = Buffer.from('300c02010161070a013104000400', 'hex');
  const srv2 = await scripted(replyWhen((rx) => rx.length >= 14, denied));
  const o2 = await runRuleset(rs('option ldap-check'), target(srv2.port));
  assert.deepEqual([o2.status, o2.code], ['L7STS', 0x31]);
  await srv2.close();
  const junk = await scripted(replyWhen((rx) => rx.length >= 14, 'HTTP/1.0 400 Bad\r\n\r\n', true));
  const o3 = await runRuleset(rs('option ldap-check'), target(junk.port));
  assert.deepEqual([o3.status, o3.info], ['L7RSP', 'Not LDAPv3 protocol']);
  await junk.close();
});

/** A throw-away self-signed certificate (openssl), or undefined when openssl is missing. */
function selfSigned(): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-chk-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore', timeout: 20000 });
    return { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cert = selfSigned();

test('ssl-hello-chk: a TLS server answers the hello -> L6OK; a plain server -> L6RSP', { skip: cert ? false : 'openssl not available to make a test certificate' }, async () => {
  const server = tls.createServer({ key: cert!.key, cert: cert!.cert }, (s) => s.end());
  server.on('tlsClientError', () => { /* the check closes after the hello */ });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const o = await runRuleset(rs('option ssl-hello-chk'), target(port));
    assert.equal(o.status, 'L6OK', o.info);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
  const plain = await scripted((sock) => sock.end('SSH-2.0-OpenSSH\r\n'));
  const o2 = await runRuleset(rs('option ssl-hello-chk'), target(plain.port));
  assert.equal(o2.status, 'L6RSP');
  await plain.close();
});

test('check-ssl: connect-only check over TLS is L6OK; httpchk over TLS works', { skip: cert ? false : 'openssl not available to make a test certificate' }, async () => {
  const server = tls.createServer({ key: cert!.key, cert: cert!.cert }, (s) => {
    s.on('data', () => s.end('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n'));
    s.on('error', () => { /* closed by the check */ });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const o = await runRuleset({ proto: 'tcp', rules: [] }, target(port, { ssl: true }));
    assert.equal(o.status, 'L6OK');
    const o2 = await runRuleset(rs('option httpchk'), target(port, { ssl: true }));
    assert.deepEqual([o2.status, o2.code], ['L7OK', 200]);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
