/**
 * Counter semantics shared with HAProxy: time averages over the samples seen so far (up to
 * the window), max values, clear counters.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrafficCounters, RateCounter, TIME_STATS_SAMPLES } from '../../../src/stats/counters';

test('time averages are real averages while fewer samples than the window were seen', () => {
  const c = new TrafficCounters();
  c.addTimes(0, 0, 2, 3);
  c.addTimes(0, 2, 2, 3);
  // 2.6.12 showed ctime 1, rtime 2, ttime 3 after connects of 0 and 2 ms.
  assert.deepEqual([c.qtime, c.ctime, c.rtime, c.ttime], [0, 1, 2, 3]);
  assert.deepEqual([c.ctimeMax, c.rtimeMax], [2, 2]);
  c.addTimes(-1, -1, -1, 9);
  assert.equal(c.ctime, 1);
  assert.equal(c.ttime, 5);
  c.addTimes(-1, -1, -1, 0);
  // (3+3+9+0)/4 = 3.75, rounded up as swrate_avg does.
  assert.equal(c.ttime, 4);
});

test('after the window fills, old samples fade out', () => {
  const c = new TrafficCounters();
  for (let i = 0; i < TIME_STATS_SAMPLES; i++) c.addTimes(-1, 10, -1, -1);
  assert.equal(c.ctime, 10);
  for (let i = 0; i < 4 * TIME_STATS_SAMPLES; i++) c.addTimes(-1, 0, -1, -1);
  assert.ok(c.ctime <= 1, String(c.ctime));
});

test('clearMax keeps totals; clearAll keeps current sessions only', () => {
  const c = new TrafficCounters();
  c.enter();
  c.enter();
  c.leave();
  c.addTimes(1, 2, 3, 4);
  c.clearMax();
  assert.deepEqual([c.cur, c.max, c.total, c.ctimeMax], [1, 0, 2, 0]);
  c.clearAll();
  assert.deepEqual([c.cur, c.total, c.ctime], [1, 0, 0]);
  c.addTimes(-1, 4, -1, -1);
  assert.equal(c.ctime, 4);
});

test('rate counter: current second plus the weighted previous one; max kept', () => {
  const r = new RateCounter();
  const t0 = 1_000_000;
  r.add(1, t0);
  r.add(1, t0 + 100);
  assert.equal(r.read(t0 + 200), 2);
  assert.equal(r.read(t0 + 1500), 1);
  assert.equal(r.max, 2);
});
