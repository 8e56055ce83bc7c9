/**
 * Runtime logging state of one Instance: opened loggers (a sink plus its facility, levels,
 * framing and sampling), per-frontend compiled formats and syslog identity. Built lazily on
 * first use so that logStream works even before (or without) the log Service starting.
 */

import { hostname as osHostname } from 'node:os';
import type { Instance } from '../process/instance';
import type { Proxy } from '../proxy/proxy';
import type { LogTargetConfig, ProxyConfig } from '../config/model';
import { facilityCode, levelCode } from './levels';
import { frameMessage, type SyslogFormat, type SyslogIdentity } from './syslog';
import { parseTargetAddress, samplePredicate } from './targets';
import { openSink, type LogSink } from './sinks/index';
import { compileLogFormat, type CompiledFormat } from './format';
import { effectiveFormat, proxyLogConfig } from './keywords';
import { printStderr } from './stderr';
import type { RenderEnv } from './tags';
import { Ring } from './ring';
import { ringConfigs } from './ring-section';
import { RingSink } from './sinks/ring';

/** Default syslog tag. HAProxy uses its program name; Fulcrum says `haproxy` so that stock
 * rsyslog rules (`programname startswith "haproxy"`, Debian's 49-haproxy.conf) keep working.
 * `log-tag` overrides it. */
export const DEFAULT_LOG_TAG = 'haproxy';

/** One opened `log` line. */
export interface Logger {
  cfg: LogTargetConfig;
  /** 1-based position in its list, for `failed in logger #N` messages. */
  index: number;
  sink: LogSink;
  format: SyslogFormat;
  /** Cut length: the line's `len`, or the ring's `maxlen` for ring targets. */
  maxLength: number;
  facility: number;
  /** Messages less severe than this (higher code) are dropped. */
  maxLevel: number;
  /** Messages more severe than this (lower code) are raised to it; -1: none. */
  minLevel: number;
  sample?: (n: number) => boolean;
  sent: number;
  /** Set once a failure was reported on stderr, so a missing /dev/log is reported once. */
  reported: boolean;
}

/** Per-frontend logging state. */
export interface ProxyLogState {
  loggers: Logger[];
  /** Undefined: HAProxy's legacy "Connect from" line. */
  format?: CompiledFormat;
  /** Compiled log-format-sd, for rfc5424 targets. */
  sd?: CompiledFormat;
  identity: SyslogIdentity;
  count: number;
  /** Compiled `unique-id-format`, and the header that carries it. */
  uniqueId?: CompiledFormat;
  uniqueIdHeader?: string;
}

/** Logging state of one Instance (`instance.ext.log`). */
export interface LogRuntime {
  global: Logger[];
  globalIdentity: SyslogIdentity;
  env: RenderEnv;
  /** Where stderr messages go (tests replace it). */
  printErr: (label: 'alert' | 'warning' | 'notice', msg: string) => void;
  /** Print admin events on stderr (not daemonized, not quiet). */
  eventsToStderr: boolean;
  /** Loggers of every proxy, to close them on stop. */
  all: Logger[];
  /** Messages lost by a failed send (`show info` DroppedLogs). */
  dropped: number;
  /** `ring` sections by name, plus HAProxy's built-in `buf0` (listed by `show events`). */
  rings: Map<string, Ring>;
  closed: boolean;
}

const formatCache = new Map<string, CompiledFormat | null>();

/** Compiles once per distinct (format, mode); errors were reported by the post-check. */
function cachedFormat(source: string, http: boolean, atRequest = false): CompiledFormat | undefined {
  const key = (http ? 'h' : 't') + (atRequest ? 'r:' : ':') + source;
  let f = formatCache.get(key);
  if (f === undefined) {
    f = compileLogFormat(source, () => undefined, { http, atRequest }) ?? null;
    formatCache.set(key, f);
  }
  return f ?? undefined;
}

function openLogger(rt: LogRuntime, cfg: LogTargetConfig, index: number): Logger | undefined {
  const addr = parseTargetAddress(cfg.target);
  if ('error' in addr) return undefined; // rejected at parse time
  const ring = addr.kind === 'ring' ? rt.rings.get(addr.name) : undefined;
  if (addr.kind === 'ring' && !ring) return undefined; // no such ring: HAProxy accepts and drops
  const lg: Logger = {
    cfg, index, format: (ring ? ring.cfg.format : cfg.format) as SyslogFormat,
    maxLength: ring ? ring.cfg.maxLength : cfg.maxLength,
    facility: Math.max(0, facilityCode(cfg.facility)),
    maxLevel: cfg.level ? levelCode(cfg.level) : 7,
    minLevel: cfg.minLevel ? levelCode(cfg.minLevel) : -1,
    sample: cfg.sample ? samplePredicate(cfg.sample) : undefined,
    sent: 0, reported: false, sink: undefined as unknown as LogSink,
  };
  const onError = (code: string, text: string, errno: number): void => {
    rt.dropped++;
    // A full receiver is normal under load (HAProxy only counts it); anything else is
    // reported once per logger so a missing /dev/log does not flood stderr.
    if (code === 'EAGAIN' || lg.reported) return;
    lg.reported = true;
    rt.printErr('alert', `sendmsg()/writev() failed in logger #${lg.index}: ${text} (errno=${errno})`);
  };
  lg.sink = ring ? new RingSink(ring) : openSink(addr as Exclude<typeof addr, { kind: 'ring' }>, onError);
  rt.all.push(lg);
  return lg;
}

function identityFor(instance: Instance, tag: string | undefined): SyslogIdentity {
  const g = instance.config.global;
  const host = g.logSendHostname === undefined ? undefined : g.logSendHostname === true ? osHostname() : g.logSendHostname;
  return { tag: tag ?? g.logTag ?? DEFAULT_LOG_TAG, pid: instance.pid, hostname: host };
}

/** The instance's logging runtime, created on first use. */
export function logRuntime(instance: Instance): LogRuntime {
  let rt = instance.ext.log as LogRuntime | undefined;
  if (rt) return rt;
  const o = instance.options;
  rt = {
    global: [], globalIdentity: identityFor(instance, undefined),
    env: { pid: instance.pid, hostname: osHostname(), logCount: 0 },
    printErr: (label, msg) => { if (!o.quiet) printStderr(label, msg, instance.pid); },
    eventsToStderr: !o.quiet && (o.foreground || !instance.config.global.daemon),
    all: [], closed: false, dropped: 0, rings: new Map(),
  };
  // HAProxy's startup-log ring; Fulcrum prints startup messages on stderr only, so it stays empty.
  rt.rings.set('buf0', new Ring({ name: 'buf0', description: 'in-memory ring buffer', format: 'raw', maxLength: 16384, size: 16384, src: { file: '', line: 0 } }));
  for (const rc of ringConfigs(instance.config)) rt.rings.set(rc.name, new Ring(rc));
  instance.ext.log = rt;
  instance.config.global.logs.forEach((c, i) => {
    const lg = openLogger(rt!, c, i + 1);
    if (lg) rt!.global.push(lg);
  });
  return rt;
}

/** Loggers for a proxy config: its own lines, then the global ones for `log global`. */
function loggersFor(rt: LogRuntime, cfg: ProxyConfig): Logger[] {
  if (cfg.logs.length === 0) return cfg.logGlobal ? rt.global : [];
  const own: Logger[] = [];
  cfg.logs.forEach((c, i) => {
    const lg = openLogger(rt, c, i + 1);
    if (lg) own.push(lg);
  });
  return cfg.logGlobal ? [...own, ...rt.global] : own;
}

/** The logging state of a proxy (frontend for traffic logs, any proxy for admin events). */
export function proxyLogState(instance: Instance, px: Proxy): ProxyLogState {
  let st = px.ext.log as ProxyLogState | undefined;
  if (st) return st;
  const rt = logRuntime(instance);
  const cfg = px.cfg;
  const http = cfg.mode === 'http';
  const fmt = effectiveFormat(cfg);
  const lc = proxyLogConfig(cfg);
  st = {
    loggers: cfg.logDisabled ? [] : loggersFor(rt, cfg),
    format: fmt === undefined ? undefined : cachedFormat(fmt, http),
    sd: lc.sd === undefined ? undefined : cachedFormat(lc.sd, http),
    identity: identityFor(instance, cfg.logTag),
    count: 0,
    uniqueId: lc.uniqueIdFormat === undefined ? undefined : cachedFormat(lc.uniqueIdFormat, http, true),
    uniqueIdHeader: lc.uniqueIdHeader,
  };
  px.ext.log = st;
  return st;
}

/**
 * Sends `message` at severity `level` to each logger that accepts it (level filter, minimum
 * level, sampling), framed per logger. `sd` is the RFC5424 structured-data element.
 */
export function dispatch(loggers: readonly Logger[], level: number, id: SyslogIdentity, message: string, sd = '-'): void {
  let nowUs = 0;
  for (let i = 0; i < loggers.length; i++) {
    const lg = loggers[i];
    if (level > lg.maxLevel) continue;
    lg.sent++;
    if (lg.sample && !lg.sample(lg.sent)) continue;
    if (nowUs === 0) nowUs = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    const lvl = lg.minLevel >= 0 && level < lg.minLevel ? lg.minLevel : level;
    lg.sink.send(frameMessage(lg.format, lg.facility, lvl, id, message, lg.maxLength, nowUs, sd));
  }
}

/** Closes every sink of the instance. */
export function closeLogRuntime(instance: Instance): void {
  const rt = instance.ext.log as LogRuntime | undefined;
  if (!rt || rt.closed) return;
  rt.closed = true;
  for (const lg of rt.all) lg.sink.close();
}
