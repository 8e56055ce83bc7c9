/**
 * `balance leastconn`: the server with the fewest in-flight requests relative to its
 * weight (HAProxy lb_fwlc.c). Each usable server sits in an ordered queue keyed by
 * `(inflight + 1) * 4096 / eweight` (0 when idle), inflight = current connections + queued
 * requests; equal keys rotate because a server re-enters after its equals when its load
 * changes, which gives round robin among equally loaded servers.
 *
 * The data plane must call `takeConn(server)` after incrementing `server.curConns` and
 * `dropConn(server)` after decrementing it (and on queue length changes), or the order
 * never changes.
 */

import type { Server } from '../proxy/server';
import type { Proxy } from '../proxy/proxy';
import type { PickContext, PickExplanation } from './balancer';
import { GroupedBalancer, LbNode } from './groups';
import { dynamicMaxconn } from './usable';
import { OrderedQueue, type QueueItem } from './ordered-queue';
import { registerBalancer } from './registry';

const EWGHT_MAX = 4096;

class LcNode extends LbNode implements QueueItem {
  key = 0;
  queue: OrderedQueue<QueueItem> | null = null;
  /** In its group's queue now (HAProxy: lb_node linked). */
  queued = false;
}

/** HAProxy's weighted least connections. */
export class LeastConnBalancer extends GroupedBalancer<LcNode> {
  readonly name = 'leastconn';
  private readonly act = new OrderedQueue<LcNode>();
  private readonly bck = new OrderedQueue<LcNode>();

  constructor(backend: Proxy) {
    super(backend);
    this.initNodes();
    for (const n of this.nodes) if (n.curUsable) this.enqueue(n, n.curEw);
  }

  protected makeNode(s: Server, index: number): LcNode { return new LcNode(s, index); }

  private tree(n: LcNode): OrderedQueue<LcNode> { return n.srv.isBackup ? this.bck : this.act; }

  private keyOf(n: LcNode, ew: number): number {
    const inflight = n.srv.curConns + n.srv.queueLength;
    return inflight ? Math.floor(((inflight + 1) * EWGHT_MAX) / (ew || 1)) >>> 0 : 0;
  }

  private enqueue(n: LcNode, ew: number): void {
    n.key = this.keyOf(n, ew);
    this.tree(n).insert(n);
    n.queued = true;
  }

  private dequeue(n: LcNode): void {
    if (!n.queued) return;
    this.tree(n).remove(n);
    n.queued = false;
  }

  protected enter(n: LcNode): void { this.enqueue(n, n.nextEw); }
  protected leave(n: LcNode): void { this.dequeue(n); }
  protected reweight(n: LcNode): void {
    this.dequeue(n);
    this.enqueue(n, n.nextEw);
  }

  /** Moves the server to its place for its new load (fwlc_srv_reposition). */
  private reposition(s: Server): void {
    const n = s.lbData as LcNode | undefined;
    if (!n || !(n instanceof LcNode) || !n.queued) return;
    const key = this.keyOf(n, n.curEw);
    if (key === n.key) return;
    this.dequeue(n);
    n.key = key;
    this.tree(n).insert(n);
    n.queued = true;
  }

  takeConn(s: Server): void { this.reposition(s); }
  dropConn(s: Server): void { this.reposition(s); }

  pick(_ctx: PickContext | undefined, avoid?: Server, explain?: PickExplanation): Server | undefined {
    const s = this.choose(avoid);
    if (explain) this.explain(explain, s, avoid, s ? `least loaded: ${s.name} with ${s.curConns} connections, ${s.queueLength} queued, weight ${s.eweight}` : '');
    return s;
  }

  private choose(avoid: Server | undefined): Server | undefined {
    let q: OrderedQueue<LcNode>;
    if (this.srvAct) q = this.act;
    else if (this.fbck) return this.fbck.srv;
    else if (this.srvBck) q = this.bck;
    else return undefined;
    let avoided: Server | undefined;
    const n = q.size;
    for (let i = 0; i < n; i++) {
      const s = q.at(i).srv;
      // leastconn lets a server take up to maxconn + maxqueue before skipping it.
      if (!s.maxconn || s.curConns + s.queueLength < dynamicMaxconn(s) + s.maxqueue) {
        if (s !== avoid) return s;
        avoided = s;
      }
    }
    return avoided;
  }
}

registerBalancer({
  name: 'leastconn',
  create: (backend) => new LeastConnBalancer(backend),
});
