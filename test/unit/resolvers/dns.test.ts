/** DNS codec: query bytes, answer decoding (compression, A/AAAA/SRV/CNAME), malformed input. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeQuery, decodeMessage, encodeResponse, RRType, type DnsMessage } from '../../../src/resolvers/dns';
import { parseResolvConfText } from '../../../src/resolvers/config';

test('encodeQuery: header, question, EDNS0 OPT', () => {
  const q = encodeQuery(0x1234, 'app.test', RRType.A);
  assert.equal(q.toString('hex'), '12340100000100000000000003617070047465737400' + '00010001');
  const e = encodeQuery(1, 'a.b.', RRType.AAAA, 1232);
  // ARCOUNT 1, then the OPT record: root name, type 41, class = payload size, ttl 0, rdlen 0.
  assert.equal(e.readUInt16BE(10), 1);
  assert.equal(e.subarray(e.length - 11).toString('hex'), '00' + '0029' + '04d0' + '00000000' + '0000');
  assert.throws(() => encodeQuery(1, 'a..b', RRType.A));
  assert.throws(() => encodeQuery(1, `${'x'.repeat(64)}.test`, RRType.A));
});

test('decodeMessage reads A, AAAA, SRV, CNAME with compression pointers', () => {
  const q = decodeMessage(encodeQuery(7, 'svc.test', RRType.SRV)) as DnsMessage;
  assert.equal(q.response, false);
  assert.equal(q.recursionDesired, true);
  assert.deepEqual(q.questions, [{ name: 'svc.test', type: RRType.SRV, cls: 1 }]);
  const r = encodeResponse(q, [
    { name: 'svc.test', type: RRType.SRV, ttl: 60, data: { priority: 1, weight: 10, port: 8080, target: 'x.svc.test' } },
  ], 0, [
    { name: 'x.svc.test', type: RRType.A, data: '10.0.0.1' },
    { name: 'x.svc.test', type: RRType.AAAA, data: '2001:db8::1' },
    { name: 'alias.test', type: RRType.CNAME, data: 'svc.test' },
  ]);
  const m = decodeMessage(r) as DnsMessage;
  assert.equal(m.id, 7);
  assert.equal(m.response, true);
  assert.equal(m.rcode, 0);
  assert.deepEqual(m.answers[0], { name: 'svc.test', type: RRType.SRV, cls: 1, ttl: 60, data: { priority: 1, weight: 10, port: 8080, target: 'x.svc.test' } });
  assert.equal(m.additionals[0].data, '10.0.0.1');
  assert.equal(m.additionals[1].data, '2001:db8::1');
  assert.equal(m.additionals[2].data, 'svc.test');

  // A hand-made answer using a compression pointer to the question name (offset 12).
  const hdr = Buffer.from('000781800001000100000000', 'hex');
  const qn = Buffer.from('0361707004746573740000010001', 'hex');
  const an = Buffer.from('c00c' + '0001' + '0001' + '0000012c' + '0004' + '7f000002', 'hex');
  const mm = decodeMessage(Buffer.concat([hdr, qn, an])) as DnsMessage;
  assert.deepEqual(mm.answers, [{ name: 'app.test', type: 1, cls: 1, ttl: 300, data: '127.0.0.2' }]);
  // IPv6 text forms.
  const six = encodeResponse(q, [{ name: 'a', type: RRType.AAAA, data: '::1' }, { name: 'a', type: RRType.AAAA, data: '2001:db8:0:1:0:0:0:1' }]);
  const sm = decodeMessage(six) as DnsMessage;
  assert.deepEqual(sm.answers.map((a) => a.data), ['::1', '2001:db8:0:1::1']);
});

test('decodeMessage rejects malformed messages without throwing', () => {
  assert.equal(typeof decodeMessage(Buffer.alloc(5)), 'string');
  // Question whose name points at itself (compression loop).
  const loop = Buffer.concat([Buffer.from('000181800001000000000000', 'hex'), Buffer.from('c00c00010001', 'hex')]);
  assert.match(decodeMessage(loop) as string, /loop/);
  // Truncated record data.
  const hdr = Buffer.from('000181800001000100000000', 'hex');
  const qn = Buffer.from('0161000001' + '0001', 'hex');
  const bad = Buffer.concat([hdr, qn, Buffer.from('c00c0001000100000001000a7f00', 'hex')]);
  assert.equal(typeof decodeMessage(bad), 'string');
  // A record with a wrong length.
  const badA = Buffer.concat([hdr, qn, Buffer.from('c00c00010001000000010003010203', 'hex')]);
  assert.match(decodeMessage(badA) as string, /bad A/);
  // Label running past the end.
  assert.equal(typeof decodeMessage(Buffer.concat([Buffer.from('000181800001000000000000', 'hex'), Buffer.from('05ab', 'hex')])), 'string');
  // rcode and TC bits.
  const nx = decodeMessage(Buffer.from('000183830000000000000000', 'hex')) as DnsMessage;
  assert.equal(nx.rcode, 3);
  assert.equal(nx.truncated, true);
});

test('resolv.conf nameservers', () => {
  assert.deepEqual(parseResolvConfText('# c\nsearch x\nnameserver 10.0.0.2\nnameserver ::1\nnameserver bogus\n'), [
    { name: '10.0.0.2', host: '10.0.0.2', port: 53 }, { name: '::1', host: '::1', port: 53 },
  ]);
});
