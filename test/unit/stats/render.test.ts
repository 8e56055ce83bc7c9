/**
 * Stats renderers against HAProxy 2.6.12: the CSV header, whole rows of a TCP frontend,
 * backend and servers (captured without traffic, so every field is deterministic), the
 * typed and JSON layouts, and `show info`'s keys (hatop requires 14 of them).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildInstance, REF_CONFIG } from '../runtime/helpers';
import { csvHeader, renderStatCsv, renderStatTyped, renderStatJson } from '../../../src/stats/render';
import { renderInfo, renderInfoTyped, renderInfoJson, formatUptime } from '../../../src/stats/info';
import { STAT_COLUMNS } from '../../../src/stats/columns';
import { AdminFlag } from '../../../src/proxy/server';

const ROOT = join(__dirname, '../../../..');
const RT_FIX = join(ROOT, 'test/unit/runtime/fixtures/haproxy-2.6.12');
const ST_FIX = join(ROOT, 'test/unit/stats/fixtures');

function instanceAt(now: number): ReturnType<typeof buildInstance> {
  const inst = buildInstance(REF_CONFIG, '/tmp/unused');
  // lastchg = 1 s, as in the capture.
  for (const p of inst.proxies) {
    p.lastChange = now - 1000;
    for (const s of p.servers) s.lastChange = now - 1000;
  }
  return inst;
}

test('CSV header is 2.6.12\'s, including the module fields after "-" and the final comma', () => {
  const expected = readFileSync(join(RT_FIX, 'show-stat.csv'), 'utf8').split('\n')[0];
  assert.equal(csvHeader(), expected);
});

test('TCP frontend, backend and servers rows equal 2.6.12\'s field for field', () => {
  const now = Date.now();
  const inst = instanceAt(now);
  const csv = renderStatCsv(inst, undefined, now).split('\n');
  const expected = readFileSync(join(ST_FIX, 'rows-tcp-2.6.12.csv'), 'utf8').trim().split('\n');
  const header = csvHeader().slice(2).split(',');
  for (const line of expected) {
    const key = line.split(',').slice(0, 2).join(',');
    const actual = csv.find((l) => l.startsWith(key + ','));
    assert.ok(actual, `row ${key}`);
    const a = actual.split(',');
    const e = line.split(',');
    for (let i = 0; i < e.length; i++) assert.equal(a[i], e[i], `${key} field ${i} ${header[i]}`);
    assert.equal(actual, line);
  }
});

test('a listen without servers (stats page): BACKEND is UP with no downtime, as 2.6.12', () => {
  const now = Date.now();
  const inst = buildInstance(`
global
    maxconn 9982
defaults
    mode http
listen stats
    id 7
    bind 127.0.0.1:28095
    stats enable
`, '/tmp/unused');
  for (const p of inst.proxies) p.lastChange = now - 1000;
  const csv = renderStatCsv(inst, undefined, now).trim().split('\n').slice(1);
  const expected = readFileSync(join(ST_FIX, 'rows-listen-no-server-2.6.12.csv'), 'utf8').trim().split('\n');
  assert.deepEqual(csv, expected);
});

test('disabled proxies are not dumped; weight 0 and drain leave act/bck and BACKEND weight (2.6.12)', () => {
  const inst = buildInstance(`
defaults
    mode http
frontend f1
    bind 127.0.0.1:28191
    default_backend b1
frontend f2
    bind 127.0.0.1:28192
    disabled
    default_backend b1
backend b1
    server s1 127.0.0.1:28193 weight 0
backend b2
    disabled
    server s1 127.0.0.1:28193
`, '/tmp/unused');
  const pick = (): string[] => renderStatCsv(inst).trim().split('\n').slice(1).map((l) => { const f = l.split(','); return [f[0], f[1], ...f.slice(17, 21)].join(','); });
  assert.deepEqual(pick(), ['f1,FRONTEND,OPEN,,,', 'b1,s1,no check,0,1,0', 'b1,BACKEND,DOWN,0,0,0']);
  const s1 = inst.findBackend('b1')!.findServer('s1')!;
  s1.setWeight(1);
  s1.setAdmin(AdminFlag.FDRAIN, true);
  assert.deepEqual(pick(), ['f1,FRONTEND,OPEN,,,', 'b1,s1,DRAIN,1,1,0', 'b1,BACKEND,DOWN,0,0,0']);
  inst.findFrontend('f1')!.state = 'stopped';
  assert.equal(pick()[0], 'f1,FRONTEND,STOP,,,');
});

test('HTTP rows: hatop\'s first 51 fields for a server with a failing check', () => {
  const now = Date.now();
  const inst = instanceAt(now);
  const app3 = inst.findBackend('app')!.findServer('app3')!;
  app3.check = { status: 'L4CON', desc: 'Layer4 connection problem', info: 'Connection refused', durationMs: 0, health: 0, rise: 2, fall: 3, enabled: true, running: false, lastCheck: 0 };
  app3.setStopped();
  app3.lastChange = now - 4000;
  app3.downtimeMs = 0;
  const row = renderStatCsv(inst, undefined, now).split('\n').find((l) => l.startsWith('app,app3,'))!;
  // From 2.6.12 (downtime 4 s, 1 failed check in HAProxy; here the check engine is not running).
  assert.equal(row.split(',').slice(0, 21).join(','), 'app,app3,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1,0,1');
  const f = row.split(',');
  assert.equal(f[36], 'L4CON');
  assert.equal(f[38], '0');
  assert.equal(f[56], 'Connection refused');
  assert.equal(f[65], 'Layer4 connection problem');
  assert.equal(f.slice(67, 70).join(','), '2,3,0');
  assert.equal(f[73], '127.0.0.1:28083');
  assert.equal(f[75], 'http');
});

test('type/sid filters and up/no-maint as show stat <iid> <type> <sid>', () => {
  const inst = instanceAt(Date.now());
  const names = (csv: string): string[] => csv.trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 2).join('/'));
  assert.deepEqual(names(renderStatCsv(inst, { iid: -1, typeMask: 4, sid: -1, upOnly: false, noMaint: false })),
    ['app/app1', 'app/app2', 'app/app3', 'lst/l1', 'tbe/t1', 'tbe/t2']);
  assert.deepEqual(names(renderStatCsv(inst, { iid: 2, typeMask: -1, sid: -1, upOnly: false, noMaint: false })), ['main/FRONTEND']);
  assert.deepEqual(names(renderStatCsv(inst, { iid: 6, typeMask: 6, sid: 2, upOnly: false, noMaint: false })), ['tbe/t2', 'tbe/BACKEND']);
  assert.deepEqual(names(renderStatCsv(inst, { iid: 6, typeMask: -1, sid: -1, upOnly: false, noMaint: true })), ['tbe/t1', 'tbe/BACKEND']);
  inst.findBackend('app')!.findServer('app2')!.setAdmin(AdminFlag.FMAINT, true);
  assert.ok(!names(renderStatCsv(inst, { iid: 3, typeMask: -1, sid: -1, upOnly: true, noMaint: false })).includes('app/app2'));
});

test('typed: F.<iid>.<sid>.<pos>.<name>.1:<tags>:<type>:<value>, empty fields omitted; module fields numbered after agg_*', () => {
  const inst = instanceAt(Date.now());
  const typed = renderStatTyped(inst, { iid: 5, typeMask: -1, sid: -1, upOnly: false, noMaint: false });
  const lines = typed.trim().split('\n');
  assert.equal(lines[0], 'F.5.0.0.pxname.1:KNS:str:tfe');
  assert.ok(lines.includes('F.5.0.6.slim.1:CLP:u32:50'));
  assert.ok(lines.includes('F.5.0.103.ssl_sess.1:MCP:u64:0'));
  assert.ok(!lines.some((l) => l.includes('.qcur.')));
  const desc = renderStatTyped(inst, { iid: 5, typeMask: 1, sid: -1, upOnly: false, noMaint: false }, true);
  assert.match(desc, /^F\.5\.0\.0\.pxname\.1:KNS:str:tfe:"Proxy name"\n/);
});

test('JSON: one array per row of field objects, parseable', () => {
  const inst = instanceAt(Date.now());
  const json = renderStatJson(inst);
  const rows = JSON.parse(json) as { objType: string; proxyId: number; id: number; field: { pos: number; name: string }; tags: { origin: string }; value: { type: string; value: unknown } }[][];
  assert.equal(rows.length, 12);
  const fe = rows[0];
  assert.deepEqual(fe[0], { objType: 'Frontend', proxyId: 2, id: 0, field: { pos: 0, name: 'pxname' }, processNum: 1, tags: { origin: 'Key', nature: 'Name', scope: 'Service' }, value: { type: 'str', value: 'main' } });
  assert.ok(json.endsWith(']]\n'));
});

test('one column table: 103 base fields then 24 module fields, unique names', () => {
  assert.equal(STAT_COLUMNS.filter((c) => !c.module).length, 103);
  assert.equal(STAT_COLUMNS.filter((c) => c.module).length, 24);
  assert.equal(new Set(STAT_COLUMNS.map((c) => c.name)).size, STAT_COLUMNS.length);
});

test('show info: 2.6.12 key order and the 14 keys hatop requires', () => {
  const inst = instanceAt(Date.now());
  const info = renderInfo(inst);
  const keys = info.trim().split('\n').map((l) => l.slice(0, l.indexOf(':')));
  const ref = readFileSync(join(ROOT, 'test/unit/stats/fixtures/show-info-keys-2.6.12.txt'), 'utf8').trim().split('\n');
  assert.deepEqual(keys, ref);
  for (const k of ['Name', 'Version', 'Release_date', 'Nbproc', 'Process_num', 'Pid', 'Uptime', 'Maxconn', 'CurrConns', 'Maxpipes', 'PipesUsed', 'Tasks', 'Run_queue', 'node']) {
    assert.match(info, new RegExp(`^${k}:\\s*\\S+`, 'm'), k);
  }
  assert.match(renderInfoTyped(inst), /^0\.Name\.1:POS:str:Fulcrum\n1\.Version\.1:POS:str:/);
  const j = JSON.parse(renderInfoJson(inst)) as { field: { name: string } }[];
  assert.equal(j[0].field.name, 'Name');
  assert.equal(formatUptime(4), '0d 0h00m04s');
  assert.equal(formatUptime(90061), '1d 1h01m01s');
});
