/**
 * The shared round-robin table of nbthread (src/process/threads/data-plane.ts): weights
 * give proportions, entries of one server are spread (smooth WRR), and the size stays bounded.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weightedTable } from '../../../src/process/threads/data-plane';
import type { Server } from '../../../src/proxy/server';

const srv = (name: string, eweight: number): Server => ({ name, eweight } as unknown as Server);

test('equal weights: one entry each, in declaration order', () => {
  const s = [srv('a', 1), srv('b', 1), srv('c', 1), srv('d', 1)];
  assert.deepEqual(weightedTable(s).map((x) => x.name), ['a', 'b', 'c', 'd']);
});

test('weights 3:1 give 3 a for 1 b, interleaved', () => {
  const t = weightedTable([srv('a', 3), srv('b', 1)]).map((x) => x.name);
  assert.equal(t.length, 4);
  assert.equal(t.filter((n) => n === 'a').length, 3);
  assert.deepEqual(t, ['a', 'a', 'b', 'a']);
});

test('weights 5:3:2: exact proportions over one table', () => {
  const t = weightedTable([srv('a', 5), srv('b', 3), srv('c', 2)]).map((x) => x.name);
  assert.equal(t.length, 10);
  assert.deepEqual(['a', 'b', 'c'].map((n) => t.filter((x) => x === n).length), [5, 3, 2]);
  // Never more than 2 a in a row (smooth, not blocks).
  assert.ok(!t.join('').includes('aaa'));
});

test('slowstart fractions and large weights stay bounded', () => {
  const t = weightedTable([srv('a', 256), srv('b', 0.0625), srv('c', 255)]);
  assert.ok(t.length <= 4096 + 3);
  assert.ok(t.some((x) => x.name === 'b'), 'a tiny weight still gets a slot');
});

test('no server: empty table', () => {
  assert.deepEqual(weightedTable([]), []);
});
