/**
 * The HTML stats page: HAProxy's sections, column groups and row classes, values from the
 * column table, scope and up filters, escaping.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInstance, REF_CONFIG } from '../runtime/helpers';
import { renderStatsPage, html } from '../../../src/stats/html';
import { AdminFlag } from '../../../src/proxy/server';

test('page layout, row classes and values', () => {
  const inst = buildInstance(REF_CONFIG, '/tmp/unused');
  inst.findBackend('app')!.findServer('app2')!.setAdmin(AdminFlag.FMAINT, true);
  inst.findFrontend('tfe')!.feCounters.bytesIn = 4242;
  const page = renderStatsPage(inst, { uri: '/st', refreshSec: 5, showLegends: true });
  assert.match(page, /<title>Statistics Report for pid \d+<\/title>/);
  assert.match(page, /<meta http-equiv="refresh" content="5">/);
  assert.match(page, /<h3>&gt; General process information<\/h3>/);
  assert.match(page, /<th colspan=3>Queue<\/th><th colspan=3>Session rate<\/th><th colspan=6>Sessions<\/th>/);
  assert.match(page, /<tr class="maintain"><td class=ac><a name="app\/app2"><\/a>/);
  assert.match(page, /<tr class="backup_no_check"><td class=ac><a name="app\/app3">/);
  assert.match(page, /<tr class="frontend"><td class=ac><a name="tfe\/Frontend"><\/a><a class=lfsb href="#tfe\/Frontend">Frontend<\/a><\/td><td colspan=3><\/td><td>0<\/td><td>0<\/td><td>-<\/td><td>0<\/td><td>0<\/td><td>50<\/td><td>0<\/td><td><\/td><td><\/td><td>4242<\/td>/);
  assert.match(page, /balancing: leastconn/);
  assert.match(page, /<a href="\/st;csv;norefresh">CSV export<\/a>/);
});

test('scope, up filter and hide-version', () => {
  const inst = buildInstance(REF_CONFIG, '/tmp/unused');
  inst.findBackend('app')!.findServer('app2')!.setAdmin(AdminFlag.FMAINT, true);
  const page = renderStatsPage(inst, { uri: '/s', scope: ['app'], upOnly: true, hideVersion: true });
  assert.ok(!page.includes('name="tbe/Backend"'));
  assert.ok(page.includes('name="app/app1"'));
  assert.ok(!page.includes('name="app/app2"'));
  assert.ok(!/version \d/.test(page));
  assert.equal(html('<a href="x">&'), '&lt;a href=&quot;x&quot;&gt;&amp;');
});
