import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/proxy/keywords';
import '../../../src/log/register';
import { parseString } from '../../../src/config/parser';
import { formatDiagnostic } from '../../../src/config/diagnostics';
import { Ring } from '../../../src/log/ring';
import { ringConfigs } from '../../../src/log/ring-section';
import { parseTargetAddress } from '../../../src/log/targets';

const cfg = (size: number) => ({ name: 'r', format: 'raw' as const, maxLength: 1024, size, src: { file: 'x', line: 1 } });

test('a ring keeps the newest messages within its byte budget', () => {
  const r = new Ring(cfg(20));
  r.push('aaaa'); // 5 bytes with its newline
  r.push('bbbb');
  r.push('cccc');
  r.push('dddd');
  assert.deepEqual(r.since(), ['aaaa', 'bbbb', 'cccc', 'dddd']);
  r.push('eeee'); // evicts aaaa
  assert.deepEqual(r.since(), ['bbbb', 'cccc', 'dddd', 'eeee']);
  const mark = r.mark;
  r.push('ffffffffff'); // 11 bytes: evicts three (bbbb, cccc, dddd) to fit in 20
  assert.deepEqual(r.since(), ['eeee', 'ffffffffff']);
  assert.deepEqual(r.since(mark), ['ffffffffff']);
  r.push('x'.repeat(50)); // larger than the ring: dropped
  assert.equal(r.dropped, 1);
  assert.deepEqual(r.since(mark), ['ffffffffff']);
});

test('many pushes stay bounded', () => {
  const r = new Ring(cfg(1000));
  for (let i = 0; i < 10000; i++) r.push(`line ${i}`);
  const all = r.since();
  assert.equal(all[all.length - 1], 'line 9999');
  assert.ok(all.join('\n').length < 1000);
});

test('ring sections: defaults, options and HAProxy 2.6.12 messages', () => {
  const ok = parseString('ring buf\n  description "test ring"\n  format rfc3164\n  maxlen 1200\n  size 32k\nring plain\n', 'c.cfg');
  assert.equal(ok.diagnostics.errorCount, 0, JSON.stringify(ok.diagnostics.items));
  const rings = ringConfigs(ok.config).map(({ src: _src, ...r }) => r);
  assert.deepEqual(rings, [
    { name: 'buf', description: 'test ring', format: 'rfc3164', maxLength: 1200, size: 32768 },
    { name: 'plain', format: 'raw', maxLength: 16384, size: 16384 },
  ]);
  const cases: [string, string][] = [
    ['size x', "[ALERT]    (1) : config : parsing [c.cfg:2] : invalid size 'x' for new sink buffer."],
    ['size 10', "[WARNING]  (1) : config : parsing [c.cfg:2] : ignoring new size '10' that is smaller than current size '16384' for ring 'r'."],
    ['maxlen x', "[ALERT]    (1) : config : parsing [c.cfg:2] : invalid size 'x' for new sink buffer."],
    ['format xyz', "[ALERT]    (1) : config : parsing [c.cfg:2] : unknown format 'xyz'."],
    ['description', '[ALERT]    (1) : config : parsing [c.cfg:2] : missing ring description text.'],
  ];
  for (const [line, msg] of cases) {
    const r = parseString(`ring r\n  ${line}\n`, 'c.cfg');
    const out = r.diagnostics.items.map((d) => formatDiagnostic(d, 1));
    assert.ok(out.includes(msg), `${line}: ${out.join(' | ')}`);
  }
  // The proxy meaning of `description` is untouched.
  const p = parseString('frontend f\n  description hello world\n', 'c.cfg');
  assert.equal(p.config.proxies[0].description, 'hello world');
});

test('ring@ targets resolve to a ring name', () => {
  assert.deepEqual(parseTargetAddress('ring@buf'), { kind: 'ring', name: 'buf' });
});
