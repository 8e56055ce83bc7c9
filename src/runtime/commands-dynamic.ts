/**
 * Dynamic servers: `add server B/S ADDR [params]` and `del server B/S` (HAProxy 2.6
 * server.c cli_parse_add_server / cli_parse_delete_server). A new server parses its
 * parameters with the registered server keywords, starts in forced maintenance as in 2.6
 * (`set server B/S state ready` enables it) and is announced to the balancer. Deletion
 * requires maintenance and no attached stream. Some 2.6 answers have no trailing newline;
 * they are kept that way.
 */

import { registerCliCommands, type CliContext } from './registry';
import { cliHelp } from './usage';
import { findServerArg } from './args';
import { newServerConfig } from '../config/model';
import { parseAddress } from '../config/address';
import { findServerKeyword, serverKeywordNames, bestMatch, type ParamContext } from '../config/registry';
import { AdminFlag, Server } from '../proxy/server';
import { attachServer, findBalancer } from '../lb/registry';
import { emitAdminEvent } from '../observe/events';
import { buildServerChecks, type ChecksRuntime } from '../checks/service';
import { compileProxyChecks } from '../checks/config';
import { serverChecks } from '../checks/scheduler';
import type { Instance } from '../process/instance';

/** Server keywords `add server` accepts in 2.6 (management.txt "add server"); TLS ones are not supported by Fulcrum. */
const DYNAMIC_KEYWORDS = new Set([
  'agent-addr', 'agent-check', 'agent-inter', 'agent-port', 'agent-send', 'addr', 'backup', 'check', 'check-send-proxy',
  'disabled', 'downinter', 'enabled', 'error-limit', 'fall', 'fastinter', 'id', 'inter', 'maxconn', 'maxqueue', 'minconn',
  'observe', 'on-error', 'on-marked-down', 'on-marked-up', 'pool-low-conn', 'pool-max-conn', 'pool-purge-delay', 'port',
  'proto', 'proxy-v2-options', 'rise', 'send-proxy', 'send-proxy-v2', 'slowstart', 'source', 'tfo', 'track', 'usesrc',
  'weight', 'ws',
]);

/**
 * Builds the checks of a new server. As in 2.6 they start disabled: `enable health` /
 * `enable agent` turns them on.
 */
function startDynamicChecks(instance: Instance, srv: Server): void {
  if (!srv.cfg.check && !srv.cfg.options['agent-check']) return;
  const tasks = buildServerChecks(srv.backend, srv, compileProxyChecks(srv.backend.cfg), 0);
  for (const t of tasks) {
    t.view.enabled = false;
    t.start(0);
  }
  const rt = (instance.ext.checks as ChecksRuntime | undefined) ?? { tasks: [] };
  rt.tasks.push(...tasks);
  instance.ext.checks = rt;
}

function stopDynamicChecks(instance: Instance, srv: Server): void {
  const sc = serverChecks(srv);
  const rt = instance.ext.checks as ChecksRuntime | undefined;
  for (const t of [sc?.health, sc?.agent]) {
    if (!t) continue;
    t.stop();
    if (rt) rt.tasks.splice(rt.tasks.indexOf(t), 1);
  }
}

/** Servers created with `add server` (they cannot be tracked by other dynamic servers). */
const dynamicServers = new WeakSet<Server>();

function addServer(ctx: CliContext): string {
  const arg = ctx.args[2];
  if (!arg || !arg.includes('/')) return "Require 'backend/server'.";
  const slash = arg.indexOf('/');
  const beName = arg.slice(0, slash);
  const name = arg.slice(slash + 1);
  const be = ctx.instance.findBackend(beName);
  if (!be) return 'No such backend.';
  const tag = `CLI : 'server ${beName}/${name}' : `;
  const fail = (msg: string): string => {
    emitAdminEvent('alert', `${tag}${msg}`, be.name);
    return `${msg}\n`;
  };
  if (ctx.args[3] === undefined) {
    const msg = "'server' expects <name> and <addr>[:<port>] as arguments.";
    emitAdminEvent('alert', `CLI : ${msg}`, be.name);
    return `${msg}\n`;
  }
  const bal = be.cfg.balance;
  if (findBalancer(bal.algorithm)?.isStatic?.(bal.args, bal.hashType)) return fail('Backend must use a dynamic load balancing to support dynamic servers.');
  if (be.findServer(name)) return fail('Already exists a server with the same name in backend.');
  const addr = parseAddress(ctx.args[3], { portOptional: true, allowHostname: false });
  if (addr.error !== undefined) return fail(addr.error);
  const cfg = newServerConfig(name, { file: 'CLI', line: 0 });
  cfg.address = addr.address;
  const errors: string[] = [];
  const words = ctx.args.slice(4);
  for (let i = 0; i < words.length; i++) {
    const kw = findServerKeyword(words[i]);
    if (!kw) {
      const hint = bestMatch(words[i], serverKeywordNames());
      return fail(`unknown keyword '${words[i]}'${hint ? `; did you mean '${hint}' maybe ?` : '.'}`);
    }
    if (!DYNAMIC_KEYWORDS.has(words[i])) return fail(`'${words[i]}' option is not accepted for dynamic server`);
    const pctx: ParamContext = {
      args: words, index: i, file: 'CLI', line: 0, proxy: be.cfg, config: ctx.instance.config, isDefaultServer: false,
      error: (m) => { errors.push(m); }, warning: () => undefined,
    };
    kw.parse(cfg, words.slice(i + 1, i + 1 + kw.argCount), pctx);
    if (errors.length > 0) return fail(errors[0]);
    i += kw.argCount;
  }
  const used = new Set(be.servers.map((s) => s.id));
  let id = cfg.id;
  if (id && used.has(id)) return fail(`this server ID is already in use`);
  if (!id) for (id = 1; used.has(id); id++) { /* first free id, as HAProxy's get_next_id */ }
  let tracked: Server | undefined;
  if (cfg.track) {
    const [tb, ts] = cfg.track.includes('/') ? cfg.track.split('/') : [be.name, cfg.track];
    tracked = ctx.instance.findBackend(tb)?.findServer(ts);
    if (!tracked) return fail(`unable to find required server '${cfg.track}' for tracking.`);
    if (dynamicServers.has(tracked)) return fail('cannot track a dynamic server.');
  }
  const srv = new Server(be, cfg, id);
  // 2.6: a dynamic server starts in maintenance until enabled.
  srv.adminState |= AdminFlag.FMAINT;
  if (tracked) {
    srv.tracked = tracked;
    tracked.trackers.push(srv);
  }
  dynamicServers.add(srv);
  be.servers.push(srv);
  attachServer(be, srv);
  startDynamicChecks(ctx.instance, srv);
  emitAdminEvent('notice', `${tag}New server registered.`, be.name);
  return 'New server registered.\n';
}

function delServer(ctx: CliContext): string {
  const found = findServerArg(ctx.instance, ctx.args[2]);
  // These answers have no trailing newline in 2.6.
  if (typeof found === 'string') return found.trimEnd();
  const s = found;
  if (!(s.adminState & AdminFlag.FMAINT) && !s.inMaint) return 'Only servers in maintenance mode can be deleted.';
  if (s.trackers.length > 0) return 'Cannot remove a server which is tracked by other servers.';
  if (s.curConns > 0 || s.streams.size > 0) return 'Server still has connections attached to it, cannot remove it.';
  if (s.queueLength > 0) return 'Server still has pending streams attached to it, cannot remove it.';
  const be = s.backend;
  stopDynamicChecks(ctx.instance, s);
  dynamicServers.delete(s);
  be.balancer?.removeServer?.(s);
  be.servers.splice(be.servers.indexOf(s), 1);
  if (s.tracked) s.tracked.trackers.splice(s.tracked.trackers.indexOf(s), 1);
  emitAdminEvent('notice', 'Server deleted.', be.name);
  return 'Server deleted.';
}

registerCliCommands([
  { words: ['add', 'server'], level: 'admin', help: cliHelp('add server <bk>/<srv>', 'create a new server'), handler: addServer },
  { words: ['del', 'server'], level: 'admin', help: cliHelp('del server <bk>/<srv>', 'remove a dynamically added server'), handler: delServer },
]);
