/**
 * `balance roundrobin`: HAProxy's fast weighted round robin (lb_fwrr.c), reproduced so that
 * Fulcrum hands out servers in exactly the order HAProxy 2.6 does for the same weights and
 * the same sequence of state changes (checked against recorded fixtures in
 * test/fixtures/lb/roundrobin.json). Weights are dynamic: `set weight`, slowstart, DOWN/UP
 * and MAINT/DRAIN move servers without rebuilding.
 *
 * How it works. Active and backup servers form two independent groups. Each group walks a
 * "position" counter through a window whose size is the group's total effective weight
 * (user weight x 16). Every server owns a next position `npos`; at each pick the server
 * with the lowest `npos` not beyond the current position is taken and its `npos` advances
 * by `total / eweight` (the remainder accumulates in `rweight`), so a server of weight w
 * is taken w times per window, spread evenly. Three queues per group: `curr` (placed in
 * the current window, ordered by npos), `init` (waiting to be placed, heaviest first) and
 * `next` (placed in the next window). When `curr` runs dry the windows switch.
 * Positions are 32-bit unsigned in HAProxy; the arithmetic below keeps that (`>>> 0`).
 */

import type { Balancer, PickContext, PickExplanation } from './balancer';
import type { Proxy } from '../proxy/proxy';
import type { Server } from '../proxy/server';
import { OrderedQueue, type QueueItem } from './ordered-queue';
import { scaledWeight } from './slowstart';
import { allBackups, explainSkips, hasRoom } from './usable';
import { registerBalancer } from './registry';

/** HAProxy's SRV_UWGHT_RANGE and SRV_EWGHT_MAX (256 x BE_WEIGHT_SCALE). */
const UWGHT_RANGE = 256;
const EWGHT_MAX = 256 * 16;
const SCALE = 16;

/** Per-server state (HAProxy keeps it in struct server: npos, lpos, rweight, lb_tree). */
class RrNode implements QueueItem {
  key = 0;
  /** The queue this server was last placed in (kept after removal, as lb_tree is). */
  queue: OrderedQueue<QueueItem> | null = null;
  readonly srv: Server;
  /** Declaration index, for "is this backup before that one". */
  readonly index: number;
  npos = 0;
  lpos = 0;
  rweight = 0;
  /** Committed state (cur_eweight / currently usable) and pending state (next_*). */
  curEw = 0;
  curUsable = false;
  nextEw = 0;
  nextUsable = false;
  /** Chain of servers extracted during one pick (saturated or avoided). */
  nextFull: RrNode | null = null;

  constructor(srv: Server, index: number) {
    this.srv = srv;
    this.index = index;
  }
}

class Group {
  readonly curr = new OrderedQueue<RrNode>();
  readonly t0 = new OrderedQueue<RrNode>();
  readonly t1 = new OrderedQueue<RrNode>();
  init = this.t0;
  next = this.t1;
  currPos = 0;
  currWeight = 0;
  nextWeight = 0;

  switchTrees(): void {
    const swap = this.init;
    this.init = this.next;
    this.next = swap;
    this.currWeight = this.nextWeight;
    this.currPos = this.currWeight;
  }
}

/** HAProxy's weighted round robin over one backend. */
export class RoundRobinBalancer implements Balancer {
  readonly name = 'roundrobin';
  private readonly backend: Proxy;
  private readonly act = new Group();
  private readonly bck = new Group();
  private readonly useAllBackups: boolean;
  private srvAct = 0;
  private srvBck = 0;
  /** First usable backup when `option allbackups` is off (HAProxy lbprm.fbck). */
  private fbck: RrNode | null = null;
  private nodes: RrNode[] = [];

  constructor(backend: Proxy) {
    this.backend = backend;
    this.useAllBackups = allBackups(backend);
    this.nodes = backend.servers.map((s, i) => this.attach(s, i));
    let totAct = 0;
    let totBck = 0;
    for (const n of this.nodes) {
      if (!n.curUsable) continue;
      if (n.srv.isBackup) {
        if (!this.srvBck && !this.useAllBackups) this.fbck = n;
        this.srvBck++;
        totBck += n.curEw;
      } else {
        this.srvAct++;
        totAct += n.curEw;
      }
    }
    this.act.currPos = this.act.currWeight = this.act.nextWeight = totAct;
    this.bck.currPos = this.bck.currWeight = this.bck.nextWeight = totBck;
    for (const n of this.nodes) {
      if (n.curUsable) this.queueByWeight(n.srv.isBackup ? this.bck.init : this.act.init, n);
    }
  }

  private attach(s: Server, index: number): RrNode {
    const n = new RrNode(s, index);
    n.curEw = n.nextEw = scaledWeight(s);
    n.curUsable = n.nextUsable = s.isUsable && n.curEw > 0;
    s.lbData = n;
    return n;
  }

  private group(n: RrNode): Group { return n.srv.isBackup ? this.bck : this.act; }

  private commit(n: RrNode): void {
    n.curEw = n.nextEw;
    n.curUsable = n.nextUsable;
  }

  private queueByWeight(q: OrderedQueue<RrNode>, n: RrNode): void {
    n.key = EWGHT_MAX - n.nextEw;
    q.insert(n);
  }

  private dequeue(n: RrNode): void {
    (n.queue as OrderedQueue<RrNode> | null)?.remove(n);
  }

  /** Places `n` in curr or next according to its npos (fwrr_queue_srv). */
  private queueSrv(n: RrNode): void {
    const grp = this.group(n);
    if (!n.nextUsable) {
      n.queue = null;
    } else if (n.nextEw <= 0 || n.npos >= 2 * grp.currWeight || n.npos >= grp.currWeight + grp.nextWeight) {
      // Does not fit in this window: next one, with npos relative to it.
      n.npos = (n.npos - grp.currWeight) >>> 0;
      this.queueByWeight(grp.next, n);
    } else {
      // Ordered by position, then heavier (and lower remainder) first.
      n.key = ((UWGHT_RANGE * n.npos) + Math.floor(((EWGHT_MAX + n.rweight - n.nextEw) >>> 0) / SCALE)) >>> 0;
      grp.curr.insert(n);
    }
  }

  /** Prepares `n` for re-placement depending on where it was (fwrr_get_srv). */
  private getSrv(n: RrNode): void {
    const grp = this.group(n);
    if (n.queue === grp.init) {
      n.npos = 0;
      n.rweight = 0;
    } else if (n.queue === grp.next) {
      n.npos = (n.npos + grp.currWeight) >>> 0;
    } else if (n.queue === null) {
      n.npos = grp.currPos >>> 0;
    }
  }

  private fromGroup(grp: Group): RrNode | null {
    const s1 = grp.curr.first() ?? null;
    if (s1 && s1.curEw && s1.npos <= grp.currPos) return s1;
    // Nothing left in this window or a hole before the next position: place a waiting one.
    const s2 = grp.init.first();
    if (s2 && s2.curEw) {
      s2.npos = 0;
      s2.rweight = 0;
      return s2;
    }
    return s1;
  }

  private updatePosition(grp: Group, n: RrNode): void {
    const ew = n.curEw;
    if (!ew) return;
    if (!n.npos) n.npos = grp.currPos >>> 0; // first time in this window
    n.lpos = n.npos;
    n.npos = (n.npos + Math.floor(grp.nextWeight / ew)) >>> 0;
    n.rweight = (n.rweight + (grp.nextWeight % ew)) >>> 0;
    if (n.rweight >= ew) {
      n.rweight -= ew;
      n.npos = (n.npos + 1) >>> 0;
    }
  }

  pick(_ctx: PickContext | undefined, avoid?: Server, explain?: PickExplanation): Server | undefined {
    const chosen = this.choose(avoid);
    if (explain) {
      explain.algorithm = this.name;
      const grp = this.srvAct ? this.act : this.bck;
      explain.detail = chosen
        ? `${this.srvAct ? 'active' : this.fbck ? 'first backup' : 'backup'} group, position ${grp.currPos}/${grp.currWeight}, ${chosen.name} weight ${chosen.eweight}`
        : 'no usable server';
      explainSkips(this.backend, explain, chosen, avoid);
    }
    return chosen;
  }

  /** fwrr_get_next_server: the next server in weighted order, skipping saturated ones. */
  private choose(avoid: Server | undefined): Server | undefined {
    let grp: Group;
    if (this.srvAct) grp = this.act;
    else if (this.fbck) return this.fbck.srv;
    else if (this.srvBck) grp = this.bck;
    else return undefined;

    let switched = false;
    let avoided: RrNode | null = null;
    let full: RrNode | null = null;
    let n: RrNode | null = null;
    let take = false;
    for (;;) {
      // An emptied group may have gained weight meanwhile: pick it up.
      if (!grp.currWeight) grp.currPos = grp.currWeight = grp.nextWeight;
      let found = false;
      for (;;) {
        n = this.fromGroup(grp);
        if (n) { found = true; break; }
        if (switched) {
          if (avoided) { n = avoided; take = true; }
          break;
        }
        switched = true;
        grp.switchTrees();
      }
      if (!found) break;
      this.updatePosition(grp, n!);
      this.dequeue(n!);
      grp.currPos++;
      const s = n!.srv;
      if (hasRoom(s)) {
        if (s !== avoid || avoided) { take = true; break; }
        avoided = n; // selected but to be avoided: keep it as a last resort
      }
      // Saturated or avoided: set aside, re-placed below.
      n!.nextFull = full;
      full = n;
    }
    if (take) this.queueSrv(n!);
    else n = null;
    while (full) {
      const f: RrNode = full;
      full = f.nextFull;
      f.nextFull = null;
      if (f === n) continue;
      // After a window switch their old places are gone: only their weight matters.
      if (switched) this.queueByWeight(grp.init, f); else this.queueSrv(f);
    }
    return n ? n.srv : undefined;
  }

  update(server: Server): void {
    const n = server.lbData as RrNode | undefined;
    if (!n || !(n instanceof RrNode)) return;
    n.nextEw = scaledWeight(server);
    n.nextUsable = server.isUsable && n.nextEw > 0;
    if (n.nextEw === n.curEw && n.nextUsable === n.curUsable) return;
    if (!n.curUsable && !n.nextUsable) { this.commit(n); return; }
    if (!n.curUsable) { this.setUp(n); return; }
    if (!n.nextUsable) { this.setDown(n); return; }
    this.reweight(n);
  }

  private setDown(n: RrNode): void {
    const grp = this.group(n);
    grp.nextWeight -= n.curEw;
    if (n.srv.isBackup) {
      this.srvBck--;
      if (n === this.fbck) {
        // Lost the single backup in use: the next usable backup in declaration order.
        let next: RrNode | null = null;
        for (let i = n.index + 1; i < this.nodes.length; i++) {
          const c = this.nodes[i];
          if (c.srv.isBackup && c.nextUsable) { next = c; break; }
        }
        this.fbck = next;
      }
    } else {
      this.srvAct--;
    }
    this.dequeue(n);
    n.queue = null;
    this.commit(n);
  }

  private setUp(n: RrNode): void {
    const grp = this.group(n);
    grp.nextWeight += n.nextEw;
    if (n.srv.isBackup) {
      this.srvBck++;
      if (!this.useAllBackups && (!this.fbck || n.index < this.fbck.index)) this.fbck = n;
    } else {
      this.srvAct++;
    }
    this.getSrv(n);
    n.npos = (grp.currPos + Math.floor(((grp.nextWeight + grp.currWeight - grp.currPos) >>> 0) / n.nextEw)) >>> 0;
    this.queueSrv(n);
    this.commit(n);
  }

  /** Weight change of a server that stays usable (fwrr_update_server_weight). */
  private reweight(n: RrNode): void {
    const grp = this.group(n);
    grp.nextWeight = grp.nextWeight - n.curEw + n.nextEw;
    if (n.queue === grp.init) {
      this.dequeue(n);
      this.queueByWeight(grp.init, n);
    } else if (n.queue === null) {
      this.getSrv(n);
      n.npos = (grp.currPos + Math.floor(((grp.nextWeight + grp.currWeight - grp.currPos) >>> 0) / n.nextEw)) >>> 0;
      this.queueSrv(n);
    } else {
      // In the current or next window: move its next position to match the new weight,
      // never later than planned and not right now either.
      this.getSrv(n);
      const prevNext = n.npos;
      const step = Math.floor(grp.nextWeight / n.nextEw);
      n.npos = (n.lpos + step) >>> 0;
      n.rweight = 0;
      if (n.npos > prevNext) n.npos = prevNext;
      if (n.npos < ((grp.currPos + 2) >>> 0)) n.npos = (grp.currPos + step) >>> 0;
      this.dequeue(n);
      this.queueSrv(n);
    }
    this.commit(n);
  }

  addServer(server: Server): void {
    const n = this.attach(server, this.backend.servers.indexOf(server));
    this.nodes.push(n);
    this.nodes.sort((a, b) => a.index - b.index);
    // Enter as if it had just come UP.
    const usable = n.curUsable;
    n.curUsable = false;
    n.curEw = 0;
    if (usable) this.setUp(n); else this.commit(n);
  }

  removeServer(server: Server): void {
    const n = server.lbData as RrNode | undefined;
    if (!n || !(n instanceof RrNode)) return;
    n.nextUsable = false;
    n.nextEw = 0;
    if (n.curUsable) this.setDown(n); else this.commit(n);
    this.nodes = this.nodes.filter((x) => x !== n);
    server.lbData = undefined;
  }
}

registerBalancer({
  name: 'roundrobin',
  create: (backend) => new RoundRobinBalancer(backend),
});
