/**
 * Consistent hashing ring (HAProxy lb_chash.c), used by `hash-type consistent` and by
 * `balance random`. Each usable server owns `eweight` points on a 32-bit ring (its user
 * weight x 16), at `fullHash(id * 4096 + j)`, so a server's share of the ring follows its
 * weight and a server leaving only moves the keys that were on its own points (about 1/N
 * of them). A key goes to the closest point, before or after it. Points depend on the
 * server id (`id` keyword or position), not on its name.
 *
 * `hash-balance-factor F` (> 100) bounds a server's load to F% of the average: a server
 * that already serves its share is passed over for the next point on the ring.
 */

import type { Server } from '../../proxy/server';
import type { Proxy } from '../../proxy/proxy';
import type { PickContext, PickExplanation } from '../balancer';
import { GroupedBalancer, LbNode, hasRoom } from '../groups';
import { OrderedQueue, type QueueItem } from '../ordered-queue';
import { fullHash } from './functions';

/** HAProxy SRV_EWGHT_RANGE: point keys are id * 4096 + j. */
const EWGHT_RANGE = 4096;

/** One point of a server on the ring. */
class RingPoint implements QueueItem {
  key: number;
  queue: OrderedQueue<QueueItem> | null = null;
  readonly owner: ChNode;
  constructor(owner: ChNode, key: number) {
    this.owner = owner;
    this.key = key;
  }
}

class ChNode extends LbNode {
  /** All points ever created for the server (grown when its weight grows). */
  points: RingPoint[] = [];
  /** How many of `points` are on the ring now. */
  now = 0;
}

/** The ring and its lookups; `balance random` and hash balancers build on it. */
export class ConsistentRing extends GroupedBalancer<ChNode> {
  name = 'chash';
  private readonly act = new OrderedQueue<RingPoint>();
  private readonly bck = new OrderedQueue<RingPoint>();
  /** Last point used by the round-robin walk (HAProxy lbprm.chash.last). */
  private last: RingPoint | null = null;
  /** 0 = off; else the percentage of the average load a server may take. */
  private readonly balanceFactor: number;

  constructor(backend: Proxy, balanceFactor = 0) {
    super(backend);
    this.balanceFactor = balanceFactor;
    this.initNodes();
    const act: RingPoint[] = [];
    const bck: RingPoint[] = [];
    for (const n of this.nodes) {
      this.makePoints(n, n.srv.uweight * 16);
      if (!n.curUsable) continue;
      const dst = n.srv.isBackup ? bck : act;
      for (; n.now < n.curEw && n.now < n.points.length; n.now++) dst.push(n.points[n.now]);
    }
    this.act.insertMany(act);
    this.bck.insertMany(bck);
  }

  protected makeNode(s: Server, index: number): ChNode { return new ChNode(s, index); }

  private ring(n: ChNode): OrderedQueue<RingPoint> { return n.srv.isBackup ? this.bck : this.act; }

  private makePoints(n: ChNode, count: number): void {
    for (let j = n.points.length; j < count; j++) n.points.push(new RingPoint(n, fullHash(((n.srv.id * EWGHT_RANGE) + j) >>> 0)));
  }

  /** Puts exactly `n.nextEw` points of the server on the ring (chash_queue_dequeue_srv). */
  private adjust(n: ChNode, target: number): void {
    const ring = this.ring(n);
    while (n.now > target) {
      n.now--;
      this.removePoint(ring, n.points[n.now]);
    }
    if (n.points.length < target) this.makePoints(n, target);
    while (n.now < target) {
      ring.insert(n.points[n.now]);
      n.now++;
    }
  }

  private removePoint(ring: OrderedQueue<RingPoint>, p: RingPoint): void {
    if (this.last === p) {
      // Keep the walk position on the next point, as HAProxy does.
      const i = ring.indexOf(p);
      this.last = ring.size > 1 ? ring.at((i + 1) % ring.size) : null;
      if (this.last === p) this.last = null;
    }
    ring.remove(p);
  }

  protected enter(n: ChNode): void { this.adjust(n, n.nextEw); }
  protected leave(n: ChNode): void { this.adjust(n, 0); }
  protected reweight(n: ChNode): void { this.adjust(n, n.nextEw); }
  protected override afterChange(): void { this.recount(); }

  private currentRing(): OrderedQueue<RingPoint> | undefined {
    if (this.srvAct) return this.act;
    if (this.srvBck && !this.fbck) return this.bck;
    return undefined;
  }

  /** Backend-wide in-flight count (HAProxy px->served), for the balance factor. */
  private served(): number {
    let t = 0;
    for (const s of this.backend.servers) t += s.curConns;
    return t;
  }

  /** chash_server_is_eligible: the server is below its bounded share of the load. */
  private eligible(n: ChNode, served: number): boolean {
    const tot = this.totWeight;
    if (!tot) return true;
    const totSlots = Math.floor(((served + 1) * this.balanceFactor + 99) / 100);
    const perWeight = Math.floor(totSlots / tot);
    const rem = totSlots % tot;
    let slots = n.curEw * perWeight;
    slots += Math.floor(((n.cumulativeWeight + n.curEw) * rem) / tot) - Math.floor((n.cumulativeWeight * rem) / tot);
    if (slots === 0) slots = 1;
    return n.srv.curConns < slots;
  }

  /**
   * The server owning the point closest to `hash` (chash_get_server_hash), moving on along
   * the ring past `avoid` and past servers over their balance-factor share.
   */
  byHash(hash: number, avoid: Server | undefined): Server | undefined {
    if (!this.srvAct && this.fbck) return this.fbck.srv;
    const ring = this.currentRing();
    if (!ring || !ring.size) return undefined;
    hash >>>= 0;
    let i = ring.lowerBound(hash);
    if (i >= ring.size) i = 0;
    const next = ring.at(i);
    const pi = i === 0 ? ring.size - 1 : i - 1;
    const prev = ring.at(pi);
    const dp = (hash - prev.key) >>> 0;
    const dn = (next.key - hash) >>> 0;
    if (dp <= dn) i = pi;
    let n = ring.at(i).owner;
    const bf = this.balanceFactor;
    const served = bf ? this.served() : 0;
    let loops = 0;
    while (n.srv === avoid || (bf && !this.eligible(n, served))) {
      i++;
      if (i >= ring.size) {
        i = 0;
        if (++loops > 1) break; // every point visited twice: give up and keep this one
      }
      n = ring.at(i).owner;
    }
    return n.srv;
  }

  /**
   * Round robin over the ring points (chash_get_next_server), the fallback when a hash key
   * is missing: skips saturated servers, and `avoid` unless it is the only one with room.
   */
  nextRR(avoid: Server | undefined): Server | undefined {
    if (!this.srvAct && this.fbck) return this.fbck.srv;
    const ring = this.currentRing();
    if (!ring || !ring.size) return undefined;
    const size = ring.size;
    let i = this.last ? ring.indexOf(this.last) : -1;
    const stop = i < 0 ? -1 : i;
    let avoided: Server | undefined;
    let avoidedPoint: RingPoint | null = null;
    let first = -1;
    for (let steps = 0; steps < size; steps++) {
      i = i + 1 >= size || i < 0 ? 0 : i + 1;
      if (first < 0) first = i;
      const p = ring.at(i);
      this.last = p;
      const s = p.owner.srv;
      if (hasRoom(s)) {
        if (s !== avoid) return s;
        avoided = s;
        avoidedPoint = p;
      }
      if (i === stop) break;
    }
    if (avoidedPoint) this.last = avoidedPoint;
    return avoided;
  }

  /** Number of points on the active (or backup) ring, for tests. */
  pointCount(backup = false): number { return backup ? this.bck.size : this.act.size; }

  pick(_ctx: PickContext | undefined, avoid?: Server, explain?: PickExplanation): Server | undefined {
    const s = this.nextRR(avoid);
    if (explain) this.explain(explain, s, avoid, 'consistent ring walk');
    return s;
  }
}
