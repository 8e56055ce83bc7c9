/**
 * `agent-check`: connects to `agent-addr:agent-port` every `agent-inter`, sends
 * `agent-send` if set, and reads one line of words (HAProxy: tcpcheck.c
 * tcpcheck_agent_expect_reply): a weight `N%`, a health word (`up`, `down`, `stopped`,
 * `fail`), an admin word (`ready`, `drain`, `maint`), `maxconn:N`, then `# description`.
 * The evaluator only parses; {@link applyAgentReply} changes the server.
 */

import type { Ruleset } from './rules';
import { registerExpect } from './rules';
import type { CheckStatus } from './status';
import { AdminFlag, type Server } from '../proxy/server';

/** A parsed agent line. The last word of each category wins. */
export interface AgentReply {
  health?: 'up' | 'down' | 'stopped' | 'fail';
  admin?: 'ready' | 'drain' | 'maint';
  weight?: string;
  maxconn?: string;
  /** First unknown word. */
  error?: string;
  /** Text after `#`. */
  desc: string;
}

/** Parses one agent reply line (without its CR/LF). */
export function parseAgentReply(line: string): AgentReply {
  const out: AgentReply = { desc: '' };
  let rest = line;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    out.desc = rest.slice(hash + 1).replace(/^[ \t]+/, '');
    rest = rest.slice(0, hash);
  }
  for (const w of rest.split(/[ \t,]+/).filter(Boolean)) {
    const lw = w.toLowerCase();
    if (lw === 'up' || lw === 'down' || lw === 'stopped' || lw === 'fail') out.health = lw;
    else if (lw === 'ready' || lw === 'drain' || lw === 'maint') out.admin = lw;
    else if (/^\d/.test(w) && w.includes('%')) out.weight = w;
    else if (lw.startsWith('maxconn:')) out.maxconn = w.slice(8);
    else out.error ??= w;
  }
  return out;
}

/** Waits for a full line; an incomplete last line is reported as HAProxy does. */
registerExpect('agent-reply', (_r, i) => {
  const d = i.data.toString('latin1');
  const eol = d.search(/[\r\n]/);
  if (eol < 0) {
    if (!i.lastRead) return 'wait';
    return { match: true, final: true, successInfo: 'Ignoring incomplete line from agent', agentReply: undefined };
  }
  return { match: true, final: true, agentReply: d.slice(0, eol) };
});

/**
 * The agent ruleset: send `%[var(check.agent_string)]` (the `agent-send` string, changeable
 * at runtime; nothing is sent when empty) and read one line.
 */
export function agentRuleset(): Ruleset {
  return {
    proto: 'agent',
    rules: [
      { type: 'connect', implicit: true },
      { type: 'send', encoding: 'lf', data: '%[var(check.agent_string)]' },
      { type: 'expect', kind: 'agent-reply', pattern: '', inverse: false },
    ],
  };
}

/** Weight change request (`75%`): relative to the initial weight, at most 256. */
function applyWeight(server: Server, text: string): string | undefined {
  const m = /^(\d+)%$/.exec(text);
  if (!m) return 'Require <weight> or <weight%>.';
  const w = Math.floor((server.iweight * Number(m[1])) / 100);
  if (w > 256) return 'Relative weight too large.';
  server.setWeight(w);
  return undefined;
}

/**
 * Applies a reply to the server (admin state first, then weight and maxconn, as HAProxy)
 * and returns the agent check's status and description. A health word also forces the
 * server's *health check* counter: `up` to full health, the others to 0.
 */
export function applyAgentReply(server: Server, reply: AgentReply): { status: CheckStatus; info: string; forceHealth?: 'up' | 'down' } {
  if (reply.admin === 'drain') {
    server.setAdmin(AdminFlag.FMAINT, false);
    server.setAdmin(AdminFlag.FDRAIN, true);
  } else if (reply.admin === 'maint') server.setAdmin(AdminFlag.FMAINT, true);
  else if (reply.admin === 'ready') {
    server.setAdmin(AdminFlag.FMAINT, false);
    server.setAdmin(AdminFlag.FDRAIN, false);
  }
  let wrn: string | undefined;
  if (reply.weight !== undefined) wrn = applyWeight(server, reply.weight);
  if (reply.maxconn !== undefined) {
    const n = Number(reply.maxconn);
    if (/^\d+$/.test(reply.maxconn)) server.maxconn = n;
    else wrn ??= 'Require <maxconn>.';
  }
  if (reply.health) {
    const up = reply.health === 'up';
    let msg = reply.desc;
    if (!msg || up) msg = reply.error || wrn || msg;
    return { status: up ? 'L7OK' : 'L7STS', info: `via agent : ${reply.health}${msg ? ` (${msg})` : ''}`, forceHealth: up ? 'up' : 'down' };
  }
  // No health word: HCHK_STATUS_CHECKED, a neutral result that leaves the health alone.
  if (reply.error) return { status: 'CHECKED', info: `agent reports an error : ${reply.error}` };
  if (wrn) return { status: 'CHECKED', info: `agent warns : ${wrn}` };
  return { status: 'CHECKED', info: '' };
}
