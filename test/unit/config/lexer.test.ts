/** Lexer: HAProxy's quoting, escaping, comments and environment expansion (configuration.txt §2.2, §2.3). */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexLine } from '../../../src/config/lexer';

const env = (vars: Record<string, string>) => (n: string): string | undefined => vars[n];

test('splits on spaces and tabs, drops comments', () => {
  assert.deepEqual(lexLine('  bind\t:80   # comment').words, ['bind', ':80']);
  assert.deepEqual(lexLine('a#b c').words, ['a']);
  assert.deepEqual(lexLine('# only a comment').words, []);
  assert.deepEqual(lexLine('').words, []);
});

test('double quotes keep spaces and expand variables; single quotes are literal', () => {
  const e = env({ HOME: '/root', X: 'x y' });
  assert.deepEqual(lexLine('log-format "%ci %cp" next', e).words, ['log-format', '%ci %cp', 'next']);
  assert.deepEqual(lexLine(`a "\${HOME}/x" '\${HOME} $X'`, e).words, ['a', '/root/x', '${HOME} $X']);
  assert.deepEqual(lexLine('a "$X"', e).words, ['a', 'x y']);
  assert.deepEqual(lexLine('a "a"b"c"').words, ['a', 'abc']);
  assert.deepEqual(lexLine('a ""').words, ['a', '']);
});

test('unquoted variables are not expanded (HAProxy 2.6)', () => {
  assert.deepEqual(lexLine('a ${HOME}', env({ HOME: '/root' })).words, ['a', '${HOME}']);
});

test('${VAR-default} uses the default only when VAR is unset', () => {
  assert.deepEqual(lexLine('a "${NOPE-d e}" "${SET-d}"', env({ SET: 'v' })).words, ['a', 'd e', 'v']);
  assert.deepEqual(lexLine('a "${NOPE}"', env({})).words, ['a', '']);
});

test('backslash escapes', () => {
  assert.deepEqual(lexLine('a \\ b').words, ['a', ' b']);
  assert.deepEqual(lexLine('a\\#b').words, ['a#b']);
  assert.deepEqual(lexLine('"a\\"b\\\\c\\#d\\ e"').words, ['a"b\\c#d e']);
  assert.deepEqual(lexLine('x\\x41\\t').words, ['xA\t']);
  assert.deepEqual(lexLine('re ^/a\\.b$').words, ['re', '^/a\\.b$'], 'unknown escapes are kept for regexes');
  assert.deepEqual(lexLine('a\\').words, ['a\\'], 'a trailing backslash is kept');
});

test('errors carry HAProxy\'s message and the index its caret points at', () => {
  const q = lexLine('    maxconn "10');
  assert.equal(q.error, 'unmatched quote');
  assert.equal(q.errorIndex, 12);
  const h = lexLine('  node "a\\xZZ"');
  assert.equal(h.error, 'truncated or invalid hexadecimal sequence');
  assert.equal(h.errorIndex, 9);
  const b = lexLine('  node "${FOO"');
  assert.equal(b.error, 'unmatched brace in environment variable name');
  assert.equal(b.errorIndex, 9);
  const d = lexLine('  .notice "x$"');
  assert.equal(d.error, 'forbidden first char in environment variable name');
  assert.equal(d.errorIndex, 13);
  const f = lexLine('  node "${1A}"');
  assert.equal(f.error, 'forbidden first char in environment variable name');
  assert.equal(f.errorIndex, 10);
});

test('word start indexes are reported for each word', () => {
  assert.deepEqual(lexLine('  a "b c" d\\ e').starts, [2, 4, 10]);
});
