/**
 * Bookkeeping shared by the tree- and map-based algorithms (leastconn, first, static-rr,
 * map-based and consistent hashing, random): per-server committed state, the counts of
 * usable active/backup servers, their total weights and the "first backup" (HAProxy
 * srv_act/srv_bck, tot_wact/tot_wbck, lbprm.fbck, srv_lb_status_changed/commit).
 *
 * Subclasses implement {@link GroupedBalancer.enter}, {@link GroupedBalancer.leave} and
 * {@link GroupedBalancer.reweight} to maintain their own structure; this class decides
 * which one a change calls, exactly once per real change. Weights are HAProxy's scaled
 * effective weights (see {@link GroupedBalancer.weightOf}).
 */

import type { Balancer, PickContext, PickExplanation } from './balancer';
import type { Proxy } from '../proxy/proxy';
import type { Server } from '../proxy/server';
import { scaledWeight } from './slowstart';
import { allBackups, explainSkips } from './usable';

/** Per-server node; algorithms extend it with their own fields. */
export class LbNode {
  readonly srv: Server;
  /** Declaration position, for "first backup" ordering. */
  index: number;
  /** Committed (current) and pending (next) effective weight and usability. */
  curEw = 0;
  curUsable = false;
  nextEw = 0;
  nextUsable = false;
  /** Sum of the weights of the usable servers before this one in its group. */
  cumulativeWeight = 0;

  constructor(srv: Server, index: number) {
    this.srv = srv;
    this.index = index;
  }
}

/**
 * Base of the non-fwrr algorithms: owns the per-server nodes and the active/backup
 * bookkeeping, and routes each server change to exactly one of enter/leave/reweight.
 */
export abstract class GroupedBalancer<N extends LbNode> implements Balancer {
  abstract readonly name: string;
  protected readonly backend: Proxy;
  protected readonly useAllBackups: boolean;
  protected nodes: N[] = [];
  protected srvAct = 0;
  protected srvBck = 0;
  protected totWact = 0;
  protected totWbck = 0;
  protected fbck: N | null = null;

  constructor(backend: Proxy) {
    this.backend = backend;
    this.useAllBackups = allBackups(backend);
  }

  /** Builds the nodes and counts; call at the end of the subclass constructor, then build. */
  protected initNodes(): void {
    this.nodes = this.backend.servers.map((s, i) => {
      const n = this.makeNode(s, i);
      n.curEw = n.nextEw = this.weightOf(s);
      n.curUsable = n.nextUsable = s.isUsable && n.curEw > 0;
      s.lbData = n;
      return n;
    });
    this.recount();
  }

  /** Creates the algorithm's node for a server. */
  protected abstract makeNode(s: Server, index: number): N;
  /** A server became usable (its next state is committed after the call). */
  protected abstract enter(n: N): void;
  /** A server stopped being usable. */
  protected abstract leave(n: N): void;
  /** A usable server's weight changed (n.curEw is the old one, n.nextEw the new one). */
  protected abstract reweight(n: N): void;

  /** The effective weight this algorithm uses (HAProxy's scaled eweight by default). */
  protected weightOf(s: Server): number { return scaledWeight(s); }

  /** HAProxy recount_servers(): counts, totals, first backup, cumulative weights. */
  protected recount(): void {
    this.srvAct = this.srvBck = this.totWact = this.totWbck = 0;
    this.fbck = null;
    for (const n of this.nodes) {
      if (!n.nextUsable) continue;
      if (n.srv.isBackup) {
        if (!this.srvBck && !this.useAllBackups) this.fbck = n;
        this.srvBck++;
        n.cumulativeWeight = this.totWbck;
        this.totWbck += n.nextEw;
      } else {
        this.srvAct++;
        n.cumulativeWeight = this.totWact;
        this.totWact += n.nextEw;
      }
    }
  }

  /** HAProxy lbprm.tot_weight: weight of the group in use. */
  get totWeight(): number {
    if (this.srvAct) return this.totWact;
    if (this.fbck) return this.fbck.curEw;
    return this.totWbck;
  }

  /** HAProxy lbprm.tot_used: number of servers in the group in use. */
  get totUsed(): number {
    if (this.srvAct) return this.srvAct;
    if (this.fbck) return 1;
    return this.srvBck;
  }

  /** Server state changed: route to enter/leave/reweight once. */
  update(server: Server): void {
    const n = server.lbData as N | undefined;
    if (!n || !(n instanceof LbNode) || !this.nodes.includes(n)) return;
    n.nextEw = this.weightOf(server);
    n.nextUsable = server.isUsable && n.nextEw > 0;
    if (n.nextEw === n.curEw && n.nextUsable === n.curUsable) return;
    if (!n.curUsable && !n.nextUsable) { this.commit(n); return; }
    if (!n.curUsable) {
      this.countUp(n);
      this.enter(n);
    } else if (!n.nextUsable) {
      this.countDown(n);
      this.leave(n);
    } else {
      if (n.srv.isBackup) this.totWbck += n.nextEw - n.curEw; else this.totWact += n.nextEw - n.curEw;
      this.reweight(n);
    }
    this.commit(n);
    this.afterChange();
  }

  /** Hook after any committed change (map rebuild, cumulative weights ...). */
  protected afterChange(): void { /* nothing by default */ }

  private commit(n: N): void {
    n.curEw = n.nextEw;
    n.curUsable = n.nextUsable;
  }

  private countUp(n: N): void {
    if (n.srv.isBackup) {
      this.totWbck += n.nextEw;
      this.srvBck++;
      // A backup restored before the current first one replaces it.
      if (!this.useAllBackups && (!this.fbck || n.index < this.fbck.index)) this.fbck = n;
    } else {
      this.totWact += n.nextEw;
      this.srvAct++;
    }
  }

  private countDown(n: N): void {
    if (n.srv.isBackup) {
      this.totWbck -= n.curEw;
      this.srvBck--;
      if (n === this.fbck) {
        let next: N | null = null;
        for (let i = n.index + 1; i < this.nodes.length; i++) {
          const c = this.nodes[i];
          if (c.srv.isBackup && c.nextUsable) { next = c; break; }
        }
        this.fbck = next;
      }
    } else {
      this.totWact -= n.curEw;
      this.srvAct--;
    }
  }

  /** Fills an explanation; allocation is fine here (only when asked). */
  explain(explain: PickExplanation, chosen: Server | undefined, avoid: Server | undefined, detail: string, key?: string): void {
    explain.algorithm = this.name;
    if (key !== undefined) explain.key = key;
    explain.detail = chosen ? detail : (detail ? `${detail}; no usable server` : 'no usable server');
    explainSkips(this.backend, explain, chosen, avoid);
  }

  abstract pick(ctx: PickContext | undefined, avoid?: Server, explain?: PickExplanation): Server | undefined;

  addServer(server: Server): void {
    const idx = this.backend.servers.indexOf(server);
    const n = this.makeNode(server, idx);
    server.lbData = n;
    this.nodes.push(n);
    this.reindex();
    // Enters as a down server, then the normal transition brings it in.
    this.update(server);
  }

  removeServer(server: Server): void {
    const n = server.lbData as N | undefined;
    if (!n || !this.nodes.includes(n)) return;
    n.nextUsable = false;
    n.nextEw = 0;
    if (n.curUsable) {
      this.countDown(n);
      this.leave(n);
    }
    n.curUsable = false;
    n.curEw = 0;
    this.nodes = this.nodes.filter((x) => x !== n);
    this.reindex();
    server.lbData = undefined;
    this.afterChange();
  }

  private reindex(): void {
    for (const n of this.nodes) n.index = this.backend.servers.indexOf(n.srv);
    this.nodes.sort((a, b) => a.index - b.index);
  }
}

export { hasRoom } from './usable';
