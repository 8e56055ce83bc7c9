/**
 * The frame every hashing algorithm (source, uri, url_param, hdr, rdp-cookie, hash EXPR)
 * shares: take a key from the request, hash it with the `hash-type` function (plus the
 * avalanche mixer when configured), and look the server up in the map-based table or on
 * the consistent ring. A missing key falls back to round robin over the same structure,
 * as HAProxy does (backend.c assign_server). With a single usable server nothing is hashed.
 */

import type { Balancer, BalancerDefinition, PickContext, PickExplanation } from '../balancer';
import type { Proxy } from '../../proxy/proxy';
import type { Server } from '../../proxy/server';
import type { BalanceConfig } from '../../config/model';
import { ServerMap } from './map';
import { ConsistentRing } from './chash';
import { HASH_FUNCTIONS, fullHash, sdbm, type StringHash } from './functions';

/** `hash-type` resolved: lookup kind, function, avalanche. */
export interface HashSettings {
  consistent: boolean;
  fn: StringHash;
  fnName: string;
  avalanche: boolean;
}

/**
 * Resolves `hash-type` words (as stored in BalanceConfig.hashType). Defaults: map-based,
 * sdbm; consistent without a function name implies sdbm + avalanche.
 */
export function hashSettings(words: readonly string[] | undefined): HashSettings {
  const consistent = words?.[0] === 'consistent';
  const fnName = words?.[1] ?? 'sdbm';
  const avalanche = words?.[2] === 'avalanche' || (consistent && words?.[1] === undefined);
  return { consistent, fn: HASH_FUNCTIONS[fnName] ?? sdbm, fnName, avalanche };
}

/**
 * Where a hashing algorithm gets its key. `hash` returns the 32-bit hash of the key with
 * `fn` (before avalanche), or -1 when the request has no key (then round robin applies).
 * It must not allocate for ordinary requests. `describe` renders the key for explanations.
 */
export interface HashKeySource {
  hash(ctx: PickContext, fn: StringHash): number;
  describe(ctx: PickContext): string | undefined;
}

/** A balancer made of a key source and a lookup structure. */
export class HashBalancer implements Balancer {
  readonly name: string;
  private readonly lookup: ServerMap | ConsistentRing;
  private readonly source: HashKeySource;
  private readonly settings: HashSettings;

  constructor(backend: Proxy, name: string, source: HashKeySource, settings: HashSettings, balanceFactor: number) {
    this.name = name;
    this.source = source;
    this.settings = settings;
    this.lookup = settings.consistent ? new ConsistentRing(backend, balanceFactor) : new ServerMap(backend);
  }

  pick(ctx: PickContext, avoid?: Server, explain?: PickExplanation): Server | undefined {
    const lk = this.lookup;
    if (!lk.totWeight) {
      if (explain) this.explainPick(explain, ctx, undefined, avoid, -1, false);
      return undefined;
    }
    let h: number;
    if (lk.totUsed === 1) {
      h = 0; // one server: nothing to hash
    } else {
      h = this.source.hash(ctx, this.settings.fn);
      if (h >= 0 && this.settings.avalanche) h = fullHash(h);
    }
    let s: Server | undefined;
    let fellBack = false;
    if (h >= 0) s = lk instanceof ConsistentRing ? lk.byHash(h, avoid) : lk.byHash(h);
    if (!s) {
      fellBack = true;
      s = lk.nextRR(avoid);
    }
    if (explain) this.explainPick(explain, ctx, s, avoid, h, fellBack);
    return s;
  }

  private explainPick(explain: PickExplanation, ctx: PickContext, s: Server | undefined, avoid: Server | undefined, h: number, fellBack: boolean): void {
    const kind = this.settings.consistent ? 'consistent' : 'map-based';
    const fn = `${this.settings.fnName}${this.settings.avalanche ? '+avalanche' : ''}`;
    const detail = fellBack
      ? `no hash key, round robin (${kind})`
      : `${kind} ${fn} hash 0x${h.toString(16).padStart(8, '0')}`;
    this.lookup.explain(explain, s, avoid, detail, this.source.describe(ctx));
    explain.algorithm = this.name;
  }

  update(s: Server): void { this.lookup.update(s); }
  addServer(s: Server): void { this.lookup.addServer(s); }
  removeServer(s: Server): void { this.lookup.removeServer(s); }
}

/**
 * Builds the registry definition of a hashing algorithm from its key-source factory.
 * Static unless `hash-type consistent` (map-based tables cannot take progressive weights).
 */
export function hashAlgorithm(
  name: string,
  makeSource: (args: string[], paren: string | undefined, backend: Proxy) => HashKeySource,
  validate?: BalancerDefinition['validate'],
): BalancerDefinition {
  return {
    name,
    validate,
    isStatic: (_args, hashType) => hashType?.[0] !== 'consistent',
    create(backend: Proxy, args: string[], paren?: string): Balancer {
      const cfg: BalanceConfig = backend.cfg.balance;
      return new HashBalancer(backend, name, makeSource(args, paren, backend), hashSettings(cfg.hashType), cfg.hashBalanceFactor ?? 0);
    },
  };
}
