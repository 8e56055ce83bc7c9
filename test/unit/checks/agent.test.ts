/** agent-check: reply parsing, effects on the server, and a live agent. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAgentReply, applyAgentReply } from '../../../src/checks/agent';
import { OpState, AdminFlag } from '../../../src/proxy/server';
import { scripted, replyWhen, buildBackend, collectEvents, until, closedPort } from './helpers';

test('parseAgentReply: words in any order, separators, description after #', () => {
  assert.deepEqual(parseAgentReply('75%, drain\tup # maintenance soon'), { desc: 'maintenance soon', weight: '75%', admin: 'drain', health: 'up' });
  assert.deepEqual(parseAgentReply('DOWN'), { desc: '', health: 'down' });
  assert.deepEqual(parseAgentReply('maxconn:30 bogus ready'), { desc: '', maxconn: '30', error: 'bogus', admin: 'ready' });
});

test('applyAgentReply: weight relative to the initial weight, admin words, messages', () => {
  const b = buildBackend('backend app\n    server s 127.0.0.1:1 weight 10 agent-check agent-port 1\n');
  const s = b.server('s');
  const ev = collectEvents();
  try {
    assert.deepEqual(applyAgentReply(s, parseAgentReply('50%')), { status: 'CHECKED', info: '' });
    assert.equal(s.uweight, 5);
    applyAgentReply(s, parseAgentReply('drain'));
    assert.ok(s.inDrain);
    applyAgentReply(s, parseAgentReply('ready'));
    assert.ok(!s.inDrain && !s.inMaint);
    applyAgentReply(s, parseAgentReply('maint'));
    assert.ok((s.adminState & AdminFlag.FMAINT) !== 0);
    applyAgentReply(s, parseAgentReply('ready'));
    const r = applyAgentReply(s, parseAgentReply('down # disk full'));
    assert.deepEqual(r, { status: 'L7STS', info: 'via agent : down (disk full)', forceHealth: 'down' });
    assert.equal(applyAgentReply(s, parseAgentReply('up')).info, 'via agent : up');
    assert.equal(applyAgentReply(s, parseAgentReply('hello')).info, 'agent reports an error : hello');
    assert.equal(applyAgentReply(s, parseAgentReply('3000%')).info, 'agent warns : Relative weight too large.');
    assert.ok(ev.messages().some((m) => m.startsWith('Server app/s enters drain state.')));
  } finally {
    ev.stop();
  }
});

test('a live agent answering "down" takes the server DOWN; "up" brings it back', async () => {
  let answer = 'down # stopped by ops\n';
  const agent = await scripted(replyWhen((rx) => rx.includes('\n'), () => answer, true));
  const b = buildBackend(`backend app
    server s 127.0.0.1:1 agent-check agent-port ${agent.port} agent-inter 40 agent-send "ping\\n" rise 1 fall 1
`);
  const s = b.server('s');
  const ev = collectEvents();
  try {
    for (const t of b.tasks) t.start(0);
    await until(() => s.opState === OpState.Stopped, 'DOWN via agent');
    assert.equal(agent.received[0].toString(), 'ping\n');
    const down = ev.messages().find((m) => m.includes(' is DOWN'))!;
    assert.match(down, /^Server app\/s is DOWN, reason: Layer7 wrong status, code: 0, info: "via agent : down \(stopped by ops\)", check duration: \d+ms\. 0 active/);
    answer = 'up 50%\n';
    await until(() => s.isRunning, 'UP via agent');
    assert.equal(s.uweight, 0); // iweight 1 * 50% rounds down as HAProxy does
    assert.equal(s.agent!.status, 'L7OK');
  } finally {
    for (const t of b.tasks) t.stop();
    ev.stop();
    await agent.close();
  }
});

test('an unreachable agent never marks the server DOWN', async () => {
  const port = await closedPort();
  const b = buildBackend(`backend app
    server s 127.0.0.1:1 agent-check agent-port ${port} agent-inter 30 rise 1 fall 1
`);
  const s = b.server('s');
  let runs = 0;
  b.tasks[0].onResult = () => { runs++; };
  try {
    b.tasks[0].start(0);
    await until(() => runs >= 3, 'three agent runs');
    assert.equal(s.agent!.status, 'L4CON');
    assert.equal(s.isRunning, true);
    assert.equal(s.failedChecks, 0);
  } finally {
    b.tasks[0].stop();
  }
});
