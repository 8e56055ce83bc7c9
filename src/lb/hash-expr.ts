/**
 * `balance hash EXPR`: hashes the result of a sample expression, e.g.
 * `balance hash req.cookie(clientid)` or `balance hash req.hdr_ip(x-forwarded-for,-1),ipmask(24)`
 * (HAProxy backend.c get_server_expr). The expression is compiled once by sample/expr.ts;
 * no value: round robin. Numbers and booleans are hashed as their text, binary values as
 * their bytes.
 */

import type { PickContext } from './balancer';
import { registerBalancer } from './registry';
import { hashAlgorithm, type HashKeySource } from './hash/hash-balancer';
import { hashBuffer, hashText, type StringHash } from './hash/functions';
import { compileSampleExpr, type CompiledSample } from '../sample/expr';
import type { SampleValue } from '../sample/context';

function hashValue(v: SampleValue, fn: StringHash): number {
  if (typeof v === 'string') return hashText(fn, v);
  if (Buffer.isBuffer(v)) return hashBuffer(fn, v);
  if (typeof v === 'boolean') return hashText(fn, v ? '1' : '0');
  return hashText(fn, String(v));
}

function makeSource(text: string): HashKeySource {
  // Errors were reported by the config post-check (lb/keywords.ts); a broken expression
  // here yields no key, hence round robin.
  const expr: CompiledSample | undefined = compileSampleExpr(text, () => undefined);
  return {
    hash(ctx: PickContext, fn: StringHash): number {
      const v = expr?.(ctx.sample);
      return v === undefined ? -1 : hashValue(v, fn);
    },
    describe(ctx: PickContext): string | undefined {
      const v = expr?.(ctx.sample);
      return v === undefined ? undefined : `${text} = ${Buffer.isBuffer(v) ? v.toString('hex') : String(v)}`;
    },
  };
}

registerBalancer(hashAlgorithm('hash', (args) => makeSource(args[0] ?? ''), (args) => {
  if (!args[0]) return 'hash requires a sample expression.';
  if (args[1] !== undefined) return `hash takes no other argument (got '${args[1]}').`;
  return undefined;
}));
