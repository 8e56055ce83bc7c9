/** The rule engine (connect/send/expect) and `tcp-check` semantics and messages. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/checks/keywords';
import { runRuleset, renderTemplate, type Rule } from '../../../src/checks/rules';
import { parseTcpCheck } from '../../../src/checks/tcp';
import { scripted, replyWhen, closedPort, target } from './helpers';

function tcpRules(lines: string[][]): Rule[] {
  return lines.map((l) => {
    const r = parseTcpCheck(l);
    if (!('rule' in r) || !r.rule) throw new Error(`bad rule ${l.join(' ')}: ${JSON.stringify(r)}`);
    return r.rule;
  });
}

test('plain connect: L4OK without info on success', async () => {
  const srv = await scripted(() => {});
  const o = await runRuleset({ proto: 'tcp', rules: [] }, target(srv.port));
  assert.equal(o.status, 'L4OK');
  assert.equal(o.info, '');
  assert.equal(o.code, undefined);
  await srv.close();
});

test('plain connect refused: L4CON "Connection refused"', async () => {
  const o = await runRuleset({ proto: 'tcp', rules: [] }, target(await closedPort()));
  assert.equal(o.status, 'L4CON');
  assert.equal(o.info, 'Connection refused');
});

test('tcp-check connect refused: step information as HAProxy prints it', async () => {
  const port = await closedPort();
  const explicit = await runRuleset({ proto: 'tcp-check', rules: tcpRules([['connect']]) }, target(port));
  assert.equal(explicit.info, 'Connection refused at step 1 of tcp-check (connect)');
  const implicit = await runRuleset({ proto: 'tcp-check', rules: tcpRules([['send', 'x']]) }, target(port));
  assert.equal(implicit.info, 'Connection refused at initial connection step of tcp-check');
  const withPort = await runRuleset({ proto: 'tcp-check', rules: tcpRules([['comment', 'c'], ['connect', 'port', String(port)]]) }, target(1));
  assert.equal(withPort.info, `Connection refused at step 2 of tcp-check (connect port ${port})`);
});

test('tcp-check send/expect string: L7OK "(tcp-check)" with code 0', async () => {
  const srv = await scripted(replyWhen((rx) => rx.includes('PING\r\n'), '+PONG\r\n'));
  const o = await runRuleset({ proto: 'tcp-check', rules: tcpRules([['connect'], ['send', 'PING\r\n'], ['expect', 'string', '+PONG']]) }, target(srv.port));
  assert.equal(o.status, 'L7OK');
  assert.equal(o.info, '(tcp-check)');
  assert.equal(o.code, 0);
  assert.equal(srv.received[0].toString(), 'PING\r\n');
  await srv.close();
});

test('tcp-check expect mismatch: L7RSP with the built message; on-error and error-status win', async () => {
  const srv = await scripted((sock) => sock.end('-ERR nope\r\n'));
  const o = await runRuleset({ proto: 'tcp-check', rules: tcpRules([['expect', 'string', '+PONG']]) }, target(srv.port));
  assert.equal(o.status, 'L7RSP');
  assert.equal(o.info, "TCPCHK did not match content '+PONG' at step 1");
  const o2 = await runRuleset({ proto: 'tcp-check', rules: tcpRules([['expect', 'error-status', 'L7STS', 'on-error', '%[res.payload(0,0),cut_crlf]', 'string', '+PONG']]) }, target(srv.port));
  assert.equal(o2.status, 'L7STS');
  assert.equal(o2.info, '-ERR nope');
  await srv.close();
});

test('tcp-check inverse match, regex and binary kinds', async () => {
  const srv = await scripted((sock) => sock.end(Buffer.from('OK 1.2\r\n\x00\x01', 'latin1')));
  const run = (l: string[][]) => runRuleset({ proto: 'tcp-check', rules: tcpRules(l) }, target(srv.port));
  assert.equal((await run([['expect', 'rstring', '^OK [0-9.]+']])).status, 'L7OK');
  assert.equal((await run([['expect', 'binary', '0001']])).status, 'L7OK');
  assert.equal((await run([['expect', 'rbinary', '^4F4B']])).status, 'L7OK');
  const inv = await run([['expect', '!', 'string', 'OK']]);
  assert.equal(inv.status, 'L7RSP');
  assert.equal(inv.info, "TCPCHK matched unwanted content 'OK' at step 1");
  assert.equal((await run([['expect', '!', 'string', 'KO']])).status, 'L7OK');
  await srv.close();
});

test('tcp-check empty response and on-success template', async () => {
  const srv = await scripted((sock) => sock.end());
  const o = await runRuleset({ proto: 'tcp-check', rules: tcpRules([['expect', 'string', 'x']]) }, target(srv.port));
  assert.equal(o.status, 'L7RSP');
  assert.equal(o.info, 'TCPCHK got an empty response at step 1');
  await srv.close();
  const srv2 = await scripted((sock) => sock.write('220 mail ready\r\n'));
  const o2 = await runRuleset({ proto: 'tcp-check', rules: tcpRules([['expect', 'on-success', "%[res.payload(4,0),ltrim(' '),cut_crlf]", 'status-code', 'res.payload(0,3)', 'rstring', '^220']]) }, target(srv2.port));
  assert.equal(o2.status, 'L7OK');
  assert.equal(o2.info, 'mail ready');
  assert.equal(o2.code, 220);
  await srv2.close();
});

test('expect timeout: L7TOUT, or tout-status; timeout check bounds the read', async () => {
  const srv = await scripted(() => { /* never answers */ });
  const o = await runRuleset({ proto: 'tcp', rules: tcpRules([['expect', 'string', 'x']]) }, target(srv.port, { readTimeoutMs: 100 }));
  assert.equal(o.status, 'L7TOUT');
  const o2 = await runRuleset({ proto: 'tcp', rules: tcpRules([['expect', 'tout-status', 'L6TOUT', 'string', 'x']]) }, target(srv.port, { totalMs: 150 }));
  assert.equal(o2.status, 'L6TOUT');
  await srv.close();
});

test('min-recv makes a mismatch conclusive only once enough bytes arrived', async () => {
  const srv = await scripted((sock) => { sock.write('ab'); setTimeout(() => sock.write('cd'), 50); });
  const o = await runRuleset({ proto: 'tcp-check', rules: tcpRules([['expect', 'min-recv', '4', 'string', 'abcd']]) }, target(srv.port));
  assert.equal(o.status, 'L7OK');
  await srv.close();
});

test('check-send-proxy sends a PROXY v1 UNKNOWN header first', async () => {
  const srv = await scripted(replyWhen((rx) => rx.includes('hello'), 'ok\n'));
  const o = await runRuleset({ proto: 'tcp-check', rules: tcpRules([['send', 'hello'], ['expect', 'string', 'ok']]) }, target(srv.port, { sendProxy: 'v1' }));
  assert.equal(o.status, 'L7OK');
  assert.equal(srv.received[0].toString(), 'PROXY UNKNOWN\r\nhello');
  await srv.close();
});

test('send resets the input: each expect sees the answer to the last send', async () => {
  const srv = await scripted((sock, rx) => {
    sock.write('banner\n');
    let n = 0;
    sock.on('data', () => { if (rx().toString().split('\n').length - 1 > n) { n++; sock.write(`reply${n}\n`); } });
  });
  const o = await runRuleset({ proto: 'tcp-check', rules: tcpRules([['expect', 'string', 'banner'], ['send', 'a\n'], ['expect', 'rstring', '^reply1']]) }, target(srv.port));
  assert.equal(o.status, 'L7OK', o.info);
  await srv.close();
});

test('renderTemplate: literal text, payload slices, converters, NUL ends descriptions', () => {
  const d = Buffer.from('250 hello world\r\nnext', 'latin1');
  assert.equal(renderTemplate('fixed', d), 'fixed');
  assert.equal(renderTemplate('%[res.payload(0,3)]', d), '250');
  assert.equal(renderTemplate("%[res.payload(3,0),ltrim(' '),cut_crlf]", d), 'hello world');
  assert.equal(renderTemplate('res.payload(0,3)', d), '250');
});

test('tcp-check parse errors are reported, not thrown', () => {
  const r = parseTcpCheck(['expect', 'bogus', 'x']);
  assert.ok('error' in r && r.error && /only supports/.test(r.error));
  const r2 = parseTcpCheck(['send-binary', 'zz']);
  assert.ok('error' in r2 && r2.error);
  const r3 = parseTcpCheck(['frobnicate']);
  assert.ok('error' in r3 && r3.error);
});
