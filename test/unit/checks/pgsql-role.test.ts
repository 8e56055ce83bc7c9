/**
 * option pgsql-role-check without a server: SCRAM-SHA-256 against RFC 7677's test vector,
 * the MD5 password hash, the StartupMessage, the conversation driven through a scripted
 * server (trust, md5, SCRAM, errors, roles, lag), and the keyword's messages.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import '../../../src/proxy/keywords';
import '../../../src/checks/keywords';
import '../../../src/checks/pgsql-role-keywords';
import { parseString } from '../../../src/config/parser';
import { Diagnostics, formatDiagnostic } from '../../../src/config/diagnostics';
import { compileProxyChecks } from '../../../src/checks/config';
import { ScramClient, md5Password, startupMessage, evalPgsqlRole } from '../../../src/checks/pgsql-role';
import type { ExpectRule, ExpectVerdict } from '../../../src/checks/rules';

test('SCRAM-SHA-256: RFC 7677 section 3 test vector', () => {
  const c = new ScramClient('pencil', 'rOprNGfwEbeRWgbNEkqO', 'user');
  assert.equal(c.first(), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
  const fin = c.final('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  assert.equal(fin, 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  assert.equal(c.verify('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='), true);
  assert.equal(c.verify('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='), false);
  assert.deepEqual(c.final('r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'), { error: 'SCRAM nonce mismatch' });
});

test('MD5 password hash as libpq computes it', () => {
  // Independently: md5(md5hex("secret" + "postgres") + salt) with salt 01020304.
  assert.equal(md5Password('postgres', 'secret', Buffer.from([1, 2, 3, 4])), 'md5bb41a296aab6baccb36ff243a562abff');
});

test('StartupMessage carries user, database and application_name', () => {
  const m = startupMessage('u', 'db');
  assert.equal(m.readUInt32BE(0), m.length);
  assert.equal(m.readUInt32BE(4), 0x00030000);
  assert.equal(m.subarray(8).toString('latin1'), 'user\0u\0database\0db\0application_name\0fulcrum-check\0\0');
});

// ---- A scripted server for the evaluator --------------------------------------------------

function be(type: string, body: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h.write(type, 0, 'latin1');
  h.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([h, body]);
}
const int32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const authOk = be('R', int32(0));
const ready = be('Z', Buffer.from('I'));
function dataRow(vals: (string | null)[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0, vals.length])];
  for (const v of vals) {
    if (v === null) { parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff])); continue; }
    parts.push(int32(Buffer.byteLength(v)), Buffer.from(v));
  }
  return be('D', Buffer.concat(parts));
}

/** Frontend messages parsed from what the evaluator wrote. */
function parseFrontend(b: Buffer): { type: string; body: Buffer }[] {
  const out: { type: string; body: Buffer }[] = [];
  let p = 0;
  while (p + 5 <= b.length) { const len = b.readUInt32BE(p + 1); out.push({ type: String.fromCharCode(b[p]), body: b.subarray(p + 5, p + 1 + len) }); p += 1 + len; }
  return out;
}

/**
 * Runs the evaluator against `server`, a function answering each frontend message (the
 * startup is implied) with backend bytes. Returns the final verdict and what was sent.
 */
function converse(extra: Record<string, string>, server: (m: { type: string; body: Buffer } | 'startup') => Buffer): { v: ExpectVerdict; sent: string[] } {
  const rule: ExpectRule = { type: 'expect', kind: 'pgsql-role', pattern: '', inverse: false, extra };
  let data = server('startup');
  const scratch: Record<string, unknown> = {};
  const sent: string[] = [];
  for (let i = 0; i < 20; i++) {
    const out: Buffer[] = [];
    const v = evalPgsqlRole(rule, { data, lastRead: false, proto: 'pgsql', step: 3, scratch, write: (b) => out.push(b) });
    for (const m of parseFrontend(Buffer.concat(out))) { sent.push(m.type); data = Buffer.concat([data, server(m)]); }
    if (v !== 'wait') return { v, sent };
  }
  throw new Error('conversation did not end');
}

const query = (row: (string | null)[]) => (m: { type: string; body: Buffer } | 'startup'): Buffer => {
  if (m === 'startup') return Buffer.concat([authOk, be('S', Buffer.from('server_version\x0015\x00')), ready]);
  if (m.type === 'Q') return Buffer.concat([be('T', Buffer.alloc(2)), dataRow(row), be('C', Buffer.from('SELECT 1\0')), ready]);
  return Buffer.alloc(0);
};

test('trust: role primary passes on a primary, fails "is in recovery" on a standby', () => {
  const p = converse({ user: 'u', role: 'primary' }, query(['0', '0']));
  assert.deepEqual(p.v, { match: true, final: true, successInfo: 'primary', code: 0 });
  assert.deepEqual(p.sent, ['Q', 'X']);
  const s = converse({ user: 'u', role: 'primary' }, query(['1', '0']));
  assert.equal((s.v as { errorInfo: string }).errorInfo, 'is in recovery');
  assert.equal((s.v as { errorStatus: string }).errorStatus, 'L7STS');
});

test('role replica: in recovery within max-lag passes; behind or not in recovery fails', () => {
  const ok = converse({ user: 'u', role: 'replica', maxLagMs: '10000' }, query(['1', '2.5']));
  assert.equal((ok.v as { successInfo: string }).successInfo, 'replica, lag 2.5s');
  const late = converse({ user: 'u', role: 'replica', maxLagMs: '10000' }, query(['1', '42']));
  assert.equal((late.v as { errorInfo: string }).errorInfo, 'replication lag 42.0s exceeds max-lag 10s');
  const prim = converse({ user: 'u', role: 'replica' }, query(['0', '0']));
  assert.equal((prim.v as { errorInfo: string }).errorInfo, 'is not in recovery');
});

test('md5: the password message is the salted hash', () => {
  const salt = Buffer.from([9, 8, 7, 6]);
  let got = '';
  const r = converse({ user: 'bob', password: 'hunter2', role: 'any' }, (m) => {
    if (m === 'startup') return be('R', Buffer.concat([int32(5), salt]));
    if (m.type === 'p') { got = m.body.toString('latin1').replace(/\0$/, ''); return Buffer.concat([authOk, ready]); }
    return query(['0', '0'])(m);
  });
  assert.equal(got, md5Password('bob', 'hunter2', salt));
  assert.equal((r.v as { match: boolean }).match, true);
});

test('SCRAM-SHA-256 conversation against a scripted server; a wrong server signature fails', () => {
  const salt = Buffer.from('0123456789abcdef');
  const iter = 4096;
  const run = (badSig: boolean) => converse({ user: 'alice', passwordEnv: 'PGROLE_TEST_PW', role: 'any' }, (m) => {
    if (m === 'startup') return be('R', Buffer.concat([int32(10), Buffer.from('SCRAM-SHA-256\0\0')]));
    if (m.type === 'p' && m.body.toString('latin1').startsWith('SCRAM-SHA-256\0')) {
      const first = m.body.subarray(14 + 4).toString();
      const nonce = /r=([^,]+)/.exec(first)![1];
      (globalThis as Record<string, unknown>).scram = { first: first.slice(3), nonce };
      return be('R', Buffer.concat([int32(11), Buffer.from(`r=${nonce}SRV,s=${salt.toString('base64')},i=${iter}`)]));
    }
    if (m.type === 'p') {
      const st = (globalThis as Record<string, unknown>).scram as { first: string; nonce: string };
      const final = m.body.toString();
      const withoutProof = final.replace(/,p=.*$/, '');
      const auth = `${st.first},r=${st.nonce}SRV,s=${salt.toString('base64')},i=${iter},${withoutProof}`;
      const salted = pbkdf2Sync('s3cret', salt, iter, 32, 'sha256');
      const clientKey = createHmac('sha256', salted).update('Client Key').digest();
      const stored = createHash('sha256').update(clientKey).digest();
      const sig = createHmac('sha256', stored).update(auth).digest();
      const proof = Buffer.from(/p=(.*)$/.exec(final)![1], 'base64');
      const recovered = Buffer.alloc(32);
      for (let i = 0; i < 32; i++) recovered[i] = proof[i] ^ sig[i];
      if (!createHash('sha256').update(recovered).digest().equals(stored)) return be('E', Buffer.from('SFATAL\0Mpassword authentication failed for user "alice"\0\0'));
      const serverSig = createHmac('sha256', createHmac('sha256', salted).update('Server Key').digest()).update(auth).digest();
      return Buffer.concat([be('R', Buffer.concat([int32(12), Buffer.from(`v=${(badSig ? Buffer.alloc(32) : serverSig).toString('base64')}`)])), authOk, ready]);
    }
    return query(['1', '0'])(m);
  });
  process.env.PGROLE_TEST_PW = 's3cret';
  try {
    const ok = run(false);
    assert.deepEqual(ok.sent, ['p', 'p', 'Q', 'X']);
    assert.equal((ok.v as { successInfo: string }).successInfo, 'replica, lag 0.0s');
    assert.equal((run(true).v as { errorInfo: string }).errorInfo, 'SCRAM server signature mismatch');
    process.env.PGROLE_TEST_PW = 'wrong';
    assert.equal((run(false).v as { errorInfo: string }).errorInfo, 'FATAL: password authentication failed for user "alice"');
  } finally { delete process.env.PGROLE_TEST_PW; }
});

test('a password request without a configured password fails without waiting', () => {
  const r = converse({ user: 'u', role: 'any' }, (m) => (m === 'startup' ? be('R', int32(3)) : Buffer.alloc(0)));
  assert.equal((r.v as { errorInfo: string }).errorInfo, 'server asks for a password and none is configured');
});

function messages(line: string): string[] {
  const diag = new Diagnostics();
  parseString(`backend b\n  ${line}\n  server s 127.0.0.1:5432 check\n`, 'e.cfg', diag);
  return diag.items.map((d) => formatDiagnostic(d, 1).replace(/^\[\w+\]\s+\(1\) : /, '')).filter((m) => !m.includes('Error(s) found'));
}

test('keyword: stored as a check type, errors worded as HAProxy words check options', () => {
  const { config } = parseString('backend b\n  option pgsql-role-check user u password-file /x role replica max-lag 5s\n  server s 127.0.0.1:5432 check\n');
  const rs = compileProxyChecks(config.proxies[0]);
  assert.equal(rs.proto, 'pgsql');
  const exp = rs.rules.find((r) => r.type === 'expect') as ExpectRule;
  assert.deepEqual(exp.extra, { user: 'u', role: 'replica', passwordFile: '/x', maxLagMs: '5000' });
  assert.deepEqual(messages('option pgsql-role-check'), ["config : parsing [e.cfg:2] : 'option pgsql-role-check' expects 'user <username>' as argument."]);
  assert.deepEqual(messages('option pgsql-role-check user u role boss'), ["config : parsing [e.cfg:2] : 'option pgsql-role-check' : 'role' expects 'primary', 'replica' or 'any' (got 'boss')."]);
  assert.deepEqual(messages('option pgsql-role-check user u password a password-env B'), ["config : parsing [e.cfg:2] : 'option pgsql-role-check' : 'password', 'password-env' and 'password-file' are mutually exclusive."]);
  assert.deepEqual(messages('option pgsql-role-check user u max-lag 5s'), ["config : parsing [e.cfg:2] : 'option pgsql-role-check' : 'max-lag' only applies to 'role replica'."]);
  assert.deepEqual(messages('option pgsql-role-check user u fast yes'), ["config : parsing [e.cfg:2] : 'option pgsql-role-check' : unknown argument 'fast' (expects 'database', 'password', 'password-env', 'password-file', 'role' or 'max-lag')."]);
});
