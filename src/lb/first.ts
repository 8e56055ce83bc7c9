/**
 * `balance first`: the usable server with the lowest id (`id` keyword, else declaration
 * position) that still has a free connection slot (HAProxy lb_fas.c). Weights are ignored.
 * Meant to be used with `maxconn`, so that extra servers only get traffic when the first
 * ones are full.
 */

import type { Server } from '../proxy/server';
import type { Proxy } from '../proxy/proxy';
import type { PickContext, PickExplanation } from './balancer';
import { GroupedBalancer, LbNode, hasRoom } from './groups';
import { OrderedQueue, type QueueItem } from './ordered-queue';
import { registerBalancer } from './registry';

class FirstNode extends LbNode implements QueueItem {
  key = 0;
  queue: OrderedQueue<QueueItem> | null = null;
  queued = false;
}

/** HAProxy's "first available" algorithm. */
export class FirstBalancer extends GroupedBalancer<FirstNode> {
  readonly name = 'first';
  private readonly act = new OrderedQueue<FirstNode>();
  private readonly bck = new OrderedQueue<FirstNode>();

  constructor(backend: Proxy) {
    super(backend);
    this.initNodes();
    for (const n of this.nodes) if (n.curUsable) this.enter(n);
  }

  protected makeNode(s: Server, index: number): FirstNode { return new FirstNode(s, index); }
  private tree(n: FirstNode): OrderedQueue<FirstNode> { return n.srv.isBackup ? this.bck : this.act; }

  protected enter(n: FirstNode): void {
    n.key = n.srv.id >>> 0;
    this.tree(n).insert(n);
    n.queued = true;
  }
  protected leave(n: FirstNode): void {
    if (n.queued) this.tree(n).remove(n);
    n.queued = false;
  }
  protected reweight(): void { /* weights are ignored */ }

  pick(_ctx: PickContext | undefined, avoid?: Server, explain?: PickExplanation): Server | undefined {
    const s = this.choose(avoid);
    if (explain) this.explain(explain, s, avoid, s ? `first server with a free slot: ${s.name} (id ${s.id}, ${s.curConns}/${s.maxconn || 'unlimited'})` : '');
    return s;
  }

  private choose(avoid: Server | undefined): Server | undefined {
    let q: OrderedQueue<FirstNode>;
    if (this.srvAct) q = this.act;
    else if (this.fbck) return this.fbck.srv;
    else if (this.srvBck) q = this.bck;
    else return undefined;
    let avoided: Server | undefined;
    for (let i = 0; i < q.size; i++) {
      const s = q.at(i).srv;
      if (hasRoom(s)) {
        if (s !== avoid) return s;
        avoided = s;
      }
    }
    return avoided;
  }
}

registerBalancer({
  name: 'first',
  create: (backend) => new FirstBalancer(backend),
});
