import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UdpSink } from '../../../src/log/sinks/udp';
import { FdSink } from '../../../src/log/sinks/fd';
import { UnixDgramSink, loadUnixDgram } from '../../../src/log/sinks/unix-dgram';
import { describeErrno } from '../../../src/log/sinks/errno';
import { pollUntil } from '../../e2e/harness/index';

test('UDP sink resolves a host name once and delivers what was logged meanwhile', async () => {
  const rx = dgram.createSocket('udp4');
  const got: string[] = [];
  rx.on('message', (m) => got.push(m.toString()));
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
  const errs: string[] = [];
  const s = new UdpSink('localhost', rx.address().port, 4, (code) => errs.push(code));
  s.send(Buffer.from('one'));
  s.send(Buffer.from('two'));
  await pollUntil(() => got.length === 2, 'two datagrams');
  assert.deepEqual(got, ['one', 'two']);
  s.close();
  s.send(Buffer.from('after close')); // dropped, no throw
  rx.close();
  assert.deepEqual(errs, []);
});

test('fd sink writes one message per call', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-log-fd-'));
  const p = join(dir, 'out');
  const fd = openSync(p, 'w');
  const s = new FdSink(fd, () => assert.fail('no error expected'));
  s.send(Buffer.from('a\n'));
  s.send(Buffer.from('b\n'));
  s.close();
  s.send(Buffer.from('c\n'));
  closeSync(fd);
  assert.equal(readFileSync(p, 'utf8'), 'a\nb\n');
  rmSync(dir, { recursive: true, force: true });
});

test('fd sink reports a bad descriptor through onError', () => {
  const errs: string[] = [];
  new FdSink(987654, (code, text, errno) => errs.push(`${code} ${text} ${errno}`)).send(Buffer.from('x'));
  assert.deepEqual(errs, ['EBADF Bad file descriptor 9']);
});

test('unix datagram sink: delivery, missing socket errors', async (t) => {
  const addon = loadUnixDgram();
  if (!addon) { t.skip('native addon not built'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-log-ux-'));
  const path = join(dir, 'log.sock');
  const fd = addon.bind(path);
  assert.ok(fd >= 0);
  const errs: string[] = [];
  const s = new UnixDgramSink(path, (code) => errs.push(code));
  s.send(Buffer.from('<30>hello\n'));
  const m = addon.recv(fd);
  assert.ok(m instanceof Buffer);
  assert.equal(m.toString(), '<30>hello\n');
  assert.equal(addon.recv(fd), null);
  s.close();
  const missing = new UnixDgramSink(join(dir, 'nope.sock'), (code) => errs.push(code));
  missing.send(Buffer.from('x'));
  missing.close();
  assert.deepEqual(errs, ['ENOENT']);
  addon.close(fd);
  rmSync(dir, { recursive: true, force: true });
});

test('errno texts follow strerror', () => {
  assert.deepEqual(describeErrno(2), { code: 'ENOENT', text: 'No such file or directory', errno: 2 });
  assert.deepEqual(describeErrno(111), { code: 'ECONNREFUSED', text: 'Connection refused', errno: 111 });
});
