/**
 * Which rows a stats dump contains and in which order (HAProxy: stats_dump_proxy_to_buffer):
 * for each proxy in declaration order, the FRONTEND row, its servers, then the BACKEND row,
 * subject to the `show stat [{iid|proxy} type sid] [up|no-maint]` filters.
 */

import type { Instance } from '../process/instance';
import type { StatKind, StatRow } from './columns';

/** Bits of the `type` filter of `show stat <iid> <type> <sid>` (management.txt §9.3). */
export const TYPE_BIT: Record<StatKind, number> = { F: 1, B: 2, S: 4, L: 8 };

export interface RowFilter {
  /** Proxy id, or -1 for all. */
  iid: number;
  /** Proxy name (alternative to iid), if given by name. */
  proxyName?: string;
  /** Bitmask of TYPE_BIT, -1 for all. */
  typeMask: number;
  /** Server id, or -1 for all. */
  sid: number;
  /** `up`: only servers that are UP (not DOWN, not in maintenance). */
  upOnly: boolean;
  /** `no-maint`: hide servers in maintenance. */
  noMaint: boolean;
  /** Show addr/cookie/algo (false at CLI level user); default true. */
  legends?: boolean;
}

export const ALL_ROWS: RowFilter = { iid: -1, typeMask: -1, sid: -1, upOnly: false, noMaint: false };

/** Lists the rows of a dump, in HAProxy's order. `now` is shared by every row. */
export function statRows(instance: Instance, filter: RowFilter = ALL_ROWS, now = Date.now()): StatRow[] {
  const rows: StatRow[] = [];
  const want = (k: StatKind): boolean => filter.typeMask === -1 || (filter.typeMask & TYPE_BIT[k]) !== 0;
  for (const proxy of instance.proxies) {
    // Proxies disabled in the configuration are not dumped (a `shutdown frontend` one is, as STOP).
    if (proxy.cfg.disabled) continue;
    if (filter.proxyName !== undefined && proxy.name !== filter.proxyName) continue;
    if (filter.proxyName === undefined && filter.iid !== -1 && proxy.id !== filter.iid) continue;
    if (proxy.isFrontend && want('F')) rows.push({ kind: 'F', instance, proxy, now, legends: filter.legends });
    if (!proxy.isBackend) continue;
    if (want('S')) {
      for (const server of proxy.servers) {
        if (filter.sid !== -1 && server.id !== filter.sid) continue;
        if (filter.noMaint && server.inMaint) continue;
        if (filter.upOnly && (server.inMaint || !server.isRunning)) continue;
        rows.push({ kind: 'S', instance, proxy, server, now, legends: filter.legends });
      }
    }
    if (want('B')) rows.push({ kind: 'B', instance, proxy, now, legends: filter.legends });
  }
  return rows;
}
