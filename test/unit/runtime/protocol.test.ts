/**
 * The stats socket protocol, byte for byte as HAProxy 2.6.12 answers (observed with socat):
 * framing, `;` chains, escapes, prompt mode, payloads, quit, levels, unknown commands,
 * idle timeout, `set timeout cli`, `stats maxconn`, socket file handling.
 */

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startCli, cli, exchange, Interactive, REF_CONFIG, type CliFixture } from './helpers';
import { registerCliCommands } from '../../../src/runtime/registry';

let fx: CliFixture;
let admin: string;
let oper: string;
let user: string;

before(async () => {
  // A payload-taking command for the framing tests (registered once, test process only).
  registerCliCommands([
    { words: ['test-echo-payload'], level: 'user', handler: (ctx) => `[${ctx.payload ?? ''}]\n` },
    // Answers after a few event-loop turns, like handlers that wait for I/O.
    { words: ['test-slow'], level: 'user', handler: async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); return 'slow\n'; } },
  ]);
  fx = await startCli(REF_CONFIG);
  admin = join(fx.dir, 'admin');
  oper = join(fx.dir, 'oper');
  user = join(fx.dir, 'user');
});
after(() => fx.close());

test('non-interactive: answer, empty line, close', async () => {
  assert.equal(await cli(admin, 'get weight app/app1'), '1 (initial 1)\n\n');
  assert.equal(await cli(admin, 'show cli level'), 'admin\n\n');
});

test('commands separated by ; each get their empty line; \\; is literal', async () => {
  assert.equal(await cli(admin, 'get weight app/app1;show cli level'), '1 (initial 1)\n\nadmin\n\n');
  const esc = await cli(admin, 'show cli level\\;x');
  assert.match(esc, /^Unknown command, but maybe one of the following ones is a better match:\n  show cli level {26}: display the level of the current CLI session\n/);
});

test('an answer without trailing newline gets one newline only (2.6 quirk kept)', async () => {
  assert.equal(await cli(admin, 'set weight app/app1 x'), 'Empty weight string empty or preceded by garbage\n');
});

test('prompt: "\\n> " then every answer is followed by the prompt; quit closes', async () => {
  const s = new Interactive(admin);
  assert.equal(await s.send('prompt'), '\n> ');
  assert.equal(await s.send('get weight app/app2'), '1 (initial 1)\n\n> ');
  assert.equal(await s.send('show cli level; get weight app/app2', '(initial 1)\n\n> '), 'admin\n\n> 1 (initial 1)\n\n> ');
  assert.equal(await s.send('set timeout cli 60'), '\n> ');
  s.sock.write('quit\n');
  await s.waitClose();
  assert.equal(s.pending, '');
});

test('prompt again leaves interactive mode: answer then close', async () => {
  const s = new Interactive(admin);
  await s.send('prompt');
  s.sock.write('prompt\n');
  await s.waitClose();
  assert.equal(s.pending, '\n');
});

test('show cli sockets', async () => {
  assert.equal(await cli(admin, 'show cli sockets'), `# socket lvl processes\nunix@${admin} admin all\nunix@${oper} operator all\nunix@${user} user all\n\n`);
});

test('a client that half-closes right after its command still gets the answer', async () => {
  const answer = await new Promise<string>((res, rej) => {
    const sock = net.connect({ path: admin });
    let d = '';
    sock.on('connect', () => sock.end('test-slow\n'));
    sock.on('data', (x) => { d += x; });
    sock.on('close', () => res(d));
    sock.on('error', rej);
  });
  assert.equal(answer, 'slow\n\n');
  // A last line without newline before EOF is not run (2.6.12 answers nothing).
  const noNl = await new Promise<string>((res, rej) => {
    const sock = net.connect({ path: admin });
    let d = '';
    sock.on('connect', () => sock.end('show cli level'));
    sock.on('data', (x) => { d += x; });
    sock.on('close', () => res(d));
    sock.on('error', rej);
  });
  assert.equal(noNl, '');
});

test('quit in non-interactive mode closes without output', async () => {
  assert.equal(await cli(admin, 'quit'), '');
});

test('payload: lines after "<<" up to an empty line go to the command', async () => {
  assert.equal(await exchange(admin, 'test-echo-payload <<\nline1\nline2\n\n'), '[line1\nline2\n]\n\n');
  const s = new Interactive(admin);
  await s.send('prompt');
  assert.equal(await s.send('test-echo-payload <<', '+ '), '+ ');
  s.sock.write('a b\n');
  assert.equal(await s.send('', '> '), '[a b\n]\n\n> ');
  s.end();
});

test('levels: operator and user sockets get Permission denied for admin commands', async () => {
  assert.equal(await cli(oper, 'disable server app/app1'), 'Permission denied\n\n');
  assert.equal(await cli(oper, 'clear counters all'), 'Permission denied\n\n');
  assert.equal(await cli(oper, 'show cli level'), 'operator\n\n');
  assert.equal(await cli(user, 'clear counters'), 'Permission denied\n\n');
  assert.equal(await cli(user, 'show sess'), 'Permission denied\n\n');
  assert.equal(await cli(user, 'operator;show cli level'), 'Permission denied\n\nuser\n\n');
  assert.equal(await cli(admin, 'operator; user; show cli level'), '\n\nuser\n\n');
  assert.match(await cli(user, 'show info'), /^Name: Fulcrum\n/);
});

test('unknown command and empty line answer with the usage message', async () => {
  const empty = await cli(admin, '');
  assert.match(empty, /^Unknown command\. Please enter one of the following commands only:\n/);
  assert.match(empty, /  quit {36}: disconnect\n\n$/);
  const help = await cli(oper, 'help');
  assert.match(help, /^The following commands are valid at this level:\n/);
  // 2.6 lists admin commands to operators too.
  assert.match(help, /\n  disable server \(DEPRECATED\) {13}: disable a server for maintenance \(use 'set server' instead\)\n/);
  assert.match(help, /  help \[<command>\] {24}: list matching or all commands\n  prompt {34}: toggle interactive mode with prompt\n  quit {36}: disconnect\n\n$/);
});

test('set timeout cli: invalid values and unknown timeouts as 2.6', async () => {
  assert.equal(await cli(admin, 'set timeout cli x'), 'Invalid timeout value.\n\n');
  assert.equal(await cli(admin, 'set timeout foo 5'), "'set timeout' only supports 'cli'.\n\n");
  assert.equal(await cli(admin, 'set timeout cli 5'), '\n');
});

test('idle interactive sessions are closed after stats timeout / set timeout cli', async () => {
  const s = new Interactive(admin);
  await s.send('prompt');
  await s.send('set timeout cli 1');
  await s.waitClose(5000);
  assert.equal(s.closed, true);
});

test('stats maxconn: extra connections wait for a free slot instead of being refused', async () => {
  const f = await startCli('global\n    stats socket {{DIR}}/s level admin\n    stats maxconn 1\n');
  const path = join(f.dir, 's');
  const a = new Interactive(path);
  await a.send('prompt');
  const b = new Interactive(path);
  b.sock.write('show cli level\n');
  // A still works while B waits, and B has had no answer by the time A's arrives.
  assert.equal(await a.send('show cli level'), 'admin\n\n> ');
  assert.equal(b.pending, '');
  a.sock.write('quit\n');
  await a.waitClose();
  await b.waitClose();
  assert.equal(b.pending, 'admin\n\n');
  await f.close();
});

test('a stale socket file is replaced; mode is applied', async () => {
  const f0 = await startCli('global\n    stats socket {{DIR}}/s mode 600 level admin\n');
  assert.equal(statSync(join(f0.dir, 's')).mode & 0o777, 0o600);
  // Leave a socket file behind with no listener, then open again on the same path.
  const stale = net.createServer();
  const p = join(f0.dir, 'stale');
  await new Promise<void>((r) => stale.listen(p, r));
  stale.close();
  const { openStatsSocket, CliSlots } = await import('../../../src/runtime/socket');
  const cfg = { ...f0.instance.config.global.statsSockets[0], address: { ...f0.instance.config.global.statsSockets[0].address, path: p } };
  const srv = await openStatsSocket(f0.instance, cfg, new CliSlots(10));
  assert.equal(await cli(p, 'show cli level'), 'admin\n\n');
  srv.close();
  await f0.close();
});

test('TCP stats socket (ipv4@)', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const f = await startCli(`global\n    stats socket ipv4@127.0.0.1:${port} level admin\n`);
  const answer = await new Promise<string>((res, rej) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    let d = '';
    s.on('connect', () => s.write('show cli level\n'));
    s.on('data', (x) => { d += x; });
    s.on('close', () => res(d));
    s.on('error', rej);
  });
  assert.equal(answer, 'admin\n\n');
  await f.close();
});

test('abstract-namespace stats socket (abns@)', async () => {
  const name = `fulcrum-test-${process.pid}-${Date.now()}`;
  const f = await startCli(`global\n    stats socket abns@${name} level admin\n`);
  assert.equal(await cli('\0' + name, 'show cli sockets'), `# socket lvl processes\nabns@${name} admin all\n\n`);
  await f.close();
});

test('show sess lists the CLI session itself (fe=GLOBAL)', async () => {
  const out = await cli(admin, 'show sess');
  assert.match(out, /^0x[0-9a-f]+: proto=unix_stream src=unix:1 fe=GLOBAL be=<NONE> srv=<none> ts=00 epoch=0 age=\d+s calls=1 /m);
  assert.equal(await cli(admin, 'shutdown session'), "Session pointer expected (use 'show sess').\n\n");
  assert.equal(await cli(admin, 'shutdown session 0x1234'), "No such session (use 'show sess').\n\n");
  assert.equal(await cli(admin, 'show sess 0x1'), 'Session not found.\n\n');
});
