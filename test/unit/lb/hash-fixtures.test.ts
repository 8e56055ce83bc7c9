import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixtures, replay } from './helpers';

// uri / url_param / hdr / hash EXPR with map-based and consistent hashing: the server each
// key lands on must be HAProxy's (hash function, avalanche, map table, ring points).
for (const sc of loadFixtures('hash')) {
  test(`hash balancing matches HAProxy 2.6: ${sc.name} (balance ${sc.balance}${sc.options ? `; ${sc.options.join('; ')}` : ''})`, () => {
    assert.equal(replay(sc).join(' '), sc.sequence.join(' '));
  });
}
