/**
 * One ACL expression: `FETCH[,conv...] [flags] [--] PATTERN...` compiled into a predicate
 * (HAProxy: acl.c parse_acl_expr / acl_exec_cond for one term). Flags: `-i` (ignore case),
 * `-n` (no DNS, accepted), `-f FILE` (patterns from a file), `-m METHOD`, `-M` (files are
 * maps: first column is the pattern), `-u ID` (reference id, kept for the runtime API),
 * `--` (end of flags). The ACL is true when any value of the fetch matches any pattern.
 */

import type { SampleContext } from '../sample/context';
import type { FetchUse } from '../sample/registry';
import { findFetch } from '../sample/registry';
import { parseSampleExpr, type SampleRef } from '../sample/expr';
import { readMapFile, readPatternFile } from '../sample/pattern-file';
import { readCall } from '../sample/args';
import { findAclAlias, typeMatcher } from './aliases';
import { findMatcher, type PatternSet } from './matchers';

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
 * `'abc' is not a number`.
 */
export function compileAclWords(words: readonly string[], report: AclReport): CompiledAcl | undefined {
  const word = words[0] ?? '';
  if (word === '') {
    report.error(`missing fetch method in ACL expression '${word}'`);
    return undefined;
  }
  const kwName = readCall(word, 0).name;
  const alias = findAclAlias(kwName);
  const parsed = parseSampleExpr(word, {
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
      files.push(file);
      if (mapFiles) {
        const r = readMapFile(file);
        if ('error' in r) { report.error(r.error); return undefined; }
        for (const e of r.entries) patterns.push(e.key);
      } else {
        const r = readPatternFile(file);
        if ('error' in r) { report.error(r.error); return undefined; }
        patterns.push(...r.patterns);
      }
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
  const set = matcher.compile(patterns, { icase, dottedVersion: aliasMatch?.dottedVersion });
  if ('error' in set) {
    report.error(set.error);
    return undefined;
  }
  return { match: buildMatch(parsed.each, set, ignoresPatterns || set.size > 0), use: parsed.use, refs: parsed.refs, uniqueId, files };
}

/** The run-time predicate; the visitor closure is created once, not per request. */
function buildMatch(
  each: (ctx: SampleContext, visit: (v: import('../sample/context').SampleValue) => boolean) => boolean,
  set: PatternSet,
  canMatch: boolean,
): (ctx: SampleContext) => boolean {
  if (!canMatch) return () => false;
  const visit = (v: import('../sample/context').SampleValue): boolean => set.find(v) >= 0;
  return (ctx) => each(ctx, visit);
}
