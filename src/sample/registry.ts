/**
 * The fetch and converter tables (HAProxy: sample_register_fetches / sample_register_convs).
 * Each fetch or converter is one table entry declared in the file for its family
 * (fetch-l4.ts, fetch-http.ts, conv-string.ts ...); sample/expr.ts looks names up here.
 */

import type { SampleContext, SampleValue } from './context';
import type { SampleType } from './types';
import type { ArgSpec, ArgValue } from './args';

/**
 * What a fetch needs to be valid (HAProxy's SMP_USE_* groups, simplified): `internal` works
 * everywhere, `l4` once the connection exists, `req` on an HTTP request (or the request
 * buffer in TCP), `res` only while processing the response.
 */
export type FetchUse = 'internal' | 'l4' | 'req' | 'res';

/** Result of a compile-time check: a state passed to the runtime function, or an error. */
export type Prepared = { state: unknown; error?: undefined } | { error: string; state?: undefined };

/** Where the expression being compiled was written (for pattern reference descriptions). */
export interface PrepareEnv {
  src?: { file: string; line: number };
}

/** Visitor for multi-valued fetches; return true to stop the iteration. */
export type SampleVisitor = (v: SampleValue) => boolean;

export interface FetchDef {
  name: string;
  out: SampleType;
  use: FetchUse;
  args?: readonly ArgSpec[];
  /**
   * Compile-time preparation of the arguments (validate names, compile regexes). The
   * returned state is passed to fetch()/each(). Without it, the state is the ArgValue[].
   */
  prepare?(args: ArgValue[], env: PrepareEnv): Prepared;
  /** Single-value fetch (sample expression semantics: e.g. the last header occurrence). */
  fetch(ctx: SampleContext, state: any): SampleValue | undefined;
  /**
   * Multi-value fetch for ACLs (HAProxy's SMP_F_NOT_LAST loop): calls `visit` for every
   * value until it returns true; returns true when stopped by visit. Used when present and
   * the expression is evaluated by an ACL.
   */
  each?(ctx: SampleContext, state: any, visit: SampleVisitor): boolean;
}

export interface ConverterDef {
  name: string;
  /** Input type the sample is cast to before convert() (`any`: untouched). */
  in: SampleType;
  out: SampleType;
  args?: readonly ArgSpec[];
  /**
   * Compile-time preparation (regex, map file, variable name). Errors are reported as
   * `invalid args in converter '<name>' : <error>`.
   */
  prepare?(args: ArgValue[], env: PrepareEnv): Prepared;
  /** Returns the converted sample, or undefined when the conversion fails (no sample). */
  convert(v: SampleValue, state: any, ctx: SampleContext): SampleValue | undefined;
}

const fetches = new Map<string, FetchDef>();
const converters = new Map<string, ConverterDef>();

/** Registers fetches; a name registered twice is a programming error. */
export function registerFetches(list: readonly FetchDef[]): void {
  for (const f of list) {
    if (fetches.has(f.name)) throw new Error(`internal: sample fetch '${f.name}' registered twice`);
    fetches.set(f.name, f);
  }
}

/** Registers converters; a name registered twice is a programming error. */
export function registerConverters(list: readonly ConverterDef[]): void {
  for (const c of list) {
    if (converters.has(c.name)) throw new Error(`internal: converter '${c.name}' registered twice`);
    converters.set(c.name, c);
  }
}

export function findFetch(name: string): FetchDef | undefined { return fetches.get(name); }
export function findConverter(name: string): ConverterDef | undefined { return converters.get(name); }
/** Registered fetch names (for `-dK`-style dumps and suggestions). */
export function fetchNames(): string[] { return [...fetches.keys()]; }
export function converterNames(): string[] { return [...converters.keys()]; }
