/**
 * The {@link RuntimeLookup} over a running {@link Instance}, for `nbsrv`, `be_conn`, `queue`,
 * `connslots` and `srv_is_up` (HAProxy: backend.c smp_fetch_nbsrv / be_usable_srv /
 * smp_fetch_connslots / smp_fetch_srv_is_up). The data plane sets
 * `sample.runtime = instanceRuntimeLookup(instance)` once per stream (or shares one object).
 */

import type { Instance } from '../process/instance';
import type { Proxy } from '../proxy/proxy';
import type { BackendStateView, RuntimeLookup, ServerStateView } from './context';

/**
 * Usable servers as HAProxy counts them: running active servers; when none, the backups
 * (all of them with `option allbackups`, otherwise only the first one is used, so 1).
 */
export function usableServers(px: Proxy): number {
  if (px.state === 'stopped') return 0;
  const c = px.usableCounts();
  if (c.active > 0) return c.active;
  if (c.backup === 0) return 0;
  return px.cfg.options.allbackups ? c.backup : 1;
}

/**
 * Free connection slots: sum over non-stopped servers of (maxconn - current) +
 * (maxqueue - queued); -1 as soon as one server has no maxconn or no maxqueue, as HAProxy.
 */
export function connSlots(px: Proxy): number {
  let n = 0;
  for (const s of px.servers) {
    if (!s.isRunning) continue;
    if (s.maxconn === 0 || s.maxqueue === 0) return -1;
    n += (s.maxconn - s.curConns) + (s.maxqueue - s.queueLength);
  }
  return n;
}

/** Builds the lookup; every call reads the current state (nothing is cached). */
export function instanceRuntimeLookup(instance: Instance): RuntimeLookup {
  return {
    backend(name: string): BackendStateView | undefined {
      const px = instance.findBackend(name);
      if (!px) return undefined;
      let queue = px.queueLength;
      for (const s of px.servers) queue += s.queueLength;
      return { nbsrv: usableServers(px), conn: px.beCounters.cur, queue, connslots: connSlots(px) };
    },
    server(backend: string, server: string): ServerStateView | undefined {
      const s = instance.findBackend(backend)?.findServer(server);
      if (!s) return undefined;
      return { up: s.isRunning && !s.inMaint, conn: s.curConns, queue: s.queueLength };
    },
  };
}
