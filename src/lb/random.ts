/**
 * `balance random[(N)]` (HAProxy backend.c get_server_rnd): N random keys (default 2) are
 * looked up on the consistent-hash ring, which respects weights, and the least loaded of
 * the servers found (in-flight requests relative to weight) wins: "power of N choices".
 * Dynamic: weight changes and new servers take effect at once. `hash-balance-factor`
 * applies on the ring. A saturated winner is still returned: the caller queues on it
 * (HAProxy would queue in the backend instead).
 */

import type { Balancer, PickContext, PickExplanation } from './balancer';
import type { Proxy } from '../proxy/proxy';
import type { Server } from '../proxy/server';
import { ConsistentRing } from './hash/chash';
import { registerBalancer } from './registry';

/** Random 32-bit unsigned integer (HAProxy statistical_prng). */
export type Random32 = () => number;
const defaultRandom: Random32 = () => (Math.random() * 0x100000000) >>> 0;

/** Power-of-N-choices over the consistent ring. */
export class RandomBalancer implements Balancer {
  readonly name = 'random';
  private readonly ring: ConsistentRing;
  private readonly draws: number;
  private readonly random: Random32;

  constructor(backend: Proxy, draws: number, random: Random32 = defaultRandom) {
    this.ring = new ConsistentRing(backend, backend.cfg.balance.hashBalanceFactor ?? 0);
    this.draws = Math.max(1, draws);
    this.random = random;
  }

  pick(_ctx: PickContext | undefined, avoid?: Server, explain?: PickExplanation): Server | undefined {
    let curr: Server | undefined;
    let draws = this.draws;
    if (this.ring.totWeight) {
      do {
        const prev = curr;
        curr = this.ring.byHash(this.random(), avoid);
        if (!curr) break;
        // Keep the previous choice when it is less loaded relative to its weight.
        if (prev && prev !== curr && curr.curConns * prev.eweight > prev.curConns * curr.eweight) curr = prev;
      } while (--draws > 0);
    }
    if (explain) this.ring.explain(explain, curr, avoid, `${this.draws} random draw${this.draws > 1 ? 's' : ''} on the ring, least loaded kept`);
    if (explain) explain.algorithm = this.name;
    return curr;
  }

  update(s: Server): void { this.ring.update(s); }
  addServer(s: Server): void { this.ring.addServer(s); }
  removeServer(s: Server): void { this.ring.removeServer(s); }
}

/** Parses `random(N)`'s N: HAProxy's strtol-based checks and messages. */
export function parseDraws(paren: string | undefined): number | string {
  if (paren === undefined || paren === '') return 2;
  const m = /^\s*([+-]?(?:0x[0-9a-f]+|0[0-7]*|[1-9]\d*))/i.exec(paren);
  const text = m ? m[1] : '';
  const rest = paren.slice(m ? m[0].length : 0);
  if (rest.length) return `random : unexpected character '${rest[0]}' after argument.`;
  const n = text ? Number(text.replace(/^([+-]?)0(?=[0-7])/, '$10o')) : 0;
  if (!(n >= 1)) return 'random : number of draws must be at least 1.';
  return n;
}

registerBalancer({
  name: 'random',
  validate: (_args, paren) => {
    const d = parseDraws(paren);
    return typeof d === 'string' ? d : undefined;
  },
  create: (backend, _args, paren) => {
    const d = parseDraws(paren);
    return new RandomBalancer(backend, typeof d === 'number' ? d : 2);
  },
});
