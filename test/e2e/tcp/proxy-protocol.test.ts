/**
 * PROXY protocol end to end: a frontend with `accept-proxy` receives v1 and v2 headers and
 * sends the client's addresses on to a `send-proxy-v2` server (which sees them unchanged).
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePorts, startFulcrum, rawExchange, type FulcrumProcess } from '../harness';
import { buildProxyV1, buildProxyV2, parseProxyHeader } from '../../../src/proxy/proxy-protocol';

let fp: FulcrumProcess;
let front: number;
let upstream: net.Server;
const seen: string[] = [];

before(async () => {
  const [p0, p1] = await freePorts(2);
  front = p0;
  // Upstream parses the v2 header it receives, then answers with the addresses it carried.
  upstream = net.createServer((c) => {
    let buf = Buffer.alloc(0);
    c.on('error', () => undefined);
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const r = parseProxyHeader(buf);
      if (r.kind !== 'ok' || buf.length === r.length) return;
      const text = `${r.addresses.src}:${r.addresses.srcPort}->${r.addresses.dst}:${r.addresses.dstPort}`;
      seen.push(text);
      c.end(`${text}|${buf.subarray(r.length).toString()}`);
    });
  });
  await new Promise<void>((r) => upstream.listen(p1, '127.0.0.1', r));
  fp = await startFulcrum(`
defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen pp
    bind 127.0.0.1:${front} accept-proxy
    server up 127.0.0.1:${p1} send-proxy-v2
`, { waitPort: front });
});

after(async () => {
  await fp?.stop();
  upstream?.close();
});

test('v1 in, v2 out: the upstream sees the original client addresses', async () => {
  const hdr = buildProxyV1({ local: false, src: '203.0.113.7', srcPort: 40000, dst: '198.51.100.9', dstPort: 5432 });
  const out = await rawExchange(front, Buffer.concat([hdr, Buffer.from('hello')]), 3000);
  assert.equal(out, '203.0.113.7:40000->198.51.100.9:5432|hello');
});

test('v2 in works the same', async () => {
  const hdr = buildProxyV2({ local: false, src: '2001:db8::7', srcPort: 1234, dst: '2001:db8::9', dstPort: 80 });
  const out = await rawExchange(front, Buffer.concat([hdr, Buffer.from('x')]), 3000);
  assert.equal(out, '2001:db8::7:1234->2001:db8::9:80|x');
});

test('a connection without a PROXY header is closed', async () => {
  const out = await rawExchange(front, 'GET / HTTP/1.1\r\n\r\n', 3000);
  assert.equal(out, '');
});
