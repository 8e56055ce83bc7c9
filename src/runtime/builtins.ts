/**
 * Commands of the CLI itself (HAProxy cli.c): `show cli level|sockets`, `operator`, `user`,
 * `set timeout cli`, `show version`, `show env`. `help`, `prompt` and `quit` are handled by
 * the connection (runtime/connection.ts) because they act on the protocol.
 */

import { registerCliCommands, LEVEL_RANK, type CliLevel } from './registry';
import { cliHelp } from './usage';
import { PRODUCT_VERSION } from './version';
import { formatHostPort } from '../config/address';

/** `set timeout cli <delay>`: seconds by default, HAProxy's time units accepted. */
function parseCliTimeout(text: string | undefined): number | undefined {
  const m = /^(\d+)(us|ms|s|m|h|d)?$/.exec(text ?? '');
  if (!m) return undefined;
  const mult: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const ms = Number(m[1]) * mult[m[2] ?? 's'];
  return ms > 0 && ms <= 2_147_483_647 ? ms : undefined;
}

function lower(to: CliLevel) {
  return (ctx: { session: { level: CliLevel } }): string => {
    // Only lowering is possible: the command's own level stops a raise (Permission denied).
    if (LEVEL_RANK[to] <= LEVEL_RANK[ctx.session.level]) ctx.session.level = to;
    return '';
  };
}

registerCliCommands([
  {
    words: ['show', 'cli', 'level'], level: 'user',
    help: cliHelp('show cli level', 'display the level of the current CLI session'),
    handler: (ctx) => `${ctx.session.level}\n`,
  },
  { words: ['operator'], level: 'operator', help: cliHelp('operator', 'lower the level of the current CLI session to operator'), handler: lower('operator') },
  { words: ['user'], level: 'user', help: cliHelp('user', 'lower the level of the current CLI session to user'), handler: lower('user') },
  {
    words: ['set', 'timeout'], level: 'user',
    help: cliHelp('set timeout [cli] <delay>', 'change a timeout setting'),
    handler: (ctx) => {
      if (ctx.args[2] !== 'cli') return "'set timeout' only supports 'cli'.\n";
      const ms = parseCliTimeout(ctx.args[3]);
      if (ms === undefined) return 'Invalid timeout value.\n';
      ctx.session.timeoutMs = ms;
      ctx.session.onTimeoutChange?.(ms);
      return '';
    },
  },
  {
    words: ['show', 'cli', 'sockets'], level: 'user',
    help: cliHelp('show cli sockets', 'dump list of cli sockets'),
    handler: (ctx) => '# socket lvl processes\n' + ctx.instance.config.global.statsSockets.map((s) => {
      const a = s.address;
      const where = a.family === 'unix' || a.family === 'abns' ? `${a.family}@${a.path}` : `${a.family}@${formatHostPort(a.host || (a.family === 'ipv6' ? '::' : '0.0.0.0'), a.port)}`;
      return `${where} ${s.level} all\n`;
    }).join(''),
  },
  {
    words: ['show', 'version'], level: 'user',
    help: cliHelp('show version', 'show version of the current process'),
    handler: () => `${PRODUCT_VERSION}\n`,
  },
  {
    words: ['show', 'env'], level: 'operator',
    help: cliHelp('show env [var]', 'dump environment variables known to the process'),
    handler: (ctx) => {
      const name = ctx.args[2];
      if (name !== undefined) {
        const v = process.env[name];
        return v === undefined ? 'Variable not found\n' : `${name}=${v}\n`;
      }
      return Object.entries(process.env).map(([k, v]) => `${k}=${v}\n`).join('');
    },
  },
]);
