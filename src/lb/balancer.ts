/**
 * The one interface every `balance` algorithm implements (HAProxy: struct lb_ops). An
 * algorithm owns its data structure over the backend's servers and answers `pick()`. The
 * backend tells it about state and weight changes through `update()`. Algorithms are
 * registered by name in lb/registry.ts; lb/keywords.ts parses `balance`.
 */

import type { Server } from '../proxy/server';
import type { Proxy } from '../proxy/proxy';
import type { SampleContext } from '../sample/context';

/** Request information hash-based algorithms need. */
export interface PickContext {
  /** Sample context of the stream (src, request head, vars ...). */
  sample: SampleContext;
  /** Request body bytes available (url_param check_post), if buffered. */
  body?: Buffer;
}

/** Why a server was chosen or skipped; collected when explanations are on. */
export interface PickExplanation {
  algorithm: string;
  /** The hash key or other input used, when the algorithm has one. */
  key?: string;
  /** Servers not considered and why: DOWN, MAINT, DRAIN, FULL, WEIGHT0, AVOIDED. */
  skipped: { server: string; why: string }[];
  /** Free text: "smooth weighted round robin position 3", "hash 0x1234 -> slot 7" ... */
  detail?: string;
}

/** One backend's balancing algorithm instance, built by lb/registry.ts createBalancer(). */
export interface Balancer {
  /** The algorithm name as written after `balance` (for the `algo` stats column). */
  readonly name: string;
  /**
   * Chooses a server for a new request/connection among usable ones, or undefined when
   * none is usable (the caller answers 503). `avoid` is a server that just failed (the
   * algorithm should prefer another if any). When `explain` is given, fill it.
   * Must respect backup logic: backups only when no active server is usable (first backup,
   * or all with `option allbackups`). Servers whose maxconn is full may still be picked by
   * algorithms that HAProxy lets queue (the caller queues); leastconn/first skip full ones.
   */
  pick(ctx: PickContext, avoid?: Server, explain?: PickExplanation): Server | undefined;
  /** A server's state, admin state or weight changed. */
  update?(server: Server): void;
  /**
   * A connection to `server` started / ended (leastconn, first): call right after
   * incrementing / decrementing `server.curConns` (and after queue length changes).
   */
  takeConn?(server: Server): void;
  dropConn?(server: Server): void;
  /** A server was added or removed at runtime. */
  addServer?(server: Server): void;
  removeServer?(server: Server): void;
}

/** A registered algorithm (lb/registry.ts registerBalancer): validation and factory. */
export interface BalancerDefinition {
  /** Name as written after `balance`, e.g. 'roundrobin', 'uri', 'hdr' (arguments in parentheses are split off). */
  name: string;
  /** Validates `balance` arguments at parse time; returns an error message or undefined. */
  validate?(args: string[], paren?: string): string | undefined;
  /** Static algorithms only accept weight 0 or 100% at runtime (static-rr, map-based hash). */
  isStatic?(args: string[], hashType?: string[]): boolean;
  create(backend: Proxy, args: string[], paren?: string): Balancer;
}
