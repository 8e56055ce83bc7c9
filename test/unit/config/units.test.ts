/** Units: times (us ms s m h d) and sizes (k m g), configuration.txt §2.5. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInteger, parseSize, parseTime } from '../../../src/config/units';

test('time units convert to milliseconds, default unit applies to bare numbers', () => {
  assert.equal(parseTime('500').value, 500);
  assert.equal(parseTime('10s').value, 10_000);
  assert.equal(parseTime('1m').value, 60_000);
  assert.equal(parseTime('2h').value, 7_200_000);
  assert.equal(parseTime('1d').value, 86_400_000);
  assert.equal(parseTime('1500us').value, 1.5);
  assert.equal(parseTime('100ms').value, 100);
  assert.equal(parseTime('3', 's').value, 3000);
});

test('bad times report the character HAProxy stops at, or an overflow', () => {
  assert.equal(parseTime('10x').badChar, 'x');
  assert.equal(parseTime('abc').badChar, 'a');
  assert.equal(parseTime('10mx').badChar, 'x');
  const o = parseTime('99999999999');
  assert.equal(o.overflow, true);
  assert.match(o.error!, /timer overflow/);
  assert.equal(parseTime('24d').value, 24 * 86_400_000);
  assert.equal(parseTime('25d').overflow, true);
});

test('sizes take k, m, g in either case', () => {
  assert.equal(parseSize('16384').value, 16384);
  assert.equal(parseSize('16k').value, 16384);
  assert.equal(parseSize('1M').value, 1024 * 1024);
  assert.equal(parseSize('2g').value, 2 * 1024 ** 3);
  assert.ok(parseSize('1t').error);
  assert.ok(parseSize('k').error);
});

test('integers with bounds', () => {
  assert.equal(parseInteger('42').value, 42);
  assert.ok(parseInteger('4x').error);
  assert.match(parseInteger('0', 1, 10).error!, /out of range/);
});
