/**
 * The `stats` keyword family (configuration.txt §3.1 "stats socket/timeout/maxconn/
 * bind-process" and §4.2 "stats enable/uri/realm/auth/..."). Global lines fill
 * `config.global.statsSockets`, `statsTimeout`, `statsMaxconn`; proxy lines fill the
 * `stats` ext slice ({@link proxyStats}) read by the HTML stats page. Messages are
 * HAProxy 2.6.12's (checked with `haproxy -c`).
 */

import { registerFamily, ALL_PROXY_SECTIONS, type KeywordContext, type SectionKeyword } from '../config/registry';
import { extSlice, type ProxyConfig, type StatsSocketConfig, type ConditionConfig } from '../config/model';
import { parseAddress } from '../config/address';
import { parseTime } from '../config/units';
import { findGroupId, findUserId } from '../process/passwd';
import { registerPostCheck } from '../config/validate';

/** Proxy-level stats page settings (`stats enable`, `stats uri` ...). Plain data. */
export interface ProxyStatsConfig {
  enabled: boolean;
  /** URI prefix (HAProxy default `/haproxy?stats` once stats are enabled). */
  uri?: string;
  realm?: string;
  /** `user:password` accounts from `stats auth`. */
  auth: string[];
  /** Refresh delay in ms. */
  refreshMs?: number;
  /** `stats admin if|unless cond`. */
  admin?: ConditionConfig;
  hideVersion: boolean;
  showLegends: boolean;
  /** `stats show-node [name]`: true = use the global node name. */
  showNode?: string | true;
  /** `stats show-desc [text]`: true = use the global description. */
  showDesc?: string | true;
  /** `stats scope` proxy names; empty = all. */
  scope: string[];
  /** `stats http-request` rules as words (compiled by the page handler). */
  httpRequest: string[][];
}

/** The proxy's stats slice, created on first use. */
export function proxyStats(p: { ext: Record<string, unknown> }): ProxyStatsConfig {
  return extSlice(p, 'stats', (): ProxyStatsConfig => ({ enabled: false, auth: [], hideVersion: false, showLegends: false, scope: [], httpRequest: [] }));
}

/** HAProxy's default stats URI. */
export const DEFAULT_STATS_URI = '/haproxy?stats';

const LEVELS = ['user', 'operator', 'admin'] as const;

/** Parses the options after `stats socket <addr>`; returns false after reporting an error. */
function parseSocketOptions(ctx: KeywordContext, sock: StatsSocketConfig, words: string[]): boolean {
  const pre = `'stats socket' : `;
  for (let i = 0; i < words.length; i++) {
    const kw = words[i];
    const arg = words[i + 1];
    switch (kw) {
      case 'level':
        if (!LEVELS.includes(arg as typeof LEVELS[number])) {
          ctx.error(`${pre}''level' only supports 'user', 'operator', and 'admin' (got '${arg ?? ''}')'`);
          return false;
        }
        sock.level = arg as StatsSocketConfig['level'];
        i++;
        break;
      case 'mode':
        if (arg === undefined || !/^[0-7]+$/.test(arg)) {
          ctx.error(`${pre}''mode' : missing or invalid mode '${arg ?? ''}' (octal integer expected)'`);
          return false;
        }
        sock.mode = parseInt(arg, 8);
        i++;
        break;
      case 'uid':
      case 'gid':
        if (arg === undefined || !/^\d+$/.test(arg)) {
          ctx.error(`${pre}''${kw}' : missing ${kw === 'uid' ? 'UID' : 'GID'}'`);
          return false;
        }
        sock[kw] = Number(arg);
        i++;
        break;
      case 'user': {
        const id = arg !== undefined ? findUserId(arg) : undefined;
        if (id === undefined) {
          ctx.error(`${pre}''user' : unknown user name '${arg ?? ''}''`);
          return false;
        }
        sock.user = arg;
        sock.uid = id;
        i++;
        break;
      }
      case 'group': {
        const id = arg !== undefined ? findGroupId(arg) : undefined;
        if (id === undefined) {
          ctx.error(`${pre}''group' : unknown group name '${arg ?? ''}''`);
          return false;
        }
        sock.group = arg;
        sock.gid = id;
        i++;
        break;
      }
      case 'expose-fd':
        if (arg !== 'listeners') {
          ctx.error(`${pre}''expose-fd' : ${arg === undefined ? 'missing fd type' : `unsupported fd type '${arg}'`}'`);
          return false;
        }
        sock.exposeFd = true;
        i++;
        break;
      // Bind options that take one argument and do not change the CLI's behaviour here.
      case 'name': case 'id': case 'process': case 'thread': case 'maxconn': case 'backlog': case 'nice': case 'severity-output':
        i++;
        break;
      case 'accept-netscaler-cip': case 'accept-proxy': case 'transparent': case 'v4v6': case 'v6only': case 'defer-accept': case 'tfo':
        break;
      default:
        ctx.error(`${pre}unknown keyword '${kw}'.`);
        return false;
    }
  }
  return true;
}

function socketKw(ctx: KeywordContext): void {
  const addrText = ctx.args[2];
  if (!addrText) return ctx.error(`'stats socket' in global section expects an address or a path to a UNIX socket`);
  const res = parseAddress(addrText);
  if (res.error !== undefined) {
    const msg = /missing port/.test(res.error) ? `missing port specification in '${addrText}'` : res.error;
    return ctx.error(`'stats socket' : ${msg}`);
  }
  const sock: StatsSocketConfig = { address: res.address, level: 'operator', exposeFd: false, src: ctx.src };
  if (!parseSocketOptions(ctx, sock, ctx.args.slice(3))) return;
  ctx.config.global.statsSockets.push(sock);
}

function timeoutKw(ctx: KeywordContext): void {
  const text = ctx.args[2] ?? '';
  const m = /^(\d+)(us|ms|s|m|h|d)?(.*)$/.exec(text);
  if (!m || m[3] !== '') {
    const bad = m ? m[3][0] : text.replace(/^\d+/, '')[0] ?? '';
    return ctx.error(`'stats timeout' : unexpected character '${bad}'`);
  }
  const r = parseTime(m[1] + (m[2] ?? ''));
  if (r.error !== undefined) return ctx.error(`timer overflow in argument '${text}' to 'stats timeout' (maximum value is 2147483647 ms or ~24.8 days)`);
  if (r.value === 0) return ctx.error(`'stats timeout' expects a positive value`);
  ctx.config.global.statsTimeout = r.value;
}

function maxconnKw(ctx: KeywordContext): void {
  // atol() semantics: leading digits count, anything else is 0.
  const n = parseInt(ctx.args[2] ?? '', 10);
  if (!(n > 0)) return ctx.error(`'stats maxconn' expects a positive value`);
  ctx.config.global.statsMaxconn = n;
}

const onlyGlobal: SectionKeyword['sections'] = ['global'];

/** Proxy-level `stats X` handler builder. */
function px(name: string, parse: (ctx: KeywordContext, st: ProxyStatsConfig) => void): SectionKeyword {
  return { name, sections: ALL_PROXY_SECTIONS, usage: `stats ${name}`, parse: (ctx) => parse(ctx, proxyStats(ctx.proxy as ProxyConfig)) };
}

function enable(st: ProxyStatsConfig): void {
  st.enabled = true;
  st.uri ??= DEFAULT_STATS_URI;
}

registerFamily('stats', [
  { name: 'socket', sections: onlyGlobal, usage: 'stats socket <path|addr> [param*]', parse: socketKw },
  { name: 'timeout', sections: onlyGlobal, usage: 'stats timeout <timeout>', parse: timeoutKw },
  { name: 'maxconn', sections: onlyGlobal, usage: 'stats maxconn <connections>', parse: maxconnKw },
  // Single-process: accepted for compatibility, nothing to bind.
  { name: 'bind-process', sections: onlyGlobal, usage: 'stats bind-process <process-set>', parse: () => undefined },
  px('enable', (_ctx, st) => enable(st)),
  px('uri', (ctx, st) => {
    if (!ctx.args[2]) return ctx.error(`'uri' needs an URI prefix.`);
    enable(st);
    st.uri = ctx.args[2];
  }),
  px('realm', (ctx, st) => {
    if (!ctx.args[2]) return ctx.error(`'realm' needs an realm name.`);
    enable(st);
    // HAProxy takes the rest of the line, spaces escaped or not.
    st.realm = ctx.args.slice(2).join(' ');
  }),
  px('auth', (ctx, st) => {
    if (!ctx.args[2] || !ctx.args[2].includes(':')) return ctx.error(`'auth' needs a user:password account.`);
    enable(st);
    st.auth.push(ctx.args[2]);
  }),
  px('refresh', (ctx, st) => {
    const r = parseTime(ctx.args[2] ?? '', 's');
    if (r.error !== undefined) return ctx.error(`unexpected character '${(ctx.args[2] ?? '').replace(/^\d+/, '')[0] ?? ''}' in 'stats refresh'`, 'parsing-tight');
    enable(st);
    st.refreshMs = r.value;
  }),
  px('admin', (ctx, st) => {
    const pol = ctx.args[2];
    if ((pol !== 'if' && pol !== 'unless') || ctx.args.length < 4) return ctx.error(`'stats admin' requires either 'if' or 'unless' followed by a condition.`);
    enable(st);
    st.admin = { polarity: pol, words: ctx.args.slice(3), src: ctx.src };
  }),
  px('hide-version', (_ctx, st) => { enable(st); st.hideVersion = true; }),
  px('show-legends', (_ctx, st) => { enable(st); st.showLegends = true; }),
  px('show-node', (ctx, st) => { enable(st); st.showNode = ctx.args[2] ?? true; }),
  px('show-desc', (ctx, st) => {
    enable(st);
    if (ctx.args[2] === undefined && !ctx.config.global.description) ctx.warning(`'show-desc' requires a parameter or 'desc' to be set in the global section.`);
    st.showDesc = ctx.args.length > 2 ? ctx.args.slice(2).join(' ') : true;
  }),
  px('scope', (ctx, st) => {
    if (!ctx.args[2]) return ctx.error(`'scope' needs a proxy name.`);
    enable(st);
    st.scope.push(ctx.args[2]);
  }),
  px('http-request', (ctx, st) => {
    if (ctx.args.length < 3) return ctx.error(`'stats http-request' expects an action.`);
    enable(st);
    st.httpRequest.push(ctx.args.slice(2));
  }),
]);

// HAProxy 2.6 (cfgparse.c): the implicit auth rule of `stats auth/realm` cannot be mixed
// with explicit `stats http-request` rules.
registerPostCheck('stats page', (config, diag) => {
  for (const p of config.proxies) {
    const st = p.ext.stats as ProxyStatsConfig | undefined;
    if (!st || !st.enabled || p.disabled) continue;
    if ((st.auth.length > 0 || st.realm !== undefined) && st.httpRequest.length > 0) {
      diag.alert(`proxy '${p.name}': stats 'auth'/'realm' and 'http-request' can't be used at the same time.`);
    }
  }
});
