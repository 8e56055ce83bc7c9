import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sdbm, djb2, wt6, crc32, fullHash } from '../../../src/lb/hash/functions';

/**
 * Ground truth from HAProxy 2.6.12 itself: `%[path,sdbm] %[path,djb2] %[path,wt6]
 * %[path,crc32]` and the same with (1) (= avalanche) for each path.
 */
const HAPROXY: [string, number[]][] = [
  ['/', [47, 177620, 1886637733, 2043925204, 2118074832, 3725504903, 2250254464, 2724628003]],
  ['/abc', [3135654771, 2088271610, 4175322074, 326170788, 2611440265, 1563166642, 2702208831, 2375596333]],
  ['/index.html', [858007926, 3776231887, 822151038, 3928116034, 4217574924, 1889807916, 2986733765, 571229468]],
  ['/a/b/c', [2313627737, 2088251480, 2692261563, 2530205716, 1258940775, 1549263910, 3729741480, 1862626602]],
  ['/haproxy.1wt.eu', [2846497144, 3692229681, 4141505937, 3368967691, 1889639368, 1271246382, 2804996391, 2469258497]],
  ['/0123456789abcdefghij', [3820023289, 3792658360, 708778740, 4135647705, 458934216, 1122273183, 1534046036, 4273613302]],
];

for (const [input, expected] of HAPROXY) {
  test(`hash functions equal HAProxy's for '${input}'`, () => {
    const fns = [sdbm, djb2, wt6, crc32];
    const got = fns.map((f) => f(input, 0, input.length));
    assert.deepEqual(got, expected.slice(0, 4));
    assert.deepEqual(got.map(fullHash), expected.slice(4));
  });
}

test('hash functions hash a sub-range without copying', () => {
  const s = 'xx/abcyy';
  assert.equal(sdbm(s, 2, 6), sdbm('/abc'));
  assert.equal(crc32(s, 2, 6), crc32('/abc'));
});
