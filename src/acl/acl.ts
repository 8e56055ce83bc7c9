/**
 * One ACL expression: `FETCH[,conv...] [flags] [--] PATTERN...` compiled into a predicate
 * (HAProxy: acl.c parse_acl_expr / acl_exec_cond for one term). Flags: `-i` (ignore case),
 * `-n` (no DNS, accepted), `-f FILE` (patterns from a file), `-m METHOD`, `-M` (files are
 * maps: first column is the pattern), `-u ID` (reference id, kept for the runtime API),
 * `--` (end of flags). The ACL is true when any value of the fetch matches any pattern.
 */

import type { SampleContext, SampleValue } from '../sample/context';
import type { SourceRef } from '../config/model';
import type { FetchUse } from '../sample/registry';
import { findFetch } from '../sample/registry';
import { parseSampleExpr, type SampleRef } from '../sample/expr';
import { readMapFile, readPatternFile } from '../sample/pattern-file';
import { readCall } from '../sample/args';
import { findAclAlias, typeMatcher } from './aliases';
import { findMatcher, type MatchOptions, type MatcherDef, type PatternSet } from './matchers';
import { PatternRef, fileRef, type PatternUser } from './pattern-ref';

/** A compiled ACL term. */
export interface CompiledAcl {
  /** True when a value of the sample matches a pattern. */
  match(ctx: SampleContext): boolean;
  /** What the fetch needs (to warn when used where it can never match). */
  use: FetchUse;
  /** Backends/servers named in fetch arguments, checked after parsing. */
  refs: SampleRef[];
  /** `-u ID` when given. */
  uniqueId?: number;
  /** Pattern sources for the runtime API (`show acl`): files given with `-f`. */
  files: string[];
}

/** Reporting callbacks; `error` messages have no prefix and no final dot. */
export interface AclReport {
  error(msg: string): void;
  warning?(msg: string): void;
}

/**
 * Compiles `words` (fetch word first). Returns undefined after calling `report.error` with
 * HAProxy's text, e.g. `unknown fetch method 'x' in ACL expression 'x'` or
 * `'abc' is not a number`. With `where`, the expression's inline patterns become a pattern
 * reference visible to the runtime API (`show acl`); without it they stay private.
 */
export function compileAclWords(words: readonly string[], report: AclReport, where?: SourceRef): CompiledAcl | undefined {
  const word = words[0] ?? '';
  if (word === '') {
    report.error(`missing fetch method in ACL expression '${word}'`);
    return undefined;
  }
  const kwName = readCall(word, 0).name;
  const alias = findAclAlias(kwName);
  const parsed = parseSampleExpr(word, {
    src: where,
    resolveFetch: (n) => (alias && n === kwName ? findFetch(alias.fetch) : findFetch(n)),
  });
  if ('error' in parsed) {
    const e = parsed.error;
    if (e.unknownFetch) report.error(`unknown fetch method '${e.fetchName}' in ACL expression '${word}'`);
    else if (alias) report.error(`ACL keyword '${kwName}' : ${e.message}${e.where === 'conv' ? '.' : ''}`);
    else if (e.where === 'fetch' && !e.message.startsWith('invalid args')) report.error(`fetch method '${kwName}' : ${e.message} in ACL expression '${word}'`);
    else report.error(`${e.message} in ACL expression '${word}'`);
    return undefined;
  }

  // An ACL keyword chooses the matcher only when no converter follows it (acl.c: aclkw &&
  // !acl_conv_found): `path_beg,lower` matches exactly, by the converted type.
  const hasConv = word.length > readCall(word, 0).end;
  const aliasMatch = alias && !hasConv ? alias : undefined;
  let mName: string | undefined = aliasMatch?.match ?? typeMatcher(parsed.type);
  // HAProxy warns only when nothing at all follows the fetch (flags included).
  if (mName !== undefined && parsed.type !== 'bool' && words.length === 1) {
    report.warning?.(`parsing acl keyword '${word}' :\n  no pattern to match against were provided, so this ACL will never match.\n  If this is what you intended, please add '--' to get rid of this warning.\n  If you intended to match only for existence, please use '-m found'.\n  If you wanted to force an int to match as a bool, please use '-m bool'.\n`);
  }
  const kwForMsg = aliasMatch ? kwName : parsed.fetch.name;

  let icase = false;
  let mapFiles = false;
  let uniqueId: number | undefined;
  const files: string[] = [];
  const refs: PatternRef[] = [];
  const patterns: string[] = [];
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i];
    if (w[0] !== '-') break;
    if (w === '--') { i++; break; }
    if (w === '-i') icase = true;
    else if (w === '-n') { /* no DNS resolution: Fulcrum never resolves patterns */ }
    else if (w === '-M') mapFiles = true;
    else if (w === '-m') {
      if (files.length > 0) {
        report.error(`'-m' must only be specified before patterns and files in parsing ACL expression`);
        return undefined;
      }
      mName = words[++i] ?? '';
      if (!findMatcher(mName)) {
        report.error(`unknown matching method '${mName}' when parsing ACL expression`);
        return undefined;
      }
    } else if (w === '-u') {
      const id = words[++i] ?? '';
      if (!/^-?\d+$/.test(id)) {
        report.error(`the argument of -u must be an integer`);
        return undefined;
      }
      uniqueId = Number(id);
    } else if (w === '-f') {
      if (mName === undefined) {
        report.error(`matching method must be specified first (using '-m') when using a sample fetch of this type ('${kwForMsg}')`);
        return undefined;
      }
      const file = words[++i] ?? '';
      const loaded = mapFiles ? readMapFile(file) : readPatternFile(file);
      if ('error' in loaded) { report.error(loaded.error); return undefined; }
      const { ref, created } = fileRef(mapFiles ? 'map' : 'acl', file, `acl at file '${where?.file ?? ''}' line ${where?.line ?? 0}`);
      if (created) {
        if ('entries' in loaded) for (const e of loaded.entries) ref.push(e.key, e.value);
        else for (const k of loaded.patterns) ref.push(k);
      }
      files.push(file);
      refs.push(ref);
    } else {
      report.error(`'${w}' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'`);
      return undefined;
    }
  }
  if (mName === undefined) {
    report.error(`matching method must be specified first (using '-m') when using a sample fetch of this type ('${kwForMsg}')`);
    return undefined;
  }
  for (; i < words.length; i++) patterns.push(words[i]);

  const matcher = findMatcher(mName)!;
  const ignoresPatterns = mName === 'found' || mName === 'bool';
  const opts: MatchOptions = { icase, dottedVersion: aliasMatch?.dottedVersion };
  const first = matcher.compile(keysOf(refs, patterns), opts);
  if ('error' in first) {
    report.error(first.error);
    return undefined;
  }
  // Every expression owns a reference for its inline patterns (HAProxy creates it after the
  // files), so `add acl #<id>` works on it too.
  const inline = new PatternRef('acl', '', `acl '${kwForMsg}' file '${where?.file ?? ''}' line ${where?.line ?? 0}`, where !== undefined);
  for (const p of patterns) inline.push(p);
  refs.push(inline);
  const expr = new AclPatternExpr(matcher, mName, opts, refs, first, ignoresPatterns);
  for (const r of refs) r.attach(expr);
  return { match: expr.predicate(parsed.each), use: parsed.use, refs: parsed.refs, uniqueId, files };
}

/** All pattern keys of the references, in order (files first, then inline ones). */
function keysOf(refs: readonly PatternRef[], extra: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const r of refs) for (const e of r.entries) out.push(e.key);
  out.push(...extra);
  return out;
}

/**
 * A compiled ACL expression's pattern side: the current set, rebuilt when one of its
 * references changes (runtime API), and the `get acl` description.
 */
class AclPatternExpr implements PatternUser {
  private set: PatternSet;
  private keys: string[];

  constructor(
    private readonly matcher: MatcherDef,
    private readonly matchName: string,
    private readonly opts: MatchOptions,
    private readonly refs: readonly PatternRef[],
    set: PatternSet,
    private readonly ignoresPatterns: boolean,
  ) {
    this.set = set;
    this.keys = keysOf(refs);
  }

  rebuild(): string | undefined {
    const keys = keysOf(this.refs);
    const s = this.matcher.compile(keys, this.opts);
    if ('error' in s) return s.error;
    this.set = s;
    this.keys = keys;
    return undefined;
  }

  /** The run-time predicate; the visitor closure is created once, not per request. */
  predicate(each: (ctx: SampleContext, visit: (v: SampleValue) => boolean) => boolean): (ctx: SampleContext) => boolean {
    const visit = (v: SampleValue): boolean => this.set.find(v) >= 0;
    return (ctx) => (this.ignoresPatterns || this.set.size > 0) && each(ctx, visit);
  }

  /** `get acl` line: `type=beg, case=insensitive, match=yes, idx=list, pattern="/static"`. */
  lookup(sample: string): string {
    const i = this.set.find(sample);
    const tree = this.matchName === 'ip' || ((this.matchName === 'str' || this.matchName === 'beg') && !this.opts.icase);
    let out = `type=${this.matchName}, case=${this.opts.icase ? 'insensitive' : 'sensitive'}, match=${i >= 0 ? 'yes' : 'no'}`;
    if (i >= 0) out += `, idx=${tree ? 'tree' : 'list'}, pattern="${this.keys[i] ?? ''}"`;
    return out;
  }
}
