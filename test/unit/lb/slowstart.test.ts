import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { makeBackend, sequence } from './helpers';
import { OpState, AdminFlag } from '../../../src/proxy/server';

/**
 * HAProxy: w = (16 * elapsed_s + T) / T (integer), eweight = uweight * w / 16, re-evaluated
 * every second after the server comes back UP; T = slowstart in whole seconds.
 */
test('slowstart ramps the effective weight with HAProxy formula, and the balancer follows', (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  t.after(() => mock.timers.reset());
  const { backend, balancer } = makeBackend({ servers: [{ name: 'a', weight: 32 }, { name: 'b', weight: 32, slowstart: 8000 }] });
  const b = backend.findServer('b')!;
  assert.equal(b.eweight, 32, 'no slowstart at start-up');
  b.setStopped();
  b.setRunning();
  assert.equal(b.opState, OpState.Starting);
  // elapsed 0: w = (0 + 8) / 8 = 1 -> 32 * 1/16 = 2
  assert.equal(b.eweight, 2);
  const seen: number[] = [b.eweight];
  for (let s = 1; s <= 8; s++) {
    mock.timers.tick(1000);
    seen.push(b.eweight);
  }
  // w = (16 s + 8) / 8 = 2 s + 1 -> eweight = 2 * (2 s + 1) until full weight at 8 s.
  assert.deepEqual(seen, [2, 6, 10, 14, 18, 22, 26, 30, 32]);
  assert.equal(b.opState, OpState.Running);
  // The balancer used the ramped weights: in a fresh window b gets its full share again.
  const got = sequence(balancer, 64);
  assert.equal(got.filter((n) => n === 'b').length, 32);
});

test('slowstart: the balancer sees the low weight right after the server comes back', (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 5_000_000 });
  t.after(() => mock.timers.reset());
  const { backend, balancer } = makeBackend({ servers: [{ name: 'a', weight: 16 }, { name: 'b', weight: 16, slowstart: 60000 }] });
  const b = backend.findServer('b')!;
  b.setAdmin(AdminFlag.FMAINT, true);
  b.setAdmin(AdminFlag.FMAINT, false); // leaving maintenance also starts the ramp
  assert.equal(b.eweight, 1);
  const got = sequence(balancer, 170);
  const share = got.filter((n) => n === 'b').length;
  // eweight 16 (scaled) against 256: about 1 pick in 17.
  assert.ok(share >= 5 && share <= 15, `b got ${share} of 170`);
});

test('slowstart: going DOWN during the ramp stops it; a weight change keeps ramping', (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 9_000_000 });
  t.after(() => mock.timers.reset());
  const { backend } = makeBackend({ servers: [{ name: 'a' }, { name: 'b', weight: 16, slowstart: 4000 }] });
  const b = backend.findServer('b')!;
  b.setStopped();
  b.setRunning();
  mock.timers.tick(1000);
  // w = (16 + 4) / 4 = 5 -> 16 * 5 / 16 = 5
  assert.equal(b.eweight, 5);
  b.setWeight(32);
  assert.equal(b.eweight, 10, 'new user weight, same ramp position');
  b.setStopped();
  mock.timers.tick(10_000);
  assert.equal(b.opState, OpState.Stopped);
});

test('slowstart does not apply to static algorithms', () => {
  const { backend } = makeBackend({ algorithm: 'static-rr', servers: [{ name: 'a' }, { name: 'b', weight: 16, slowstart: 4000 }] });
  const b = backend.findServer('b')!;
  b.setStopped();
  b.setRunning();
  assert.equal(b.eweight, 16);
  assert.equal(b.opState, OpState.Running);
});
