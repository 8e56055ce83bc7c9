/**
 * The stock HAProxy example's routing: two `url_static` lines OR'ed, `-i`, and
 * `use_backend static if url_static`, compiled from the real examples/haproxy.cfg.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, req } from './helpers';
import { compileCondition } from '../../../src/acl/compile';

const ROOT = join(__dirname, '../../../..');

test('stock example: config has no ACL errors and both url_static lines are kept', () => {
  const { config, messages } = load(readFileSync(join(ROOT, 'examples/haproxy.cfg'), 'utf8'));
  assert.deepEqual(messages.filter((m) => /ACL|switching rule/.test(m)), []);
  const main = config.proxies.find((p) => p.name === 'main')!;
  assert.equal(main.acls.filter((a) => a.name === 'url_static').length, 2);
});

test('stock example: use_backend static if url_static routes by path prefix or suffix, case-insensitively', () => {
  const { config } = load(readFileSync(join(ROOT, 'examples/haproxy.cfg'), 'utf8'));
  const main = config.proxies.find((p) => p.name === 'main')!;
  const rule = main.switchingRules.find((r) => r.backend === 'static')!;
  const errs: string[] = [];
  const cond = compileCondition(rule.cond!, main, (m) => errs.push(m));
  assert.ok(cond, errs.join());
  const cases: [string, boolean][] = [
    ['/static/x', true], ['/STATIC/x', true], ['/images/a', true], ['/javascript/app', true],
    ['/stylesheets/s', true], ['/a/b.JPG', true], ['/x.gif', true], ['/x.png?v=1', true], ['/site.css', true],
    ['/app.js', true], ['/', false], ['/api/static', false], ['/x.json', false], ['/x.jsx', false],
    ['/imagesfoo', true], // path_beg is a plain prefix match
  ];
  for (const [path, want] of cases) assert.equal(cond!(req(`GET ${path}`)), want, path);
});
