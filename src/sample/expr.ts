/**
 * Sample expressions: `fetch[(args)][,converter[(args)]]...` such as
 * `req.hdr(host),lower,field(1,:)` (HAProxy: sample.c sample_parse_expr / sample_process).
 * Compiled once into closures; evaluation walks a fixed array of converter steps and
 * allocates nothing beyond what the fetch and converters themselves produce.
 */

import './builtins';
import type { SampleContext, SampleValue } from './context';
import { findConverter, findFetch, type ConverterDef, type FetchDef, type FetchUse, type SampleVisitor } from './registry';
import { checkArgs, readCall, type ArgValue } from './args';
import { castTo, type SampleType } from './types';

/** A compiled sample expression: the value, or undefined when there is no sample. */
export type CompiledSample = (ctx: SampleContext) => SampleValue | undefined;

/** A backend or server named by a fetch argument, resolved by the config post-check. */
export interface SampleRef {
  kind: 'be' | 'srv';
  /** `be` or `be/srv` (or `srv` alone, meaning the current backend). */
  name: string;
  /** 1-based argument position. */
  argPos: number;
  /** Fetch name as written. */
  keyword: string;
}

/** Why an expression failed to compile, so callers can word the message their way. */
export interface SampleExprError {
  /** `fetch`: unknown fetch or bad fetch args; `conv`: unknown converter or bad converter args. */
  where: 'fetch' | 'conv';
  /** The fetch name as written. */
  fetchName: string;
  /** Fetch unknown (the message is then just the name). */
  unknownFetch?: boolean;
  /** HAProxy's message for the failure, without prefix or final dot. */
  message: string;
}

/** A compiled expression with what callers (ACLs, post-checks) need to know about it. */
export interface ParsedSampleExpr {
  /** Single-value evaluation. */
  value: CompiledSample;
  /** Every value (ACL semantics for hdr(), cook() ...), each through the converters. */
  each(ctx: SampleContext, visit: SampleVisitor): boolean;
  fetch: FetchDef;
  /** Output type after the converters. */
  type: SampleType;
  use: FetchUse;
  refs: SampleRef[];
}

export interface ParseSampleOptions {
  /** Where the expression is written (map files record who uses them). */
  src?: { file: string; line: number };
  /** Resolves the fetch name (ACL keywords map `path_beg` to `path`); defaults to the fetch table. */
  resolveFetch?(name: string): FetchDef | undefined;
}

/** One converter step. */
interface Step {
  conv: ConverterDef;
  state: unknown;
}

/** Parses and compiles an expression; returns the compiled form or a structured error. */
export function parseSampleExpr(text: string, opts: ParseSampleOptions = {}): ParsedSampleExpr | { error: SampleExprError } {
  const call = readCall(text, 0);
  const fetchName = call.name;
  const fetch = (opts.resolveFetch ?? findFetch)(fetchName);
  if (!fetch) return { error: { where: 'fetch', fetchName, unknownFetch: true, message: `unknown fetch method '${fetchName}'` } };
  if (call.error) return { error: { where: 'fetch', fetchName, message: call.error } };
  const fa = checkArgs(call.raw, fetch.args ?? [], text.slice(0, call.end));
  if (fa.error) return { error: { where: 'fetch', fetchName, message: fa.error } };
  let fstate: unknown = fa.values;
  if (fetch.prepare) {
    const p = fetch.prepare(fa.values, { src: opts.src });
    if (p.error !== undefined) return { error: { where: 'fetch', fetchName, message: `invalid args in fetch method '${fetchName}' : ${p.error}` } };
    fstate = p.state;
  }
  const refs: SampleRef[] = [];
  (fetch.args ?? []).forEach((spec, i) => {
    if ((spec.type === 'be' || spec.type === 'srv') && fa.values[i] !== undefined) {
      refs.push({ kind: spec.type, name: String(fa.values[i]), argPos: i + 1, keyword: fetchName });
    }
  });

  const steps: Step[] = [];
  let type: SampleType = fetch.out;
  let pos = call.end;
  while (pos < text.length) {
    if (text[pos] !== ',') return { error: { where: 'fetch', fetchName, message: `missing comma after fetch keyword '${fetchName}'` } };
    pos++;
    if (pos >= text.length) break; // a trailing comma is accepted, as HAProxy does
    const cc = readCall(text, pos);
    const conv = findConverter(cc.name);
    if (!conv) return { error: { where: 'conv', fetchName, message: `unknown converter '${cc.name}'` } };
    if (cc.error) return { error: { where: 'conv', fetchName, message: `invalid arg ${cc.errorPos ?? 1} in converter '${cc.name}' : ${cc.error}` } };
    const ca = checkArgs(cc.raw, conv.args ?? [], text.slice(pos, cc.end));
    if (ca.error) return { error: { where: 'conv', fetchName, message: `invalid arg ${ca.errorPos ?? 1} in converter '${cc.name}' : ${ca.error}` } };
    let state: unknown = ca.values;
    if (conv.prepare) {
      const p = conv.prepare(ca.values, { src: opts.src });
      if (p.error !== undefined) return { error: { where: 'conv', fetchName, message: `invalid args in converter '${cc.name}' : ${p.error}` } };
      state = p.state;
    }
    steps.push({ conv, state });
    if (conv.out !== 'any') type = conv.out;
    pos = cc.end;
  }

  const n = steps.length;
  /** Applies the converters to one fetched value. */
  const apply = (ctx: SampleContext, v0: SampleValue | undefined): SampleValue | undefined => {
    let v = v0;
    for (let i = 0; i < n && v !== undefined; i++) {
      const s = steps[i];
      const input = s.conv.in === 'any' ? v : castTo(v, s.conv.in);
      v = input === undefined ? undefined : s.conv.convert(input, s.state, ctx);
    }
    return v;
  };
  const fst = fstate;
  const value: CompiledSample = n === 0 ? (ctx) => fetch.fetch(ctx, fst) : (ctx) => apply(ctx, fetch.fetch(ctx, fst));
  const each = fetch.each
    ? (n === 0
      ? (ctx: SampleContext, visit: SampleVisitor) => fetch.each!(ctx, fst, visit)
      : (ctx: SampleContext, visit: SampleVisitor) => fetch.each!(ctx, fst, (v) => {
        const r = apply(ctx, v);
        return r !== undefined && visit(r);
      }))
    : (ctx: SampleContext, visit: SampleVisitor) => {
      const v = value(ctx);
      return v !== undefined && visit(v);
    };
  return { value, each, fetch, type, use: fetch.use, refs };
}

/**
 * Compiles a sample expression such as `req.hdr(host),lower,field(1,:)`. On error calls
 * `report` once with HAProxy's message (e.g. `unknown fetch method 'x'`,
 * `unknown converter 'x'`, `fetch method 'hdr' : expected ')'`) without a final dot, and
 * returns undefined; callers add their context (`failed to parse sample expression <...> : `).
 */
export function compileSampleExpr(text: string, report: (msg: string) => void): CompiledSample | undefined {
  if (text === '') {
    report('missing fetch method');
    return undefined;
  }
  const r = parseSampleExpr(text);
  if ('error' in r) {
    const e = r.error;
    report(e.where === 'fetch' && !e.unknownFetch && !e.message.startsWith('invalid args')
      ? `fetch method '${e.fetchName}' : ${e.message}` : e.message);
    return undefined;
  }
  return r.value;
}

export type { ArgValue };
