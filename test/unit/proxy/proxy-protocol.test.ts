import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProxyV1, buildProxyV2, parseProxyHeader } from '../../../src/proxy/proxy-protocol';

const a4 = { local: false, src: '192.0.2.1', srcPort: 56324, dst: '198.51.100.2', dstPort: 443 };
const a6 = { local: false, src: '2001:db8::1', srcPort: 1000, dst: '2001:db8::2', dstPort: 80 };

test('v1 round trip and exact bytes', () => {
  const b = buildProxyV1(a4);
  assert.equal(b.toString(), 'PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n');
  const r = parseProxyHeader(Buffer.concat([b, Buffer.from('GET /')]));
  assert.equal(r.kind, 'ok');
  if (r.kind === 'ok') {
    assert.equal(r.length, b.length);
    assert.deepEqual(r.addresses, a4);
  }
  assert.equal(parseProxyHeader(Buffer.from('PROXY TCP4 1.2.3.4')).kind, 'incomplete');
  assert.equal(parseProxyHeader(Buffer.from('GET / HTTP/1.1\r\n')).kind, 'error');
  assert.equal(parseProxyHeader(Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 99999 1\r\n')).kind, 'error');
  assert.equal(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n')).kind, 'ok');
});

test('v2 round trip for IPv4 and IPv6, LOCAL command', () => {
  for (const a of [a4, a6]) {
    const b = buildProxyV2(a);
    const r = parseProxyHeader(b);
    assert.equal(r.kind, 'ok');
    if (r.kind === 'ok') assert.deepEqual(r.addresses, a);
  }
  const v4 = buildProxyV2(a4);
  assert.equal(v4.length, 16 + 12);
  assert.equal(v4[12], 0x21);
  assert.equal(v4[13], 0x11);
  assert.equal(parseProxyHeader(v4.subarray(0, 20)).kind, 'incomplete');
  const local = parseProxyHeader(buildProxyV2({ local: true, src: '', srcPort: 0, dst: '', dstPort: 0 }));
  assert.ok(local.kind === 'ok' && local.addresses.local);
});
