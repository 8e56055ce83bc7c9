/**
 * Map-based server table (HAProxy lb_map.c), used by `static-rr` and by hashing with
 * `hash-type map-based` (the default). The table has one slot per unit of weight, filled so
 * that servers are spread evenly and, for equal weights, in declaration order; a hash picks
 * `table[hash % totalWeight]`, static-rr walks the table. Weights are divided by their
 * greatest common divisor (HAProxy wmult) to keep the table small, and are not scaled by 16.
 * The table is rebuilt on every change: the algorithm is static (no progressive weights).
 */

import type { Server } from '../../proxy/server';
import type { Proxy } from '../../proxy/proxy';
import type { PickContext, PickExplanation } from '../balancer';
import { GroupedBalancer, LbNode, hasRoom } from '../groups';

class MapNode extends LbNode {
  /** Running score while building the table (HAProxy wscore). */
  wscore = 0;
}

/** The map lookup and its round-robin walk; subclasses choose how pick() uses them. */
export class ServerMap extends GroupedBalancer<MapNode> {
  name = 'static-rr';
  /** Greatest common divisor of the configured weights (HAProxy lbprm.wmult). */
  private readonly wmult: number;
  private table: Server[] = [];
  private rrIdx = 0;

  constructor(backend: Proxy) {
    super(backend);
    this.wmult = gcdOfWeights(backend.servers);
    this.initNodes();
    this.rebuild();
  }

  protected makeNode(s: Server, index: number): MapNode { return new MapNode(s, index); }

  /** ceil(uweight / gcd), from the effective weight (0 when drained or at weight 0). */
  protected override weightOf(s: Server): number {
    return s.eweight > 0 ? Math.ceil(s.uweight / this.wmult) : 0;
  }

  protected enter(): void { /* rebuilt in afterChange */ }
  protected leave(): void { /* rebuilt in afterChange */ }
  protected reweight(): void { /* rebuilt in afterChange */ }
  protected override afterChange(): void { this.rebuild(); }

  /**
   * Rebuilds the table for the group in use (recalc_server_map): each slot goes to the
   * server whose accumulated score is the highest, earliest declared on ties.
   */
  private rebuild(): void {
    const tot = this.totWeight;
    const table = this.table;
    table.length = 0;
    if (!this.totUsed || tot <= 0) return;
    const backup = this.srvAct === 0;
    // Running on backups without `option allbackups`, HAProxy sizes the table by the first
    // backup's weight but still lets every usable backup compete for its slots, so a later,
    // heavier backup can take them all (recorded: fixture static-rr-backups). Reproduced.
    for (const n of this.nodes) n.wscore = 0;
    for (let o = 0; o < tot; o++) {
      let best: MapNode | null = null;
      let max = 0;
      for (const n of this.nodes) {
        if (n.srv.isBackup !== backup || !n.nextUsable) continue;
        if (tot === 1) { best = n; break; }
        n.wscore += n.nextEw;
        const v = Math.floor((n.wscore + tot) / tot);
        if (best === null || v > max) {
          max = v;
          best = n;
        }
      }
      if (!best) break;
      table.push(best.srv);
      best.wscore -= tot;
    }
  }

  /** Server for a hash value (map_get_server_hash), or undefined when none is usable. */
  byHash(hash: number): Server | undefined {
    const t = this.table;
    return t.length ? t[(hash >>> 0) % t.length] : undefined;
  }

  /**
   * Next server of the table walk (map_get_server_rr), skipping saturated servers and
   * `avoid` when another one has room; `avoid` itself when it is the only one with room.
   */
  nextRR(avoid: Server | undefined): Server | undefined {
    const t = this.table;
    const tot = t.length;
    if (!tot) return undefined;
    if (this.rrIdx < 0 || this.rrIdx >= tot) this.rrIdx = 0;
    let idx = this.rrIdx;
    let avoided: Server | undefined;
    let avoidedIdx = 0;
    do {
      const s = t[idx++];
      if (hasRoom(s)) {
        avoided = s;
        avoidedIdx = idx;
        if (s !== avoid) {
          this.rrIdx = idx;
          return s;
        }
      }
      if (idx === tot) idx = 0;
    } while (idx !== this.rrIdx);
    if (avoided) this.rrIdx = avoidedIdx;
    return avoided;
  }

  /** Table contents, for tests and explanations. */
  slots(): readonly Server[] { return this.table; }

  pick(_ctx: PickContext | undefined, avoid?: Server, explain?: PickExplanation): Server | undefined {
    const s = this.nextRR(avoid);
    if (explain) this.explain(explain, s, avoid, `map slot ${this.rrIdx === 0 ? this.table.length - 1 : this.rrIdx - 1} of ${this.table.length}`);
    return s;
  }
}

function gcdOfWeights(servers: readonly Server[]): number {
  let g = 0;
  for (const s of servers) {
    let w = s.uweight;
    if (!w) continue;
    if (!g) { g = w; continue; }
    while (w) {
      const t = g % w;
      g = w;
      w = t;
    }
    if (g === 1) break;
  }
  return g || 1;
}
