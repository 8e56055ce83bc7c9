/**
 * CLI commands owned by checks/: `enable|disable health|agent <backend>/<server>` (admin).
 * `set server B/S health|agent ...` belongs to the runtime API's `set server` and calls
 * setHealth/setAgent from control.ts.
 */

import { registerCliCommands, type CliContext } from '../runtime/registry';
import { cliHelp } from '../runtime/usage';
import type { Server } from '../proxy/server';
import { enableHealth, disableHealth, enableAgent, disableAgent } from './control';

/**
 * HAProxy cli_find_server: resolves `backend/server` (either may be `#id`). Returns the
 * server or the error answer.
 */
export function findServerArg(ctx: CliContext, arg: string | undefined): Server | string {
  if (!arg || !arg.includes('/')) return "Require 'backend/server'.\n";
  const i = arg.indexOf('/');
  const be = ctx.instance.findBackend(arg.slice(0, i));
  if (!be) return 'No such backend.\n';
  const srv = be.findServer(arg.slice(i + 1));
  if (!srv) return 'No such server.\n';
  return srv;
}

function command(verb: 'enable' | 'disable', what: 'health' | 'agent', fn: (s: Server) => string) {
  return {
    words: [verb, what], level: 'admin' as const,
    help: cliHelp(`${verb} ${what}`, `${verb} ${what} checks`),
    handler(ctx: CliContext): string {
      const srv = findServerArg(ctx, ctx.args[2]);
      if (typeof srv === 'string') return srv;
      const err = fn(srv);
      return err ? `${err}\n` : '';
    },
  };
}

registerCliCommands([
  command('enable', 'health', enableHealth),
  command('disable', 'health', disableHealth),
  command('enable', 'agent', enableAgent),
  command('disable', 'agent', disableAgent),
]);
