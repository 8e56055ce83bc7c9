/**
 * The SharedArrayBuffer every thread of an `nbthread` process maps (docs/internals/multi-core.md).
 * Int32 slots, indexed from the config (proxies and their servers in config order, which is
 * the order src/proxy/build.ts creates them in every thread):
 *   [serverBase + flat server index]  current connections of the server, all threads
 *   [rrBase + proxy index]            shared round-robin position of the backend
 *   [feBase + proxy index]            current connections of the frontend, all threads
 *   [0]                               current connections of the process (actconn)
 */

import type { Config } from '../../config/model';
import type { Instance } from '../instance';
import type { Server } from '../../proxy/server';

export interface SharedLayout {
  sab: SharedArrayBuffer;
  /** Flat index of the first server of each proxy. */
  serverOffset: number[];
  serverBase: number;
  rrBase: number;
  feBase: number;
}

export function createLayout(config: Config): SharedLayout {
  const serverOffset: number[] = [];
  let n = 0;
  for (const p of config.proxies) { serverOffset.push(n); n += p.servers.length; }
  const serverBase = 1;
  const rrBase = serverBase + n;
  const feBase = rrBase + config.proxies.length;
  const size = feBase + config.proxies.length;
  return { sab: new SharedArrayBuffer(size * 4), serverOffset, serverBase, rrBase, feBase };
}

/** Slot of `srv` (undefined for servers added at runtime: they stay per thread). */
export function serverSlot(layout: SharedLayout, instance: Instance, srv: Server): number | undefined {
  const pi = instance.proxies.indexOf(srv.backend);
  if (pi < 0) return undefined;
  const si = srv.backend.servers.indexOf(srv);
  if (si < 0 || si >= instance.config.proxies[pi].servers.length) return undefined;
  if (instance.config.proxies[pi].servers[si].name !== srv.name) return undefined;
  return layout.serverBase + layout.serverOffset[pi] + si;
}
