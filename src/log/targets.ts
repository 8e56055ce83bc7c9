/**
 * `log` target lines: parsing and validation with HAProxy's messages (log.c parse_logsrv),
 * and the list of targets a proxy sends to (its own, plus the global ones for `log global`).
 */

import type { Config, LogTargetConfig, ProxyConfig, SourceRef } from '../config/model';
import { parseAddress } from '../config/address';
import { facilityCode, levelCode } from './levels';
import { SYSLOG_FORMATS } from './syslog';

/** Where a target sends, resolved from its written form. */
export type TargetAddress =
  | { kind: 'udp'; host: string; port: number; family: 4 | 6 }
  | { kind: 'ring'; name: string }
  | { kind: 'unix'; path: string }
  | { kind: 'fd'; fd: number };

const USAGE = 'expects <address> and <facility> or global as arguments';

/**
 * Resolves a written target (`/dev/log`, `127.0.0.1:514`, `udp@[::1]:5514`, `stdout`,
 * `fd@2`, `unix@/x`, `ring@name`) or returns HAProxy's error text.
 */
export function parseTargetAddress(target: string): TargetAddress | { error: string } {
  if (target === 'stdout') return { kind: 'fd', fd: 1 };
  if (target === 'stderr') return { kind: 'fd', fd: 2 };
  if (target.startsWith('fd@')) {
    const t = target.slice(3);
    if (!/^\d+$/.test(t)) return { error: `file descriptor '${t}' is not a valid integer in '${target}'` };
    return { kind: 'fd', fd: Number(t) };
  }
  if (target.startsWith('ring@')) return { kind: 'ring', name: target.slice(5) };
  const stream = /^(tcp|tcp4|tcp6|uxst)@/.exec(target);
  if (stream) return { error: `'${stream[1]}@' log targets (stream forwarding) are not supported by Fulcrum; use a UDP or unix datagram syslog target, or a ring` };
  // Port 0 means "not given" for a log target (HAProxy accepts it).
  const r = parseAddress(target.replace(/:0$/, ''), { portOptional: true, allowHostname: true, allowRange: true });
  if (r.error !== undefined) return { error: r.error.replace(/\n$/, '') };
  if (r.address.portOffset !== undefined) return { error: `port offset not permitted here in '${target}'` };
  if (r.address.hasPort && r.address.portEnd !== r.address.port) return { error: `port range not permitted here in '${target}'` };
  const a = r.address;
  if (a.family === 'unix') return { kind: 'unix', path: a.path ?? '' };
  if (a.family === 'fd') return { kind: 'fd', fd: a.fd ?? 0 };
  if (a.family === 'abns') return { error: `abstract namespace sockets are not supported as log targets ('${target}')` };
  return { kind: 'udp', host: a.host || '127.0.0.1', port: a.hasPort ? a.port : 514, family: a.family === 'ipv6' ? 6 : 4 };
}

/**
 * Parses the words of a `log <target> [len N] [format F] [sample R:S] <facility> [level [minlevel]]`
 * line (args[0] is `log`). Returns the target or an error text (without the `log : ` prefix).
 */
export function parseLogLine(args: string[], src: SourceRef): LogTargetConfig | { error: string } {
  if (args.length < 3) return { error: USAGE };
  const target = args[1];
  const addr = parseTargetAddress(target);
  if ('error' in addr) return addr;
  const t: LogTargetConfig = { target, maxLength: 1024, format: 'local', facility: '', src };
  // HAProxy takes the options in this order only: `len`, then `format`, then `sample`.
  let i = 2;
  if (args[i] === 'len') {
    const v = args[i + 1] ?? '';
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!(n >= 80 && n <= 65535)) return { error: `invalid log length '${v}', must be between 80 and 65535` };
    t.maxLength = n;
    i += 2;
  }
  if (args[i] === 'format') {
    const v = args[i + 1] ?? '';
    if (!(SYSLOG_FORMATS as readonly string[]).includes(v)) return { error: `unknown log format '${v}'` };
    t.format = v;
    i += 2;
  }
  if (args[i] === 'sample') {
    const v = args[i + 1] ?? '';
    const e = checkSample(v);
    if (e) return { error: e };
    t.sample = v;
    i += 2;
  }
  const fac = args[i];
  if (fac === undefined) return { error: USAGE };
  if (facilityCode(fac) < 0) return { error: `unknown log facility '${fac}'` };
  t.facility = fac;
  const lvl = args[i + 1];
  if (lvl !== undefined) {
    if (levelCode(lvl) < 0) return { error: `unknown optional log level '${lvl}'` };
    t.level = lvl;
    const min = args[i + 2];
    if (min !== undefined) {
      if (levelCode(min) < 0) return { error: `unknown optional minimum log level '${min}'` };
      t.minLevel = min;
    }
  }
  if (args[i + 3] !== undefined) return { error: `cannot handle unexpected argument '${args[i + 3]}'` };
  return t;
}

/** Validates `R1[-R2][,R...]:SIZE` with HAProxy's messages; returns an error text or ''. */
function checkSample(v: string): string {
  const colon = v.indexOf(':');
  if (colon < 0) return 'Missing sample size';
  const ranges = v.slice(0, colon);
  const sizeText = v.slice(colon + 1);
  if (ranges === '') return 'no sampling ranges given';
  if (!/^\d+$/.test(sizeText) || Number(sizeText) === 0) return `wrong sample size '${sizeText}' for sample range '${ranges}'`;
  const size = Number(sizeText);
  const seen: [number, number][] = [];
  let max = 0;
  let offset = 0;
  for (const range of ranges.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(range);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    // HAProxy names the text from the failing point on (`,2` for `1,,2`).
    if (!m || lo < 1 || hi < lo) return `wrong sample range '${range || ranges.slice(offset)}'`;
    if (seen.some(([a, b]) => lo <= b && hi >= a)) return 'ranges are overlapping';
    seen.push([lo, hi]);
    max = Math.max(max, hi);
    offset += range.length + 1;
  }
  if (size < max) return `sample size ${size} should be greater or equal to ${max} the maximum of the high ranges limits`;
  return '';
}

/**
 * Parses `R1[-R2],...:SIZE` into a predicate over the 1-based message count: message `n` is
 * sent when `((n - 1) % SIZE) + 1` falls in a range (HAProxy's log sampling).
 */
export function samplePredicate(v: string): (n: number) => boolean {
  const [ranges, sizeText] = v.split(':');
  const size = Number(sizeText);
  const list = ranges.split(',').map((r) => {
    const [lo, hi = lo] = r.split('-');
    return [Number(lo), Number(hi)] as const;
  });
  return (n) => {
    const k = ((n - 1) % size) + 1;
    return list.some(([lo, hi]) => k >= lo && k <= hi);
  };
}

/** The targets a proxy logs to: its own lines, plus the global ones when `log global` was given. */
export function proxyTargets(config: Config, p: ProxyConfig): LogTargetConfig[] {
  if (p.logDisabled && !p.logGlobal && p.logs.length === 0) return [];
  return p.logGlobal ? [...p.logs, ...config.global.logs] : p.logs;
}
