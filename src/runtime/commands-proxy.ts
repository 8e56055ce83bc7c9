/**
 * Proxy and process commands of the runtime API: `disable|enable|shutdown frontend`,
 * `set maxconn frontend|global`, `set rate-limit`, `show backend`. Answers are HAProxy
 * 2.6.12's. Listeners are paused/resumed/closed through the proxy's Listener objects.
 */

import { registerCliCommands, type CliContext } from './registry';
import { cliHelp } from './usage';
import { findFrontendArg, atoi } from './args';
import { getRateLimits, type RateLimits } from './limits';
import { emitAdminEvent } from '../observe/events';
import { proxyListeners, allListeners } from '../proxy/build';
import type { Proxy } from '../proxy/proxy';

/** HAProxy's proxy_type_str(): "proxy" for a listen section, else "frontend". */
function feWord(px: Proxy): string { return px.cfg.cap === 'listen' ? 'proxy' : 'frontend'; }

function frontend(ctx: CliContext): Proxy | string {
  return findFrontendArg(ctx.instance, ctx.args[2]);
}

const RATE_LIMIT_USAGE =
  "'set rate-limit' only supports :\n" +
  "   - 'connections global' to set the per-process maximum connection rate\n" +
  "   - 'sessions global' to set the per-process maximum session rate\n" +
  "   - 'ssl-sessions global' to set the per-process maximum SSL session rate\n" +
  "   - 'http-compression global' to set the per-process maximum compression speed in kB/s\n";

const RATE_KEYS: Record<string, keyof RateLimits> = {
  connections: 'connections', sessions: 'sessions', 'ssl-sessions': 'sslSessions', 'http-compression': 'httpCompression',
};

registerCliCommands([
  {
    words: ['disable', 'frontend'], level: 'admin',
    help: cliHelp('disable frontend <frontend>', 'temporarily disable specific frontend'),
    handler: (ctx) => {
      const px = frontend(ctx);
      if (typeof px === 'string') return px;
      if (px.state === 'stopped') return 'Frontend was previously shut down, cannot disable.\n';
      if (px.state === 'paused') return 'All sockets are already disabled.\n';
      for (const l of proxyListeners(px)) l.pause();
      px.state = 'paused';
      emitAdminEvent('warning', `Paused ${feWord(px)} ${px.name}.`, px.name);
      return '';
    },
  },
  {
    words: ['enable', 'frontend'], level: 'admin',
    help: cliHelp('enable frontend <frontend>', 're-enable specific frontend'),
    handler: (ctx) => {
      const px = frontend(ctx);
      if (typeof px === 'string') return px;
      if (px.state === 'stopped') return 'Frontend was previously shut down, cannot enable.\n';
      if (px.state !== 'paused') return 'All sockets are already enabled.\n';
      px.state = 'ready';
      for (const l of proxyListeners(px)) l.resume();
      emitAdminEvent('warning', `Resumed ${feWord(px)} ${px.name}.`, px.name);
      return '';
    },
  },
  {
    words: ['shutdown', 'frontend'], level: 'admin',
    help: cliHelp('shutdown frontend <frontend>', 'stop a specific frontend'),
    handler: async (ctx) => {
      const px = frontend(ctx);
      if (typeof px === 'string') return px;
      if (px.state === 'stopped') return 'Frontend was already shut down.\n';
      px.state = 'stopped';
      emitAdminEvent('warning', `Proxy ${px.name} stopped (cumulated conns: FE: ${px.feCounters.total}, BE: ${px.beCounters.total}).`, px.name);
      await Promise.all(proxyListeners(px).map((l) => l.close()));
      return '';
    },
  },
  {
    words: ['set', 'maxconn', 'frontend'], level: 'admin',
    help: cliHelp('set maxconn frontend <frontend> <value>', "change a frontend's maxconn setting"),
    handler: (ctx) => {
      const px = findFrontendArg(ctx.instance, ctx.args[3]);
      if (typeof px === 'string') return px;
      const text = ctx.args[4];
      if (text === undefined || !/^\d+/.test(text)) return 'Integer value expected.\n';
      px.maxconn = atoi(text);
      for (const l of proxyListeners(px)) l.admitWaiting();
      return '';
    },
  },
  {
    words: ['set', 'maxconn', 'global'], level: 'admin',
    help: cliHelp('set maxconn global <value>', 'change the per-process maxconn setting'),
    handler: (ctx) => {
      const text = ctx.args[3];
      if (text === undefined) return 'Expects an integer value.\n';
      const hard = ctx.instance.config.global.maxconn || 4096;
      let v = atoi(text);
      if (v > hard) return 'Value out of range.\n';
      // 0 (or garbage, as atoi reads it) restores the configured hard limit.
      if (v <= 0) v = hard;
      ctx.instance.maxconn = v;
      for (const l of allListeners(ctx.instance)) l.admitWaiting();
      return '';
    },
  },
  {
    words: ['set', 'rate-limit'], level: 'admin',
    help: cliHelp('set rate-limit <setting> <value>', 'change a rate limiting value'),
    handler: (ctx) => {
      const key = RATE_KEYS[ctx.args[2] ?? ''];
      if (!key || ctx.args[3] !== 'global') return RATE_LIMIT_USAGE;
      const text = ctx.args[4];
      if (text === undefined) return 'Expects an integer value.\n';
      const v = Math.max(0, atoi(text));
      // HAProxy keeps the compression limit in bytes/s and takes kB/s on the CLI.
      getRateLimits(ctx.instance)[key] = key === 'httpCompression' ? v * 1024 : v;
      return '';
    },
  },
  {
    words: ['show', 'backend'], level: 'user',
    help: cliHelp('show backend', 'list backends in the current running config'),
    handler: (ctx) => '# name\n' + ctx.instance.proxies.filter((p) => p.isBackend).map((p) => `${p.name}\n`).join(''),
  },
]);
