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

test('xxh64 reference vectors and HAProxy dynamic cookies (values observed on 2.6.12)', async () => {
  const { xxh64 } = await import('../../../src/persist/xxh64');
  const { dynamicCookie } = await import('../../../src/persist/cookie');
  const hex = (s: string): string => xxh64(Buffer.from(s)).toString(16).padStart(16, '0');
  assert.equal(hex(''), 'ef46db3751d8e999');
  assert.equal(hex('a'), 'd24ec4f1a98c6e5b');
  assert.equal(hex('abc'), '44bc2cf5ad770999');
  assert.equal(hex('Nobody inspects the spammish repetition'), 'fbcea83c8a378bf1');
  assert.equal(dynamicCookie('mykey', '127.0.0.1', 21001), '86ccd5ab9ffdfda7');
  assert.equal(dynamicCookie('other', '127.0.0.1', 21001), 'bd67e92cda3094b4');
  // Key + address + port >= 32 bytes: the 4-lane path.
  assert.equal(dynamicCookie('averyveryverylongsecretkeyof40characters!', '127.0.0.1', 21001), '23d71253f95b5d96');
  assert.equal(dynamicCookie('k', 'app.test', 80), undefined);
  assert.equal(dynamicCookie('k', '::1', 80)?.length, 16);
});
