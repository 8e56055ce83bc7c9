/** Did-you-mean suggestions: same choices as HAProxy's cfg_find_best_match(). */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestMatch } from '../../../src/config/registry';
import { haproxyFamilyMembers, haproxyKeywordNames, HAPROXY_BIND_KEYWORDS, HAPROXY_SERVER_KEYWORDS, haproxyHasKeyword } from '../../../src/config/haproxy-keywords';

test('suggestions HAProxy 2.6.12 makes (observed)', () => {
  assert.equal(bestMatch('defualt_backend', haproxyKeywordNames('frontend')), 'default_backend');
  assert.equal(bestMatch('stats-foo', haproxyKeywordNames('frontend')), 'stats');
  assert.equal(bestMatch('tune.zzz', haproxyKeywordNames('global')), 'tune.bufsize');
  const options = haproxyFamilyMembers('option');
  assert.equal(bestMatch('httplgo', options), 'httplog');
  assert.equal(bestMatch('http-server-clos', options), 'http-server-close');
  assert.equal(bestMatch('forbar', options), 'forwardfor');
  assert.equal(bestMatch('chek', HAPROXY_SERVER_KEYWORDS), 'check');
  assert.equal(bestMatch('accept-prox', HAPROXY_BIND_KEYWORDS), 'accept-proxy');
  assert.equal(bestMatch('foo', HAPROXY_BIND_KEYWORDS), 'tfo');
});

test('no suggestion when nothing is close (as HAProxy)', () => {
  const options = haproxyFamilyMembers('option');
  assert.equal(bestMatch('foobar', options), undefined);
  assert.equal(bestMatch('fooba', options), undefined);
  assert.equal(bestMatch('foobarbaz', options), undefined);
  assert.equal(bestMatch('foo', haproxyKeywordNames('global')), undefined);
  assert.equal(bestMatch('x', []), undefined);
});

test('the HAProxy keyword table knows sections', () => {
  assert.ok(haproxyHasKeyword('global', 'tune.ssl.cachesize'));
  assert.ok(haproxyHasKeyword('frontend', 'option httplog'));
  assert.ok(!haproxyHasKeyword('frontend', 'balance'));
  assert.ok(haproxyHasKeyword('backend', 'balance'));
  assert.ok(haproxyHasKeyword('defaults', 'timeout client'));
  assert.ok(!haproxyHasKeyword('global', 'defualt_backend'));
});
