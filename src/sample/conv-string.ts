/**
 * Text and binary converters (HAProxy: sample.c): case, encodings, field/word extraction,
 * regsub, length/bytes, url_dec, concat, strcmp, trimming. One table entry each.
 */

import { registerConverters, type ConverterDef } from './registry';
import type { ArgValue } from './args';
import { checkVarName, getVar } from './vars';
import { toStr } from './types';

/** Walks fields of `s` split on any char of `delims` (HAProxy's field()/word() logic). */
function extract(s: string, index: number, delims: string, count: number, words: boolean): string | undefined {
  if (index === 0) return undefined;
  const isDelim = (c: string) => delims.includes(c);
  // Field boundaries as [start, end) pairs; words skip empty runs between delimiters.
  const bounds: number[] = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || isDelim(s[i])) {
      if (!words || i > start) bounds.push(start, i);
      start = i + 1;
    }
  }
  const n = bounds.length / 2;
  const span = count <= 0 ? Infinity : count;
  if (index > 0) {
    if (index > n) return undefined;
    const last = Math.min(n, index - 1 + span);
    return s.slice(bounds[(index - 1) * 2], bounds[(last - 1) * 2 + 1]);
  }
  const from = n + index; // index -1 is the last field
  if (from < 0) return undefined;
  const first = Math.max(0, from - span + 1);
  return s.slice(bounds[first * 2], bounds[from * 2 + 1]);
}

/**
 * Splits a regsub substitution into literal text and `\N` group references (N = 0..9, 0
 * being the whole match); a missing group expands to nothing, as in HAProxy's exp_replace.
 */
function parseSubst(subst: string): (string | number)[] {
  const parts: (string | number)[] = [];
  let lit = '';
  for (let i = 0; i < subst.length; i++) {
    const c = subst[i];
    const d = subst.charCodeAt(i + 1) - 48;
    if (c === '\\' && d >= 0 && d <= 9) {
      if (lit) { parts.push(lit); lit = ''; }
      parts.push(d);
      i++;
    } else lit += c;
  }
  if (lit) parts.push(lit);
  return parts;
}

/** Compiles `regsub` arguments: the regex with its flags and the substitution. */
function prepRegsub(a: ArgValue[]) {
  const flags = String(a[2] ?? '');
  for (const f of flags) if (f !== 'g' && f !== 'i') return { error: `invalid regex flag '${f}', only 'g' and 'i' are supported` };
  let re: RegExp;
  try {
    re = new RegExp(String(a[0]), (flags.includes('g') ? 'g' : '') + (flags.includes('i') ? 'i' : ''));
  } catch (e) {
    return { error: `regex '${a[0]}' is invalid (error=${(e as Error).message})` };
  }
  const parts = parseSubst(String(a[1]));
  // The replacer's arguments after the groups are offset and input: never read past the groups.
  const groups = new RegExp(`${re.source}|`).exec('')!.length - 1;
  const replacer = (...m: unknown[]): string => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : (p <= groups && typeof m[p] === 'string' ? m[p] as string : '');
    return out;
  };
  return { state: { re, replacer } };
}

/** url_dec: %XX decoding, `+` as space only in form mode (arg 1, default: only in the query part). */
function urlDecode(s: string, plusAsSpace: boolean): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 /* % */) {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return undefined;
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c === 43 /* + */ && plusAsSpace) bytes.push(32);
    else bytes.push(c & 0xff);
  }
  return Buffer.from(bytes).toString('latin1');
}

/** JSON string escaping (json converter); `utf8*` modes keep valid UTF-8, `ascii` escapes >0x7f. */
function jsonEscape(s: string, mode: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c === 47) out += '\\/';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c < 0x20 || (c > 0x7e && mode === 'ascii')) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return out;
}

/** Concatenation parts of concat([start][,var][,end]). */
interface ConcatArgs { start: string; v?: string; end: string }

const list: ConverterDef[] = [
  { name: 'lower', in: 'str', out: 'str', convert: (v: string) => v.toLowerCase() },
  { name: 'upper', in: 'str', out: 'str', convert: (v: string) => v.toUpperCase() },
  { name: 'length', in: 'str', out: 'int', convert: (v: string) => v.length },
  { name: 'base64', in: 'bin', out: 'str', convert: (v: Buffer) => v.toString('base64') },
  { name: 'ub64enc', in: 'bin', out: 'str', convert: (v: Buffer) => v.toString('base64url') },
  {
    name: 'b64dec', in: 'str', out: 'bin',
    convert: (v: string) => (/^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0 ? Buffer.from(v, 'base64') : undefined),
  },
  { name: 'ub64dec', in: 'str', out: 'bin', convert: (v: string) => (/^[A-Za-z0-9_-]*$/.test(v) ? Buffer.from(v, 'base64url') : undefined) },
  { name: 'hex', in: 'bin', out: 'str', convert: (v: Buffer) => v.toString('hex').toUpperCase() },
  {
    name: 'hex2i', in: 'str', out: 'int',
    // Reads hex digits up to the first non-hex character, as a signed 64-bit value in HAProxy
    // (`ffffffffffffffff` is -1).
    convert: (v: string) => {
      const m = /^[0-9a-fA-F]*/.exec(v)![0];
      return m.length === 0 ? 0 : Number(BigInt.asIntN(64, BigInt(`0x${m}`)));
    },
  },
  {
    name: 'json', in: 'str', out: 'str', args: [{ type: 'str', optional: true }],
    prepare: (a) => {
      const mode = String(a[0] ?? 'ascii') || 'ascii';
      if (!['ascii', 'utf8', 'utf8s', 'utf8p', 'utf8ps'].includes(mode)) return { error: `Unexpected input code type. Allowed value are 'ascii', 'utf8', 'utf8s', 'utf8p' and 'utf8ps'` };
      return { state: mode };
    },
    convert: (v: string, mode: string) => jsonEscape(v, mode),
  },
  {
    name: 'field', in: 'str', out: 'str', args: [{ type: 'int' }, { type: 'str' }, { type: 'int', optional: true }],
    convert: (v: string, a: ArgValue[]) => extract(v, Number(a[0]), String(a[1]), a[2] === undefined ? 1 : Number(a[2]), false),
  },
  {
    name: 'word', in: 'str', out: 'str', args: [{ type: 'int' }, { type: 'str' }, { type: 'int', optional: true }],
    convert: (v: string, a: ArgValue[]) => extract(v, Number(a[0]), String(a[1]), a[2] === undefined ? 1 : Number(a[2]), true),
  },
  {
    name: 'regsub', in: 'str', out: 'str', args: [{ type: 'reg' }, { type: 'str' }, { type: 'str', optional: true }],
    prepare: prepRegsub,
    convert: (v: string, s: { re: RegExp; replacer: (...m: unknown[]) => string }) => v.replace(s.re, s.replacer),
  },
  {
    name: 'bytes', in: 'bin', out: 'bin', args: [{ type: 'int' }, { type: 'int', optional: true }],
    convert: (v: Buffer, a: ArgValue[]) => {
      const off = Number(a[0]);
      if (off < 0 || off > v.length) return undefined;
      if (a[1] === undefined) return v.subarray(off);
      const len = Number(a[1]);
      if (len < 0) return undefined;
      return v.subarray(off, Math.min(v.length, off + len));
    },
  },
  {
    name: 'url_dec', in: 'str', out: 'str', args: [{ type: 'int', optional: true }],
    convert: (v: string, a: ArgValue[]) => {
      // Without the argument, '+' is a space only after a '?' (the query string).
      if (a[0] !== undefined) return urlDecode(v, Number(a[0]) !== 0);
      const q = v.indexOf('?');
      if (q < 0) return urlDecode(v, false);
      const head = urlDecode(v.slice(0, q + 1), false);
      const tail = urlDecode(v.slice(q + 1), true);
      return head === undefined || tail === undefined ? undefined : head + tail;
    },
  },
  {
    name: 'concat', in: 'str', out: 'str', args: [{ type: 'str', optional: true }, { type: 'var', optional: true }, { type: 'str', optional: true }],
    prepare: (a) => {
      const v = a[1] === undefined || a[1] === '' ? undefined : String(a[1]);
      const err = v === undefined ? undefined : checkVarName(v);
      return err ? { error: err } : { state: { start: String(a[0] ?? ''), v, end: String(a[2] ?? '') } as ConcatArgs };
    },
    convert: (v: string, a: ConcatArgs, ctx) => {
      const mid = a.v === undefined ? '' : getVar(ctx, a.v);
      return v + a.start + (mid === undefined ? '' : toStr(mid)) + a.end;
    },
  },
  {
    name: 'strcmp', in: 'str', out: 'int', args: [{ type: 'var' }],
    prepare: (a) => {
      const err = checkVarName(String(a[0]));
      return err ? { error: err } : { state: String(a[0]) };
    },
    convert: (v: string, name: string, ctx) => {
      const other = getVar(ctx, name);
      if (other === undefined) return undefined;
      const o = toStr(other);
      // Byte-wise comparison like memcmp, then the shorter string first.
      return v < o ? -1 : v > o ? 1 : 0;
    },
  },
  { name: 'cut_crlf', in: 'str', out: 'str', convert: (v: string) => v.split(/[\r\n]/, 1)[0] },
  {
    name: 'ltrim', in: 'str', out: 'str', args: [{ type: 'str' }],
    convert: (v: string, a: ArgValue[]) => {
      const set = String(a[0]);
      let i = 0;
      while (i < v.length && set.includes(v[i])) i++;
      return v.slice(i);
    },
  },
  {
    name: 'rtrim', in: 'str', out: 'str', args: [{ type: 'str' }],
    convert: (v: string, a: ArgValue[]) => {
      const set = String(a[0]);
      let i = v.length;
      while (i > 0 && set.includes(v[i - 1])) i--;
      return v.slice(0, i);
    },
  },
  {
    name: 'iif', in: 'bool', out: 'str', args: [{ type: 'str' }, { type: 'str' }],
    convert: (v: boolean, a: ArgValue[]) => String(v ? a[0] : a[1]),
  },
];

registerConverters(list);

export { extract as extractField };
