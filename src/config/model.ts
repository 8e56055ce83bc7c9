/**
 * Configuration data model: plain data produced by the parser (no sockets, no timers, no
 * functions), so that `defaults` inheritance is a structured clone and a reload can build a
 * fresh graph. Subsystems that own keywords not modelled here keep their own typed slice in
 * `ext` (see {@link extSlice}): e.g. `checks/keywords.ts` stores its options under
 * `proxy.ext.checks`. Runtime objects (src/proxy/*) are built from this after validation.
 */

import type { ParsedAddress } from './address';

/** Where a config element was declared, for messages. */
export interface SourceRef {
  file: string;
  line: number;
}

export type ProxyMode = 'http' | 'tcp';
export type ProxyCap = 'defaults' | 'frontend' | 'backend' | 'listen';

/** A parsed `if`/`unless` condition: the words after the keyword, kept for compilation by acl/. */
export interface ConditionConfig {
  polarity: 'if' | 'unless';
  /** Words of the condition, anonymous ACL braces included (`{`, `path_beg`, `/x`, `}`). */
  words: string[];
  src: SourceRef;
}

/** `acl NAME FETCH [flags] VALUES...`: kept as words, compiled by acl/ at build time. */
export interface AclConfig {
  name: string;
  /** Words after the name: fetch expression, flags and patterns. */
  words: string[];
  src: SourceRef;
}

/** One `use_backend` rule. `backend` may contain a log-format expression (`%[...]`). */
export interface SwitchingRuleConfig {
  backend: string;
  cond?: ConditionConfig;
  src: SourceRef;
}

/** One `log` target (global or proxy). */
export interface LogTargetConfig {
  /** `/dev/log`, `127.0.0.1:514`, `stdout`, `stderr`, `ring@name`, `unix@...` as written. */
  target: string;
  /** `len N` */
  maxLength: number;
  /** `format rfc3164|rfc5424|local|short|raw|priority|timed|iso` (HAProxy default: local). */
  format: string;
  /** `sample N:M` (ranges), unused by most. */
  sample?: string;
  facility: string;
  /** Maximum level sent (messages above it are dropped). */
  level?: string;
  /** Minimum level: messages below are raised to it. */
  minLevel?: string;
  src: SourceRef;
}

/** Timeouts in milliseconds; undefined = not set (HAProxy: infinite, with a warning for some). */
export interface TimeoutsConfig {
  client?: number;
  server?: number;
  connect?: number;
  httpRequest?: number;
  httpKeepAlive?: number;
  queue?: number;
  check?: number;
  tunnel?: number;
  clientFin?: number;
  serverFin?: number;
  tarpit?: number;
}

/** `bind` line. */
export interface BindConfig {
  address: ParsedAddress;
  /** Options by keyword (`accept-proxy: true`, `name: 'x'`, `ssl: true`, `crt: ['a.pem']` ...). */
  options: Record<string, string | number | boolean | string[]>;
  src: SourceRef;
}

/** A `server` line (or the `default-server` template). */
export interface ServerConfig {
  name: string;
  /** Undefined only on the default-server template. */
  address?: ParsedAddress;
  src: SourceRef;
  /** `id N` (forced); 0 = automatic. */
  id: number;
  weight: number;
  check: boolean;
  /** Check intervals in ms (HAProxy default inter 2000; fastinter/downinter default to inter). */
  inter: number;
  fastinter?: number;
  downinter?: number;
  rise: number;
  fall: number;
  /** `port N`: check port. */
  checkPort?: number;
  /** `addr IP`: check address. */
  checkAddr?: string;
  disabled: boolean;
  backup: boolean;
  /** 0 = unlimited. */
  maxconn: number;
  maxqueue: number;
  minconn: number;
  /** ms, 0 = none. */
  slowstart: number;
  cookie?: string;
  /** `track [be/]srv`. */
  track?: string;
  redir?: string;
  sendProxy?: 'v1' | 'v2';
  /** Other server keywords owned by subsystems, by keyword. */
  options: Record<string, string | number | boolean | string[]>;
}

/** `balance ALGO [args]` (`hash-type` is kept beside it). */
export interface BalanceConfig {
  algorithm: string;
  args: string[];
  /** Argument written in parentheses after the name: `hdr(host)` -> 'host', `random(3)` -> '3'. */
  paren?: string;
  hashType?: string[];
  hashBalanceFactor?: number;
}

/** `frontend`, `backend`, `listen` or `defaults` section. */
export interface ProxyConfig {
  name: string;
  cap: ProxyCap;
  src: SourceRef;
  /** `id N`; 0 = automatic. */
  id: number;
  mode: ProxyMode;
  /** Name of the defaults section this one inherited from ('' if none). */
  defaultsName: string;
  disabled: boolean;
  description?: string;
  timeouts: TimeoutsConfig;
  /** Frontend maxconn (0 = not set: the global default applies). */
  maxconn: number;
  /** Backend fullconn (0 = auto). */
  fullconn: number;
  retries: number;
  /**
   * Boolean `option X` flags as written (`true`) or negated with `no option X` (`false`).
   * Options with arguments store them in `optionArgs`.
   */
  options: Record<string, boolean>;
  optionArgs: Record<string, string[]>;
  balance: BalanceConfig;
  binds: BindConfig[];
  servers: ServerConfig[];
  defaultServer: ServerConfig;
  acls: AclConfig[];
  switchingRules: SwitchingRuleConfig[];
  defaultBackend?: string;
  /** `log global` was given (inherit the global log targets). */
  logGlobal: boolean;
  /** `no log` was given. */
  logDisabled: boolean;
  logs: LogTargetConfig[];
  /** Explicit `log-format` string, or the one implied by `option httplog/tcplog`. */
  logFormat?: string;
  logTag?: string;
  /** Slices owned by subsystems (`ext.checks`, `ext.http`, `ext.stats` ...). Plain data only. */
  ext: Record<string, unknown>;
}

/** `userlist` section. */
export interface UserlistConfig {
  name: string;
  src: SourceRef;
  users: { name: string; password: string; insecure: boolean; groups: string[] }[];
  groups: { name: string; users: string[] }[];
}

/** `stats socket` line (global). */
export interface StatsSocketConfig {
  address: ParsedAddress;
  level: 'user' | 'operator' | 'admin';
  mode?: number;
  uid?: number;
  gid?: number;
  user?: string;
  group?: string;
  exposeFd: boolean;
  src: SourceRef;
}

export interface GlobalConfig {
  daemon: boolean;
  masterWorker: boolean;
  pidfile?: string;
  chroot?: string;
  user?: string;
  group?: string;
  uid?: number;
  gid?: number;
  maxconn: number;
  nbthread: number;
  logs: LogTargetConfig[];
  logTag?: string;
  logSendHostname?: string | true;
  node?: string;
  description?: string;
  statsSockets: StatsSocketConfig[];
  /** `stats timeout` in ms (default 10 s). */
  statsTimeout: number;
  statsMaxconn: number;
  hardStopAfter?: number;
  grace?: number;
  spreadChecks: number;
  /** `tune.*` values by keyword (bufsize 16384, maxrewrite 1024, http.maxhdr 101 by default). */
  tune: Record<string, number>;
  /** Other global keywords owned by subsystems. */
  ext: Record<string, unknown>;
}

/** The whole parsed configuration. */
export interface Config {
  /** Files that were read, in order. */
  files: string[];
  global: GlobalConfig;
  /** Named defaults sections; the last anonymous one is under ''. */
  defaults: Map<string, ProxyConfig>;
  /** frontends, backends and listens in declaration order. */
  proxies: ProxyConfig[];
  userlists: UserlistConfig[];
  /** Other sections owned by subsystems (resolvers, peers, http-errors, ring ...). */
  sections: Record<string, unknown[]>;
}

/** HAProxy's built-in server defaults (server.c new_server / srv_settings_init). */
export function newServerConfig(name: string, src: SourceRef): ServerConfig {
  return {
    name, src, id: 0, weight: 1, check: false, inter: 2000, rise: 2, fall: 3,
    disabled: false, backup: false, maxconn: 0, maxqueue: 0, minconn: 0, slowstart: 0,
    options: {},
  };
}

export function newProxyConfig(name: string, cap: ProxyCap, src: SourceRef): ProxyConfig {
  return {
    name, cap, src, id: 0, mode: 'tcp', defaultsName: '', disabled: false, timeouts: {},
    maxconn: 0, fullconn: 0, retries: 3, options: {}, optionArgs: {},
    balance: { algorithm: 'roundrobin', args: [] }, binds: [], servers: [],
    defaultServer: newServerConfig('', src), acls: [], switchingRules: [],
    logGlobal: false, logDisabled: false, logs: [], ext: {},
  };
}

export function newGlobalConfig(): GlobalConfig {
  return {
    daemon: false, masterWorker: false, maxconn: 0, nbthread: 1, logs: [], statsSockets: [],
    statsTimeout: 10_000, statsMaxconn: 10, spreadChecks: 0,
    tune: { bufsize: 16384, maxrewrite: 1024, 'http.maxhdr': 101 }, ext: {},
  };
}

export function newConfig(): Config {
  return { files: [], global: newGlobalConfig(), defaults: new Map(), proxies: [], userlists: [], sections: {} };
}

/**
 * Typed access to a subsystem's slice of `ext`, created on first use.
 * @example const http = extSlice(proxy, 'http', () => ({ forwardFor: undefined }));
 */
export function extSlice<T>(holder: { ext: Record<string, unknown> }, key: string, init: () => T): T {
  let v = holder.ext[key] as T | undefined;
  if (v === undefined) {
    v = init();
    holder.ext[key] = v;
  }
  return v;
}

/** True when the proxy has frontend capability. */
export function isFrontend(p: ProxyConfig): boolean { return p.cap === 'frontend' || p.cap === 'listen'; }
/** True when the proxy has backend capability. */
export function isBackend(p: ProxyConfig): boolean { return p.cap === 'backend' || p.cap === 'listen'; }
