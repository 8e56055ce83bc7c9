/**
 * The usage/help generator against answers captured from HAProxy 2.6.12: the command table
 * is rebuilt from 2.6's own `help` list, so the fuzzy matching and the listing rules can be
 * compared byte for byte.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { usageMessage, cliHelp } from '../../../src/runtime/usage';
import { splitCommands } from '../../../src/runtime/parse';
import type { CliCommand } from '../../../src/runtime/registry';

const FIX = join(__dirname, '../../../../test/unit/runtime/fixtures/haproxy-2.6.12');

/** 2.6's command table from its help text: the leading lowercase words are the keywords. */
function haproxyCommands(): CliCommand[] {
  const lines = readFileSync(join(FIX, 'help.txt'), 'utf8').split('\n').slice(1).filter((l) => l.startsWith('  '));
  const out: CliCommand[] = [];
  for (const l of lines) {
    const help = l.slice(2);
    const usage = help.slice(0, help.indexOf(':', 39) === 40 ? 40 : help.indexOf(' : '));
    const words: string[] = [];
    for (const w of usage.trim().split(/\s+/)) {
      if (!/^[a-z][a-z0-9-]*$/.test(w)) break;
      words.push(w);
    }
    // help/prompt/quit are appended by the generator itself.
    if (['help', 'prompt', 'quit'].includes(words[0])) continue;
    out.push({ words, level: 'user', help, handler: () => '' });
  }
  return out;
}

test('help lists every command sorted, then help/prompt/quit (2.6.12 help output)', () => {
  const expected = readFileSync(join(FIX, 'help.txt'), 'utf8');
  assert.equal(usageMessage(haproxyCommands(), [], 'help') + '\n', expected);
});

test('empty line: full list with the "Please enter" header', () => {
  const expected = readFileSync(join(FIX, 'usage-empty.out'), 'utf8');
  assert.equal(usageMessage(haproxyCommands(), [], 'unknown') + '\n', expected);
});

/**
 * Equal distances are kept in registration order, which in HAProxy is the order its source
 * files register keywords; the table rebuilt from `help` is alphabetical, so for inputs with
 * ties only the shape (header, number of proposals, trailer) can be compared.
 */
const TIES = new Set(['show foo', 'foo bar']);

for (const f of readdirSync(FIX).filter((n) => /^usage-\d+\.cmd$/.test(n))) {
  const cmd = readFileSync(join(FIX, f), 'utf8').replace(/\n$/, '');
  test(`unknown or partial command '${cmd}' proposes what 2.6.12 proposes`, () => {
    const expected = readFileSync(join(FIX, f.replace('.cmd', '.out')), 'utf8');
    const words = splitCommands(cmd)[0];
    const isHelp = words[0] === 'help';
    const actual = usageMessage(haproxyCommands(), isHelp ? words.slice(1) : words, isHelp ? 'help' : 'unknown') + '\n';
    if (!TIES.has(cmd)) return assert.equal(actual, expected);
    const a = actual.split('\n');
    const e = expected.split('\n');
    assert.equal(a.length, e.length);
    assert.equal(a[0], e[0]);
    assert.deepEqual(a.slice(-5), e.slice(-5));
  });
}

test('cliHelp pads usages to 40 columns', () => {
  assert.equal(cliHelp('show backend', 'x'), 'show backend                            : x');
  assert.equal(cliHelp('set severity-output [none|number|string]', 'y'), 'set severity-output [none|number|string]: y');
});
