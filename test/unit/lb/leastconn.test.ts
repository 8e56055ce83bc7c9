import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixtures, makeBackend, pickCtx, replay } from './helpers';
import { runConformance } from './balancer.suite';
import type { Server } from '../../../src/proxy/server';

for (const sc of loadFixtures('leastconn')) {
  test(`leastconn matches HAProxy 2.6: ${sc.name}`, () => {
    assert.equal(replay(sc).join(' '), sc.sequence.join(' '));
  });
}

test('leastconn: the least loaded server relative to its weight', () => {
  const { backend, balancer } = makeBackend({ algorithm: 'leastconn', servers: [{ name: 'a', weight: 1 }, { name: 'b', weight: 2 }, { name: 'c', weight: 1 }] });
  const open: Server[] = [];
  for (let i = 0; i < 8; i++) {
    const s = balancer.pick(pickCtx())!;
    s.curConns++;
    balancer.takeConn!(s);
    open.push(s);
  }
  const count = (n: string) => backend.findServer(n)!.curConns;
  // b has twice the weight: it holds about twice the connections of a and c.
  assert.equal(count('a') + count('b') + count('c'), 8);
  assert.ok(count('b') >= 3 && count('b') <= 5, `b has ${count('b')}`);
  assert.ok(Math.abs(count('a') - count('c')) <= 1);
  // Closing all of a's connections makes a the next choice.
  for (const s of open.filter((x) => x.name === 'a')) { s.curConns--; balancer.dropConn!(s); }
  assert.equal(balancer.pick(pickCtx())!.name, 'a');
});

test('leastconn: a server at maxconn + maxqueue is skipped', () => {
  const { backend, balancer } = makeBackend({ algorithm: 'leastconn', servers: [{ name: 'a', maxconn: 1 }, { name: 'b', maxconn: 5 }] });
  const a = backend.findServer('a')!;
  a.curConns = 1;
  balancer.takeConn!(a);
  const b = backend.findServer('b')!;
  b.curConns = 3;
  balancer.takeConn!(b);
  assert.equal(balancer.pick(pickCtx())!.name, 'b');
});

runConformance({
  algorithm: 'leastconn',
  skip: {
    proportional: 'with no concurrent connections every key is 0 and leastconn rotates regardless of weight, as HAProxy does (fixture leastconn-idle); weighted load is tested above',
    'weight-change': 'same reason as proportional: weights only matter under concurrent load',
  },
});
