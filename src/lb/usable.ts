/**
 * What every algorithm shares: whether a server may take new load-balanced traffic, why it
 * is skipped (for {@link PickExplanation}), and which servers form the eligible group
 * (active servers, else the first usable backup, else all backups with `option allbackups`).
 * HAProxy: srv_willbe_usable(), recount_servers() and the `fbck` logic of backend.c.
 */

import type { Server } from '../proxy/server';
import { OpState } from '../proxy/server';
import type { Proxy } from '../proxy/proxy';
import type { PickExplanation } from './balancer';
import { slowStartOf } from './slowstart';

/** Skip reasons written into explanations. */
export type SkipReason = 'MAINT' | 'DOWN' | 'NOLB' | 'DRAIN' | 'WEIGHT0' | 'FULL' | 'AVOIDED' | 'BACKUP' | 'NOT-FIRST-BACKUP';

/** Why `s` cannot take new traffic, or undefined when it can. */
export function unusableReason(s: Server): SkipReason | undefined {
  if (s.inMaint) return 'MAINT';
  if (s.opState === OpState.Stopped) return 'DOWN';
  if (s.opState === OpState.Stopping) return 'NOLB';
  if (s.inDrain) return 'DRAIN';
  if (!(s.eweight > 0)) return 'WEIGHT0';
  return undefined;
}

/** `option allbackups` is set on the backend. */
export function allBackups(backend: Proxy): boolean {
  return backend.cfg.options.allbackups === true;
}

/**
 * The servers eligible for load balancing right now, in declaration order: the usable
 * active servers; if none, the first usable backup (or every usable backup with
 * `option allbackups`). Allocates: for rebuilds on change, not for pick().
 */
export function eligibleServers(backend: Proxy): { servers: Server[]; backup: boolean } {
  const act: Server[] = [];
  const bck: Server[] = [];
  for (const s of backend.servers) {
    if (!s.isUsable) continue;
    (s.isBackup ? bck : act).push(s);
  }
  if (act.length) return { servers: act, backup: false };
  if (bck.length && !allBackups(backend)) return { servers: [bck[0]], backup: true };
  return { servers: bck, backup: true };
}

/**
 * Fills `explain.skipped` with every server of the backend that was not a candidate and
 * why, given the final choice. Only called when an explanation was requested.
 */
export function explainSkips(backend: Proxy, explain: PickExplanation, chosen: Server | undefined, avoid: Server | undefined): void {
  let hasActive = false;
  let firstBackup: Server | undefined;
  for (const s of backend.servers) {
    if (!s.isUsable) continue;
    if (!s.isBackup) hasActive = true;
    else if (!firstBackup) firstBackup = s;
  }
  const all = allBackups(backend);
  for (const s of backend.servers) {
    if (s === chosen) continue;
    let why: string | undefined = unusableReason(s);
    if (!why && s.isBackup && hasActive) why = 'BACKUP';
    if (!why && s.isBackup && !all && s !== firstBackup) why = 'NOT-FIRST-BACKUP';
    if (!why && s === avoid) why = 'AVOIDED';
    if (!why && !hasRoom(s)) why = 'FULL';
    if (why) explain.skipped.push({ server: s.name, why });
  }
}

/**
 * The connection limit in force for `s` (HAProxy queue.c srv_dynamic_maxconn), 0 = none:
 * `maxconn`, lowered towards `minconn` while the backend is below `fullconn` (only when
 * minconn < maxconn), and scaled by the ramp percentage during slowstart (at least 1).
 */
export function dynamicMaxconn(s: Server): number {
  let max = s.maxconn;
  if (!max) return 0;
  const minconn = s.cfg.minconn;
  const full = s.backend.cfg.fullconn;
  if (minconn && minconn < max && full > 0) {
    let beconn = s.backend.queueLength;
    for (const x of s.backend.servers) beconn += x.curConns;
    if (beconn < full) max = Math.max(minconn, Math.floor((beconn * max) / full));
  }
  const ss = slowStartOf(s);
  if (ss && ss.ramping) max = Math.max(1, Math.floor((max * ss.rampPercent()) / 100));
  return max;
}

/** True when `s` can take one more connection without queueing (HAProxy's test in the LB). */
export function hasRoom(s: Server): boolean {
  return !s.maxconn || (!s.queueLength && s.curConns < dynamicMaxconn(s));
}
