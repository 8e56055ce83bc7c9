import test from 'node:test';
import assert from 'node:assert/strict';
import { parseStatsOptions, parseForm, authorized } from '../../../src/stats/web';

test('stats URI options after the prefix', () => {
  assert.deepEqual(parseStatsOptions(''), { format: 'html', up: false, noMaint: false, norefresh: false });
  assert.deepEqual(parseStatsOptions(';csv;norefresh'), { format: 'csv', up: false, noMaint: false, norefresh: true });
  assert.deepEqual(parseStatsOptions(';up;json;st=DONE'), { format: 'json', up: true, noMaint: false, norefresh: false, st: 'DONE' });
  assert.equal(parseStatsOptions('?scope=app%20x').scope, 'app x');
  assert.equal(parseStatsOptions(';no-maint').noMaint, true);
});

test('admin form bodies', () => {
  assert.deepEqual(parseForm('s=web1&s=web%232&action=maint&b=%234'), [['s', 'web1'], ['s', 'web#2'], ['action', 'maint'], ['b', '#4']]);
  assert.deepEqual(parseForm('a+b=c+d&&x'), [['a b', 'c d'], ['x', '']]);
});

test('stats auth accounts (Basic)', () => {
  const h = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;
  assert.equal(authorized([], undefined), true);
  assert.equal(authorized(['u:p'], undefined), false);
  assert.equal(authorized(['u:p'], h('u:p')), true);
  assert.equal(authorized(['u:p'], h('u:q')), false);
  assert.equal(authorized(['u:p', 'v:w'], `basic ${Buffer.from('v:w').toString('base64')}`), true);
});
