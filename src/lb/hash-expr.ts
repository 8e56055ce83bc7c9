/**
 * `balance hash EXPR`: hashes the result of a sample expression, e.g.
 * `balance hash req.cookie(clientid)` or `balance hash req.hdr_ip(x-forwarded-for,-1),ipmask(24)`
 * (HAProxy backend.c get_server_expr). The expression is compiled once by sample/expr.ts;
 * no value: round robin. The value is hashed as HAProxy's cast to binary gives it
 * (sample.c sample_casts[][SMP_T_BIN]): strings as their bytes, integers and booleans as
 * 8 bytes big-endian, addresses (type `ip`) as their 4 or 16 network-order bytes.
 */

import type { PickContext } from './balancer';
import { registerBalancer } from './registry';
import { hashAlgorithm, type HashKeySource } from './hash/hash-balancer';
import { hashBuffer, hashText, type StringHash } from './hash/functions';
import { parseSampleExpr } from '../sample/expr';
import { parseIp } from '../sample/ip';
import type { SampleType } from '../sample/types';
import type { SampleContext, SampleValue } from '../sample/context';

/** Scratch for the binary forms of integers and addresses (no allocation per request). */
const scratch = Buffer.alloc(16);

/** Hashes `v` as HAProxy hashes the binary cast of a sample of type `type`. */
export function hashSample(v: SampleValue, type: SampleType, fn: StringHash): number {
  if (typeof v === 'number' || typeof v === 'boolean') {
    const n = typeof v === 'boolean' ? (v ? 1 : 0) : Math.trunc(v);
    // 64-bit big-endian two's complement, written as two 32-bit halves.
    scratch.writeInt32BE(Math.floor(n / 0x100000000) | 0, 0);
    scratch.writeUInt32BE(n >>> 0, 4);
    return hashBuffer(fn, scratch, 0, 8);
  }
  if (Buffer.isBuffer(v)) return hashBuffer(fn, v);
  if (type === 'ip') {
    // parseIp fills 16 bytes, an IPv4 address as IPv4-mapped IPv6 (in the last 4).
    const ip = parseIp(v, scratch);
    if (ip) return ip.v4 ? hashBuffer(fn, scratch, 12, 16) : hashBuffer(fn, scratch, 0, 16);
  }
  return hashText(fn, v);
}

function makeSource(text: string): HashKeySource {
  // Errors were reported by the config post-check (lb/keywords.ts); a broken expression
  // here yields no key, hence round robin.
  const parsed = parseSampleExpr(text);
  const expr = 'error' in parsed ? undefined : parsed.value;
  const type: SampleType = 'error' in parsed ? 'str' : parsed.type;
  const value = (ctx: SampleContext): SampleValue | undefined => expr?.(ctx);
  return {
    hash(ctx: PickContext, fn: StringHash): number {
      const v = value(ctx.sample);
      return v === undefined ? -1 : hashSample(v, type, fn);
    },
    describe(ctx: PickContext): string | undefined {
      const v = value(ctx.sample);
      return v === undefined ? undefined : `${text} = ${Buffer.isBuffer(v) ? v.toString('hex') : String(v)}`;
    },
  };
}

registerBalancer(hashAlgorithm('hash', (args) => makeSource(args[0] ?? ''), (args) => {
  if (!args[0]) return 'hash requires a sample expression.';
  if (args[1] !== undefined) return `hash takes no other argument (got '${args[1]}').`;
  return undefined;
}));
