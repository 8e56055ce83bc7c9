/**
 * Global-section keywords that belong to the process (configuration.txt §3.1 "Process
 * management and security", §3.2 "Performance tuning"): daemon, master-worker, pidfile,
 * chroot, user/group/uid/gid, nbthread, cpu-map, node, hard-stop-after, grace,
 * spread-checks, ulimit-n, localpeer, tune.*, the environment keywords, the ssl-default-*
 * family and a few switches. Values land in `config.global` (model fields) or in the
 * `process` slice of `config.global.ext` ({@link processExt}). Messages are HAProxy 2.6's.
 */

import { registerKeywords, registerUnsupported, findKeyword, type KeywordContext, type SectionKeyword } from '../config/registry';
import { extSlice, type GlobalConfig } from '../config/model';
import { parseSize, parseTime } from '../config/units';
import { HAPROXY_GLOBAL_KEYWORDS } from '../config/haproxy-keywords';
import { findGroupId, findUserId } from './passwd';

/** Process settings with no field in GlobalConfig, kept under `config.global.ext.process`. */
export interface ProcessGlobalExt {
  /** `master-worker no-exit-on-failure`. */
  noExitOnFailure: boolean;
  /** `ulimit-n N` (0 = automatic). */
  ulimitN?: number;
  /** `localpeer NAME` (the `-L` flag overrides it). */
  localPeer?: string;
  /** `cpu-map` lines as written (words after the keyword). */
  cpuMap: string[][];
  /** Switches without argument, by keyword: expose-experimental-directives, insecure-fork-wanted ... */
  flags: Record<string, boolean>;
  /** `ssl-default-*` and other stored string settings, by keyword (words joined by a space). */
  strings: Record<string, string>;
  /** Integer settings without a model field (maxconnrate, fd-hard-limit ...), by keyword. */
  numbers: Record<string, number>;
}

/** The process slice of the global config, created on first use. */
export function processExt(global: GlobalConfig): ProcessGlobalExt {
  return extSlice(global, 'process', (): ProcessGlobalExt => ({ noExitOnFailure: false, cpuMap: [], flags: {}, strings: {}, numbers: {} }));
}

/** `'X' cannot handle unexpected argument 'Y'.` when more than `max` arguments (alertif_too_many_args). */
function tooMany(ctx: KeywordContext, max: number): boolean {
  if (ctx.args.length <= max + 1) return false;
  ctx.error(`'${ctx.args[0]}' cannot handle unexpected argument '${ctx.args[max + 1]}'.`);
  return true;
}

/** Reports a second occurrence as HAProxy does: an alert that does not invalidate the file. */
function alreadySpecified(ctx: KeywordContext, seen: boolean): boolean {
  if (!seen) return false;
  (ctx.softAlert ?? ctx.warning)(`'${ctx.args[0]}' already specified. Continuing.`);
  return true;
}

/** Parses a delay as HAProxy's parse_time_err() reports it for hard-stop-after and grace. */
function timeArg(ctx: KeywordContext): number | undefined {
  const v = ctx.args[1];
  if (v === undefined) { ctx.error(`'${ctx.args[0]}' expects <time> as argument.\n`); return undefined; }
  const r = parseTime(v);
  if (r.error === undefined) return r.value;
  if (/^\d/.test(v) && !r.error.startsWith('timer overflow')) ctx.error(`unexpected character '${v.replace(/^\d+/, '')[0]}' in argument to <${ctx.args[0]}>.\n`);
  else ctx.error(`${r.error.startsWith('timer overflow') ? r.error : `invalid time value '${v}'`} in argument to <${ctx.args[0]}>.\n`);
  return undefined;
}

const NODE_NAME = /^[A-Za-z0-9._-]+$/;

const keywords: SectionKeyword[] = [
  {
    name: 'daemon', sections: ['global'], usage: 'daemon',
    parse(ctx) { if (!tooMany(ctx, 0)) ctx.config.global.daemon = true; },
  },
  {
    name: 'master-worker', sections: ['global'], usage: 'master-worker [no-exit-on-failure]',
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      const opt = ctx.args[1];
      if (opt !== undefined && opt !== 'no-exit-on-failure') { ctx.error(`'master-worker' only supports 'no-exit-on-failure' option.`); return; }
      ctx.config.global.masterWorker = true;
      if (opt) processExt(ctx.config.global).noExitOnFailure = true;
    },
  },
  {
    name: 'pidfile', sections: ['global'], usage: 'pidfile <file>',
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      const g = ctx.config.global;
      if (alreadySpecified(ctx, g.pidfile !== undefined)) return;
      if (!ctx.args[1]) { ctx.error(`'pidfile' expects a file name as an argument.`); return; }
      g.pidfile = ctx.args[1];
    },
  },
  {
    name: 'chroot', sections: ['global'], usage: 'chroot <dir>',
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      const g = ctx.config.global;
      if (alreadySpecified(ctx, g.chroot !== undefined)) return;
      if (!ctx.args[1]) { ctx.error(`'chroot' expects a directory as an argument.`); return; }
      g.chroot = ctx.args[1];
    },
  },
  {
    // Resolved at parse time like HAProxy's getpwnam() call, with its exact message.
    name: 'user', sections: ['global'], usage: 'user <user name>',
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      const name = ctx.args[1] ?? '';
      const uid = findUserId(name);
      if (uid === undefined) { ctx.error(`cannot find user id for '${name}' (0:Success)`); return; }
      ctx.config.global.user = name;
      ctx.config.global.uid = uid;
    },
  },
  {
    name: 'group', sections: ['global'], usage: 'group <group name>',
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      const name = ctx.args[1] ?? '';
      const gid = findGroupId(name);
      if (gid === undefined) { ctx.error(`cannot find group id for '${name}' (0:Success)`); return; }
      ctx.config.global.group = name;
      ctx.config.global.gid = gid;
    },
  },
  ...(['uid', 'gid'] as const).map((which): SectionKeyword => ({
    name: which, sections: ['global'], usage: `${which} <number>`,
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      const v = ctx.args[1];
      if (v === undefined) { ctx.error(`'${which}' expects an integer argument.`); return; }
      if (!/^\d+$/.test(v)) {
        ctx.warning(` ${which}: string '${v}' is not a number.\n   | You might want to use the '${which === 'uid' ? 'user' : 'group'}' parameter to use a system ${which === 'uid' ? 'user' : 'group'} name.`);
        return;
      }
      ctx.config.global[which] = Number(v);
    },
  })),
  {
    // Node runs one event loop: the value is kept for `show info` and compatibility only.
    name: 'nbthread', sections: ['global'], usage: 'nbthread <number>',
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      const v = ctx.args[1] ?? '';
      if (!/^\d+$/.test(v)) { ctx.error(`'nbthread' passed a missing or unparsable integer value in '${v}'`); return; }
      const n = Number(v);
      if (n < 1 || n > 64) { ctx.error(`'nbthread' value must be between 1 and 64 (was ${n})`); return; }
      ctx.config.global.nbthread = n;
    },
  },
  {
    name: 'cpu-map', sections: ['global'], usage: 'cpu-map [auto:]<thread-set> <cpu-set>...',
    parse(ctx) {
      if (ctx.args.length < 3) {
        ctx.error(`cpu-map expects a process number  ('all', 'odd', 'even', a number from 1 to 64 or a range),  followed by a list of CPU ranges with numbers from 0 to 63.`);
        return;
      }
      processExt(ctx.config.global).cpuMap.push(ctx.args.slice(1));
    },
  },
  {
    name: 'node', sections: ['global'], usage: 'node <name>',
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      const v = ctx.args[1] ?? '';
      if (!NODE_NAME.test(v)) {
        ctx.error(`'node' requires valid node name - non-empty string with digits(0-9), letters(A-Z, a-z), dot(.), hyphen(-) or underscode(_).`, 'parsing-tight');
        return;
      }
      ctx.config.global.node = v;
    },
  },
  {
    name: 'hard-stop-after', sections: ['global'], usage: 'hard-stop-after <time>',
    parse(ctx) { const t = timeArg(ctx); if (t !== undefined) ctx.config.global.hardStopAfter = t; },
  },
  {
    name: 'grace', sections: ['global'], usage: 'grace <time>',
    parse(ctx) { const t = timeArg(ctx); if (t !== undefined) ctx.config.global.grace = t; },
  },
  {
    name: 'spread-checks', sections: ['global'], usage: 'spread-checks <0..50, in percent>',
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      const g = ctx.config.global;
      if (g.spreadChecks !== 0) { (ctx.softAlert ?? ctx.warning)(`spread-checks already specified. Continuing.`, 'parsing-tight'); return; }
      // HAProxy stores the value before checking its range, so a bad value still counts as
      // "specified" for a later line.
      const v = ctx.args[1] ?? '';
      const n = /^\d+$/.test(v) ? Number(v) : -1;
      g.spreadChecks = n;
      if (n < 0 || n > 50) ctx.error(`'spread-checks' needs a positive value in range 0..50.`, 'parsing-tight');
    },
  },
  {
    name: 'ulimit-n', sections: ['global'], usage: 'ulimit-n <number>',
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      const ext = processExt(ctx.config.global);
      if (alreadySpecified(ctx, ext.ulimitN !== undefined)) return;
      if (ctx.args[1] === undefined) { ctx.error(`'ulimit-n' expects an integer argument.`); return; }
      // HAProxy reads it with atol(): garbage means 0 (automatic).
      ext.ulimitN = parseInt(ctx.args[1], 10) || 0;
    },
  },
  {
    name: 'localpeer', sections: ['global'], usage: 'localpeer <name>',
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      if (!ctx.args[1]) { ctx.error(`'localpeer' expects a name as an argument.`); return; }
      processExt(ctx.config.global).localPeer = ctx.args[1];
    },
  },
  // Environment keywords act on process.env immediately, in order, so that later lines'
  // "${VAR}" see them (configuration.txt §3.1 "setenv").
  {
    name: 'setenv', sections: ['global'], usage: 'setenv <name> <value>',
    parse(ctx) {
      if (ctx.args.length < 3) { ctx.error(`'setenv' expects a name and a value.`, 'parsing-tight'); return; }
      process.env[ctx.args[1]] = ctx.args[2];
    },
  },
  {
    name: 'presetenv', sections: ['global'], usage: 'presetenv <name> <value>',
    parse(ctx) {
      if (ctx.args.length < 3) { ctx.error(`'presetenv' expects a name and a value.`, 'parsing-tight'); return; }
      if (process.env[ctx.args[1]] === undefined) process.env[ctx.args[1]] = ctx.args[2];
    },
  },
  {
    name: 'unsetenv', sections: ['global'], usage: 'unsetenv [<name> ...]',
    parse(ctx) {
      if (ctx.args.length < 2) { ctx.error(`'unsetenv' expects at least one variable name.`, 'parsing-tight'); return; }
      for (const n of ctx.args.slice(1)) delete process.env[n];
    },
  },
  {
    name: 'resetenv', sections: ['global'], usage: 'resetenv [<name> ...]',
    parse(ctx) {
      const keep = new Set(ctx.args.slice(1));
      for (const n of Object.keys(process.env)) if (!keep.has(n)) delete process.env[n];
    },
  },
];

/** Switches without argument, stored in processExt().flags. */
const FLAGS = [
  'expose-experimental-directives', 'insecure-fork-wanted', 'insecure-setuid-wanted', 'external-check',
  'zero-warning', 'noepoll', 'nopoll', 'nosplice', 'nogetaddrinfo', 'noreuseport',
  'set-dumpable', 'strict-limits', 'busy-polling', 'numa-cpu-mapping', 'no-memory-trimming',
  'h1-accept-payload-with-any-method', 'h2-workaround-bogus-websocket-clients', 'pp2-never-send-local',
  'ssl-skip-self-issued-ca',
];
/** The flags HAProxy accepts after `no` (cfgparse-global.c). */
const NEGATABLE_FLAGS = new Set(['busy-polling', 'set-dumpable', 'strict-limits', 'insecure-fork-wanted', 'numa-cpu-mapping']);

keywords.push(
  {
    // Same as -q from this line on: HAProxy prints nothing more, not even the final alerts.
    name: 'quiet', sections: ['global'], usage: 'quiet',
    parse(ctx) {
      if (tooMany(ctx, 0)) return;
      processExt(ctx.config.global).flags.quiet = true;
      ctx.muteFollowing?.();
    },
  },
  {
    // Removed in HAProxy 2.5; kept so the message says what to do instead.
    name: 'nbproc', sections: ['global'], usage: 'nbproc (removed)',
    parse(ctx) { ctx.error('nbproc is not supported any more since HAProxy 2.5. Threads will automatically be used on multi-processor machines if available.'); },
  },
);

/** Switches HAProxy parses without checking for extra words. */
const FLAGS_WITHOUT_ARG_CHECK = new Set(['expose-experimental-directives']);

for (const name of FLAGS) {
  keywords.push({
    name, sections: ['global'], negatable: NEGATABLE_FLAGS.has(name), usage: name,
    parse(ctx) {
      if (!FLAGS_WITHOUT_ARG_CHECK.has(name) && tooMany(ctx, 0)) return;
      processExt(ctx.config.global).flags[name] = !ctx.negated;
    },
  });
}

/** `ssl-default-*` and similar string settings: what their argument is called in messages. */
const STRINGS: Record<string, string> = {
  'ssl-default-bind-ciphers': 'a cipher suite', 'ssl-default-bind-ciphersuites': 'a cipher suite',
  'ssl-default-server-ciphers': 'a cipher suite', 'ssl-default-server-ciphersuites': 'a cipher suite',
  'ssl-default-bind-curves': 'a curves suite', 'ssl-default-bind-options': 'an option',
  'ssl-default-server-options': 'an option', 'ssl-dh-param-file': 'a file path',
  'ssl-server-verify': "'none' or 'required'", 'ca-base': 'a directory path', 'crt-base': 'a directory path',
  'unix-bind': 'an option', 'server-state-base': 'a directory path', 'server-state-file': 'a file path',
  'default-path': "'current', 'config', 'parent' or 'origin'",
};

for (const [name, what] of Object.entries(STRINGS)) {
  keywords.push({
    name, sections: ['global'], usage: `${name} <${what}>`,
    parse(ctx) {
      if (ctx.args.length < 2) { ctx.error(`global statement '${name}' expects ${what} as an argument.`); return; }
      processExt(ctx.config.global).strings[name] = ctx.args.slice(1).join(' ');
    },
  });
}

/** Integer settings without a model field (HAProxy reads most with atol: garbage is 0). */
const NUMBERS = [
  'maxconnrate', 'maxsessrate', 'maxsslrate', 'maxcomprate', 'maxpipes', 'maxzlibmem', 'maxcompcpuusage',
  'maxsslconn', 'fd-hard-limit', 'mworker-max-reloads', 'max-spread-checks', 'thread-groups',
];
for (const name of NUMBERS) {
  keywords.push({
    name, sections: ['global'], usage: `${name} <number>`,
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      if (ctx.args[1] === undefined) { ctx.error(`'${name}' expects an integer argument.`); return; }
      processExt(ctx.config.global).numbers[name] = parseInt(ctx.args[1], 10) || 0;
    },
  });
}

/** How a tune.* value is read and checked (configuration.txt §3.2). */
interface TuneSpec {
  kind: 'size' | 'int' | 'time' | 'onoff';
  /** HAProxy reads the value with atol() without checking it: garbage means 0. */
  lax?: boolean;
  min?: number;
  max?: number;
  /** HAProxy's message when the value is out of range or unparsable. */
  message?: string;
}

/** The tune.* keywords Fulcrum stores into `config.global.tune` (numbers; on/off as 1/0). */
export const TUNE: Readonly<Record<string, TuneSpec>> = {
  bufsize: { kind: 'size', min: 1, message: `'tune.bufsize' expects a positive integer argument.` },
  maxrewrite: { kind: 'int', min: 0, lax: true },
  'http.maxhdr': { kind: 'int', min: 1, max: 32767, message: `'tune.http.maxhdr' expects a numeric value between 1 and 32767` },
  'http.cookielen': { kind: 'int', min: 0 },
  'http.logurilen': { kind: 'int', min: 0 },
  maxaccept: { kind: 'int', min: -1 },
  maxpollevents: { kind: 'int', min: 0 },
  recv_enough: { kind: 'size', min: 0 },
  idletimer: { kind: 'time', min: 0, max: 65535, message: `'tune.idletimer' expects a timer value between 0 and 65535 ms.` },
  pipesize: { kind: 'size', min: 0 },
  'rcvbuf.client': { kind: 'size', min: 0 },
  'rcvbuf.server': { kind: 'size', min: 0 },
  'sndbuf.client': { kind: 'size', min: 0 },
  'sndbuf.server': { kind: 'size', min: 0 },
  'buffers.limit': { kind: 'int', min: 0 },
  'buffers.reserve': { kind: 'int', min: 0 },
  'comp.maxlevel': { kind: 'int', min: 1, max: 9 },
  'pattern.cache-size': { kind: 'int', min: 0 },
  'runqueue-depth': { kind: 'int', min: 1 },
  'h2.header-table-size': { kind: 'int', min: 0, max: 65535 },
  'h2.initial-window-size': { kind: 'int', min: 0 },
  'h2.max-concurrent-streams': { kind: 'int', min: 0 },
  'h2.max-frame-size': { kind: 'int', min: 16384, max: 16777215, message: `'tune.h2.max-frame-size' expects a numeric value between 16384 and 16777215.` },
  'ssl.cachesize': { kind: 'int', min: 0, lax: true },
  'ssl.lifetime': { kind: 'time', min: 0 },
  'ssl.maxrecord': { kind: 'int', min: 0 },
  'ssl.default-dh-param': { kind: 'int', min: 1024 },
  'ssl.capture-buffer-size': { kind: 'int', min: 0 },
  'ssl.keylog': { kind: 'onoff' },
  'vars.global-max-size': { kind: 'size', min: 0 },
  'vars.proc-max-size': { kind: 'size', min: 0 },
  'vars.reqres-max-size': { kind: 'size', min: 0 },
  'vars.sess-max-size': { kind: 'size', min: 0 },
  'vars.txn-max-size': { kind: 'size', min: 0 },
  'vars.check-max-size': { kind: 'size', min: 0 },
  'zlib.memlevel': { kind: 'int', min: 1, max: 9 },
  'zlib.windowsize': { kind: 'int', min: 8, max: 15 },
  'fd.edge-triggered': { kind: 'onoff' },
  'idle-pool.shared': { kind: 'onoff' },
  'listener.multi-queue': { kind: 'onoff' },
  'sched.low-latency': { kind: 'onoff' },
};

function parseTuneValue(spec: TuneSpec, v: string): number | undefined {
  if (spec.lax) return parseInt(v, 10) || 0;
  if (spec.kind === 'onoff') return v === 'on' ? 1 : v === 'off' ? 0 : undefined;
  let n: number | undefined;
  if (spec.kind === 'size') n = parseSize(v).value;
  else if (spec.kind === 'time') n = parseTime(v).value;
  else n = /^-?\d+$/.test(v) ? Number(v) : undefined;
  if (n === undefined) return undefined;
  if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) return undefined;
  return n;
}

for (const [key, spec] of Object.entries(TUNE)) {
  const name = `tune.${key}`;
  keywords.push({
    name, sections: ['global'], usage: `${name} <${spec.kind === 'onoff' ? 'on|off' : spec.kind}>`,
    parse(ctx) {
      if (tooMany(ctx, 1)) return;
      const v = ctx.args[1];
      const n = v === undefined ? undefined : parseTuneValue(spec, v);
      if (n === undefined) {
        const expects = spec.kind === 'onoff' ? `'on' or 'off'` : spec.kind === 'time' ? 'a time value' : spec.kind === 'size' ? 'a size value' : 'an integer value';
        ctx.error(spec.message ?? `'${name}' expects ${expects}${spec.min !== undefined && spec.kind !== 'onoff' ? ` (minimum ${spec.min}${spec.max !== undefined ? `, maximum ${spec.max}` : ''})` : ''}.`);
        return;
      }
      ctx.config.global.tune[key] = n;
    },
  });
}

// Another module may own a name here (e.g. a TLS engineer taking ssl-default-*): theirs wins
// when registered first; registering twice would throw at startup.
registerKeywords(keywords.filter((k) => findKeyword(k.name) === undefined));

// tune.* that HAProxy 2.6 has and Fulcrum does not model: accepted with a warning.
for (const name of HAPROXY_GLOBAL_KEYWORDS) {
  if (name.startsWith('tune.') && !(name.slice(5) in TUNE)) {
    registerUnsupported(name, ['global'], 'this HAProxy tuning has no equivalent in Fulcrum', false);
  }
}
