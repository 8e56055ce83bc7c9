/**
 * Balancing algorithm table (HAProxy: the lb_ops of each lb_*.c, chosen by `balance`).
 * Each algorithm file registers itself with {@link registerBalancer}; the data plane calls
 * {@link createBalancer} once per backend after its servers exist.
 */

import type { Balancer, BalancerDefinition } from './balancer';
import type { Proxy } from '../proxy/proxy';
import type { Server } from '../proxy/server';
import { SlowStart } from './slowstart';

const definitions = new Map<string, BalancerDefinition>();

/** Registers an algorithm under `def.name`. Registering a name twice is a programming error. */
export function registerBalancer(def: BalancerDefinition): void {
  if (definitions.has(def.name)) throw new Error(`internal: balance algorithm '${def.name}' registered twice`);
  definitions.set(def.name, def);
}

/** The definition registered for `name` (`roundrobin`, `hdr`, `random` ...), if any. */
export function findBalancer(name: string): BalancerDefinition | undefined {
  return definitions.get(name);
}

/** Names of all registered algorithms, in registration order (for messages). */
export function balancerNames(): string[] {
  return [...definitions.keys()];
}

/**
 * Builds the balancer of `backend` from `backend.cfg.balance`, stores it in
 * `backend.balancer` and returns it. Call once, after `backend.servers` is filled.
 * It subscribes to every server's `onChange` so the algorithm's structures follow state,
 * admin and weight changes, and runs slowstart ramps for servers with `slowstart`.
 * Servers added later must be announced with {@link attachServer}.
 * Throws only for an unknown algorithm name, which config validation already rejects.
 */
export function createBalancer(backend: Proxy): Balancer {
  const cfg = backend.cfg.balance;
  const def = definitions.get(cfg.algorithm);
  if (!def) throw new Error(`internal: unknown balance algorithm '${cfg.algorithm}' for backend '${backend.name}'`);
  const balancer = def.create(backend, cfg.args, cfg.paren);
  backend.balancer = balancer;
  // Static algorithms (static-rr, map-based hashing) cannot change weights progressively,
  // so HAProxy does not apply slowstart to them (BE_LB_PROP_DYN).
  const dynamic = !(def.isStatic?.(cfg.args, cfg.hashType) ?? false);
  for (const s of backend.servers) subscribe(balancer, s, dynamic);
  return balancer;
}

/**
 * Announces a server added at runtime (`add server`): subscribes to its changes and calls
 * the balancer's `addServer`.
 */
export function attachServer(backend: Proxy, server: Server): void {
  const b = backend.balancer;
  if (!b) return;
  const def = definitions.get(backend.cfg.balance.algorithm);
  subscribe(b, server, !(def?.isStatic?.(backend.cfg.balance.args, backend.cfg.balance.hashType) ?? false));
  b.addServer?.(server);
}

function subscribe(balancer: Balancer, server: Server, dynamic: boolean): void {
  // One listener per server, slowstart first, so the balancer always sees the ramped
  // effective weight and never a transient full weight.
  const ss = dynamic && server.cfg.slowstart > 0 ? new SlowStart(server) : undefined;
  server.onChange((s) => {
    ss?.observe();
    balancer.update?.(s);
  });
}
