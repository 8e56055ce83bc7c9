import test from 'node:test';
import assert from 'node:assert/strict';
import { Model, parseStat, sparkline, explain } from '../../../src/dashboard/model';
import { render, visibleRows, type UiState } from '../../../src/dashboard/view';
import { parseTarget } from '../../../src/dashboard/client';
import { splitKeys } from '../../../src/dashboard/top';

const HEAD = '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,';
const srv = (name: string, status: string, reqTot: number, chk = 'L4OK', desc = 'Layer4 check passed', info = ''): string =>
  `app,${name},0,0,1,2,,5,0,0,,0,,0,0,0,0,${status},1,1,0,3,1,12,12,,1,3,1,,5,,2,0,,1,${chk},,0,0,${reqTot},0,0,0,0,,,,${reqTot},0,0,,,,,0,${info},,0,0,4,7,,,,${desc},,2,3,0,,,,127.0.0.1:80,,http,,`;

test('parseStat reads columns by name from the header', () => {
  const rows = parseStat(`${HEAD}\n${srv('a', 'UP', 1)}\n\n`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].svname, 'a');
  assert.equal(rows[0].status, 'UP');
  assert.equal(rows[0].check_desc, 'Layer4 check passed');
});

test('Model computes request rates and history from successive polls', () => {
  const m = new Model();
  m.update('Name: Fulcrum\n', `${HEAD}\n${srv('a', 'UP', 10)}\n`, 1000);
  m.update('Name: Fulcrum\n', `${HEAD}\n${srv('a', 'UP', 30)}\n`, 3000);
  assert.equal(m.rows[0].rate, 10);
  assert.deepEqual(m.rows[0].history, [10]);
  assert.equal(sparkline([0, 5, 10], 5), '  ▁▅█');
});

test('explain says why a server is DOWN, in MAINT or draining', () => {
  const m = new Model();
  m.update('', `${HEAD}\n${srv('a', 'DOWN', 0, 'L4CON', 'Layer4 connection problem', 'Connection refused')}\n${srv('b', 'MAINT', 0)}\n${srv('c', 'DRAIN', 0)}\n`, 0);
  const [a, b, c] = m.rows;
  assert.match(explain(a).join('\n'), /DOWN for 12s: the health check failed: L4CON \(Layer4 connection problem\)/);
  assert.match(explain(a).join('\n'), /info "Connection refused"/);
  assert.match(explain(a).join('\n'), /Failed checks: 3; UP->DOWN transitions: 1/);
  assert.match(explain(b)[1], /^In maintenance for 12s: set by an operator/);
  assert.match(explain(c)[1], /^Draining/);
});

test('view filters, sorts and marks the selection', () => {
  const m = new Model();
  m.update('Name: Fulcrum\n', `${HEAD}\n${srv('a', 'UP', 0)}\n${srv('b', 'DOWN', 0)}\n`, 0);
  const ui: UiState = { selected: 0, filter: 'b', sort: 'config', detail: false, message: 'hi', readOnly: false, color: false, target: 't' };
  assert.deepEqual(visibleRows(m, ui).map((r) => r.name), ['b']);
  const lines = render(m, ui, 120, 20);
  assert.equal(lines.length, 20);
  assert.match(lines[3], /^>\s+app\/b\s+DOWN/);
  assert.equal(lines[19].trim(), 'hi');
  ui.filter = ''; ui.sort = 'status';
  assert.deepEqual(visibleRows(m, ui).map((r) => r.name), ['b', 'a']);
});

test('targets and keys', () => {
  assert.deepEqual(parseTarget('/run/haproxy.sock'), { path: '/run/haproxy.sock' });
  assert.deepEqual(parseTarget('127.0.0.1:9999'), { host: '127.0.0.1', port: 9999 });
  assert.deepEqual(parseTarget('unix@/x.sock'), { path: '/x.sock' });
  assert.deepEqual(splitKeys('jd\x1b[A\r'), ['j', 'd', '\x1b[A', '\r']);
});
