/**
 * Logging keywords (configuration.txt §3.1 `log`, `log-tag`, `log-send-hostname`; §4.2 `log`,
 * `log-format`, `log-format-sd`, `error-log-format`, `log-tag`, `option httplog|httpslog|
 * tcplog|dontlognull`) and the post-check that compiles every frontend's format so that
 * `-c` reports bad formats with HAProxy's wording.
 */

import {
  registerKeywords, registerFamily, ALL_PROXY_SECTIONS, FRONTEND_SECTIONS, type KeywordContext,
} from '../config/registry';
import { registerPostCheck } from '../config/validate';
import { extSlice, isFrontend, type Config, type ProxyConfig, type SourceRef } from '../config/model';
import type { Diagnostics } from '../config/diagnostics';
import { booleanOptions } from '../proxy/keywords';
import { parseLogLine, proxyTargets } from './targets';
import { compileLogFormat, CLF_HTTPLOG_FORMAT, HTTPLOG_FORMAT, HTTPSLOG_FORMAT, TCPLOG_FORMAT } from './format';

/** Which directive set the proxy's log format. */
export type FormatOrigin = 'explicit' | 'httplog' | 'clf' | 'httpslog' | 'tcplog';

/** The logging slice of a ProxyConfig (`proxy.ext.log`). Plain data. */
export interface ProxyLogConfig {
  formatOrigin?: FormatOrigin;
  /** Line that set the format (log-format or option). */
  formatSrc?: SourceRef;
  /** `log-format-sd` (RFC5424 structured data). */
  sd?: string;
  sdSrc?: SourceRef;
  /** `error-log-format`. */
  errorFormat?: string;
  errorFormatSrc?: SourceRef;
  /** `unique-id-format` (rendered once per request into %ID) and `unique-id-header`. */
  uniqueIdFormat?: string;
  uniqueIdFormatSrc?: SourceRef;
  uniqueIdHeader?: string;
}

/** The logging slice of a proxy config. */
export function proxyLogConfig(p: ProxyConfig): ProxyLogConfig {
  return extSlice<ProxyLogConfig>(p, 'log', () => ({}));
}

function logLine(ctx: KeywordContext): void {
  const p = ctx.proxy;
  if (ctx.negated) {
    if (ctx.args.length > 1) { ctx.error(`log : 'no log' does not expect arguments`); return; }
    if (!p) { ctx.config.global.logs = []; return; }
    p.logs = [];
    p.logGlobal = false;
    p.logDisabled = true;
    return;
  }
  if (ctx.args.length === 2 && ctx.args[1] === 'global') {
    if (!p) { ctx.error(`log : 'global' is not supported for a global syslog server`); return; }
    p.logGlobal = true;
    p.logDisabled = false;
    return;
  }
  const r = parseLogLine(ctx.args, ctx.src);
  if ('error' in r) { ctx.error(`log : ${r.error}`); return; }
  if (p) {
    p.logs.push(r);
    p.logDisabled = false;
  } else ctx.config.global.logs.push(r);
}

/**
 * HAProxy accepts the format directives in a backend and ignores them with a warning of its
 * own (not the generic capability one): `backend 'b' : 'log-format' directive is ignored in backends.`
 */
function ignoredInBackend(ctx: KeywordContext, what: string): boolean {
  if (ctx.section !== 'backend') return false;
  ctx.warning(`backend '${ctx.sectionName}' : '${what}' directive is ignored in backends.`);
  return true;
}

/** Single-argument format keywords (`log-format`, `log-format-sd`, `error-log-format`). */
function formatArg(ctx: KeywordContext): string | undefined {
  if (ignoredInBackend(ctx, ctx.args[0])) return undefined;
  if (ctx.args.length < 2 || ctx.args[1] === '') { ctx.error(`${ctx.args[0]} expects an argument.`); return undefined; }
  if (ctx.args.length > 2) { ctx.error(`${ctx.args[0]} expects only one argument, don't forget to escape spaces!`); return undefined; }
  return ctx.args[1];
}

registerKeywords([
  {
    // Accepted (and ignored) in backends without a warning, as HAProxy 2.6 does.
    name: 'unique-id-format', sections: ALL_PROXY_SECTIONS, usage: 'unique-id-format <string>',
    parse(ctx) {
      if (ctx.args.length < 2 || ctx.args[1] === '') { ctx.error(`unique-id-format expects an argument.`); return; }
      if (ctx.args.length > 2) { ctx.error(`unique-id-format expects only one argument, don't forget to escape spaces!`); return; }
      const lc = proxyLogConfig(ctx.proxy!);
      lc.uniqueIdFormat = ctx.args[1];
      lc.uniqueIdFormatSrc = ctx.src;
    },
  },
  {
    name: 'unique-id-header', sections: ALL_PROXY_SECTIONS, usage: 'unique-id-header <name>',
    parse(ctx) {
      if (ctx.args.length < 2 || ctx.args[1] === '') { ctx.error(`unique-id-header expects an argument.`); return; }
      proxyLogConfig(ctx.proxy!).uniqueIdHeader = ctx.args[1];
    },
  },
  {
    name: 'log', sections: ['global', ...ALL_PROXY_SECTIONS], negatable: true,
    usage: 'log { global | <target> [len <n>] [format <fmt>] [sample <ranges>:<size>] <facility> [<level> [<minlevel>]] }',
    parse: logLine,
  },
  {
    name: 'log-tag', sections: ['global', ...ALL_PROXY_SECTIONS], usage: 'log-tag <string>',
    parse(ctx) {
      if (ctx.args.length < 2 || ctx.args[1] === '') { ctx.error(`'log-tag' expects a tag for use in syslog.`); return; }
      if (ctx.args.length > 2) { ctx.error(`'log-tag' cannot handle unexpected argument '${ctx.args[2]}'.`); return; }
      if (ctx.proxy) ctx.proxy.logTag = ctx.args[1];
      else ctx.config.global.logTag = ctx.args[1];
    },
  },
  {
    name: 'log-send-hostname', sections: ['global'], usage: 'log-send-hostname [<string>]',
    parse(ctx) {
      ctx.config.global.logSendHostname = ctx.args[1] ?? true;
    },
  },
  {
    name: 'log-format', sections: ALL_PROXY_SECTIONS, usage: 'log-format <string>',
    parse(ctx) {
      const v = formatArg(ctx);
      if (v === undefined) return;
      const p = ctx.proxy!;
      p.logFormat = v;
      const lc = proxyLogConfig(p);
      lc.formatOrigin = 'explicit';
      lc.formatSrc = ctx.src;
    },
  },
  {
    name: 'log-format-sd', sections: ALL_PROXY_SECTIONS, usage: 'log-format-sd <string>',
    parse(ctx) {
      const v = formatArg(ctx);
      if (v === undefined) return;
      const lc = proxyLogConfig(ctx.proxy!);
      lc.sd = v;
      lc.sdSrc = ctx.src;
    },
  },
  {
    name: 'error-log-format', sections: ALL_PROXY_SECTIONS, usage: 'error-log-format <string>',
    parse(ctx) {
      const v = formatArg(ctx);
      if (v === undefined) return;
      const lc = proxyLogConfig(ctx.proxy!);
      lc.errorFormat = v;
      lc.errorFormatSrc = ctx.src;
    },
  },
]);

/**
 * `option httplog [clf]`, `option httpslog`, `option tcplog`: set the implied format. They
 * take no `no`/`default` prefix (HAProxy: "negation/default is not supported"), and a later
 * `log-format` replaces them.
 */
function impliedFormat(ctx: KeywordContext, origin: FormatOrigin, format: string): void {
  const p = ctx.proxy!;
  const lc = proxyLogConfig(p);
  p.logFormat = format;
  lc.formatOrigin = origin;
  lc.formatSrc = ctx.src;
}

registerFamily('option', [
  {
    name: 'httplog', sections: FRONTEND_SECTIONS, usage: 'option httplog [clf]',
    parse(ctx) {
      const arg = ctx.args[2];
      if (arg !== undefined && arg !== 'clf') { ctx.error(`keyword 'httplog' only supports option 'clf'.`); return; }
      if (ctx.args.length > 3) { ctx.error(`'option httplog' cannot handle unexpected argument '${ctx.args[3]}'.`); return; }
      if (arg === 'clf') impliedFormat(ctx, 'clf', CLF_HTTPLOG_FORMAT);
      else impliedFormat(ctx, 'httplog', HTTPLOG_FORMAT);
    },
  },
  {
    name: 'httpslog', sections: FRONTEND_SECTIONS, usage: 'option httpslog',
    parse(ctx) {
      if (ctx.args.length > 2) { ctx.error(`'option httpslog' cannot handle unexpected argument '${ctx.args[2]}'.`); return; }
      impliedFormat(ctx, 'httpslog', HTTPSLOG_FORMAT);
    },
  },
  {
    name: 'tcplog', sections: ALL_PROXY_SECTIONS, usage: 'option tcplog',
    parse(ctx) {
      if (ignoredInBackend(ctx, 'option tcplog')) return;
      if (ctx.args.length > 2) { ctx.error(`'option tcplog' cannot handle unexpected argument '${ctx.args[2]}'.`); return; }
      impliedFormat(ctx, 'tcplog', TCPLOG_FORMAT);
    },
  },
  ...booleanOptions(['dontlognull'], FRONTEND_SECTIONS),
]);

/** HAProxy's word for a proxy in config messages. */
function capWord(p: ProxyConfig): string { return p.cap === 'listen' ? 'proxy' : p.cap; }

/**
 * The format a frontend logs with: its log-format (explicit or implied by an option), with
 * HTTP formats falling back to tcplog outside `mode http`; undefined means HAProxy's legacy
 * "Connect from" line.
 */
export function effectiveFormat(p: ProxyConfig): string | undefined {
  const lc = proxyLogConfig(p);
  if (p.mode !== 'http' && (lc.formatOrigin === 'httplog' || lc.formatOrigin === 'clf' || lc.formatOrigin === 'httpslog')) return TCPLOG_FORMAT;
  return p.logFormat;
}

/** Reports a format error at `src` in HAProxy's `Parsing [file:line]: failed to parse ...` form. */
function checkFormat(diag: Diagnostics, what: string, source: string, src: SourceRef | undefined, http: boolean, atRequest = false): void {
  compileLogFormat(source, (m) => diag.alert(`failed to parse ${what} : ${m}`, src?.file, src?.line, 'Parsing-tight'), { http, atRequest });
}

registerPostCheck('log-formats', (config: Config, diag: Diagnostics) => {
  for (const p of config.proxies) {
    if (!isFrontend(p) || p.disabled) continue;
    const lc = proxyLogConfig(p);
    if (p.mode !== 'http' && lc.formatOrigin && lc.formatOrigin !== 'explicit' && lc.formatOrigin !== 'tcplog') {
      const src = lc.formatSrc ?? p.src;
      diag.warning(`'option ${lc.formatOrigin === 'clf' ? 'httplog' : lc.formatOrigin}' not usable with ${capWord(p)} '${p.name}' (needs 'mode http'). Falling back to 'option tcplog'.`, src.file, src.line);
    }
    const fmt = effectiveFormat(p);
    const http = p.mode === 'http';
    if (fmt !== undefined) checkFormat(diag, 'log-format', fmt, lc.formatSrc, http);
    if (lc.sd !== undefined) checkFormat(diag, 'log-format-sd', lc.sd, lc.sdSrc, http);
    if (lc.errorFormat !== undefined) checkFormat(diag, 'error-log-format', lc.errorFormat, lc.errorFormatSrc, http);
    if (lc.uniqueIdFormat !== undefined) checkFormat(diag, 'unique-id', lc.uniqueIdFormat, lc.uniqueIdFormatSrc, http, true);
    if (fmt !== undefined && proxyTargets(config, p).length === 0) {
      diag.warning(`log format ignored for ${capWord(p)} '${p.name}' since it has no log address.`);
    }
  }
});
