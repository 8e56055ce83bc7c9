import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameMessage, syslogHeader } from '../../../src/log/syslog';
import { facilityCode, levelCode } from '../../../src/log/levels';

const id = { tag: 'haproxy', pid: 7590 };
// 26 Nov 2026 21:19:18.103141 local time.
const nowUs = new Date(2026, 10, 26, 21, 19, 18, 103).getTime() * 1000 + 141;
const tz = ((): string => {
  const off = -new Date(2026, 10, 26).getTimezoneOffset();
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
})();
const MSG = 'hello';
const frame = (fmt: Parameters<typeof frameMessage>[0], fac: string, lvl: string, ident = id, len = 1024, msg = MSG): string =>
  frameMessage(fmt, facilityCode(fac), levelCode(lvl), ident, msg, len, nowUs).toString();

test('each framing format matches HAProxy 2.6.12 datagrams', () => {
  assert.equal(frame('local', 'local0', 'info'), '<134>Nov 26 21:19:18 haproxy[7590]: hello\n');
  assert.equal(frame('rfc3164', 'local0', 'info'), '<134>Nov 26 21:19:18 localhost haproxy[7590]: hello\n');
  assert.equal(frame('rfc5424', 'local0', 'info'), `<134>1 2026-11-26T21:19:18.103141${tz} - haproxy 7590 - - hello\n`);
  assert.equal(frame('short', 'local0', 'info'), '<6>hello\n');
  assert.equal(frame('priority', 'local0', 'info'), '<134>hello\n');
  assert.equal(frame('timed', 'local0', 'info'), `<6>2026-11-26T21:19:18.103141${tz} hello\n`);
  assert.equal(frame('iso', 'local0', 'info'), `2026-11-26T21:19:18.103141${tz} hello\n`);
  assert.equal(frame('raw', 'local0', 'info'), 'hello\n');
});

test('log-send-hostname: local becomes rfc3164 with the host; rfc5424 carries it', () => {
  const withHost = { ...id, hostname: 'vm', tag: 'myhx' };
  assert.equal(frame('local', 'local0', 'info', withHost), '<134>Nov 26 21:19:18 vm myhx[7590]: hello\n');
  assert.equal(frame('rfc3164', 'local0', 'info', withHost), '<134>Nov 26 21:19:18 vm myhx[7590]: hello\n');
  assert.equal(frame('rfc5424', 'local0', 'info', withHost), `<134>1 2026-11-26T21:19:18.103141${tz} vm myhx 7590 - - hello\n`);
});

test('PRI = facility * 8 + level for the documented pairs', () => {
  const pri = (fac: string, lvl: string): string => /^<(\d+)>/.exec(frame('local', fac, lvl))![1];
  assert.equal(pri('daemon', 'info'), '30');
  assert.equal(pri('daemon', 'alert'), '25');
  assert.equal(pri('daemon', 'notice'), '29');
  assert.equal(pri('daemon', 'emerg'), '24');
  assert.equal(pri('daemon', 'warning'), '28');
  assert.equal(pri('local2', 'info'), '150');
  assert.equal(pri('local2', 'alert'), '145');
  assert.equal(pri('local2', 'notice'), '149');
  assert.equal(pri('local2', 'emerg'), '144');
  assert.equal(pri('kern', 'emerg'), '0');
  assert.equal(pri('local7', 'debug'), '191');
});

test('the day is space-padded in the RFC3164 stamp', () => {
  const early = new Date(2026, 0, 5, 3, 4, 5, 0).getTime() * 1000;
  assert.equal(syslogHeader('local', 3, 6, id, early), '<30>Jan  5 03:04:05 haproxy[7590]: ');
});

test('len N cuts header + message to N bytes, then the newline (observed: 81 bytes for len 80)', () => {
  const long = '127.0.0.1:33144 [26/Nov/2026:21:19:18.101] main app/app1 0/0/0/1/1 200 1330 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"';
  const out = frame('local', 'local0', 'info', id, 80, long);
  assert.equal(out, '<134>Nov 26 21:19:18 haproxy[7590]: 127.0.0.1:33144 [26/Nov/2026:21:19:18.101] m\n');
  assert.equal(Buffer.byteLength(out), 81);
  // Multi-byte text is cut by bytes.
  const b = frameMessage('raw', 16, 6, id, 'é'.repeat(100), 80, nowUs);
  assert.equal(b.length, 81);
});
