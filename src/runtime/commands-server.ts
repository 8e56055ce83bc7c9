/**
 * Server commands of the runtime API: `disable|enable server`, `set server B/S ...`,
 * `set weight`, `get weight`, `set maxconn server`, `shutdown sessions server`. State changes
 * go through Server.setAdmin/setWeight so the balancer is told and HAProxy's log lines are
 * written. Answers are HAProxy 2.6.12's, byte for byte.
 */

import { setServerFqdn } from '../resolvers/runtime';
import { isIP } from 'node:net';
import { registerCliCommands, type CliContext } from './registry';
import { cliHelp } from './usage';
import { findServerArg, strtol } from './args';
import { changeWeight } from './weight';
import { AdminFlag, type Server } from '../proxy/server';
import { setHealth, setAgent } from '../checks/control';
import { processQueue } from '../proxy/queue';

/** Resolves args[2] as `backend/server`, or returns the error answer. */
function server(ctx: CliContext, idx = 2): Server | string {
  return findServerArg(ctx.instance, ctx.args[idx]);
}

const SET_SERVER_USAGE = 'usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | agent-send | check-addr | check-port | fqdn | health | ssl | state | weight\n';

/** `set server B/S state ready|drain|maint` (srv_adm_set_ready/drain/maint). */
function setState(s: Server, state: string | undefined): string {
  if (state === 'ready') {
    s.setAdmin(AdminFlag.FMAINT, false);
    s.setAdmin(AdminFlag.FDRAIN, false);
  } else if (state === 'drain') {
    s.setAdmin(AdminFlag.FDRAIN, true);
    s.setAdmin(AdminFlag.FMAINT, false);
  } else if (state === 'maint') {
    s.setAdmin(AdminFlag.FMAINT, true);
    s.setAdmin(AdminFlag.FDRAIN, false);
  } else return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
  return '';
}

/**
 * `set server B/S addr IP [port P]` (srv_update_addr_port): the answer says what changed,
 * e.g. `IP changed from '127.0.0.1' to '127.0.0.2', port changed from '5004' to '5009' by
 * 'stats socket command'`.
 */
export function setAddr(s: Server, args: string[]): string {
  const ip = args[0];
  if (ip === undefined) return 'set server <b>/<s> addr requires an address and optionally a port.\n';
  if (isIP(ip) === 0) return `Invalid addr '${ip}' by 'stats socket command'\n`;
  const parts: string[] = [];
  if (ip === s.host) parts.push('no need to change the addr');
  else {
    parts.push(`IP changed from '${s.host}' to '${ip}'`);
    s.host = ip;
  }
  if (args[1] === 'port') {
    const text = args[2] ?? '';
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(n >= 0 && n <= 65535)) parts.push(`problem converting port '${text}' to an int`);
    else if (n === s.port) parts.push('no need to change the port');
    else {
      parts.push(`port changed from '${s.port}' to '${n}'`);
      s.port = n;
    }
  }
  s.notifyChange();
  return `${parts.join(', ')} by 'stats socket command'\n`;
}

/*
 * check-port / check-addr / agent-addr / agent-port: the check engine reads these from the
 * server's config at every check (checks/service.ts healthTarget/agentTarget), so updating
 * them there takes effect at the next check. Answers (some without newline) are 2.6.12's.
 */
function setCheckPort(s: Server, text: string | undefined): string {
  if (text === undefined) return 'set server <b>/<s> check-port requires a port.\n';
  if (!/^\d+$/.test(text) || Number(text) > 65535) return 'provided port is not an integer';
  if (!s.check) return 'health checks are not enabled on this server';
  s.cfg.checkPort = Number(text);
  return '';
}

function setCheckAddr(s: Server, text: string | undefined): string {
  if (text === undefined) return 'set server <b>/<s> check-addr requires an address and optionally a port.\n';
  if (isIP(text) === 0) return `invalid addr '${text}'`;
  if (!s.check) return 'health checks are not enabled on this server';
  s.cfg.checkAddr = text;
  return '';
}

function setAgentAddr(s: Server, text: string | undefined): string {
  if (!s.agent) return 'agent checks are not enabled on this server';
  if (text === undefined) return 'set server <b>/<s> agent-addr requires an address and optionally a port.\n';
  if (isIP(text) === 0) return `incorrect addr address given for agent.\n`;
  s.cfg.options['agent-addr'] = text;
  return '';
}

function setAgentPort(s: Server, text: string | undefined): string {
  if (!s.agent) return 'agent checks are not enabled on this server';
  if (text === undefined || !/^\d+$/.test(text) || Number(text) > 65535) return 'provided port is not an integer';
  s.cfg.options['agent-port'] = Number(text);
  return '';
}

/** Check answers come without newline from checks/control.ts. */
function nl(msg: string): string { return msg === '' ? '' : `${msg}\n`; }

function setServer(ctx: CliContext): string {
  const s = server(ctx);
  if (typeof s === 'string') return s;
  const sub = ctx.args[3];
  switch (sub) {
    case 'state': return setState(s, ctx.args[4]);
    case 'weight': return changeWeight(s, ctx.args[4]);
    case 'addr': return setAddr(s, ctx.args.slice(4));
    case 'health': return nl(setHealth(s, ctx.args[4] ?? ''));
    case 'agent': return nl(setAgent(s, ctx.args[4] ?? ''));
    case 'check-port': return setCheckPort(s, ctx.args[4]);
    case 'check-addr': return setCheckAddr(s, ctx.args[4]);
    case 'agent-addr': return setAgentAddr(s, ctx.args[4]);
    case 'agent-port': return setAgentPort(s, ctx.args[4]);
    // Servers with `resolvers` change name (resolvers/runtime.ts); others get 2.6's refusal.
    case 'fqdn': return setServerFqdn(s, ctx.args[4]) ?? 'set server <b>/<s> fqdn failed because no resolution is configured.\n';
    // Server-side TLS is not supported: 2.6's answer when no ssl settings exist.
    case 'ssl': return "'set server <srv> ssl' cannot be set.  default-server should define ssl settings\n";
    // agent-send (compiled into the agent's rules at start) is not implemented: it gets the
    // usage answer HAProxy gives for unknown sub-commands.
    default: return SET_SERVER_USAGE;
  }
}

registerCliCommands([
  {
    words: ['disable', 'server'], level: 'admin',
    help: cliHelp('disable server (DEPRECATED)', "disable a server for maintenance (use 'set server' instead)"),
    handler: (ctx) => {
      const s = server(ctx);
      if (typeof s === 'string') return s;
      s.setAdmin(AdminFlag.FMAINT, true);
      return '';
    },
  },
  {
    words: ['enable', 'server'], level: 'admin',
    help: cliHelp('enable server  (DEPRECATED)', "enable a disabled server (use 'set server' instead)"),
    handler: (ctx) => {
      const s = server(ctx);
      if (typeof s === 'string') return s;
      s.setAdmin(AdminFlag.FMAINT, false);
      return '';
    },
  },
  {
    words: ['set', 'server'], level: 'admin',
    help: cliHelp('set server <bk>/<srv> [opts]', "change a server's state, weight, address or ssl"),
    handler: setServer,
  },
  {
    words: ['set', 'weight'], level: 'admin',
    help: cliHelp('set weight <bk>/<srv>  (DEPRECATED)', "change a server's weight (use 'set server' instead)"),
    handler: (ctx) => {
      const s = server(ctx);
      if (typeof s === 'string') return s;
      return changeWeight(s, ctx.args[3]);
    },
  },
  {
    words: ['get', 'weight'], level: 'user',
    help: cliHelp('get weight <bk>/<srv>', "report a server's current weight"),
    handler: (ctx) => {
      const s = server(ctx);
      if (typeof s === 'string') return s;
      return `${s.uweight} (initial ${s.iweight})\n`;
    },
  },
  {
    words: ['set', 'maxconn', 'server'], level: 'admin',
    help: cliHelp('set maxconn server <bk>/<srv>', "change a server's maxconn setting"),
    handler: (ctx) => {
      const s = server(ctx, 3);
      if (typeof s === 'string') return s;
      const text = ctx.args[4];
      if (text === undefined) return 'Require <maxconn>.\n';
      const { value, rest } = strtol(text);
      if (value === undefined) return 'maxconn string empty or preceded by garbage';
      if (rest !== '') return 'Trailing garbage in maxconn string';
      s.maxconn = Math.max(0, value);
      s.notifyChange();
      // Requests queued for lack of a slot may fit now (HAProxy: process_srv_queue).
      processQueue(s.backend, s);
      return '';
    },
  },
  {
    words: ['shutdown', 'sessions', 'server'], level: 'admin',
    help: cliHelp('shutdown sessions server <bk>/<srv>', 'kill sessions on a server'),
    handler: (ctx) => {
      const s = server(ctx, 3);
      if (typeof s === 'string') return s;
      for (const st of [...s.streams]) st.kill('shutdown sessions server');
      return '';
    },
  },
]);
