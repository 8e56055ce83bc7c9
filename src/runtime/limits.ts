/**
 * Process-wide rate limits changeable with `set rate-limit ... global N` (HAProxy:
 * global.cps_lim, sps_lim, ssl_lim, comp_rate_lim). The data plane reads them through
 * {@link getRateLimits}; 0 means no limit.
 */

import type { Instance } from '../process/instance';

export interface RateLimits {
  /** Connections per second (`maxconnrate`). */
  connections: number;
  /** Sessions per second (`maxsessrate`). */
  sessions: number;
  /** SSL sessions per second (`maxsslrate`). */
  sslSessions: number;
  /** HTTP compression output in kB/s (`maxcomprate`); `show info` prints it in bytes. */
  httpCompression: number;
}

/** The instance's limits, created on first use (initially from global `maxconnrate`-style keywords when a subsystem stored them in global.ext.rateLimits). */
export function getRateLimits(instance: Instance): RateLimits {
  let v = instance.ext['rate-limits'] as RateLimits | undefined;
  if (!v) {
    const cfg = instance.config.global.ext.rateLimits as Partial<RateLimits> | undefined;
    v = { connections: cfg?.connections ?? 0, sessions: cfg?.sessions ?? 0, sslSessions: cfg?.sslSessions ?? 0, httpCompression: cfg?.httpCompression ?? 0 };
    instance.ext['rate-limits'] = v;
  }
  return v;
}
