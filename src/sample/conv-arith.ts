/**
 * Integer converters (HAProxy: sample.c sample_conv_arith_* / binary_*): add/sub/mul/div/mod
 * and/or/xor take an integer or a variable name; bool/not/odd/even/neg/cpl take none.
 * Division by zero gives LLONG_MAX and modulo by zero 0, as in HAProxy (numbers are JS
 * doubles, so values beyond 2^53 lose precision).
 */

import { registerConverters, type ConverterDef, type Prepared } from './registry';
import type { ArgValue } from './args';
import type { SampleContext } from './context';
import { checkVarName, getVar } from './vars';
import { toInt } from './types';

const LLONG_MAX = 9223372036854775807;

/** Operand: a literal integer or a variable read at run time. */
type Operand = { n: number; v?: undefined } | { v: string; n?: undefined };

/** check_operator: a leading digit or '-' is an integer, anything else a variable name. */
function prepOperand(a: ArgValue[]): Prepared {
  const s = String(a[0]);
  if (/^-?\d/.test(s)) {
    if (!/^-?\d+$/.test(s)) return { error: `'${s}' is not a valid integer` };
    return { state: { n: Number(s) } as Operand };
  }
  const err = checkVarName(s);
  return err ? { error: err } : { state: { v: s } as Operand };
}

function operand(o: Operand, ctx: SampleContext): number | undefined {
  if (o.v === undefined) return o.n;
  const v = getVar(ctx, o.v);
  return v === undefined ? undefined : toInt(v);
}

/** Builds a binary integer converter. */
function binary(name: string, op: (a: number, b: number) => number): ConverterDef {
  return {
    name, in: 'int', out: 'int', args: [{ type: 'str' }], prepare: prepOperand,
    convert: (v: number, o: Operand, ctx) => {
      const b = operand(o, ctx);
      return b === undefined ? undefined : op(v, b);
    },
  };
}

/** Bitwise operators act on 64-bit values in HAProxy; BigInt keeps that for large inputs. */
function bitwise(a: number, b: number, f: (x: bigint, y: bigint) => bigint): number {
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b) && Math.abs(a) < 2 ** 31 && Math.abs(b) < 2 ** 31) {
    return Number(f(BigInt(a), BigInt(b)));
  }
  return Number(BigInt.asIntN(64, f(BigInt(Math.trunc(a)), BigInt(Math.trunc(b)))));
}

const list: ConverterDef[] = [
  binary('add', (a, b) => a + b),
  binary('sub', (a, b) => a - b),
  binary('mul', (a, b) => a * b),
  binary('div', (a, b) => (b === 0 ? LLONG_MAX : Math.trunc(a / b))),
  binary('mod', (a, b) => (b === 0 ? 0 : a % b)),
  binary('and', (a, b) => bitwise(a, b, (x, y) => x & y)),
  binary('or', (a, b) => bitwise(a, b, (x, y) => x | y)),
  binary('xor', (a, b) => bitwise(a, b, (x, y) => x ^ y)),
  { name: 'neg', in: 'int', out: 'int', convert: (v: number) => -v },
  { name: 'cpl', in: 'int', out: 'int', convert: (v: number) => Number(BigInt.asIntN(64, ~BigInt(Math.trunc(v)))) },
  { name: 'bool', in: 'int', out: 'bool', convert: (v: number) => v !== 0 },
  { name: 'not', in: 'int', out: 'bool', convert: (v: number) => v === 0 },
  { name: 'odd', in: 'int', out: 'bool', convert: (v: number) => (v & 1) === 1 },
  { name: 'even', in: 'int', out: 'bool', convert: (v: number) => (v & 1) === 0 },
  {
    name: 'htonl', in: 'int', out: 'bin',
    convert: (v: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(v >>> 0);
      return b;
    },
  },
];

registerConverters(list);
