import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { makeBackend, pickCtx } from './helpers';
import { dynamicMaxconn } from '../../../src/lb/usable';

test('dynamic maxconn: minconn..maxconn scaled by backend load against fullconn', () => {
  const { backend } = makeBackend({ servers: [{ name: 'a', maxconn: 10 }, { name: 'b', maxconn: 10 }] });
  const a = backend.findServer('a')!;
  // Default: minconn = maxconn (HAProxy sets it so): static limit.
  assert.equal(dynamicMaxconn(a), 10);
  (a.cfg as { minconn: number }).minconn = 2;
  (backend.cfg as { fullconn: number }).fullconn = 100;
  assert.equal(dynamicMaxconn(a), 2, 'idle backend: minconn');
  backend.findServer('b')!.curConns = 50;
  assert.equal(dynamicMaxconn(a), 5, '50 of fullconn 100: half of maxconn');
  backend.findServer('b')!.curConns = 100;
  assert.equal(dynamicMaxconn(a), 10, 'at fullconn: maxconn');
});

test('dynamic maxconn: slowstart scales the limit by the ramp (at least 1)', (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 2_000_000 });
  t.after(() => mock.timers.reset());
  const { backend, balancer } = makeBackend({ servers: [{ name: 'a', maxconn: 10 }, { name: 'b', maxconn: 10, slowstart: 10_000 }] });
  const b = backend.findServer('b')!;
  b.setStopped();
  b.setRunning();
  assert.equal(dynamicMaxconn(b), 1);
  mock.timers.tick(5000);
  assert.equal(dynamicMaxconn(b), 5);
  // b full at its ramped limit: roundrobin skips it.
  b.curConns = 5;
  for (let i = 0; i < 10; i++) assert.equal(balancer.pick(pickCtx())!.name, 'a');
  mock.timers.tick(5000);
  assert.equal(dynamicMaxconn(b), 10);
});
