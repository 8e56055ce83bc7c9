/**
 * Proxy keywords owned by the data plane: mode, bind, server, default-server, timeouts,
 * maxconn, retries, switching rules and the connection-handling options. Keywords of other
 * subsystems (balance, acl, log, checks, stats) register from their own keywords.ts.
 */

import {
  registerKeywords, registerFamily, registerServerKeywords, registerBindKeywords, findServerKeyword,
  findBindKeyword, bestMatch, serverKeywordNames, bindKeywordNames,
  ALL_PROXY_SECTIONS, BACKEND_SECTIONS, FRONTEND_SECTIONS, FRONTEND_ONLY, BACKEND_ONLY,
  type KeywordContext, type ParamContext, type SectionKeyword,
} from '../config/registry';
import { parseAddress } from '../config/address';
import { parseInteger, parseTime } from '../config/units';
import { newServerConfig, isBackend, isFrontend, type ServerConfig, type TimeoutsConfig, type ConditionConfig } from '../config/model';
import { registerPostCheck } from '../config/validate';
import { HAPROXY_BIND_KEYWORDS, HAPROXY_SERVER_KEYWORDS } from '../config/haproxy-keywords';

/** Splits `if|unless COND...` off the end of args starting at `from`. */
export function parseCondition(ctx: KeywordContext, from: number): ConditionConfig | undefined | null {
  const w = ctx.args[from];
  if (w === undefined) return undefined;
  if (w !== 'if' && w !== 'unless') {
    ctx.error(`'${ctx.args[0]}' : expects 'if' or 'unless' followed by a condition but found '${w}'.`);
    return null;
  }
  const words = ctx.args.slice(from + 1);
  if (words.length === 0) {
    ctx.error(`'${ctx.args[0]}' : missing condition after '${w}'.`);
    return null;
  }
  return { polarity: w, words, src: ctx.src };
}

function oneArg(ctx: KeywordContext): string | undefined {
  if (ctx.args.length < 2) {
    ctx.error(`'${ctx.args[0]}' expects an argument.`);
    return undefined;
  }
  if (ctx.args.length > 2) ctx.error(`'${ctx.args[0]}' cannot handle unexpected argument '${ctx.args[2]}'.`);
  return ctx.args[1];
}

// ---------------------------------------------------------------------------------------
// Section keywords
// ---------------------------------------------------------------------------------------

const sectionKeywords: SectionKeyword[] = [
  {
    name: 'mode', sections: ALL_PROXY_SECTIONS, usage: 'mode {tcp|http}',
    parse(ctx) {
      const v = oneArg(ctx);
      if (v === undefined) return;
      if (v !== 'http' && v !== 'tcp') {
        ctx.error(`unknown proxy mode '${v}'.`);
        return;
      }
      ctx.proxy!.mode = v;
    },
  },
  {
    name: 'bind', sections: FRONTEND_ONLY, usage: 'bind [<address>]:<port_range> [, ...] [param*]',
    parse(ctx) {
      const p = ctx.proxy!;
      if (ctx.args.length < 2) {
        ctx.error(`'bind' expects {<path>|[addr1]:port1[-end1]}{,[addr]:port[-end]}... as arguments.`);
        return;
      }
      const params = ctx.args.slice(2);
      for (const part of ctx.args[1].split(',')) {
        const r = parseAddress(part, { allowRange: true });
        if (r.error !== undefined) {
          ctx.error(`'bind' : ${r.error}`);
          continue;
        }
        const bind = { address: r.address, options: {}, src: ctx.src };
        applyParams(ctx, params, 'bind', (name) => findBindKeyword(name), bindKeywordNames, (kw, args, pctx) => kw.parse(bind, args, pctx));
        p.binds.push(bind);
      }
    },
  },
  {
    name: 'server', sections: BACKEND_ONLY, usage: 'server <name> <addr>[:<port>] [param*]',
    parse(ctx) {
      const p = ctx.proxy!;
      const name = ctx.args[1];
      const addr = ctx.args[2];
      if (name === undefined || addr === undefined) {
        ctx.error(`'server' expects <name> and <addr>[:<port>] as arguments.`);
        return;
      }
      const dup = p.servers.find((s) => s.name === name);
      if (dup) {
        ctx.error(`backend '${p.name}' : server name '${name}' is already used at ${dup.src.file}:${dup.src.line}.`);
      }
      const srv: ServerConfig = structuredClone(p.defaultServer);
      srv.name = name;
      srv.src = ctx.src;
      const r = parseAddress(addr, { portOptional: true, allowHostname: true });
      if (r.error !== undefined) ctx.error(`'server ${p.name}/${name}' : ${r.error}`, 'bare');
      else srv.address = r.address;
      applyServerParams(ctx, srv, ctx.args.slice(3), false);
      p.servers.push(srv);
    },
  },
  {
    name: 'default-server', sections: BACKEND_SECTIONS, usage: 'default-server [param*]',
    parse(ctx) {
      applyServerParams(ctx, ctx.proxy!.defaultServer, ctx.args.slice(1), true);
    },
  },
  {
    name: 'maxconn', sections: ['global', ...FRONTEND_SECTIONS],
    parse(ctx) {
      const v = oneArg(ctx);
      if (v === undefined) return;
      const n = parseInteger(v, 0);
      if (n.error !== undefined) { ctx.error(`'maxconn' ${n.error}.`); return; }
      if (ctx.proxy) ctx.proxy.maxconn = n.value;
      else ctx.config.global.maxconn = n.value;
    },
  },
  {
    name: 'fullconn', sections: BACKEND_SECTIONS,
    parse(ctx) {
      const v = oneArg(ctx);
      if (v === undefined) return;
      const n = parseInteger(v, 0);
      if (n.error !== undefined) { ctx.error(`'fullconn' ${n.error}.`); return; }
      ctx.proxy!.fullconn = n.value;
    },
  },
  {
    name: 'retries', sections: BACKEND_SECTIONS,
    parse(ctx) {
      const v = oneArg(ctx);
      if (v === undefined) return;
      const n = parseInteger(v, 0);
      if (n.error !== undefined) { ctx.error(`'retries' ${n.error}.`); return; }
      ctx.proxy!.retries = n.value;
    },
  },
  {
    name: 'default_backend', sections: FRONTEND_SECTIONS,
    parse(ctx) {
      const v = oneArg(ctx);
      if (v !== undefined) ctx.proxy!.defaultBackend = v;
    },
  },
  {
    name: 'use_backend', sections: FRONTEND_ONLY,
    parse(ctx) {
      const be = ctx.args[1];
      if (be === undefined) { ctx.error(`'use_backend' expects a backend name.`); return; }
      const cond = parseCondition(ctx, 2);
      if (cond === null) return;
      ctx.proxy!.switchingRules.push({ backend: be, cond, src: ctx.src });
    },
  },
  {
    name: 'disabled', sections: ALL_PROXY_SECTIONS,
    parse(ctx) { ctx.proxy!.disabled = true; },
  },
  {
    name: 'enabled', sections: ALL_PROXY_SECTIONS,
    parse(ctx) { ctx.proxy!.disabled = false; },
  },
  {
    name: 'id', sections: ['frontend', 'backend', 'listen'],
    parse(ctx) {
      const v = oneArg(ctx);
      if (v === undefined) return;
      const n = parseInteger(v, 1);
      if (n.error !== undefined) { ctx.error(`'id' : ${n.error}.`); return; }
      ctx.proxy!.id = n.value;
    },
  },
  {
    name: 'description', sections: ['global', ...ALL_PROXY_SECTIONS],
    parse(ctx) {
      const text = ctx.args.slice(1).join(' ');
      if (ctx.proxy) ctx.proxy.description = text;
      else ctx.config.global.description = text;
    },
  },
];

/** `retry-on` keywords (configuration.txt "retry-on"); status codes are accepted as numbers. */
export const RETRY_ON_KEYWORDS = ['none', 'conn-failure', 'empty-response', 'junk-response', 'response-timeout', '0rtt-rejected', 'all-retryable-errors'];
export const RETRY_ON_STATUSES = [401, 403, 404, 408, 425, 500, 501, 502, 503, 504];

sectionKeywords.push(
  {
    name: 'retry-on', sections: BACKEND_SECTIONS,
    parse(ctx) {
      const list = ctx.args.slice(1);
      if (list.length === 0) { ctx.error(`'retry-on' expects at least one keyword.`); return; }
      for (const k of list) {
        if (RETRY_ON_KEYWORDS.includes(k)) continue;
        if (/^\d{3}$/.test(k) && RETRY_ON_STATUSES.includes(Number(k))) continue;
        ctx.error(`'retry-on' : unknown keyword '${k}'.`);
        return;
      }
      if (list.includes('none') && list.length > 1) { ctx.error(`'retry-on' : 'none' cannot be combined with other keywords.`); return; }
      ctx.proxy!.optionArgs['retry-on'] = list;
    },
  },
  {
    name: 'http-reuse', sections: BACKEND_SECTIONS,
    parse(ctx) {
      const v = oneArg(ctx);
      if (v === undefined) return;
      if (!['never', 'safe', 'aggressive', 'always'].includes(v)) {
        ctx.error(`'http-reuse' only supports 'never', 'safe', 'aggressive', 'always'.`);
        return;
      }
      ctx.proxy!.optionArgs['http-reuse'] = [v];
    },
  },
);

registerKeywords(sectionKeywords);

// ---------------------------------------------------------------------------------------
// timeout <name> <value>
// ---------------------------------------------------------------------------------------

const TIMEOUTS: { name: string; field: keyof TimeoutsConfig; sections: readonly ('defaults' | 'frontend' | 'backend' | 'listen')[] }[] = [
  { name: 'client', field: 'client', sections: FRONTEND_SECTIONS },
  { name: 'client-fin', field: 'clientFin', sections: FRONTEND_SECTIONS },
  { name: 'http-request', field: 'httpRequest', sections: ALL_PROXY_SECTIONS },
  { name: 'http-keep-alive', field: 'httpKeepAlive', sections: ALL_PROXY_SECTIONS },
  { name: 'server', field: 'server', sections: BACKEND_SECTIONS },
  { name: 'server-fin', field: 'serverFin', sections: BACKEND_SECTIONS },
  { name: 'connect', field: 'connect', sections: BACKEND_SECTIONS },
  { name: 'queue', field: 'queue', sections: BACKEND_SECTIONS },
  { name: 'check', field: 'check', sections: BACKEND_SECTIONS },
  { name: 'tunnel', field: 'tunnel', sections: BACKEND_SECTIONS },
  { name: 'tarpit', field: 'tarpit', sections: ALL_PROXY_SECTIONS },
];

registerFamily('timeout', [
  ...TIMEOUTS.map((t): SectionKeyword => ({
    name: t.name,
    sections: t.sections,
    parse(ctx) {
      const v = ctx.args[2];
      if (v === undefined) { ctx.error(`'timeout ${t.name}' expects an integer value (in milliseconds)`); return; }
      if (ctx.args.length > 3) { ctx.error(`'timeout ${t.name}' : unexpected extra argument '${ctx.args[3]}'`); return; }
      const r = parseTime(v);
      if (r.error !== undefined) {
        ctx.error(r.overflow ? `timer overflow in argument '${v}' to 'timeout ${t.name}' (maximum value is 2147483647 ms or ~24.8 days)`
          : r.badChar !== undefined ? `unexpected character '${r.badChar}' in 'timeout ${t.name}'` : `'timeout ${t.name}' ${r.error}`);
        return;
      }
      ctx.proxy!.timeouts[t.field] = r.value;
    },
  })),
  // Legacy aliases HAProxy rejects since 2.1 with an explanation.
  ...['clitimeout', 'srvtimeout', 'contimeout'].map((n): SectionKeyword => ({
    name: n, sections: ALL_PROXY_SECTIONS,
    parse(ctx) { ctx.error(`the '${n}' directive is not supported anymore since HAProxy 2.1. Use 'timeout ${n === 'clitimeout' ? 'client' : n === 'srvtimeout' ? 'server' : 'connect'}' instead.`); },
  })),
]);

// ---------------------------------------------------------------------------------------
// option <name>: connection handling options (boolean)
// ---------------------------------------------------------------------------------------

/** Registers boolean options stored in proxy.options[name]. Exported for other subsystems. */
export function booleanOptions(names: string[], sections: readonly ('defaults' | 'frontend' | 'backend' | 'listen')[]): SectionKeyword[] {
  return names.map((name) => ({
    name, sections, negatable: true,
    parse(ctx) {
      if (ctx.args.length > 2) { ctx.error(`'option ${name}' cannot handle unexpected argument '${ctx.args[2]}'.`); return; }
      if (ctx.reset) delete ctx.proxy!.options[name];
      else ctx.proxy!.options[name] = !ctx.negated;
    },
  }));
}

/** The HTTP connection modes are mutually exclusive: setting one clears the others. */
const HTTP_MODES = ['http-keep-alive', 'http-server-close', 'httpclose'];

registerFamily('option', [
  ...HTTP_MODES.map((name): SectionKeyword => ({
    name, sections: ALL_PROXY_SECTIONS, negatable: true,
    parse(ctx) {
      const p = ctx.proxy!;
      if (ctx.args.length > 2) { ctx.error(`'option ${name}' cannot handle unexpected argument '${ctx.args[2]}'.`); return; }
      for (const m of HTTP_MODES) delete p.options[m];
      if (!ctx.reset) p.options[name] = !ctx.negated;
    },
  })),
  ...booleanOptions(['redispatch-legacy-unused', 'abortonclose', 'http-pretend-keepalive', 'http-use-proxy-header',
    'accept-invalid-http-request', 'accept-invalid-http-response', 'http-buffer-request', 'tcpka', 'clitcpka', 'srvtcpka',
    'allbackups', 'persist', 'splice-auto', 'splice-request', 'splice-response', 'http-no-delay', 'nolinger',
    'prefer-last-server', 'http-ignore-probes', 'independent-streams', 'contstats', 'socket-stats', 'transparent',
    'disable-h2-upgrade', 'h1-case-adjust-bogus-client', 'h1-case-adjust-bogus-server', 'idle-close-on-response',
    'http-restrict-req-hdr-names', 'checkcache', 'log-separate-errors', 'dontlog-normal', 'log-health-checks'].filter((n) => n !== 'redispatch-legacy-unused'), ALL_PROXY_SECTIONS),
  {
    // option redispatch [<interval>]
    name: 'redispatch', sections: BACKEND_SECTIONS, negatable: true,
    parse(ctx) {
      const p = ctx.proxy!;
      if (ctx.reset) { delete p.options.redispatch; return; }
      p.options.redispatch = !ctx.negated;
      if (ctx.args[2] !== undefined) {
        const n = parseInteger(ctx.args[2], -2147483648, 2147483647);
        if (n.error !== undefined) { ctx.error(`'option redispatch' : ${n.error}.`); return; }
        p.optionArgs.redispatch = [ctx.args[2]];
      }
    },
  },
  {
    // option forwardfor [except <network>] [header <name>] [if-none]
    name: 'forwardfor', sections: ALL_PROXY_SECTIONS, negatable: true,
    parse(ctx) {
      const p = ctx.proxy!;
      if (ctx.negated || ctx.reset) { delete p.options.forwardfor; delete p.optionArgs.forwardfor; return; }
      const a = ctx.args.slice(2);
      for (let i = 0; i < a.length; i++) {
        if (a[i] === 'except' || a[i] === 'header') {
          if (a[i + 1] === undefined) { ctx.error(`'option forwardfor' : '${a[i]}' expects a value.`); return; }
          i++;
        } else if (a[i] !== 'if-none') {
          ctx.error(`'option forwardfor' : unknown argument '${a[i]}'. Expects 'except', 'header' or 'if-none'.`);
          return;
        }
      }
      p.options.forwardfor = true;
      p.optionArgs.forwardfor = a;
    },
  },
  {
    // option originalto [except <network>] [header <name>]
    name: 'originalto', sections: ALL_PROXY_SECTIONS, negatable: true,
    parse(ctx) {
      const p = ctx.proxy!;
      if (ctx.negated || ctx.reset) { delete p.options.originalto; return; }
      p.options.originalto = true;
      p.optionArgs.originalto = ctx.args.slice(2);
    },
  },
]);

// ---------------------------------------------------------------------------------------
// Server and bind parameters
// ---------------------------------------------------------------------------------------

type Finder<K> = (name: string) => K | undefined;

function applyParams<K extends { argCount: number; name: string }>(
  ctx: KeywordContext, params: string[], what: string, find: Finder<K>, names: () => string[],
  apply: (kw: K, args: string[], pctx: ParamContext) => void, isDefaultServer = false,
): void {
  const pctxBase = {
    file: ctx.file, line: ctx.line, proxy: ctx.proxy!, config: ctx.config, isDefaultServer,
    error: ctx.error, warning: ctx.warning,
  };
  let i = 0;
  while (i < params.length) {
    const name = params[i];
    const kw = find(name);
    if (!kw) {
      // HAProxy's own wording per line type (bind_parse_args / parse_server); keywords HAProxy
      // has but no Fulcrum module registered are reported as such, never as unknown.
      const known = what === 'bind' ? HAPROXY_BIND_KEYWORDS : HAPROXY_SERVER_KEYWORDS;
      const where = what === 'bind' ? `'bind ${ctx.args[1]}' in section '${ctx.section}'` : what === 'server' ? `'server ${ctx.proxy!.name}/${ctx.args[1]}'` : `'default-server'`;
      const form = what === 'bind' ? undefined : 'bare' as const;
      if (known.has(name)) { ctx.error(`${where} : '${name}' is not supported by Fulcrum yet.`, form); return; }
      const hint = bestMatch(name, new Set([...names(), ...known]));
      ctx.error(`${where}${what === 'bind' ? ':' : ' :'} unknown keyword '${name}'${hint ? `; did you mean '${hint}' maybe ?` : '.'}`, form);
      return;
    }
    const args = params.slice(i + 1, i + 1 + kw.argCount);
    if (args.length < kw.argCount) {
      ctx.error(`'${name}' expects ${kw.argCount} argument${kw.argCount > 1 ? 's' : ''}.`);
      return;
    }
    apply(kw, args, { ...pctxBase, args: params, index: i });
    i += 1 + kw.argCount;
  }
}

function applyServerParams(ctx: KeywordContext, srv: ServerConfig, params: string[], isDefault: boolean): void {
  applyParams(ctx, params, isDefault ? 'default-server' : 'server', findServerKeyword, serverKeywordNames, (kw, args, pctx) => {
    if (isDefault && !kw.defaultServerOk) {
      ctx.error(`'default-server' : '${kw.name}' option is not accepted in default-server sections.`);
      return;
    }
    kw.parse(srv, args, pctx);
  }, isDefault);
}

function intParam(name: string, min: number, max: number, set: (s: ServerConfig, v: number) => void) {
  return {
    name, argCount: 1, defaultServerOk: true,
    parse(s: ServerConfig, a: string[], c: ParamContext) {
      const n = parseInteger(a[0], min, max);
      if (n.error !== undefined) { c.error(`'${name}' : ${n.error}.`); return; }
      set(s, n.value);
    },
  };
}

function timeParam(name: string, set: (s: ServerConfig, v: number) => void, allowZero = false) {
  return {
    name, argCount: 1, defaultServerOk: true,
    parse(s: ServerConfig, a: string[], c: ParamContext) {
      const r = parseTime(a[0]);
      if (r.error !== undefined) { c.error(`'${name}' : ${r.error}.`); return; }
      if (r.value === 0 && !allowZero) { c.error(`'${name}' : invalid value 0, must be > 0.`); return; }
      set(s, r.value);
    },
  };
}

function flagParam(name: string, set: (s: ServerConfig) => void) {
  return { name, argCount: 0, defaultServerOk: true, parse: (s: ServerConfig) => set(s) };
}

registerServerKeywords([
  intParam('weight', 0, 256, (s, v) => { s.weight = v; }),
  flagParam('check', (s) => { s.check = true; }),
  flagParam('no-check', (s) => { s.check = false; }),
  timeParam('inter', (s, v) => { s.inter = v; }),
  timeParam('fastinter', (s, v) => { s.fastinter = v; }),
  timeParam('downinter', (s, v) => { s.downinter = v; }),
  intParam('rise', 1, 2147483647, (s, v) => { s.rise = v; }),
  intParam('fall', 1, 2147483647, (s, v) => { s.fall = v; }),
  intParam('port', 1, 65535, (s, v) => { s.checkPort = v; }),
  {
    name: 'addr', argCount: 1, defaultServerOk: true,
    parse(s, a, c) {
      const r = parseAddress(a[0], { portOptional: true });
      if (r.error !== undefined) { c.error(`'addr' : ${r.error}`); return; }
      s.checkAddr = r.address.host;
      if (r.address.hasPort) s.checkPort = r.address.port;
    },
  },
  flagParam('disabled', (s) => { s.disabled = true; }),
  flagParam('enabled', (s) => { s.disabled = false; }),
  flagParam('backup', (s) => { s.backup = true; }),
  flagParam('no-backup', (s) => { s.backup = false; }),
  intParam('maxconn', 0, 2147483647, (s, v) => { s.maxconn = v; }),
  intParam('maxqueue', 0, 2147483647, (s, v) => { s.maxqueue = v; }),
  intParam('minconn', 0, 2147483647, (s, v) => { s.minconn = v; }),
  timeParam('slowstart', (s, v) => { s.slowstart = v; }, true),
  { ...intParam('id', 1, 2147483647, (s, v) => { s.id = v; }), defaultServerOk: false },
  { name: 'cookie', argCount: 1, defaultServerOk: false, parse: (s, a) => { s.cookie = a[0]; } },
  { name: 'track', argCount: 1, defaultServerOk: false, parse: (s, a) => { s.track = a[0]; } },
  { name: 'redir', argCount: 1, defaultServerOk: true, parse: (s, a) => { s.redir = a[0]; } },
  flagParam('send-proxy', (s) => { s.sendProxy = 'v1'; }),
  flagParam('send-proxy-v2', (s) => { s.sendProxy = 'v2'; }),
  flagParam('no-send-proxy', (s) => { s.sendProxy = undefined; }),
]);

registerBindKeywords([
  { name: 'name', argCount: 1, parse: (b, a) => { b.options.name = a[0]; } },
  { name: 'accept-proxy', argCount: 0, parse: (b) => { b.options['accept-proxy'] = true; } },
  { name: 'v4v6', argCount: 0, parse: (b) => { b.options.v4v6 = true; } },
  { name: 'v6only', argCount: 0, parse: (b) => { b.options.v6only = true; } },
  { name: 'transparent', argCount: 0, parse: (b) => { b.options.transparent = true; } },
  {
    name: 'backlog', argCount: 1,
    parse(b, a, c) {
      const n = parseInteger(a[0], 1);
      if (n.error !== undefined) { c.error(`'backlog' : ${n.error}.`); return; }
      b.options.backlog = n.value;
    },
  },
  {
    name: 'maxconn', argCount: 1,
    parse(b, a, c) {
      const n = parseInteger(a[0], 0);
      if (n.error !== undefined) { c.error(`'maxconn' : ${n.error}.`); return; }
      b.options.maxconn = n.value;
    },
  },
  {
    name: 'mode', argCount: 1,
    parse(b, a, c) {
      const m = /^0?[0-7]{3}$/.test(a[0]);
      if (!m) { c.error(`'mode' : expects an octal mode, got '${a[0]}'.`); return; }
      b.options.mode = parseInt(a[0], 8);
    },
  },
  { name: 'user', argCount: 1, parse: (b, a) => { b.options.user = a[0]; } },
  { name: 'group', argCount: 1, parse: (b, a) => { b.options.group = a[0]; } },
  { name: 'uid', argCount: 1, parse: (b, a) => { b.options.uid = a[0]; } },
  { name: 'gid', argCount: 1, parse: (b, a) => { b.options.gid = a[0]; } },
  { name: 'id', argCount: 1, parse: (b, a) => { b.options.id = a[0]; } },
  { name: 'process', argCount: 1, parse: (b, a) => { b.options.process = a[0]; } },
  { name: 'thread', argCount: 1, parse: (b, a) => { b.options.thread = a[0]; } },
  { name: 'defer-accept', argCount: 0, parse: (b) => { b.options['defer-accept'] = true; } },
  { name: 'tfo', argCount: 0, parse: (b) => { b.options.tfo = true; } },
  { name: 'nice', argCount: 1, parse: (b, a) => { b.options.nice = a[0]; } },
]);

// ---------------------------------------------------------------------------------------
// Post-checks: references between proxies (HAProxy: check_config_validity)
// ---------------------------------------------------------------------------------------

registerPostCheck('proxy-references', (config, diag) => {
  const backends = new Map(config.proxies.filter(isBackend).map((p) => [p.name, p]));
  for (const p of config.proxies) {
    if (isFrontend(p)) {
      if (p.defaultBackend !== undefined) {
        const be = backends.get(p.defaultBackend);
        if (!be) diag.alert(`Proxy '${p.name}': unable to find required default_backend: '${p.defaultBackend}'.`);
        else if (be.mode !== p.mode) diag.alert(`${p.cap === 'listen' ? 'Proxy' : 'Frontend'} '${p.name}' (${p.mode} mode) references backend '${be.name}' (${be.mode} mode) which is not compatible.`);
      }
      for (const r of p.switchingRules) {
        if (r.backend.includes('%[')) continue; // dynamic name, resolved per request
        const be = backends.get(r.backend);
        if (!be) diag.alert(`Proxy '${p.name}': unable to find required use_backend: '${r.backend}'.`);
        else if (be.mode !== p.mode) diag.alert(`${p.cap === 'listen' ? 'Proxy' : 'Frontend'} '${p.name}' (${p.mode} mode) references backend '${be.name}' (${be.mode} mode) which is not compatible.`);
      }
      if (p.binds.length === 0 && !p.disabled) {
        diag.alert(`Proxy '${p.name}' has no 'bind' directive. Please declare it as a backend if this was intended.`);
      }
      const missing: string[] = [];
      if (p.timeouts.client === undefined) missing.push('client');
      if (isBackend(p)) {
        if (p.timeouts.connect === undefined) missing.push('connect');
        if (p.timeouts.server === undefined) missing.push('server');
      }
      if (missing.length) diag.warning(`missing timeouts for ${p.cap === 'listen' ? 'proxy' : 'frontend'} '${p.name}'.\n   | While not properly invalid, you will certainly encounter various problems\n   | with such a configuration. To fix this, please ensure that all following\n   | timeouts are set to a non-zero value: 'client', 'connect', 'server'.`);
    } else if (isBackend(p)) {
      if (p.timeouts.connect === undefined || p.timeouts.server === undefined) {
        diag.warning(`missing timeouts for backend '${p.name}'.\n   | While not properly invalid, you will certainly encounter various problems\n   | with such a configuration. To fix this, please ensure that all following\n   | timeouts are set to a non-zero value: 'client', 'connect', 'server'.`);
      }
    }
    if (isBackend(p)) {
      for (const s of p.servers) {
        if (s.track !== undefined) {
          const [tbe, tsv] = s.track.includes('/') ? s.track.split('/') : [p.name, s.track];
          const be = backends.get(tbe);
          const target = be?.servers.find((x) => x.name === tsv);
          if (!target) diag.alert(`${p.cap === 'listen' ? 'proxy' : 'backend'} '${p.name}', server '${s.name}': unable to find required server '${s.track}' for tracking.`, s.src.file, s.src.line);
        }
      }
    }
  }
  // Proxy and server ids must be unique.
  const ids = new Map<number, string>();
  for (const p of config.proxies) {
    if (!p.id) continue;
    const prev = ids.get(p.id);
    if (prev) diag.alert(`Proxy '${p.name}' : id ${p.id} already used by proxy '${prev}'.`, p.src.file, p.src.line);
    ids.set(p.id, p.name);
  }
}, 10);

export { newServerConfig };
