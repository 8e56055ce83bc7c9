/** Cookie persistence helpers: HAProxy's 30-bit base64 dates and response cacheability. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { s30tob64, b64tos30, cookieDate, isCacheable } from '../../../src/persist/cookie';

test('s30tob64 / b64tos30 round trip, MSB first, standard alphabet', () => {
  assert.equal(s30tob64(0), 'AAAAA');
  assert.equal(s30tob64(1), 'AAAAB');
  assert.equal(s30tob64(63), 'AAAA/');
  assert.equal(s30tob64(64), 'AAABA');
  for (const v of [0, 1, 4095, 448932692, (1 << 30) - 1]) assert.equal(b64tos30(s30tob64(v)), v);
  assert.equal(b64tos30('AA*AA'), -1);
  assert.equal(b64tos30('AAA'), -1);
  assert.equal(b64tos30('xxAAAAB', 2), 1);
  // HAProxy writes ((now + 3) >> 2): a date observed on 2.6.12 decodes back to within 4 s.
  const now = 1795730767;
  assert.equal(b64tos30(cookieDate(now)) * 4 - now >= 0 && b64tos30(cookieDate(now)) * 4 - now < 4, true);
});

test('isCacheable: safe method, cacheable status, freshness, no private/no-cache', () => {
  assert.equal(isCacheable('GET', [], 200, ['Cache-Control', 'max-age=60']), true);
  assert.equal(isCacheable('GET', [], 200, ['Cache-Control', 'public']), false);
  assert.equal(isCacheable('GET', [], 200, []), false);
  assert.equal(isCacheable('GET', [], 200, ['Expires', 'Thu, 01 Jan 2037 00:00:00 GMT']), true);
  assert.equal(isCacheable('GET', [], 200, ['Cache-Control', 'max-age=60, private']), false);
  assert.equal(isCacheable('GET', [], 302, ['Cache-Control', 'max-age=60']), false);
  assert.equal(isCacheable('POST', [], 200, ['Cache-Control', 'max-age=60']), false);
  assert.equal(isCacheable('GET', ['Pragma', 'no-cache'], 200, ['Cache-Control', 'max-age=60']), false);
});
