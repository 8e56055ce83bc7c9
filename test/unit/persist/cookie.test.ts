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

test('request cookie analysis: flags, dates, indirect stripping, prefix removal', async () => {
  const { testAnalyseRequest, s30tob64: enc } = await import('../../../src/persist/cookie');
  type Srv = { name: string; cfg: { cookie?: string }; host: string; port: number; acceptsPersistent: boolean; inMaint: boolean; isRunning: boolean };
  const srv = (name: string, cookie: string, up = true): Srv => ({ name, cfg: { cookie }, host: '127.0.0.1', port: 1, acceptsPersistent: up, inMaint: false, isRunning: up });
  const s1 = srv('s1', 'c1');
  const s2 = srv('s2', 'c2', false);
  const be = (persist = false) => ({ name: 'b', servers: [s1, s2], cfg: { options: { persist }, ext: {} } }) as never;
  const cfg = (over: object) => ({ name: 'SRV', mode: 'insert', indirect: false, nocache: false, postonly: false, preserve: false, httponly: false, secure: false, domains: [], maxidle: 0, maxlife: 0, dynamic: false, attrs: [], ...over }) as never;
  const now = 1_800_000_000;

  let h = ['Host', 'x', 'Cookie', 'a=1; SRV=c1; b=2'];
  let r = testAnalyseRequest(be(), cfg({ indirect: true }), h, now);
  assert.equal(r.flag, 'V');
  assert.equal(r.server, s1 as never);
  assert.deepEqual(h, ['Host', 'x', 'Cookie', 'a=1; b=2']);
  h = ['cookie', 'SRV=c1'];
  testAnalyseRequest(be(), cfg({ indirect: true }), h, now);
  assert.deepEqual(h, []);
  // DOWN server: D and not used, unless option persist.
  r = testAnalyseRequest(be(), cfg({}), ['Cookie', 'SRV=c2'], now);
  assert.equal(r.flag, 'D');
  assert.equal(r.server, undefined);
  r = testAnalyseRequest(be(true), cfg({}), ['Cookie', 'SRV=c2'], now);
  assert.equal(r.flag, 'D');
  assert.equal(r.server, s2 as never);
  assert.equal(testAnalyseRequest(be(), cfg({}), ['Cookie', 'SRV=zz'], now).flag, 'I');
  assert.equal(testAnalyseRequest(be(), cfg({}), ['Cookie', 'other=1'], now).flag, 'N');
  // Dates: last (maxidle) then first (maxlife), 4-second units.
  const d = (t: number): string => enc(Math.floor(t / 4));
  r = testAnalyseRequest(be(), cfg({ maxidle: 60 }), ['Cookie', `SRV=c1|${d(now - 30)}`], now);
  assert.equal(r.flag, 'V');
  assert.equal(r.lastDate, Math.floor((now - 30) / 4) * 4);
  assert.equal(testAnalyseRequest(be(), cfg({ maxidle: 60 }), ['Cookie', `SRV=c1|${d(now - 120)}`], now).flag, 'E');
  assert.equal(testAnalyseRequest(be(), cfg({ maxidle: 60 }), ['Cookie', `SRV=c1|${d(now + 90000)}`], now).flag, 'E');
  assert.equal(testAnalyseRequest(be(), cfg({ maxlife: 60 }), ['Cookie', `SRV=c1|${d(now)}|${d(now - 120)}`], now).flag, 'O');
  // prefix: the server part is removed, the application value kept.
  h = ['Cookie', 'JS=c1~abc; x=2'];
  r = testAnalyseRequest(be(), cfg({ name: 'JS', mode: 'prefix' }), h, now);
  assert.equal(r.flag, 'V');
  assert.deepEqual(h, ['Cookie', 'JS=abc; x=2']);
});
