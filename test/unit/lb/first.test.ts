import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixtures, makeBackend, pickCtx, replay } from './helpers';
import { createBalancer } from '../../../src/lb/registry';
import { runConformance } from './balancer.suite';

for (const sc of loadFixtures('first')) {
  test(`first matches HAProxy 2.6: ${sc.name}`, () => {
    assert.equal(replay(sc).join(' '), sc.sequence.join(' '));
  });
}

test('first: fills servers by id up to maxconn, then the next one', () => {
  const { backend, balancer } = makeBackend({ algorithm: 'first', servers: [{ name: 'a', maxconn: 2 }, { name: 'b', maxconn: 2 }, { name: 'c', maxconn: 2 }] });
  const got: string[] = [];
  for (let i = 0; i < 5; i++) {
    const s = balancer.pick(pickCtx())!;
    s.curConns++;
    balancer.takeConn?.(s);
    got.push(s.name);
  }
  assert.deepEqual(got, ['a', 'a', 'b', 'b', 'c']);
  const a = backend.findServer('a')!;
  a.curConns--;
  assert.equal(balancer.pick(pickCtx())!.name, 'a');
});

test('first: order follows server ids, not declaration order', () => {
  const { backend, balancer } = makeBackend({ algorithm: 'first', servers: [{ name: 'a' }, { name: 'b' }], balancer: false });
  backend.servers[0].id = 9;
  backend.servers[1].id = 3;
  assert.equal(balancer, undefined);
  const b = createBalancer(backend);
  assert.equal(b.pick(pickCtx())!.name, 'b');
});

runConformance({
  algorithm: 'first',
  skip: {
    proportional: 'first ignores weights by design: the lowest id with a free slot always wins',
    'weight-change': 'first ignores weights by design',
    allbackups: 'with allbackups first still fills the lowest-id backup first (no maxconn here), by design',
  },
});
