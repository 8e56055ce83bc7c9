/**
 * Runtime control of checks, for the runtime API (HAProxy cli.c / server.c handlers of
 * `enable|disable health|agent` and `set server B/S health|agent`). Each function returns
 * the CLI answer: '' on success, else HAProxy's exact message (without trailing newline).
 */

import type { Server } from '../proxy/server';
import { OpState } from '../proxy/server';
import { serverChecks, markDown, markUp, markStopping } from './scheduler';

const CLI = { desc: '', text: 'changed from CLI' };

/** `set server B/S health up|stopping|down`: forces the health-check state. */
export function setHealth(server: Server, state: string): string {
  if (server.tracked || server.cfg.track) return 'cannot change health on a tracking server.';
  const hc = serverChecks(server)?.health;
  if (state === 'up') {
    if (hc) hc.view.health = hc.view.rise + hc.view.fall - 1;
    if (server.opState === OpState.Stopping) {
      server.opState = OpState.Running;
      server.notifyChange();
    } else markUp(server, CLI);
  } else if (state === 'stopping') {
    if (hc) hc.view.health = hc.view.rise + hc.view.fall - 1;
    if (server.opState === OpState.Stopped) markUp(server, CLI);
    markStopping(server, CLI.text);
  } else if (state === 'down') {
    if (hc) hc.view.health = 0;
    markDown(server, CLI);
  } else {
    return "'set server <srv> health' expects 'up', 'stopping', or 'down'.";
  }
  return '';
}

/** `set server B/S agent up|down`: forces the agent-check state. */
export function setAgent(server: Server, state: string): string {
  const ag = serverChecks(server)?.agent;
  if (!ag || !ag.view.enabled) return 'agent checks are not enabled on this server.';
  if (state === 'up') {
    ag.view.health = ag.view.rise + ag.view.fall - 1;
    markUp(server, CLI);
  } else if (state === 'down') {
    ag.view.health = 0;
    markDown(server, CLI);
  } else {
    return "'set server <srv> agent' expects 'up' or 'down'.";
  }
  return '';
}

/** `enable health B/S` */
export function enableHealth(server: Server): string {
  const hc = serverChecks(server)?.health;
  if (!hc) return 'Health check was not configured on this server, cannot enable.';
  hc.view.enabled = true;
  return '';
}

/** `disable health B/S`: the check keeps its state but stops running. */
export function disableHealth(server: Server): string {
  const hc = serverChecks(server)?.health;
  if (hc) hc.view.enabled = false;
  return '';
}

/** `enable agent B/S` */
export function enableAgent(server: Server): string {
  const ag = serverChecks(server)?.agent;
  if (!ag) return 'Agent was not configured on this server, cannot enable.';
  ag.view.enabled = true;
  return '';
}

/** `disable agent B/S` */
export function disableAgent(server: Server): string {
  const ag = serverChecks(server)?.agent;
  if (ag) ag.view.enabled = false;
  return '';
}

function overrides(server: Server): NonNullable<NonNullable<ReturnType<typeof serverChecks>>['overrides']> {
  const sc = serverChecks(server)!;
  sc.overrides ??= {};
  return sc.overrides;
}

function parsePort(text: string | undefined): number | string {
  if (text === undefined || !/^\d+$/.test(text)) return 'provided port is not an integer';
  const n = Number(text);
  if (n < 1 || n > 65535) return 'provided port is not valid';
  return n;
}

function isIp(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(text) || (text.includes(':') && /^[0-9a-fA-F:.]+$/.test(text));
}

/** `<ip> [port <port>]` of the check-addr / agent-addr commands, or HAProxy's error text. */
function parseAddrPort(addr: string | undefined, port: string | undefined): { addr: string; port?: number } | string {
  if (!addr || !isIp(addr)) return `invalid addr '${addr ?? ''}'`;
  if (port === undefined) return { addr };
  const q = parsePort(port);
  return typeof q === 'string' ? q : { addr, port: q };
}

/** `set server B/S check-port <port>` */
export function setCheckPort(server: Server, port: string | undefined): string {
  if (port === undefined) return 'set server <b>/<s> check-port requires a port.';
  if (!serverChecks(server)?.health) return 'health checks are not enabled on this server';
  const p = parsePort(port);
  if (typeof p === 'string') return p;
  overrides(server).checkPort = p;
  return '';
}

/** `set server B/S check-addr <ip> [port <port>]` */
export function setCheckAddr(server: Server, addr: string | undefined, port?: string): string {
  if (!serverChecks(server)?.health) return 'health checks are not enabled on this server';
  const a = parseAddrPort(addr, port);
  if (typeof a === 'string') return a;
  const o = overrides(server);
  o.checkAddr = a.addr;
  if (a.port !== undefined) o.checkPort = a.port;
  return '';
}

/** `set server B/S agent-addr <ip> [port <port>]` */
export function setAgentAddr(server: Server, addr: string | undefined, port?: string): string {
  if (!serverChecks(server)?.agent) return 'agent checks are not enabled on this server';
  const a = parseAddrPort(addr, port);
  if (typeof a === 'string') return a;
  const o = overrides(server);
  o.agentAddr = a.addr;
  if (a.port !== undefined) o.agentPort = a.port;
  return '';
}

/** `set server B/S agent-port <port>` */
export function setAgentPort(server: Server, port: string | undefined): string {
  if (!serverChecks(server)?.agent) return 'agent checks are not enabled on this server';
  const p = parsePort(port);
  if (typeof p === 'string') return p;
  overrides(server).agentPort = p;
  return '';
}

/** `set server B/S agent-send <string>` */
export function setAgentSend(server: Server, text: string): string {
  if (!serverChecks(server)?.agent) return 'agent checks are not enabled on this server.';
  overrides(server).agentSend = text;
  return '';
}
