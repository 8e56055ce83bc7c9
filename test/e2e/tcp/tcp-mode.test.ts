/**
 * `mode tcp`: byte-exact bidirectional forwarding with half-close, and round robin.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { freePorts, startFulcrum, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
let front: number;
const servers: net.Server[] = [];

before(async () => {
  const [p0, p1, p2] = await freePorts(3);
  front = p0;
  // Echo servers that prefix their name, then echo everything and half-close when the client does.
  for (const [name, port] of [['e1', p1], ['e2', p2]] as const) {
    const s = net.createServer((c) => {
      c.write(`${name}:`);
      c.pipe(c);
      c.on('error', () => undefined);
    });
    await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
    servers.push(s);
  }
  fp = await startFulcrum(`
defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen echo
    bind 127.0.0.1:${front}
    balance roundrobin
    server e1 127.0.0.1:${p1}
    server e2 127.0.0.1:${p2}
`, { waitPort: front });
});

after(async () => {
  await fp?.stop();
  for (const s of servers) s.close();
});

function roundTrip(payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ port: front, host: '127.0.0.1' });
    const parts: Buffer[] = [];
    c.on('data', (d) => parts.push(d));
    c.on('end', () => resolve(Buffer.concat(parts)));
    c.on('error', reject);
    c.end(payload);
    c.setTimeout(10000, () => c.destroy(new Error('timeout')));
  });
}

test('bytes pass unchanged both ways, half-close propagates, round robin alternates', async () => {
  const payload = randomBytes(4 * 1024 * 1024);
  const a = await roundTrip(payload);
  const b = await roundTrip(Buffer.from('x'));
  const nameA = a.subarray(0, 3).toString();
  const nameB = b.subarray(0, 3).toString();
  assert.notEqual(nameA, nameB);
  assert.ok(['e1:', 'e2:'].includes(nameA));
  const echoed = a.subarray(3);
  assert.equal(echoed.length, payload.length);
  assert.equal(createHash('sha256').update(echoed).digest('hex'), createHash('sha256').update(payload).digest('hex'));
});
