/**
 * Header actions: set-header, add-header, del-header, replace-header, replace-value
 * (HAProxy: http_act.c http_action_set_header / http_action_del_header /
 * http_action_replace_header). They edit the flat `[name, value, ...]` header array of the
 * request (http-request) or the response (http-response, http-after-response) in place.
 */

import { registerHttpAction, type ActionResult, type RuleSet } from './registry';
import { compileLf, type LfValue } from './lf';
import type { HttpTxn } from '../hooks';
import type { ParsedHead } from '../parser';
import { compileRegex, expandRefs } from './regex';

const ALL: readonly RuleSet[] = ['http-request', 'http-response', 'http-after-response'];

/** The head a rule of this set edits. */
function headOf(set: RuleSet): (txn: HttpTxn) => ParsedHead | undefined {
  return set === 'http-request' ? (t) => t.req : (t) => t.res;
}

/** Removes every header called `lname` (lower-case), case-insensitively. */
export function delHeader(h: string[], lname: string): void {
  let w = 0;
  for (let r = 0; r < h.length; r += 2) {
    if (h[r].length === lname.length && h[r].toLowerCase() === lname) continue;
    if (w !== r) { h[w] = h[r]; h[w + 1] = h[r + 1]; }
    w += 2;
  }
  h.length = w;
}

function lfOrError(v: string): LfValue | string { return compileLf(v); }

function twoArgs(args: string[]): string | undefined {
  if (args.length < 2) return 'expects exactly 2 arguments';
  if (args.length > 2) return `\0${args[2]}`;
  return undefined;
}

function threeArgs(args: string[]): string | undefined {
  if (args.length < 3) return 'expects exactly 3 arguments';
  if (args.length > 3) return `\0${args[3]}`;
  return undefined;
}

/** `del-header <name> [-m str|beg|end|sub|reg]` matchers on the lower-cased name. */
function nameMatcher(name: string, meth: string): ((n: string) => boolean) | string {
  const l = name.toLowerCase();
  switch (meth) {
    case 'str': return (n) => n.length === l.length && n.toLowerCase() === l;
    case 'beg': return (n) => n.toLowerCase().startsWith(l);
    case 'end': return (n) => n.toLowerCase().endsWith(l);
    case 'sub': return (n) => n.toLowerCase().includes(l);
    case 'reg': {
      const re = compileRegex(name, true);
      return typeof re === 'string' ? re : (n) => re.test(n);
    }
    default: return `-m with unsupported matching method '${meth}'`;
  }
}

registerHttpAction([
  {
    name: 'set-header', sets: ALL,
    parse: (args) => twoArgs(args) ?? (typeof compileLf(args[1]) === 'string' ? compileLf(args[1]) as string : undefined),
    compile(args, env) {
      const v = lfOrError(args[1]);
      if (typeof v === 'string') return v;
      const name = args[0];
      const lname = name.toLowerCase();
      const head = headOf(env.set);
      return (txn): ActionResult => {
        const h = head(txn);
        if (!h) return undefined;
        // The value is built before the old one goes: `set-header X %[req.hdr(X)],y` works.
        const val = v(txn);
        delHeader(h.headers, lname);
        h.headers.push(name, val);
        return undefined;
      };
    },
  },
  {
    name: 'add-header', sets: ALL,
    parse: (args) => twoArgs(args) ?? (typeof compileLf(args[1]) === 'string' ? compileLf(args[1]) as string : undefined),
    compile(args, env) {
      const v = lfOrError(args[1]);
      if (typeof v === 'string') return v;
      const name = args[0];
      const head = headOf(env.set);
      return (txn): ActionResult => {
        const h = head(txn);
        if (h) h.headers.push(name, v(txn));
        return undefined;
      };
    },
  },
  {
    name: 'del-header', sets: ALL,
    parse(args) {
      if (args.length < 1) return 'expects at least 1 argument';
      if (args.length === 1) return undefined;
      if (args[1] !== '-m') return `\0${args[1]}`;
      if (args.length < 3) return `-m: missing matching method`;
      const m = nameMatcher(args[0], args[2]);
      if (typeof m === 'string') return m;
      if (args.length > 3) return `\0${args[3]}`;
      return undefined;
    },
    compile(args, env) {
      const head = headOf(env.set);
      if (args.length === 1) {
        const l = args[0].toLowerCase();
        return (txn): ActionResult => { const h = head(txn); if (h) delHeader(h.headers, l); return undefined; };
      }
      const m = nameMatcher(args[0], args[2]);
      if (typeof m === 'string') return m;
      return (txn): ActionResult => {
        const h = head(txn);
        if (!h) return undefined;
        const hs = h.headers;
        let w = 0;
        for (let r = 0; r < hs.length; r += 2) {
          if (m(hs[r])) continue;
          hs[w] = hs[r]; hs[w + 1] = hs[r + 1]; w += 2;
        }
        hs.length = w;
        return undefined;
      };
    },
  },
  ...(['replace-header', 'replace-value'] as const).map((kind) => ({
    name: kind, sets: ALL,
    parse(args: string[]): string | undefined {
      const e = threeArgs(args);
      if (e) return e;
      const re = compileRegex(args[1], false);
      if (typeof re === 'string') return re;
      const f = compileLf(args[2]);
      return typeof f === 'string' ? f : undefined;
    },
    compile(args: string[], env: { set: RuleSet }) {
      const re = compileRegex(args[1], false);
      if (typeof re === 'string') return re;
      const f = compileLf(args[2]);
      if (typeof f === 'string') return f;
      const lname = args[0].toLowerCase();
      const head = headOf(env.set);
      // HAProxy replaces the whole value (or the whole comma-separated item for
      // replace-value) by the expanded format when the regex matches it.
      const one = (val: string, txn: HttpTxn): string => {
        const m = re.exec(val);
        return m ? expandRefs(f(txn), m) : val;
      };
      return (txn: HttpTxn): ActionResult => {
        const h = head(txn);
        if (!h) return undefined;
        const hs = h.headers;
        for (let i = 0; i < hs.length; i += 2) {
          if (hs[i].length !== lname.length || hs[i].toLowerCase() !== lname) continue;
          if (kind === 'replace-header') hs[i + 1] = one(hs[i + 1], txn);
          else hs[i + 1] = hs[i + 1].split(',').map((x) => one(x.trim(), txn)).join(', ');
        }
        return undefined;
      };
    },
  })),
]);
