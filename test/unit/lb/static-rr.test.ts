import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixtures, replay } from './helpers';
import { runConformance } from './balancer.suite';

for (const sc of loadFixtures('static-rr')) {
  test(`static-rr matches HAProxy 2.6: ${sc.name}`, () => {
    assert.deepEqual(replay(sc).join(' '), sc.sequence.join(' '));
  });
}

runConformance({ algorithm: 'static-rr' });
