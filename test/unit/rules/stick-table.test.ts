/**
 * Stick tables: HAProxy's rate arithmetic (freq_ctr_period), expiry, eviction, key types,
 * tracking levels, fetches, the `show table` line format, stick match/store, and keyword
 * messages compared with HAProxy 2.6.12.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, build, runRequest, PROLOGUE } from './helpers';
import { StickTable, readRate, addRate, type StickTableConfig } from '../../../src/stick/table';
import { trackSc, untrackConnection, trackedSlot, stickTables, DT, stickLookup, stickStore } from '../../../src/stick/runtime';
import { entryLine } from '../../../src/stick/commands';
import { findCliCommand, type CliContext } from '../../../src/runtime/registry';
import type { SampleContext } from '../../../src/sample/context';
import type { Proxy } from '../../../src/proxy/proxy';
import type { Server } from '../../../src/proxy/server';

function table(extra: Partial<StickTableConfig> = {}): StickTable {
  return new StickTable('t', { type: 'ip', keyLen: 32, size: 100, expire: 30_000, nopurge: false, store: [{ type: 'http_req_rate', period: 10_000 }, { type: 'gpc0' }, { type: 'conn_cur' }, { type: 'http_req_cnt' }], src: { file: 'x', line: 1 }, ...extra });
}

function ctx(src = '10.0.0.1'): SampleContext {
  return { src, srcPort: 1, dst: '127.0.0.1', dstPort: 80, frontend: 'f', vars: new Map() };
}

test('rate over a sliding period: previous period weighted by the time left', () => {
  const d = new Float64Array(3);
  addRate(d, 0, 10_000, 100_000, 1);
  for (let i = 0; i < 9; i++) addRate(d, 0, 10_000, 100_500, 1);
  assert.equal(readRate(d, 0, 10_000, 101_000), 10);
  // Next period, 2.5 s in: 10 * 7.5/10 from the previous period.
  assert.equal(readRate(d, 0, 10_000, 112_500), 7);
  addRate(d, 0, 10_000, 112_500, 2);
  assert.equal(readRate(d, 0, 10_000, 112_500), 9);
  // Two periods later everything is gone.
  assert.equal(readRate(d, 0, 10_000, 130_000), 0);
});

test('entries expire unless tracked by a connection; the oldest untracked entry is evicted when full', () => {
  const t = table({ size: 2 });
  const now = 1_000_000;
  t.touch('1.1.1.1', now);
  t.touch('2.2.2.2', now + 10);
  assert.equal(t.used(now + 20), 2);
  t.touch('3.3.3.3', now + 20);
  assert.deepEqual([...t.entries.keys()], ['2.2.2.2', '3.3.3.3']);
  assert.equal(t.lookup('2.2.2.2', now + 30_011), undefined);
  assert.ok(t.lookup('3.3.3.3', now + 30_011));
  const np = table({ size: 1, nopurge: true });
  assert.ok(np.touch('1.1.1.1', now));
  assert.equal(np.touch('2.2.2.2', now), undefined);
});

test('key conversion per table type', () => {
  assert.equal(table().keyOf('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(table().keyOf('2001:db8::1'), undefined);
  assert.equal(table({ type: 'ipv6' }).keyOf('10.1.2.3'), '::ffff:10.1.2.3');
  assert.equal(table({ type: 'integer' }).keyOf('42'), '42');
  assert.equal(table({ type: 'integer' }).keyOf('x'), undefined);
  assert.equal(table({ type: 'string', keyLen: 3 }).keyOf('abcdef'), 'abc');
});

test('request tracking counts the request; connection tracking counts conn_cur until released', () => {
  const t = table();
  const c = ctx();
  c.req = { method: 'GET', uri: '/', version: 'HTTP/1.1', status: 0, headers: [] };
  const e = trackSc(c, 0, t, '10.0.0.1', 'request')!;
  assert.equal(t.get(e, DT.http_req_cnt), 1);
  assert.equal(trackSc(c, 0, t, '10.0.0.1', 'request'), undefined, 'slot already tracked');
  const c2 = ctx();
  const e2 = trackSc(c2, 1, t, '10.0.0.1', 'connection')!;
  assert.equal(e2, e);
  assert.equal(t.get(e, DT.conn_cur), 1);
  assert.equal(e.use, 1);
  untrackConnection(c2);
  assert.equal(t.get(e, DT.conn_cur), 0);
  assert.equal(trackedSlot(c2, 1), undefined);
});

test('show table entry line: HAProxy order of data types, rate periods', () => {
  const t = table();
  const now = 5_000_000;
  const e = t.touch('127.0.0.1', now)!;
  t.add(e, DT.http_req_rate, 4, now);
  t.set(e, DT.gpc0, 5, now);
  assert.match(entryLine(t, e, now), /^0x[0-9a-f]+: key=127\.0\.0\.1 use=0 exp=30000 gpc0=5 conn_cur=0 http_req_cnt=0 http_req_rate\(10000\)=4\n$/);
});

const RATE_CFG = `${PROLOGUE}frontend f
  bind 127.0.0.1:18090
  stick-table type ip size 100k expire 30s store http_req_rate(10s),gpc0
  http-request track-sc0 src
  http-request sc-inc-gpc0(0) if { path /bump }
  http-request deny deny_status 429 if { sc_http_req_rate(0) gt 10 }
  http-request return status 200 content-type text/plain lf-string "%[sc0_http_req_rate] %[sc_get_gpc0(0)] %[src_http_req_rate(f)] %[src,table_gpc0(f)] %[str(10.1.1.1),in_table(f)]" if { path /show }
  default_backend b
backend b
  server s 127.0.0.1:1
`;

test('track-sc0 + deny_status 429 on sc_http_req_rate(0) gt 10: the 11th request of a source is refused', () => {
  const { config, errors, messages } = load(RATE_CFG);
  assert.equal(errors, 0, messages.join('\n'));
  const g = build(config);
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) statuses.push(runRequest(g, 'f', 'GET / HTTP/1.1\nHost: h', ctx('10.9.9.9')).reply?.status ?? 200);
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
  // Another source has its own entry.
  assert.equal(runRequest(g, 'f', 'GET / HTTP/1.1\nHost: h', ctx('10.9.9.8')).reply, undefined);
  runRequest(g, 'f', 'GET /bump HTTP/1.1\nHost: h', ctx('10.7.7.7'));
  const shown = runRequest(g, 'f', 'GET /show HTTP/1.1\nHost: h', ctx('10.7.7.7')).reply!.response.toString();
  assert.match(shown, /\r\n\r\n2 1 2 1 0$/);
});

test('runtime API: show/set/clear table, filters and errors as HAProxy 2.6.12', async () => {
  const { config } = load(RATE_CFG);
  const g = build(config);
  stickTables(g.instance);
  const cli = async (line: string): Promise<string> => {
    const args = line.split(' ');
    const cmd = findCliCommand(args)!;
    return String(await cmd.handler({ instance: g.instance, args, level: 'admin', session: { timeoutMs: 0, interactive: false, level: 'admin' } } as unknown as CliContext));
  };
  assert.equal(await cli('show table'), '# table: f, type: ip, size:102400, used:0\n');
  assert.equal(await cli('set table f key 1.2.3.4 data.gpc0 3'), '');
  assert.equal(await cli('set table f key 1.2.3.5 data.gpc0 1'), '');
  assert.match(await cli('show table f data.gpc0 gt 2'), /^# table: f, type: ip, size:102400, used:2\n0x[0-9a-f]+: key=1\.2\.3\.4 use=0 exp=\d+ gpc0=3 http_req_rate\(10000\)=0\n$/);
  assert.equal(await cli('show table f key 9.9.9.9'), '');
  assert.equal(await cli('show table nope'), 'No such table\n');
  assert.equal(await cli('show table f data.foo gt 1'), 'Filter entry #1: Unknown data type\n');
  assert.equal(await cli('show table f data.gpc0 zz 1'), 'Filter entry #1: Require and operator among "eq", "ne", "le", "ge", "lt", "gt"\n');
  assert.equal(await cli('show table f key'), 'Key value expected\n');
  assert.equal(await cli('show table f foo'), 'Optional argument only supports "data.<store_data_type>" <operator> <value> and key <key>\n');
  assert.equal(await cli('set table f key 1.2.3.4 data.nope 1'), 'Unknown data type\n');
  assert.equal(await cli('set table f key 1.2.3.4 data.gpc0 x'), 'Require a valid integer value to store\n');
  assert.equal(await cli('set table f key 1.2.3.4 data.server_id 1'), 'Data type not stored in this table\n');
  assert.equal(await cli('clear table'), 'Required arguments: <table> "data.<store_data_type>" <operator> <value> or <table> key <key>\n');
  assert.equal(await cli('clear table f key 1.2.3.4'), '');
  assert.match(await cli('show table f'), /used:1\n0x[0-9a-f]+: key=1\.2\.3\.5 /);
  assert.equal(await cli('clear table f'), '');
  assert.equal(await cli('show table f'), '# table: f, type: ip, size:102400, used:0\n');
});

test('stick on src: store after assignment, match on the next request', () => {
  const { config, errors, messages } = load(`${PROLOGUE}backend b
  stick-table type ip size 1k expire 1m store server_id
  stick on src
  server s1 127.0.0.1:1
  server s2 127.0.0.1:2
`);
  assert.equal(errors, 0, messages.join('\n'));
  const g = build(config);
  const be = g.proxy('b');
  const s2 = { id: 2, name: 's2' } as Server;
  (be as unknown as { findServer: (n: string) => Server | undefined }).findServer = (n) => (n === '#2' ? s2 : undefined);
  const c = ctx('10.1.1.1');
  assert.equal(stickLookup(be as Proxy, c), undefined);
  stickStore(be as Proxy, c, s2, 'request');
  assert.equal(stickLookup(be as Proxy, c), s2);
  assert.equal(stickLookup(be as Proxy, ctx('10.1.1.2')), undefined);
});

test('stick-table keyword messages as HAProxy 2.6.12', () => {
  const { messages } = load(`defaults
  mode http
  stick-table type ip size 1
backend b
  stick-table type ip size 1 store http_req_rate
backend c
  stick-table type ip size 1 store http_req_rate(x)
backend d
  stick-table type ip size 1
  stick-table type ip size 2
backend e
  stick-table type ip size 1 expire
backend f
  stick-table type ip size x
backend g
  stick-table
backend h
  stick on
backend k
  stick foo src
backend m
  stick-table type foo size 1
backend n
  stick-table type ip size 1 store foo
`);
  const alerts = messages.filter((m) => m.startsWith('[ALERT]')).map((m) => m.replace(/^\[ALERT\]    \(\d+\) : /, ''));
  assert.deepEqual(alerts.filter((m) => m.includes('parsing')), [
    "config : parsing [t.cfg:3] : 'stick-table' is not supported in 'defaults' section.",
    "config : parsing [t.cfg:5] : stick-table: missing argument to store option 'http_req_rate'.",
    "config : parsing [t.cfg:7] : stick-table: error when processing store option 'http_req_rate'.",
    "config : parsing [t.cfg:10] : stick-table name 'd' conflicts with table declared in backend 'd' at t.cfg:9.",
    "config : parsing [t.cfg:12] : stick-table: missing argument after 'expire'.",
    "config : parsing [t.cfg:14] : stick-table: unexpected character 'x' in argument of 'size'.",
    "config : parsing [t.cfg:16] : stick-table: missing size.",
    "config : parsing [t.cfg:18] : 'stick' expects a fetch method.",
    "config : parsing [t.cfg:20] : 'stick' expects 'on', 'match', or 'store'.",
    "config : parsing [t.cfg:22] : stick-table: unknown type 'foo'.",
    "config : parsing [t.cfg:24] : stick-table: unknown store option 'foo'.",
  ]);
});

test('stick store-response / stick match on a session header', () => {
  const { config, errors, messages } = load(`${PROLOGUE}backend b
  stick-table type string len 32 size 1k expire 1m store server_id
  stick store-response res.hdr(x-sess)
  stick match req.hdr(x-sess)
  server s1 127.0.0.1:1
  server s2 127.0.0.1:2
`);
  assert.equal(errors, 0, messages.join('\n'));
  const g = build(config);
  const be = g.proxy('b');
  const s2 = { id: 2, name: 's2' } as Server;
  (be as unknown as { findServer: (n: string) => Server | undefined }).findServer = (n) => (n === '#2' ? s2 : undefined);
  const first = ctx();
  first.req = { method: 'GET', uri: '/', version: 'HTTP/1.1', status: 0, headers: [] };
  first.res = { method: '', uri: '', version: 'HTTP/1.1', status: 200, headers: ['X-Sess', 'abc'] };
  stickStore(be as Proxy, first, s2, 'request');
  assert.equal(stickTables().get('b')!.entries.size, 0, 'store-response does not store on the request');
  stickStore(be as Proxy, first, s2, 'response');
  const next = ctx('10.2.2.2');
  next.req = { method: 'GET', uri: '/', version: 'HTTP/1.1', status: 0, headers: ['x-sess', 'abc'] };
  assert.equal(stickLookup(be as Proxy, next), s2);
});

test('runtime API key handling per table type and table order as HAProxy 2.6.12', async () => {
  const { config } = load(`backend s
  stick-table type string len 8 size 10 store gpc0
backend i
  stick-table type integer size 10 store gpc0
backend v6
  stick-table type ipv6 size 10 store gpc0
backend bn
  stick-table type binary len 4 size 10 store gpc0
`);
  const g = build(config);
  stickTables(g.instance);
  const cli = async (line: string): Promise<string> => {
    const args = line.split(' ');
    return String(await findCliCommand(args)!.handler({ instance: g.instance, args, level: 'admin', session: { timeoutMs: 0, interactive: false, level: 'admin' } } as unknown as CliContext));
  };
  assert.equal(await cli('set table s key abcdefghijk data.gpc0 1'), '');
  assert.equal(await cli('set table i key 42 data.gpc0 1'), '');
  assert.equal(await cli('set table i key x1 data.gpc0 1'), 'Invalid key\n');
  assert.equal(await cli('set table v6 key 10.0.0.1 data.gpc0 1'), 'Invalid key\n');
  assert.equal(await cli('set table v6 key 2001:db8::1 data.gpc0 1'), '');
  assert.equal(await cli('set table bn key 6162 data.gpc0 1'), 'Inserting keys into tables of type other than ip, ipv6, string and integer is not supported\n');
  assert.equal(await cli('show table'), '# table: bn, type: binary, size:10, used:0\n# table: v6, type: ipv6, size:10, used:1\n# table: i, type: integer, size:10, used:1\n# table: s, type: string, size:10, used:1\n');
  assert.match(await cli('show table s'), /\n0x[0-9a-f]+: key=abcdefgh use=0 exp=0 gpc0=1\n$/);
});
