/**
 * Keyword tables. Each subsystem registers the keywords it owns from its own `keywords.ts`
 * (imported once by src/modules.ts); the parser only looks words up here. The registry also
 * gives "did you mean" suggestions and the `-dK` dump. It knows no keyword semantics.
 */

import type { Config, ProxyConfig, ServerConfig, BindConfig, SourceRef } from './model';
import type { DiagForm } from './diagnostics';

/** Section names as written in the configuration. */
export type SectionName =
  | 'global' | 'defaults' | 'frontend' | 'backend' | 'listen'
  | 'userlist' | 'resolvers' | 'peers' | 'mailers' | 'http-errors' | 'ring' | 'cache' | 'program';

/** Proxy sections a keyword is valid in. */
export type ProxySection = 'defaults' | 'frontend' | 'backend' | 'listen';

export const FRONTEND_SECTIONS: readonly ProxySection[] = ['defaults', 'frontend', 'listen'];
export const BACKEND_SECTIONS: readonly ProxySection[] = ['defaults', 'backend', 'listen'];
export const ALL_PROXY_SECTIONS: readonly ProxySection[] = ['defaults', 'frontend', 'backend', 'listen'];
/** Sections that declare frontend-only things that cannot go in defaults (bind, use_backend). */
export const FRONTEND_ONLY: readonly ProxySection[] = ['frontend', 'listen'];
export const BACKEND_ONLY: readonly ProxySection[] = ['backend', 'listen'];

/** What a keyword handler receives. Handlers report problems through error()/warning(). */
export interface KeywordContext {
  /** All words of the line; args[0] is the keyword (after any `no`/`default` prefix). */
  readonly args: string[];
  readonly file: string;
  readonly line: number;
  readonly section: SectionName;
  /** The section's name (`frontend main` -> 'main'), '' for global. */
  readonly sectionName: string;
  /** The proxy being parsed, in proxy sections. */
  readonly proxy?: ProxyConfig;
  readonly config: Config;
  /** The line started with `no` (e.g. `no option httplog`). */
  readonly negated: boolean;
  /** The line started with `default` (e.g. `default option httplog`, reset to default). */
  readonly reset: boolean;
  /** State object of a non-proxy section (userlist, resolvers ...), as its `start` returned it. */
  readonly sectionState?: unknown;
  /** Source reference of this line. */
  readonly src: SourceRef;
  /**
   * Report a fatal error for this line (the framework adds `parsing [file:line] : `).
   * `form` picks another location form where HAProxy uses one (see DiagForm).
   */
  error(message: string, form?: DiagForm): void;
  warning(message: string, form?: DiagForm): void;
  notice(message: string, form?: DiagForm): void;
  /** An [ALERT] that does not invalidate the configuration (HAProxy's ERR_ALERT alone). */
  softAlert?(message: string, form?: DiagForm): void;
  /** Global `quiet`: nothing reported after this line is printed. */
  muteFollowing?(): void;
}

export interface SectionKeyword {
  /** The keyword (first word), e.g. 'balance', or the second word within a family ('httplog' in 'option'). */
  name: string;
  /** Sections where the keyword is valid. */
  sections: readonly SectionName[];
  /** Accepts a `no` prefix (options). */
  negatable?: boolean;
  /** One-line usage, for `-dK` and error hints. */
  usage?: string;
  parse(ctx: KeywordContext): void;
}

/** Context for server and bind keywords: the words after the address, with a cursor. */
export interface ParamContext {
  readonly args: string[];
  /** Index of the keyword within args. */
  readonly index: number;
  readonly file: string;
  readonly line: number;
  readonly proxy: ProxyConfig;
  readonly config: Config;
  /** True when parsing `default-server`. */
  readonly isDefaultServer: boolean;
  error(message: string, form?: DiagForm): void;
  warning(message: string, form?: DiagForm): void;
}

export interface ServerKeyword {
  name: string;
  /** Number of argument words the keyword takes (not counting itself). */
  argCount: number;
  /** Accepted on `default-server`. */
  defaultServerOk: boolean;
  usage?: string;
  /** Applies the keyword; `args` are the argCount words after it. */
  parse(server: ServerConfig, args: string[], ctx: ParamContext): void;
}

export interface BindKeyword {
  name: string;
  argCount: number;
  usage?: string;
  parse(bind: BindConfig, args: string[], ctx: ParamContext): void;
}

/** A non-proxy section type (userlist, resolvers, ...). */
export interface SectionType {
  name: SectionName;
  /** Called on the section line; returns the state object passed to its keywords. */
  start(ctx: KeywordContext): unknown;
  /** Called when the section ends (next section or end of file). */
  end?(state: unknown, ctx: { config: Config; error(message: string, src?: SourceRef): void }): void;
}

/** Keyword families whose second word selects the handler (`option X`, `timeout X` ...). */
const families = new Map<string, Map<string, SectionKeyword>>();
const keywords = new Map<string, SectionKeyword>();
const serverKeywords = new Map<string, ServerKeyword>();
const bindKeywords = new Map<string, BindKeyword>();
const sectionTypes = new Map<string, SectionType>();
/** Keywords HAProxy has that Fulcrum recognises but does not implement: name -> advice. */
const unsupported = new Map<string, { sections: readonly SectionName[]; advice: string; fatal: boolean }>();

function dupCheck(map: Map<string, unknown>, name: string, what: string): void {
  if (map.has(name)) throw new Error(`internal: ${what} '${name}' registered twice`);
}

/** Registers top-level section keywords. */
export function registerKeywords(list: SectionKeyword[]): void {
  for (const kw of list) {
    dupCheck(keywords, kw.name, 'keyword');
    keywords.set(kw.name, kw);
  }
}

/**
 * Registers keywords of a family: `registerFamily('option', [{ name: 'httplog', ... }])`
 * handles `option httplog`. The family word itself must not be a plain keyword.
 */
export function registerFamily(family: string, list: SectionKeyword[]): void {
  let table = families.get(family);
  if (!table) {
    table = new Map();
    families.set(family, table);
  }
  for (const kw of list) {
    dupCheck(table, kw.name, `${family} keyword`);
    table.set(kw.name, kw);
  }
}

export function registerServerKeywords(list: ServerKeyword[]): void {
  for (const kw of list) {
    dupCheck(serverKeywords, kw.name, 'server keyword');
    serverKeywords.set(kw.name, kw);
  }
}

export function registerBindKeywords(list: BindKeyword[]): void {
  for (const kw of list) {
    dupCheck(bindKeywords, kw.name, 'bind keyword');
    bindKeywords.set(kw.name, kw);
  }
}

export function registerSectionType(t: SectionType): void {
  dupCheck(sectionTypes, t.name, 'section');
  sectionTypes.set(t.name, t);
}

/**
 * Declares an HAProxy keyword Fulcrum does not implement, so it is reported (as an alert
 * when `fatal`, otherwise a warning) with `advice` instead of "unknown keyword".
 */
export function registerUnsupported(name: string, sections: readonly SectionName[], advice: string, fatal = false): void {
  unsupported.set(name, { sections, advice, fatal });
}

export function findKeyword(name: string): SectionKeyword | undefined { return keywords.get(name); }
export function findFamily(name: string): Map<string, SectionKeyword> | undefined { return families.get(name); }
export function findServerKeyword(name: string): ServerKeyword | undefined { return serverKeywords.get(name); }
export function findBindKeyword(name: string): BindKeyword | undefined { return bindKeywords.get(name); }
export function findSectionType(name: string): SectionType | undefined { return sectionTypes.get(name); }
export function findUnsupported(name: string): { sections: readonly SectionName[]; advice: string; fatal: boolean } | undefined { return unsupported.get(name); }
export function isFamily(name: string): boolean { return families.has(name); }

/** All keyword names valid in a section (family members as `family member`). */
export function keywordNames(section?: SectionName): string[] {
  const out: string[] = [];
  for (const kw of keywords.values()) if (!section || kw.sections.includes(section)) out.push(kw.name);
  for (const [family, table] of families) {
    for (const kw of table.values()) if (!section || kw.sections.includes(section)) out.push(`${family} ${kw.name}`);
  }
  return out;
}

export function familyMemberNames(family: string, section?: SectionName): string[] {
  const table = families.get(family);
  if (!table) return [];
  return [...table.values()].filter((k) => !section || k.sections.includes(section)).map((k) => k.name);
}

export function serverKeywordNames(): string[] { return [...serverKeywords.keys()]; }
export function bindKeywordNames(): string[] { return [...bindKeywords.keys()]; }
export function sectionTypeNames(): string[] { return [...sectionTypes.keys()]; }

/**
 * Closest candidate to `word`, or undefined when nothing is close enough. Same measure as
 * HAProxy's cfg_find_best_match() so that suggestions agree with it: a word's fingerprint
 * counts its transitions between character classes (each letter case-insensitively, digits,
 * and "other" which also stands for the word's begin and end) plus one mark per class
 * present; the distance is the sum of absolute count differences, and the best candidate
 * is dropped when its distance exceeds twice the length of either word. Ties keep the first.
 */
export function bestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const sig = fingerprint(word);
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = fingerprintDistance(sig, fingerprint(c));
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  if (best === undefined || bestDist > 2 * word.length || bestDist > 2 * best.length) return undefined;
  return best;
}

/** Fingerprint classes: 1..26 letters, 27 digit, 28 anything else and the word's edges. */
const EDGE = 28;
function charClass(c: string): number {
  const code = c.toLowerCase().charCodeAt(0);
  if (code >= 97 && code <= 122) return code - 96;
  if (code >= 48 && code <= 57) return 27;
  return EDGE;
}

/** Sparse fingerprint: key from*32+to counts transitions; key `to` (row 0) marks presence. */
function fingerprint(word: string): Map<number, number> {
  const fp = new Map<number, number>();
  let from = EDGE;
  for (const c of word) {
    const to = charClass(c);
    fp.set(to, 1);
    fp.set(from * 32 + to, (fp.get(from * 32 + to) ?? 0) + 1);
    from = to;
  }
  fp.set(from * 32 + EDGE, (fp.get(from * 32 + EDGE) ?? 0) + 1);
  return fp;
}

function fingerprintDistance(a: Map<number, number>, b: Map<number, number>): number {
  let d = 0;
  for (const [k, v] of a) d += Math.abs(v - (b.get(k) ?? 0));
  for (const [k, v] of b) if (!a.has(k)) d += v;
  return d;
}

/** Lines for `-dK`: every registered keyword grouped by section. */
export function dumpKeywords(): string[] {
  const out: string[] = [];
  const sections: SectionName[] = ['global', 'defaults', 'frontend', 'backend', 'listen', ...sectionTypeNames() as SectionName[]];
  for (const s of [...new Set(sections)]) {
    out.push(`${s}`);
    for (const k of keywordNames(s).sort()) out.push(`\t${k}`);
  }
  out.push('server');
  for (const k of serverKeywordNames().sort()) out.push(`\t${k}`);
  out.push('bind');
  for (const k of bindKeywordNames().sort()) out.push(`\t${k}`);
  return out;
}
