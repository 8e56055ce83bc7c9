import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBackend, pickCtx } from './helpers';
import { AdminFlag, OpState } from '../../../src/proxy/server';
import type { PickExplanation } from '../../../src/lb/balancer';

const fresh = (): PickExplanation => ({ algorithm: '', skipped: [] });

test('explanations name every skipped server with its reason', () => {
  const { backend, balancer } = makeBackend({
    servers: [
      { name: 'down' }, { name: 'maint' }, { name: 'drain' }, { name: 'zero', weight: 0 }, { name: 'nolb' },
      { name: 'ok1' }, { name: 'ok2', maxconn: 1 }, { name: 'bk1', backup: true }, { name: 'bk2', backup: true },
    ],
  });
  backend.findServer('down')!.setStopped();
  backend.findServer('maint')!.setAdmin(AdminFlag.FMAINT, true);
  backend.findServer('drain')!.setAdmin(AdminFlag.FDRAIN, true);
  const nolb = backend.findServer('nolb')!;
  nolb.opState = OpState.Stopping;
  nolb.notifyChange();
  const ok2 = backend.findServer('ok2')!;
  ok2.curConns = 1;
  const ex = fresh();
  const s = balancer.pick(pickCtx(), undefined, ex);
  assert.equal(s?.name, 'ok1');
  assert.equal(ex.algorithm, 'roundrobin');
  assert.deepEqual(Object.fromEntries(ex.skipped.map((k) => [k.server, k.why])), {
    down: 'DOWN', maint: 'MAINT', drain: 'DRAIN', zero: 'WEIGHT0', nolb: 'NOLB', ok2: 'FULL', bk1: 'BACKUP', bk2: 'BACKUP',
  });
  // Retrying: ok1 is avoided, so the saturated ok2 is HAProxy's next pick only if nothing
  // else has room; here ok1 is the only one with room, so it is returned anyway.
  const ex2 = fresh();
  assert.equal(balancer.pick(pickCtx(), s, ex2)?.name, 'ok1');
});

test('explanations on backups: the first backup serves, the others are not-first', () => {
  const { backend, balancer } = makeBackend({ algorithm: 'leastconn', servers: [{ name: 'a' }, { name: 'b1', backup: true }, { name: 'b2', backup: true }] });
  backend.findServer('a')!.setStopped();
  const ex = fresh();
  assert.equal(balancer.pick(pickCtx(), undefined, ex)?.name, 'b1');
  assert.deepEqual(ex.skipped, [{ server: 'a', why: 'DOWN' }, { server: 'b2', why: 'NOT-FIRST-BACKUP' }]);
  assert.match(ex.detail!, /least loaded/);
});

test('explanations mark the avoided server', () => {
  const { backend, balancer } = makeBackend({ algorithm: 'static-rr', servers: [{ name: 'a' }, { name: 'b' }] });
  const ex = fresh();
  const a = backend.findServer('a')!;
  assert.equal(balancer.pick(pickCtx(), a, ex)?.name, 'b');
  assert.deepEqual(ex.skipped, [{ server: 'a', why: 'AVOIDED' }]);
});

test('no explanation object: nothing is filled and the choice is the same', () => {
  const one = makeBackend({ algorithm: 'roundrobin', servers: [{ name: 'a', weight: 2 }, { name: 'b' }] });
  const two = makeBackend({ algorithm: 'roundrobin', servers: [{ name: 'a', weight: 2 }, { name: 'b' }] });
  for (let i = 0; i < 12; i++) assert.equal(one.balancer.pick(pickCtx())?.name, two.balancer.pick(pickCtx(), undefined, fresh())?.name);
});
