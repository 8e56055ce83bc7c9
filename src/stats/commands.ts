/**
 * Runtime API commands of the stats subsystem: `show info`, `show stat`, `clear counters`.
 * Argument handling and messages follow HAProxy 2.6.12 (stats.c cli_parse_show_stat /
 * cli_parse_clear_counters).
 */

import { registerCliCommands, type CliContext } from '../runtime/registry';
import { cliHelp } from '../runtime/usage';
import { PERMISSION_DENIED } from '../runtime/connection';
import { renderInfo, renderInfoJson, renderInfoTyped } from './info';
import { renderStatCsv, renderStatJson, renderStatTyped } from './render';
import { ALL_ROWS, type RowFilter } from './rows';

/** C atoi(): leading optional sign and digits, else 0. */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/**
 * Parses `show stat [{iid|proxy} type sid] [typed|json] [desc] [up|no-maint]`. The filter
 * applies only when three words follow `stat`, as in HAProxy. Returns an error text for an
 * unknown proxy name.
 */
export function parseShowStat(ctx: CliContext): { filter: RowFilter; format: 'csv' | 'typed' | 'json'; desc: boolean } | string {
  let a = ctx.args;
  if (a[2] === 'domain') {
    // Only the proxy domain exists here (2.6 also has `resolvers`, with no resolvers support in Fulcrum).
    if (a[3] !== 'proxy') return 'Invalid statistics domain.\n';
    a = [a[0], a[1], ...a.slice(4)];
  }
  // Addresses and algorithms are for operators: level user gets them empty, as in 2.6.
  const filter: RowFilter = { ...ALL_ROWS, legends: ctx.level !== 'user' };
  let start = 2;
  if (a[2] !== undefined && a[3] !== undefined && a[4] !== undefined) {
    const pxArg = a[2];
    if (/^-?\d+$/.test(pxArg)) filter.iid = Number(pxArg);
    else {
      const px = ctx.instance.findProxy(pxArg);
      if (!px) return 'No such proxy.\n';
      filter.iid = px.id;
    }
    filter.typeMask = atoi(a[3]);
    filter.sid = atoi(a[4]);
    start = 5;
  }
  let format: 'csv' | 'typed' | 'json' = 'csv';
  let desc = false;
  for (let i = start; i < a.length; i++) {
    if (a[i] === 'typed') format = 'typed';
    else if (a[i] === 'json') format = 'json';
    else if (a[i] === 'desc') desc = true;
    else if (a[i] === 'up') filter.upOnly = true;
    else if (a[i] === 'no-maint') filter.noMaint = true;
  }
  // HAProxy lets json win over typed whatever their order.
  if (a.slice(start).includes('json')) format = 'json';
  return { filter, format, desc };
}

registerCliCommands([
  {
    words: ['show', 'info'], level: 'user',
    help: cliHelp('show info [desc|json|typed|float]*', 'report information about the running process'),
    handler: (ctx) => {
      const opts = new Set(ctx.args.slice(2));
      if (opts.has('json')) return renderInfoJson(ctx.instance);
      if (opts.has('typed')) return renderInfoTyped(ctx.instance, opts.has('desc'));
      return renderInfo(ctx.instance, opts.has('desc'));
    },
  },
  {
    words: ['show', 'stat'], level: 'user',
    help: cliHelp('show stat [desc|json|no-maint|typed|up]*', 'report counters for each proxy and server'),
    handler: (ctx) => {
      const p = parseShowStat(ctx);
      if (typeof p === 'string') return p;
      if (p.format === 'json') return renderStatJson(ctx.instance, p.filter);
      if (p.format === 'typed') return renderStatTyped(ctx.instance, p.filter, p.desc);
      return renderStatCsv(ctx.instance, p.filter);
    },
  },
  {
    words: ['clear', 'counters'], level: 'operator',
    help: cliHelp('clear counters [all]', 'clear max statistics counters (or all counters)'),
    handler: (ctx) => {
      const all = ctx.args[2] === 'all';
      // Clearing everything needs admin; the max values only need operator.
      if (all && ctx.level !== 'admin') return PERMISSION_DENIED;
      clearCounters(ctx.instance, all);
      return '';
    },
  },
]);

/** `clear counters [all]` on every proxy, server and the process. */
export function clearCounters(instance: CliContext['instance'], all: boolean): void {
  for (const p of instance.proxies) {
    for (const c of [p.feCounters, p.beCounters]) if (all) c.clearAll(); else c.clearMax();
    p.queueMax = 0;
    for (const s of p.servers) {
      if (all) s.counters.clearAll(); else s.counters.clearMax();
      s.queueMax = 0;
    }
  }
  instance.connRate.max = 0;
  instance.sessRate.max = 0;
  instance.reqRate.max = 0;
}
