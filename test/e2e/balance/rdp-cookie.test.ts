/**
 * balance rdp-cookie in TCP mode: the frontend waits for the RDP connection request with
 * `tcp-request content` rules, then the mstshash cookie picks the server, so the same user
 * always lands on the same server.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePort, startFulcrum } from '../harness';

/** An RDP X.224 connection request carrying `Cookie: mstshash=<user>`. */
function rdpRequest(user: string): Buffer {
  const cookie = Buffer.from(`Cookie: mstshash=${user}\r\n`, 'latin1');
  const b = Buffer.concat([Buffer.from([0x03, 0x00, 0x00, 0x00]), Buffer.from([0x00, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00]), cookie]);
  b.writeUInt16BE(b.length, 2);
  b[4] = b.length - 5;
  return b;
}

/** TCP servers that answer their name to the first bytes received. */
async function tcpServer(name: string): Promise<{ port: number; close(): Promise<void> }> {
  const srv = net.createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', () => s.end(`${name}\n`));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

function exchange(port: number, data: Buffer): Promise<string> {
  return new Promise((res, rej) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => s.write(data));
    let out = '';
    const t = setTimeout(() => { s.destroy(); rej(new Error('timeout')); }, 5000);
    s.on('data', (d) => { out += d; });
    s.on('end', () => { clearTimeout(t); s.destroy(); res(out.trim()); });
    s.on('error', (e) => { clearTimeout(t); rej(e); });
  });
}

test('rdp-cookie: the same mstshash always reaches the same server', { timeout: 30_000 }, async () => {
  const servers = [await tcpServer('a'), await tcpServer('b'), await tcpServer('c')];
  const front = await freePort();
  const fp = await startFulcrum(`
defaults
    mode tcp
    timeout connect 2s
    timeout client 5s
    timeout server 5s
listen rdp
    bind 127.0.0.1:${front}
    tcp-request inspect-delay 5s
    tcp-request content accept if RDP_COOKIE
    balance rdp-cookie
${servers.map((s, i) => `    server ${'abc'[i]} 127.0.0.1:${s.port}`).join('\n')}
`, { waitPort: front });
  try {
    // Five users, then again in reverse order: a round-robin fallback could not repeat this.
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const first = new Map<string, string>();
    for (const u of users) first.set(u, await exchange(front, rdpRequest(u)));
    for (const u of [...users].reverse()) assert.equal(await exchange(front, rdpRequest(u)), first.get(u), u);
    assert.ok([...first.values()].every((v) => ['a', 'b', 'c'].includes(v)), JSON.stringify([...first]));
    assert.ok(new Set(first.values()).size > 1, 'different users spread over servers');
  } finally {
    await fp.stop();
    for (const s of servers) await s.close();
  }
});
