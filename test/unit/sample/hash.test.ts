/** The exported hash functions, checked against HAProxy 2.6.12's converter outputs. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fullHash, hashCrc32, hashDjb2, hashSdbm, hashWt6, HASH_FUNCTIONS } from '../../../src/sample/hash';

test('sdbm, djb2, wt6, crc32 and their avalanche forms match HAProxy', () => {
  assert.equal(hashSdbm('abc'), 807794786);
  assert.equal(fullHash(hashSdbm('abc')), 659243622);
  assert.equal(hashDjb2('abc'), 193485963);
  assert.equal(fullHash(hashDjb2('abc')), 2235766107);
  assert.equal(hashWt6('abc'), 2483038440);
  assert.equal(hashWt6('hello world foo bar'), 1472883378);
  assert.equal(fullHash(hashWt6('abc')), 266135527);
  assert.equal(hashCrc32('abc'), 891568578);
  assert.equal(fullHash(hashCrc32('abc')), 930845320);
});

test('strings hash as latin1 bytes, same as the equivalent buffer', () => {
  for (const fn of Object.values(HASH_FUNCTIONS)) {
    assert.equal(fn('a\u00e9b'), fn(Buffer.from([0x61, 0xe9, 0x62])));
    assert.ok(fn('') >= 0 && fn('x'.repeat(1000)) <= 0xffffffff);
  }
});
