/** `.if` expressions (configuration.txt §2.4) with HAProxy 2.6's predicates and error positions. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCondition, versionCmp, PREDICATE_NAMES } from '../../../src/config/conditions';

const env = (n: string): string | undefined => ({ HOME: '/root', EMPTY: '' } as Record<string, string>)[n];
const ev = (s: string) => evaluateCondition(s === '' ? [] : [s], env);

test('integers, operators and parentheses', () => {
  assert.equal(ev('1').value, true);
  assert.equal(ev('0').value, false);
  assert.equal(ev('-1').value, true);
  assert.equal(ev('0x1').value, true);
  assert.equal(ev('!0 && (1 || 0)').value, true);
  assert.equal(ev('1&&0').value, false);
  assert.equal(ev('0 || !1').value, false);
  assert.equal(ev('').value, false, 'an empty condition is false');
});

test('predicates', () => {
  assert.equal(ev('defined(HOME)').value, true);
  assert.equal(ev('defined(EMPTY)').value, true);
  assert.equal(ev('defined(NOPE)').value, false);
  assert.equal(ev('defined()').value, false);
  assert.equal(ev('streq(a b,a b)').value, true);
  assert.equal(ev('strneq(a,b)').value, true);
  assert.equal(ev('version_atleast(2.4)').value, true);
  assert.equal(ev('version_atleast(2.6.12)').value, true);
  assert.equal(ev('version_before(2.6.12)').value, false);
  assert.equal(ev('version_before(2.7)').value, true);
  assert.equal(ev('feature(OPENSSL)').value, true);
  assert.equal(ev('feature(LUA)').value, false);
  assert.equal(ev('ssllib_name_startswith(Open)').value, true);
  assert.ok(!PREDICATE_NAMES.includes('strstr'), 'strstr/enabled only exist after 2.6');
});

test('errors: message and 1-based position as HAProxy reports them', () => {
  assert.deepEqual(ev('foo('), { error: "unparsable conditional expression 'foo('", position: 1 });
  assert.deepEqual(ev('1 || bar'), { error: "unparsable conditional expression 'bar'", position: 6 });
  assert.deepEqual(ev('!'), { error: "unparsable conditional expression '!'", position: 1 });
  assert.deepEqual(ev('(1'), { error: "expected ')' after conditional expression '(1'", position: 1 });
  assert.deepEqual(ev('1 2'), { error: "unexpected character '2' at the end of conditional expression '1 2'", position: 3 });
  assert.deepEqual(ev('defined('), { error: "expected ')' in argument 1 of predicate 'defined' used in conditional expression", position: 9 });
  assert.deepEqual(ev('defined(A,B)'), { error: "expected ')' before ',B)' in argument 1 of predicate 'defined' used in conditional expression", position: 10 });
  assert.deepEqual(ev('streq(a)'), { error: "missing arguments (got 1/2), type 'string' expected in argument 1 of predicate 'streq' used in conditional expression", position: 8 });
  assert.deepEqual(ev('1 && (0 ||'), { error: "unparsable conditional expression '(0 ||'", position: 6 });
  assert.equal(ev('strstr(abc,b)').error, "unparsable conditional expression 'strstr(abc,b)'");
});

test('versionCmp compares numerically', () => {
  assert.ok(versionCmp('2.6.12', '2.6.9') > 0);
  assert.ok(versionCmp('2.6', '2.6.0') === 0);
  assert.ok(versionCmp('2.4', '2.10') < 0);
});
