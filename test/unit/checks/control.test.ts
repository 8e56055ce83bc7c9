/** Runtime control: setHealth/setAgent, enable/disable health|agent commands, observe. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpState } from '../../../src/proxy/server';
import { setHealth, setAgent, enableHealth, disableHealth, enableAgent } from '../../../src/checks/control';
import { reportObservedError } from '../../../src/checks/observe';
import { findCliCommand } from '../../../src/runtime/registry';
import { Instance } from '../../../src/process/instance';
import { parseString } from '../../../src/config/parser';
import { buildBackend, collectEvents } from './helpers';

test('set server health down|up|stopping: HAProxy lines "changed from CLI"', () => {
  const b = buildBackend('backend app\n    server a1 127.0.0.1:1 check\n    server a2 127.0.0.1:2\n');
  const ev = collectEvents();
  try {
    assert.equal(setHealth(b.server('a2'), 'down'), '');
    assert.equal(setHealth(b.server('a1'), 'down'), '');
    assert.equal(b.server('a1').check!.health, 0);
    assert.equal(setHealth(b.server('a1'), 'up'), '');
    assert.equal(b.server('a1').check!.health, 4);
    assert.equal(setHealth(b.server('a1'), 'stopping'), '');
    assert.equal(b.server('a1').opState, OpState.Stopping);
    assert.equal(setHealth(b.server('a1'), 'foo'), "'set server <srv> health' expects 'up', 'stopping', or 'down'.");
    assert.deepEqual(ev.messages(), [
      'Server app/a2 is DOWN, changed from CLI. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
      'Server app/a1 is DOWN, changed from CLI. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
      'backend app has no server available!',
      'Server app/a1 is UP, changed from CLI. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
      'Server app/a1 is stopping, changed from CLI. 0 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
    ]);
  } finally {
    ev.stop();
  }
});

test('setAgent / enable without configured checks: HAProxy answers', () => {
  const b = buildBackend('backend app\n    server a1 127.0.0.1:1\n');
  assert.equal(setAgent(b.server('a1'), 'up'), 'agent checks are not enabled on this server.');
  assert.equal(enableAgent(b.server('a1')), 'Agent was not configured on this server, cannot enable.');
  assert.equal(enableHealth(b.server('a1')), 'Health check was not configured on this server, cannot enable.');
  assert.equal(disableHealth(b.server('a1')), '');
});

test('CLI enable|disable health: lookup errors and effect', async () => {
  const { config } = parseString('backend app\n    server a1 127.0.0.1:1 check\n');
  const inst = new Instance(config, { foreground: true, quiet: true, debug: false, localPeer: '', configFiles: [] });
  const b = buildBackend('backend app\n    server a1 127.0.0.1:1 check\n');
  inst.proxies.push(b.px);
  const run = async (line: string) => {
    const args = line.split(' ');
    const cmd = findCliCommand(args)!;
    assert.equal(cmd.level, 'admin');
    return cmd.handler({ instance: inst, args, level: 'admin', session: { timeoutMs: 10000, interactive: false, level: 'admin' } }) as string;
  };
  assert.equal(await run('disable health'), "Require 'backend/server'.\n");
  assert.equal(await run('disable health zz/a1'), 'No such backend.\n');
  assert.equal(await run('disable health app/zz'), 'No such server.\n');
  assert.equal(await run('disable health app/a1'), '');
  assert.equal(b.server('a1').check!.enabled, false);
  assert.equal(await run('enable health app/#1'), '');
  assert.equal(b.server('a1').check!.enabled, true);
  assert.equal(await run('enable agent app/a1'), 'Agent was not configured on this server, cannot enable.\n');
});

test('observe layer4 + error-limit + on-error mark-down: DOWN with a Health analyze reason', () => {
  const b = buildBackend('backend app\n    server s 127.0.0.1:1 check observe layer4 error-limit 2 on-error mark-down\n');
  const s = b.server('s');
  const ev = collectEvents();
  try {
    reportObservedError(s, 'L4_ERR');
    assert.equal(s.isRunning, true);
    reportObservedError(s, 'L4_OK'); // a success resets the count
    reportObservedError(s, 'L4_ERR');
    assert.equal(s.isRunning, true);
    reportObservedError(s, 'HTTP_STS'); // ignored by layer4
    reportObservedError(s, 'L4_ERR');
    assert.equal(s.opState, OpState.Stopped);
    assert.equal(ev.messages()[0], 'Server app/s is DOWN, reason: Health analyze, info: "Detected 2 consecutive errors, last one was: L4 unsuccessful connection". 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
    assert.equal(s.check!.status, 'HANA');
  } finally {
    for (const t of b.tasks) t.stop();
    ev.stop();
  }
});

test('observe fail-check needs fall analyses; without observe nothing happens', () => {
  const b = buildBackend('backend app\n    mode http\n    server s 127.0.0.1:1 check observe layer7 error-limit 1 on-error fail-check fall 2\n    server t 127.0.0.1:1 check\n');
  const ev = collectEvents();
  try {
    reportObservedError(b.server('s'), 'HTTP_RSP');
    // health starts at rise (2): one failure takes it to 0 as HAProxy does
    assert.equal(b.server('s').opState, OpState.Stopped);
    for (let i = 0; i < 20; i++) reportObservedError(b.server('t'), 'L4_ERR');
    assert.equal(b.server('t').isRunning, true);
  } finally {
    ev.stop();
  }
});

import { setCheckPort, setCheckAddr, setAgentAddr, setAgentPort, setAgentSend } from '../../../src/checks/control';
import { healthTarget, agentTarget } from '../../../src/checks/service';

test('set server check-addr/check-port/agent-addr/agent-port/agent-send: answers and effect on targets', () => {
  const b = buildBackend('backend app\n    server a1 127.0.0.1:22 check agent-check agent-port 5\n    server a2 127.0.0.1:22\n');
  const a1 = b.server('a1');
  const a2 = b.server('a2');
  assert.equal(setCheckPort(a1, '8080'), '');
  assert.equal(setCheckPort(a1, 'x'), 'provided port is not an integer');
  assert.equal(setCheckPort(a1, undefined), 'set server <b>/<s> check-port requires a port.');
  assert.equal(setCheckAddr(a1, '127.0.0.2', '9000'), '');
  assert.equal(setCheckAddr(a1, 'zz'), "invalid addr 'zz'");
  assert.deepEqual([healthTarget(b.px, a1, 2000).host, healthTarget(b.px, a1, 2000).port], ['127.0.0.2', 9000]);
  assert.equal(setAgentAddr(a1, '127.0.0.3', '7000'), '');
  assert.equal(setAgentPort(a1, '7001'), '');
  assert.equal(setAgentSend(a1, 'hello\n'), '');
  const at = agentTarget(b.px, a1, 2000);
  assert.deepEqual([at.host, at.port, at.vars?.agent_string], ['127.0.0.3', 7001, 'hello\n']);
  assert.equal(setAgentSend(a2, 'x'), 'agent checks are not enabled on this server.');
  assert.equal(setAgentPort(a2, '1'), 'agent checks are not enabled on this server');
  assert.equal(setCheckPort(a2, '1'), 'health checks are not enabled on this server');
  assert.equal(setCheckAddr(a2, '127.0.0.2'), 'health checks are not enabled on this server');
});

import { checkStateBits } from '../../../src/checks/scheduler';
import { CHECK_STATUSES, CHECK_RESULT_CODE } from '../../../src/checks/status';

test('show servers state values: check state bits and status/result codes (HAProxy 2.6 observed)', () => {
  const b = buildBackend('backend app\n    server a1 127.0.0.1:22 check agent-check agent-port 5\n    server a2 127.0.0.1:22\n');
  assert.equal(checkStateBits(b.server('a1'), 'health'), 6);
  assert.equal(checkStateBits(b.server('a1'), 'agent'), 22);
  assert.equal(checkStateBits(b.server('a2'), 'health'), 0);
  // Observed: a refused check shows srv_check_status 8 and srv_check_result 2.
  assert.equal(CHECK_STATUSES.L4CON.code, 8);
  assert.equal(CHECK_RESULT_CODE[CHECK_STATUSES.L4CON.result], 2);
});
