/**
 * The `checks` service (order 60, after the proxies are built): creates a health-check task
 * for every backend server with `check` and an agent task for every `agent-check`, sets
 * `server.check` / `server.agent` (the CheckView stats read), and stops them on soft or
 * hard stop.
 */

import { registerService, type Instance } from '../process/instance';
import type { Server } from '../proxy/server';
import type { Proxy } from '../proxy/proxy';
import { hostname } from 'node:os';
import { compileProxyChecks, checksOf } from './config';
import { serverStateHeader } from './http';
import { agentRuleset } from './agent';
import { CheckTask, attachServerChecks, firstDelays, serverChecks, type CheckSettings, type ServerReactions } from './scheduler';
import type { CheckTarget, Ruleset } from './rules';

/** Runtime data kept in `instance.ext.checks`. */
export interface ChecksRuntime {
  tasks: CheckTask[];
}

function opt<T extends string | number | boolean>(srv: Server, name: string): T | undefined {
  return srv.cfg.options[name] as T | undefined;
}

/** Reactions configured on the server line (`on-marked-down`, `observe` ...). */
export function reactionsOf(srv: Server): ServerReactions {
  return {
    onMarkedDown: opt<string>(srv, 'on-marked-down') === 'shutdown-sessions' ? 'shutdown-sessions' : undefined,
    onMarkedUp: opt<string>(srv, 'on-marked-up') === 'shutdown-backup-sessions' ? 'shutdown-backup-sessions' : undefined,
    onError: (opt<string>(srv, 'on-error') as ServerReactions['onError'] | undefined) ?? 'fastinter',
    observe: opt<string>(srv, 'observe') as ServerReactions['observe'] | undefined,
    // HAProxy's default error-limit is 10 consecutive errors.
    errorLimit: opt<number>(srv, 'error-limit') ?? 10,
  };
}

/**
 * Check target for a server's health check: `addr`/`port` when set, else the server's
 * address. Timeouts follow HAProxy: with `timeout check`, connect gets min(timeout
 * connect, inter) and the rest gets `timeout check`; without it the whole check gets inter.
 */
export function healthTarget(px: Proxy, srv: Server, inter: number): CheckTarget {
  const tc = px.cfg.timeouts.check;
  const tconn = px.cfg.timeouts.connect;
  const ov = serverChecks(srv)?.overrides;
  const checkAddr = ov?.checkAddr ?? srv.cfg.checkAddr;
  const checkPort = ov?.checkPort ?? srv.cfg.checkPort;
  const ownAddr = checkAddr === undefined && checkPort === undefined;
  return {
    host: checkAddr ?? srv.host,
    port: checkPort ?? srv.port,
    ssl: opt<boolean>(srv, 'check-ssl') ?? false,
    sni: opt<string>(srv, 'check-sni'),
    // Without a dedicated check port/addr the check uses the traffic's PROXY protocol too.
    sendProxy: opt<boolean>(srv, 'check-send-proxy') ? 'v1' : ownAddr ? srv.cfg.sendProxy : undefined,
    connectTimeoutMs: tc !== undefined && tconn !== undefined ? Math.min(tconn, inter) : inter,
    readTimeoutMs: tc,
    totalMs: inter,
    extraHeaders: checksOf(px.cfg).sendState ? [['X-Haproxy-Server-State', serverStateHeader(srv, nodeName)]] : undefined,
  };
}

/** `node` of the global section, else the host name (HAProxy's default). */
let nodeName = hostname();

/** Agent target: `agent-addr` (else `addr`, else the server), `agent-port`. */
export function agentTarget(px: Proxy, srv: Server, inter: number): CheckTarget {
  const t = healthTarget(px, srv, inter);
  const ov = serverChecks(srv)?.overrides;
  return {
    ...t,
    host: ov?.agentAddr ?? opt<string>(srv, 'agent-addr') ?? srv.cfg.checkAddr ?? srv.host,
    port: ov?.agentPort ?? opt<number>(srv, 'agent-port') ?? 0,
    ssl: false,
    sendProxy: undefined,
    extraHeaders: undefined,
    vars: { agent_string: ov?.agentSend ?? opt<string>(srv, 'agent-send') ?? '' },
  };
}

/** Builds (without starting) the tasks of one server; returns them. */
export function buildServerChecks(px: Proxy, srv: Server, ruleset: Ruleset, spreadChecks: number): CheckTask[] {
  const cfg = srv.cfg;
  const settings: CheckSettings = {
    inter: cfg.inter, fastinter: cfg.fastinter, downinter: cfg.downinter, rise: cfg.rise, fall: cfg.fall,
    logHealthChecks: px.cfg.options['log-health-checks'] === true, spreadChecks,
  };
  const out: CheckTask[] = [];
  const sc = { reactions: reactionsOf(srv), consecutiveErrors: 0, failedHana: 0 } as Parameters<typeof attachServerChecks>[1];
  if (cfg.check) {
    const t: CheckTask = new CheckTask(srv, 'health', ruleset, settings, () => healthTarget(px, srv, t.currentInter()));
    srv.check = t.view;
    sc.health = t;
    out.push(t);
  }
  if (opt<boolean>(srv, 'agent-check')) {
    const agentSettings = { ...settings, inter: opt<number>(srv, 'agent-inter') ?? cfg.inter, fastinter: undefined, downinter: undefined };
    const t: CheckTask = new CheckTask(srv, 'agent', agentRuleset(), agentSettings, () => agentTarget(px, srv, t.currentInter()));
    srv.agent = t.view;
    sc.agent = t;
    out.push(t);
  }
  attachServerChecks(srv, sc);
  // Leaving maintenance: HAProxy restarts the health counter at `rise` ("start OK but
  // check at the next interval"), whatever it was when the server entered maintenance.
  let wasMaint = srv.inMaint;
  srv.onChange((s) => {
    if (wasMaint && !s.inMaint && sc.health) sc.health.view.health = sc.health.view.rise;
    wasMaint = s.inMaint;
  });
  return out;
}

function stopAll(instance: Instance): void {
  const rt = instance.ext.checks as ChecksRuntime | undefined;
  if (!rt) return;
  for (const t of rt.tasks) t.stop();
}

registerService({
  name: 'checks',
  order: 60,
  start(instance) {
    nodeName = instance.config.global.node ?? hostname();
    const tasks: CheckTask[] = [];
    for (const px of instance.proxies) {
      if (!px.isBackend) continue;
      const needs = px.servers.some((s) => s.cfg.check || s.cfg.options['agent-check']);
      if (!needs) continue;
      const ruleset = compileProxyChecks(px.cfg);
      for (const srv of px.servers) tasks.push(...buildServerChecks(px, srv, ruleset, instance.config.global.spreadChecks));
    }
    const delays = firstDelays(tasks, instance.config.global.spreadChecks);
    tasks.forEach((t, i) => t.start(delays[i]));
    instance.ext.checks = { tasks } satisfies ChecksRuntime;
  },
  softStop: stopAll,
  stop: stopAll,
});
