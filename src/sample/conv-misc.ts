/**
 * Hash, address, time and variable converters (HAProxy: sample.c, vars.c): sdbm, djb2, wt6,
 * crc32, crc32c, sha1, ipmask, ltime, utime, set-var, unset-var.
 */

import { createHash } from 'node:crypto';
import { registerConverters, type ConverterDef } from './registry';
import type { ArgValue } from './args';
import { fullHash, HASH_FUNCTIONS } from './hash';
import { applyPrefix, formatIp, parseIp, parseNet } from './ip';
import { checkVarName, setVar, unsetVar } from './vars';
import { strftime } from './strftime';

function hashConverter(name: keyof typeof HASH_FUNCTIONS): ConverterDef {
  const fn = HASH_FUNCTIONS[name];
  return {
    name, in: 'bin', out: 'int', args: [{ type: 'int', optional: true }],
    convert: (v: Buffer, a: ArgValue[]) => {
      const h = fn(v);
      return a[0] ? fullHash(h) : h;
    },
  };
}

/** CRC-32C (Castagnoli, reflected 0x82f63b78), for the crc32c converter. */
function crc32c(b: Uint8Array): number {
  let h = 0xffffffff;
  for (let i = 0; i < b.length; i++) {
    h ^= b[i];
    for (let k = 0; k < 8; k++) h = (h >>> 1) ^ ((h & 1) ? 0x82f63b78 : 0);
  }
  return (~h) >>> 0;
}

/** ipmask(mask4[,mask6]) state: prefix lengths over the 16-byte form. */
interface MaskState { p4: number; p6: number }

function varConverter(name: string, op: 'set' | 'unset'): ConverterDef {
  return {
    name, in: 'any', out: 'any', args: [{ type: 'var' }],
    prepare: (a) => {
      const err = checkVarName(String(a[0]));
      return err ? { error: err } : { state: String(a[0]) };
    },
    // The sample passes through unchanged; storing it is the side effect.
    convert: (v, n: string, ctx) => {
      if (op === 'set') setVar(ctx, n, v);
      else unsetVar(ctx, n);
      return v;
    },
  };
}

const list: ConverterDef[] = [
  hashConverter('sdbm'), hashConverter('djb2'), hashConverter('wt6'), hashConverter('crc32'),
  {
    name: 'crc32c', in: 'bin', out: 'int', args: [{ type: 'int', optional: true }],
    convert: (v: Buffer, a: ArgValue[]) => (a[0] ? fullHash(crc32c(v)) : crc32c(v)),
  },
  { name: 'sha1', in: 'bin', out: 'bin', convert: (v: Buffer) => createHash('sha1').update(v).digest() },
  {
    name: 'ipmask', in: 'ip', out: 'ip', args: [{ type: 'str' }, { type: 'str', optional: true }],
    prepare: (a) => {
      const m4 = parseNet(`0.0.0.0/${a[0]}`);
      if (!m4) return { error: `'${a[0]}' is not a valid IPv4 mask` };
      let p6 = 128;
      if (a[1] !== undefined) {
        const m6 = /^\d+$/.test(String(a[1])) ? Number(a[1]) : NaN;
        if (!(m6 >= 0 && m6 <= 128)) return { error: `'${a[1]}' is not a valid IPv6 mask` };
        p6 = m6;
      }
      return { state: { p4: m4.prefix, p6 } as MaskState };
    },
    convert: (v: string, m: MaskState) => {
      const ip = parseIp(v);
      if (!ip) return undefined;
      // An IPv6 address without a mask argument is not converted, as in HAProxy.
      const mapped = ip.v4 || (ip.bytes[10] === 0xff && ip.bytes[11] === 0xff && ip.bytes.subarray(0, 10).every((x) => x === 0));
      applyPrefix(ip.bytes, mapped ? m.p4 : m.p6);
      return formatIp(ip.bytes);
    },
  },
  {
    name: 'ltime', in: 'int', out: 'str', args: [{ type: 'str' }, { type: 'int', optional: true }],
    convert: (v: number, a: ArgValue[]) => strftime(String(a[0]), (v + Number(a[1] ?? 0)) * 1000, false),
  },
  {
    name: 'utime', in: 'int', out: 'str', args: [{ type: 'str' }, { type: 'int', optional: true }],
    convert: (v: number, a: ArgValue[]) => strftime(String(a[0]), (v + Number(a[1] ?? 0)) * 1000, true),
  },
  varConverter('set-var', 'set'),
  varConverter('unset-var', 'unset'),
];

registerConverters(list);
