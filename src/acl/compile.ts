/**
 * `if` / `unless` conditions (HAProxy: acl.c parse_acl_cond / acl_exec_cond). A condition is
 * a disjunction (`||` or `or`) of suites; a suite is a conjunction of terms written one after
 * the other; a term is a named ACL, a predefined ACL or an anonymous `{ FETCH flags VALUES }`
 * ACL, optionally negated with `!` (attached or as its own word). A named ACL declared on
 * several lines is the OR of its lines. Named ACLs are compiled once per declaration and
 * cached, so every rule referencing them shares the same compiled form.
 */

import type { AclConfig, ConditionConfig, ProxyConfig, SourceRef } from '../config/model';
import type { SampleContext } from '../sample/context';
import type { FetchUse } from '../sample/registry';
import type { SampleRef } from '../sample/expr';
import { compileAclWords, type CompiledAcl } from './acl';
import { PREDEFINED_ACLS } from './predefined';

/** A compiled condition, `if`/`unless` polarity applied. */
export type CompiledCondition = (ctx: SampleContext) => boolean;

/** One term of a compiled condition, for analysis (post-checks, explanations). */
export interface ConditionTerm {
  /** ACL name, or '' for an anonymous ACL. */
  name: string;
  negated: boolean;
  /** Fetch needs of every expression behind the term. */
  uses: FetchUse[];
  refs: SampleRef[];
}

/** A compiled condition with its structure. */
export interface ConditionInfo {
  test: CompiledCondition;
  /** Suites (OR) of terms (AND). */
  suites: ConditionTerm[][];
}

/** Compiled named ACL declarations, by declaration object (null: failed to compile). */
const declCache = new WeakMap<AclConfig, CompiledAcl | null>();
/**
 * Anonymous ACLs by condition object and word index, so that the post-check and the data
 * plane compiling the same rule share one compiled ACL (and one pattern reference).
 */
const anonCache = new WeakMap<ConditionConfig, Map<number, CompiledAcl>>();
const predefinedCache = new Map<string, CompiledAcl>();

/**
 * Compiles one `acl` declaration (cached by object identity). Errors go to `report` with
 * HAProxy's text, without prefix or final dot; `warn` gets the no-pattern warning.
 */
export function compileAclDecl(acl: AclConfig, report?: (msg: string) => void, warn?: (msg: string) => void): CompiledAcl | undefined {
  const hit = declCache.get(acl);
  if (hit !== undefined) return hit ?? undefined;
  const c = compileAclWords(acl.words, { error: (m) => report?.(m), warning: warn }, acl.src);
  declCache.set(acl, c ?? null);
  return c;
}

function predefined(name: string): CompiledAcl | undefined {
  let c = predefinedCache.get(name);
  if (c) return c;
  const words = PREDEFINED_ACLS.get(name);
  if (!words) return undefined;
  c = compileAclWords(words, { error: (m) => { throw new Error(`internal: predefined ACL ${name}: ${m}`); } });
  predefinedCache.set(name, c!);
  return c;
}

/** A term's predicate and metadata. */
interface Term {
  test: (ctx: SampleContext) => boolean;
  negated: boolean;
  info: ConditionTerm;
}

/**
 * The named ACL `name` of `proxy` (all its lines OR'ed), or a predefined one. Only lines
 * declared before the condition count: HAProxy resolves names while reading the rule, so an
 * ACL declared further down is "no such ACL" there.
 */
function resolveNamed(name: string, proxy: ProxyConfig, at: SourceRef): { test: (ctx: SampleContext) => boolean; parts: CompiledAcl[] } | undefined {
  const parts: CompiledAcl[] = [];
  for (const a of proxy.acls) {
    if (a.name !== name) continue;
    if (a.src.file === at.file && a.src.line >= at.line) continue;
    const c = compileAclDecl(a);
    if (c) parts.push(c);
  }
  if (parts.length === 0) {
    const p = predefined(name);
    if (!p) return undefined;
    parts.push(p);
  }
  if (parts.length === 1) return { test: parts[0].match, parts };
  const fns = parts.map((p) => p.match);
  return {
    parts,
    test: (ctx) => {
      for (let i = 0; i < fns.length; i++) if (fns[i](ctx)) return true;
      return false;
    },
  };
}

/**
 * Compiles a condition and returns its structure too. Errors: `no such ACL : 'x'`,
 * `missing closing '}' in condition`, or an anonymous ACL's own error (e.g.
 * `unknown fetch method 'x' in ACL expression 'x'`), reported without a final dot.
 */
export function compileConditionInfo(cond: ConditionConfig, proxy: ProxyConfig, report: (msg: string) => void, warn?: (msg: string) => void): ConditionInfo | undefined {
  const words = cond.words;
  const suites: Term[][] = [];
  let suite: Term[] | undefined;
  let neg = false;
  for (let i = 0; i < words.length; i++) {
    let w = words[i];
    if (w === '||' || w === 'or') {
      suite = undefined;
      neg = false;
      continue;
    }
    while (w.startsWith('!')) {
      neg = !neg;
      w = w.slice(1);
    }
    if (w === '') continue; // a lone '!' negates the next term
    let term: Term;
    if (w === '{') {
      const close = words.indexOf('}', i + 1);
      if (close < 0) {
        report(`missing closing '}' in condition`);
        return undefined;
      }
      let cache = anonCache.get(cond);
      let c = cache?.get(i);
      if (!c) {
        let failed = false;
        c = compileAclWords(words.slice(i + 1, close), { error: (m) => { failed = true; report(m); }, warning: warn }, cond.src);
        if (!c || failed) return undefined;
        if (!cache) { cache = new Map(); anonCache.set(cond, cache); }
        cache.set(i, c);
      }
      term = { test: c.match, negated: neg, info: { name: '', negated: neg, uses: [c.use], refs: c.refs } };
      i = close;
    } else {
      const r = resolveNamed(w, proxy, cond.src);
      if (!r) {
        report(`no such ACL : '${w}'`);
        return undefined;
      }
      term = {
        test: r.test, negated: neg,
        info: { name: w, negated: neg, uses: r.parts.map((p) => p.use), refs: r.parts.flatMap((p) => p.refs) },
      };
    }
    if (!suite) {
      suite = [];
      suites.push(suite);
    }
    suite.push(term);
    neg = false;
  }
  const test = buildTest(suites, cond.polarity === 'unless');
  return { test, suites: suites.map((s) => s.map((t) => t.info)) };
}

/** Builds the evaluation closure over fixed arrays (no allocation per evaluation). */
function buildTest(suites: Term[][], invert: boolean): CompiledCondition {
  const fns = suites.map((s) => s.map((t) => t.test));
  const negs = suites.map((s) => s.map((t) => t.negated));
  // Common shape `if acl`: one term, no loop.
  if (fns.length === 1 && fns[0].length === 1) {
    const f = fns[0][0];
    const flip = negs[0][0] !== invert;
    return flip ? (ctx) => !f(ctx) : f;
  }
  return (ctx) => {
    let res = false;
    for (let s = 0; s < fns.length && !res; s++) {
      const terms = fns[s];
      const n = negs[s];
      let ok = true;
      for (let t = 0; t < terms.length; t++) {
        if (terms[t](ctx) === n[t]) { ok = false; break; }
      }
      res = ok;
    }
    return invert ? !res : res;
  };
}

/**
 * Compiles an if/unless condition against the proxy's named ACLs (and HAProxy's predefined
 * ACLs). Reports errors through report() in HAProxy's wording, without a final dot (callers
 * wrap them, e.g. `error detected while parsing switching rule : <msg>.`); returns undefined
 * on error. A condition with no term (`if !`) is false, as in HAProxy.
 * @example compileCondition({ polarity: 'if', words: ['url_static'], src }, proxy, report)
 */
export function compileCondition(cond: ConditionConfig, proxy: ProxyConfig, report: (msg: string) => void): CompiledCondition | undefined {
  return compileConditionInfo(cond, proxy, report)?.test;
}
