/** option pgsql-check against a fake PostgreSQL server: exact bytes and verdicts. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/proxy/keywords';
import '../../../src/checks/keywords';
import { parseString } from '../../../src/config/parser';
import { compileProxyChecks } from '../../../src/checks/config';
import { runRuleset } from '../../../src/checks/rules';
import { pgsqlStartupHex } from '../../../src/checks/pgsql';
import { scripted, replyWhen, target } from './helpers';

const rs = () => {
  const { config } = parseString('backend pg\n    option pgsql-check user haproxy\n    server s 127.0.0.1:1 check\n');
  return compileProxyChecks(config.proxies[0]);
};

const startupDone = (rx: Buffer) => rx.length >= 4 && rx.length >= rx.readUInt32BE(0);

function authRequest(code: number, extra = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(9);
  b.write('R', 0, 'latin1');
  b.writeUInt32BE(8 + extra.length, 1);
  b.writeUInt32BE(code, 5);
  return Buffer.concat([b, extra]);
}

function errorResponse(severity: string, msg: string): Buffer {
  const fields = Buffer.from(`S${severity}\0VFATAL\0C28000\0M${msg}\0\0`, 'latin1');
  const h = Buffer.alloc(5);
  h.write('E', 0, 'latin1');
  h.writeUInt32BE(4 + fields.length, 1);
  return Buffer.concat([h, fields]);
}

test('StartupMessage bytes are exactly those of HAProxy 2.6 (reference §4b)', () => {
  assert.equal(pgsqlStartupHex('haproxy'), '00000016000300007573657200686170726f78790000');
});

for (const [name, reply] of [
  ['AuthenticationOk', authRequest(0)],
  ['MD5 password request', authRequest(5, Buffer.from([1, 2, 3, 4]))],
  ['SASL SCRAM-SHA-256', authRequest(10, Buffer.from('SCRAM-SHA-256\0\0', 'latin1'))],
] as const) {
  test(`R ${name}: L7OK code 0 "PostgreSQL server is ok"`, async () => {
    const srv = await scripted(replyWhen(startupDone, reply));
    const o = await runRuleset(rs(), target(srv.port));
    assert.equal(srv.received[0].toString('hex'), pgsqlStartupHex('haproxy'));
    assert.equal(o.status, 'L7OK');
    assert.equal(o.code, 0);
    assert.equal(o.info, 'PostgreSQL server is ok');
    await srv.close();
  });
}

test('E FATAL: L7RSP with info "FATAL"', async () => {
  const srv = await scripted(replyWhen(startupDone, errorResponse('FATAL', 'no pg_hba.conf entry'), true));
  const o = await runRuleset(rs(), target(srv.port));
  assert.equal(o.status, 'L7RSP');
  assert.equal(o.info, 'FATAL');
  assert.equal(o.code, undefined);
  await srv.close();
});

test('something else: L7STS "PostgreSQL unknown error"', async () => {
  const srv = await scripted(replyWhen(startupDone, Buffer.from('Nxxxxxxxxxx'), true));
  const o = await runRuleset(rs(), target(srv.port));
  assert.equal(o.status, 'L7STS');
  assert.equal(o.info, 'PostgreSQL unknown error');
  await srv.close();
});
