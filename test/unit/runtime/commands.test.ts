/**
 * Admin and show commands over a real socket, answers as HAProxy 2.6.12 gives them on the
 * same configuration (captured with socat), including the hapc command set.
 */

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startCli, cli, REF_CONFIG, type CliFixture } from './helpers';
import { subscribeAdminEvents, type AdminEvent } from '../../../src/observe/events';
import { recordProtocolError, clearProtocolErrors } from '../../../src/runtime/errors';
import { trackStream, untrackStream, allocStreamId } from '../../../src/runtime/sessions';

let fx: CliFixture;
let admin: string;
const events: AdminEvent[] = [];
let unsubscribe: () => void;

before(async () => {
  fx = await startCli(REF_CONFIG);
  admin = join(fx.dir, 'admin');
  unsubscribe = subscribeAdminEvents((e) => events.push(e));
});
after(async () => {
  unsubscribe();
  await fx.close();
});

const run = (c: string): Promise<string> => cli(admin, c);

test('backend/server argument errors', async () => {
  assert.equal(await run('disable server'), "Require 'backend/server'.\n\n");
  assert.equal(await run('disable server app'), "Require 'backend/server'.\n\n");
  assert.equal(await run('disable server nope/x'), 'No such backend.\n\n');
  assert.equal(await run('disable server app/nope'), 'No such server.\n\n');
  assert.equal(await run('get weight app'), "Require 'backend/server'.\n\n");
});

test('hapc: show backend, show servers state/conn, enable/drain/disable server', async () => {
  assert.equal(await run('show backend'), '# name\napp\nlst\ntbe\n\n');
  const state = await run('show servers state app');
  const lines = state.split('\n');
  assert.equal(lines[0], '1');
  assert.equal(lines[1], '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port');
  assert.match(lines[3], /^3 app 2 app2 127\.0\.0\.1 2 0 1 1 \d+ 1 0 2 0 0 0 0 - 28082 - 0 0 - - 0$/);
  assert.equal(lines.length, 7);
  assert.ok(state.endsWith('\n\n'));
  assert.equal(await run('show servers state nope'), "Can't find backend.\n\n");
  const conn = await run('show servers conn tbe');
  assert.equal(conn.split('\n')[0], '# bkname/svname bkid/svid addr port - purge_delay used_cur used_max need_est unsafe_nb safe_nb idle_lim idle_cur idle_per_thr[1]');
  assert.match(conn.split('\n')[1], /^tbe\/t1 6\/1 127\.0\.0\.1 28081 - 5000 0 0 0 0 0 -1 0 0$/);

  events.length = 0;
  assert.equal(await run('set server app/app2 state drain'), '\n');
  assert.match(await run('show servers state app'), /\n3 app 2 app2 127\.0\.0\.1 2 8 /);
  assert.equal(await run('disable server app/app2'), '\n');
  assert.match(await run('show servers state app'), /\n3 app 2 app2 127\.0\.0\.1 2 9 /);
  assert.equal(await run('enable server app/app2'), '\n');
  assert.equal(await run('set server app/app2 state ready'), '\n');
  assert.match(await run('show servers state app'), /\n3 app 2 app2 127\.0\.0\.1 2 0 /);
  assert.deepEqual(events.map((e) => e.message), [
    'Server app/app2 enters drain state. 1 active and 1 backup servers online. 0 sessions requeued, 0 total in queue.',
    'Server app/app2 is going DOWN for maintenance. 1 active and 1 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
    'Server app/app2 is UP/DRAIN (leaving forced maintenance).',
    'Server app/app2 remains in forced drain mode.',
    'Server app/app2 is UP (leaving forced drain).',
  ]);
});

test('set server state: bad value and unknown sub-command', async () => {
  assert.equal(await run('set server app/app1 state foo'), "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n");
  assert.equal(await run('set server app/app1 foo'), 'usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | agent-send | check-addr | check-port | fqdn | health | ssl | state | weight\n\n');
});

test('set server check-port/check-addr/agent-*/fqdn/ssl answers as 2.6.12', async () => {
  const app1 = fx.instance.findBackend('app')!.findServer('app1')!;
  // The check engine is not running here; a check view marks checks as configured.
  app1.check = { status: 'INI', desc: 'Initializing', info: '', durationMs: 0, health: 0, rise: 2, fall: 3, enabled: true, running: false, lastCheck: 0 };
  assert.equal(await run('set server app/app1 check-port'), 'set server <b>/<s> check-port requires a port.\n\n');
  assert.equal(await run('set server app/app1 check-port x'), 'provided port is not an integer\n');
  assert.equal(await run('set server app/app1 check-port 28081'), '\n');
  assert.equal(app1.cfg.checkPort, 28081);
  assert.equal(await run('set server app/app2 check-port 1'), 'health checks are not enabled on this server\n');
  assert.equal(await run('set server app/app1 check-addr bad'), "invalid addr 'bad'\n");
  assert.equal(await run('set server app/app1 check-addr 127.0.0.1'), '\n');
  assert.equal(await run('set server app/app1 agent-addr 127.0.0.1'), 'agent checks are not enabled on this server\n');
  assert.equal(await run('set server app/app1 agent-port 5000'), 'agent checks are not enabled on this server\n');
  assert.equal(await run('set server app/app1 fqdn foo.example'), 'set server <b>/<s> fqdn failed because no resolution is configured.\n\n');
  assert.equal(await run('set server app/app1 ssl on'), "'set server <srv> ssl' cannot be set.  default-server should define ssl settings\n\n");
  delete app1.check;
  delete app1.cfg.checkPort;
  delete app1.cfg.checkAddr;
});

test('weights: absolute, relative, errors, get weight', async () => {
  assert.equal(await run('set weight app/app1'), 'Require <weight> or <weight%>.\n\n');
  assert.equal(await run('set weight app/app1 -5'), 'Absolute weight can only be between 0 and 256 inclusive.\n\n');
  assert.equal(await run('set weight app/app1 300'), 'Absolute weight can only be between 0 and 256 inclusive.\n\n');
  assert.equal(await run('set weight app/app1 -5%'), 'Relative weight must be positive.\n\n');
  assert.equal(await run('set weight app/app1 5x'), 'Trailing garbage in weight string\n');
  assert.equal(await run('set weight app/app1 x'), 'Empty weight string empty or preceded by garbage\n');
  assert.equal(await run('set weight app/app1 200%'), '\n');
  assert.equal(await run('get weight app/app1'), '2 (initial 1)\n\n');
  assert.equal(await run('set server app/app1 weight 3'), '\n');
  assert.equal(await run('get weight app/app1'), '3 (initial 1)\n\n');
  assert.equal(await run('set weight app/app1 100%'), '\n');
  assert.equal(await run('get weight app/app1'), '1 (initial 1)\n\n');
});

test('set server addr answers', async () => {
  assert.equal(await run('set server app/app1 addr'), 'set server <b>/<s> addr requires an address and optionally a port.\n\n');
  assert.equal(await run('set server app/app1 addr bad'), "Invalid addr 'bad' by 'stats socket command'\n\n");
  assert.equal(await run('set server app/app1 addr 127.0.0.2 port 28089'), "IP changed from '127.0.0.1' to '127.0.0.2', port changed from '28081' to '28089' by 'stats socket command'\n\n");
  assert.equal(await run('set server app/app1 addr 127.0.0.1'), "IP changed from '127.0.0.2' to '127.0.0.1' by 'stats socket command'\n\n");
  assert.equal(await run('set server app/app1 addr 127.0.0.1 port 28089'), "no need to change the addr, no need to change the port by 'stats socket command'\n\n");
  assert.equal(await run('set server app/app1 addr 127.0.0.1 port x'), "no need to change the addr, problem converting port 'x' to an int by 'stats socket command'\n\n");
  assert.equal(await run('set server app/app1 addr 127.0.0.1 port 28081'), "no need to change the addr, port changed from '28089' to '28081' by 'stats socket command'\n\n");
});

test('maxconn and rate limits', async () => {
  assert.equal(await run('set maxconn server app/app1'), 'Require <maxconn>.\n\n');
  assert.equal(await run('set maxconn server app/app1 x'), 'maxconn string empty or preceded by garbage\n');
  assert.equal(await run('set maxconn server app/app1 10'), '\n');
  assert.equal(fx.instance.findBackend('app')!.findServer('app1')!.maxconn, 10);
  assert.equal(await run('set maxconn frontend nope 1'), 'No such frontend.\n\n');
  assert.equal(await run('set maxconn frontend main'), 'Integer value expected.\n\n');
  assert.equal(await run('set maxconn frontend main 100'), '\n');
  assert.equal(fx.instance.findFrontend('main')!.maxconn, 100);
  assert.equal(await run('set maxconn global'), 'Expects an integer value.\n\n');
  assert.equal(await run('set maxconn global 99999999'), 'Value out of range.\n\n');
  assert.equal(await run('set maxconn global 500'), '\n');
  assert.equal(fx.instance.maxconn, 500);
  const usage = await run('set rate-limit foo global 1');
  assert.match(usage, /^'set rate-limit' only supports :\n   - 'connections global' to set the per-process maximum connection rate\n/);
  assert.equal(await run('set rate-limit connections global'), 'Expects an integer value.\n\n');
  assert.equal(await run('set rate-limit connections global 10'), '\n');
  assert.match(await run('show info'), /\nConnRateLimit: 10\n/);
});

test('frontends: disable, enable, shutdown', async () => {
  assert.equal(await run('disable frontend'), 'A frontend name is expected.\n\n');
  assert.equal(await run('disable frontend nope'), 'No such frontend.\n\n');
  assert.equal(await run('enable frontend lst'), 'All sockets are already enabled.\n\n');
  events.length = 0;
  assert.equal(await run('disable frontend lst'), '\n');
  assert.deepEqual(events.map((e) => `${e.severity} ${e.message}`), ['warning Paused proxy lst.']);
  assert.equal(await run('disable frontend lst'), 'All sockets are already disabled.\n\n');
  assert.match(await run('show stat'), /\nlst,FRONTEND,.*,PAUSED,/);
  assert.equal(await run('enable frontend lst'), '\n');
  assert.equal(events[1].message, 'Resumed proxy lst.');
  assert.equal(await run('shutdown frontend lst'), '\n');
  assert.equal(events[2].message, 'Proxy lst stopped (cumulated conns: FE: 0, BE: 0).');
  assert.equal(await run('shutdown frontend lst'), 'Frontend was already shut down.\n\n');
  assert.equal(await run('enable frontend lst'), 'Frontend was previously shut down, cannot enable.\n\n');
  assert.equal(await run('disable frontend lst'), 'Frontend was previously shut down, cannot disable.\n\n');
});

test('add server / del server (dynamic servers start in maintenance)', async () => {
  assert.equal(await run('add server app'), "Require 'backend/server'.\n");
  assert.equal(await run('add server nope/x 127.0.0.1:1'), 'No such backend.\n');
  assert.equal(await run('add server app/x'), "'server' expects <name> and <addr>[:<port>] as arguments.\n\n");
  assert.equal(await run('add server app/dyn1 127.0.0.1:28084'), 'New server registered.\n\n');
  assert.equal(await run('add server app/dyn1 127.0.0.1:28084'), 'Already exists a server with the same name in backend.\n\n');
  assert.match(await run('add server app/dyn3 127.0.0.1:28085 foo'), /^unknown keyword 'foo'/);
  assert.equal(await run('add server app/dyn2 127.0.0.1:28085 weight 5 maxconn 3'), 'New server registered.\n\n');
  assert.match(await run('show servers state app'), /\n3 app 5 dyn2 127\.0\.0\.1 2 1 5 5 /);
  assert.match(await run('show stat'), /\napp,dyn2,.*,MAINT,5,/);
  assert.equal(await run('del server app/app1'), 'Only servers in maintenance mode can be deleted.\n');
  assert.equal(await run('del server app/nope'), 'No such server.\n');
  assert.equal(await run('del server app/dyn1'), 'Server deleted.\n');
  assert.equal(await run('disable server app/dyn1'), 'No such server.\n\n');
  assert.equal(await run('set server app/dyn2 state ready'), '\n');
  assert.match(await run('show stat -1 4 -1'), /\napp,dyn2,.*,no check,5,/);
});

test('add server: static algorithms refused, TLS/cookie keywords refused, checks start disabled', async () => {
  const f = await startCli(`global
    stats socket {{DIR}}/a level admin
defaults
    mode http
backend st
    balance static-rr
    server s1 127.0.0.1:1
backend dyn
    server s1 127.0.0.1:1
`);
  const a = join(f.dir, 'a');
  try {
    assert.equal(await cli(a, 'add server st/x 127.0.0.1:2'), 'Backend must use a dynamic load balancing to support dynamic servers.\n\n');
    assert.equal(await cli(a, 'add server dyn/x 127.0.0.1:2 cookie c'), "'cookie' option is not accepted for dynamic server\n\n");
    assert.equal(await cli(a, 'add server dyn/c 127.0.0.1:2 check inter 60s'), 'New server registered.\n\n');
    const c = f.instance.findBackend('dyn')!.findServer('c')!;
    assert.equal(c.check?.enabled, false);
    assert.equal(await cli(a, 'enable health dyn/c'), '\n');
    assert.equal(c.check?.enabled, true);
    assert.equal(await cli(a, 'add server dyn/t 127.0.0.1:3 track dyn/c'), 'cannot track a dynamic server.\n\n');
    assert.equal(await cli(a, 'add server dyn/t 127.0.0.1:3 track dyn/s1'), 'New server registered.\n\n');
    assert.equal(f.instance.findBackend('dyn')!.findServer('t')!.tracked?.name, 's1');
    assert.equal(await cli(a, 'del server dyn/c'), 'Server deleted.\n');
  } finally {
    for (const t of (f.instance.ext.checks as { tasks: { stop(): void }[] } | undefined)?.tasks ?? []) t.stop();
    await f.close();
  }
});

test('clear counters: max values (operator), everything (admin)', async () => {
  const px = fx.instance.findFrontend('main')!;
  px.feCounters.enter();
  px.feCounters.leave();
  assert.equal(px.feCounters.max, 1);
  assert.equal(await cli(join(fx.dir, 'oper'), 'clear counters'), '\n');
  assert.equal(px.feCounters.max, 0);
  assert.equal(px.feCounters.total, 1);
  assert.equal(await run('clear counters all'), '\n');
  assert.equal(px.feCounters.total, 0);
});

test('show stat at level user hides addr, cookie and algo (2.6.12)', async () => {
  const pick = (csv: string, name: string): string => csv.split('\n').find((l) => l.startsWith(name))!.split(',').slice(73, 77).join(',');
  const user = await cli(join(fx.dir, 'user'), 'show stat');
  assert.equal(pick(user, 'tbe,t1,'), ',,tcp,');
  assert.equal(pick(user, 'tbe,BACKEND,'), ',,tcp,');
  const oper = await cli(join(fx.dir, 'oper'), 'show stat');
  assert.equal(pick(oper, 'tbe,t1,'), '127.0.0.1:28081,c1,tcp,');
  assert.equal(pick(oper, 'tbe,BACKEND,'), ',,tcp,leastconn');
});

test('show stat arguments: unknown proxy, name filter, json wins', async () => {
  assert.equal(await run('show stat x -1 -1'), 'No such proxy.\n\n');
  assert.equal(await run('show stat domain foo'), 'Invalid statistics domain.\n\n');
  assert.match(await run('show stat domain proxy 2 -1 -1'), /^# pxname,.*\nmain,FRONTEND,[^\n]*\n\n$/);
  const byName = (await run('show stat tbe -1 -1')).trim().split('\n');
  assert.deepEqual(byName.slice(1).map((l) => l.split(',')[1]), ['t1', 't2', 'BACKEND']);
  assert.match(await run('show stat typed json'), /^\[\[\{"objType":"Frontend"/);
  assert.match(await run('show stat typed'), /^F\.2\.0\.0\.pxname\.1:KNS:str:main\n/);
});

test('show errors: header and captured requests', async () => {
  clearProtocolErrors();
  assert.match(await run('show errors'), /^Total events captured on \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] : 0\n\n$/);
  recordProtocolError({
    proxyName: 'lst', proxyId: 4, proxyType: 'frontend', side: 'request', src: '127.0.0.1:35828',
    buffer: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n'), errorPos: 28, when: Date.now(),
  });
  const out = await run('show errors');
  assert.match(out, /: 1\n \n\[[^\]]+\] frontend lst \(#4\): invalid request\n  backend <NONE> \(#-1\), server <NONE> \(#-1\), event #0, src 127\.0\.0\.1:35828\n/);
  assert.match(out, /  len 42, wraps at 16336, error at position 28\n/);
  assert.match(out, /  00000  GET \/ HTTP\/1\.1\\r\\n\n  00016  Host: x\\r\\n\n  00025  Bad Header: y\\r\\n\n  00040  \\r\\n\n\n$/);
  assert.equal(await run('show errors nope'), 'No such proxy.\n\n');
});

test('shutdown session / shutdown sessions server call kill()', async () => {
  const killed: string[] = [];
  const id = allocStreamId();
  trackStream({ id, proto: 'tcpv4', src: '127.0.0.1:1234', frontend: 'main', backend: 'app', server: 'app1', startMs: Date.now(), kill: (r) => killed.push(r) });
  assert.match(await run('show sess'), new RegExp(`^0x${id.toString(16)}: proto=tcpv4 src=127\\.0\\.0\\.1:1234 fe=main be=app srv=app1 ts=00 `, 'm'));
  assert.equal(await run(`shutdown session 0x${id.toString(16)}`), '\n');
  untrackStream(id);
  const srv = fx.instance.findBackend('app')!.findServer('app1')!;
  srv.streams.add({ kill: (r) => killed.push(r) });
  assert.equal(await run('shutdown sessions server app/app1'), '\n');
  assert.deepEqual(killed, ['shutdown session', 'shutdown sessions server']);
});

test('show version, show env, show pools, show activity', async () => {
  assert.match(await run('show version'), /^\d+\.\d+\.\d+\n\n$/);
  assert.equal(await run('show env NOPE_FULCRUM_X'), 'Variable not found\n\n');
  process.env.FULCRUM_TEST_ENV = 'v';
  assert.equal(await run('show env FULCRUM_TEST_ENV'), 'FULCRUM_TEST_ENV=v\n\n');
  assert.match(await run('show pools'), /^Dumping pools usage\. Use SIGQUIT to flush them\.\n  - Pool /);
  assert.match(await run('show activity'), /^thread_id: 1 \(1\.\.1\)\ndate_now: \d+\.\d{6}\n/);
});
