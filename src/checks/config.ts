/**
 * Health-check configuration kept in `ProxyConfig.ext.checks` (plain data, cloned with
 * `defaults`), and the compilation of a proxy's check options into one {@link Ruleset}.
 * Each protocol file contributes its builder through {@link registerCheckType}.
 */

import { extSlice, type ProxyConfig } from '../config/model';
import type { Rule, Ruleset } from './rules';

/** What `option httpchk [METH] [URI] [VER]` set. */
export interface HttpchkConfig {
  meth: string;
  uri: string;
  ver: string;
  /** Headers smuggled in the legacy version argument (`HTTP/1.1\r\nHost:\ x`). */
  headers: [string, string][];
}

/** The `ext.checks` slice of a proxy. */
export interface ProxyChecksConfig {
  /**
   * Selected check type: '' (plain TCP connect), 'tcp-check', 'httpchk', 'pgsql-check',
   * 'redis-check', 'mysql-check', 'smtpchk', 'ldap-check', 'ssl-hello-chk'. The `option`s
   * are mutually exclusive: the last one wins, as in HAProxy.
   */
  type: string;
  /** Arguments of the selected option (e.g. `['user', 'haproxy']`). */
  args: string[];
  httpchk?: HttpchkConfig;
  /** `tcp-check ...` lines in order. */
  tcpRules: Rule[];
  /** `http-check ...` lines in order (send rules not yet merged with httpchk). */
  httpRules: Rule[];
  /** `http-check disable-on-404`, `http-check send-state`. */
  disableOn404: boolean;
  sendState: boolean;
}

/** The proxy's check slice, created on first use. */
export function checksOf(px: { ext: Record<string, unknown> }): ProxyChecksConfig {
  return extSlice(px, 'checks', (): ProxyChecksConfig => ({
    type: '', args: [], tcpRules: [], httpRules: [], disableOn404: false, sendState: false,
  }));
}

/** Builds the ruleset of a check type from the proxy's slice. */
export type RulesetBuilder = (cfg: ProxyChecksConfig, px: ProxyConfig) => Ruleset;

const builders = new Map<string, RulesetBuilder>();

/** Registers the builder of a check type (`''`, `tcp-check`, `httpchk`, `pgsql-check` ...). */
export function registerCheckType(type: string, b: RulesetBuilder): void {
  if (builders.has(type)) throw new Error(`internal: check type '${type}' registered twice`);
  builders.set(type, b);
}

/** The ruleset a proxy's health checks run. Unknown types fall back to a plain connect. */
export function compileProxyChecks(px: ProxyConfig): Ruleset {
  const cfg = checksOf(px);
  const b = builders.get(cfg.type) ?? builders.get('');
  return b ? b(cfg, px) : { proto: 'tcp', rules: [] };
}
