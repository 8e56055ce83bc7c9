/**
 * The section state machine (HAProxy: cfgparse.c readcfgfile). Reads files line by line,
 * lexes them, applies conditional blocks, opens sections and dispatches every other line to
 * the keyword registry. Never throws for user errors: everything lands in {@link Diagnostics}
 * so that one run reports all of them, except where HAProxy itself stops reading (a proxy
 * without a name, a broken `.if` block, an unknown `from` defaults): then the rest of the
 * file is skipped and `diag.aborted` is set, as HAProxy's ERR_ABORT does.
 */

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lexLine } from './lexer';
import { evaluateCondition } from './conditions';
import { Diagnostics, type DiagForm } from './diagnostics';
import {
  bestMatch, findFamily, findKeyword, findSectionType, findUnsupported, isFamily, keywordNames,
  familyMemberNames, sectionTypeNames, type KeywordContext, type SectionName,
} from './registry';
import {
  haproxyFamilyMembers, haproxyHasFamily, haproxyHasKeyword, haproxyKeywordNames, haproxyProxySections, HAPROXY_OTHER_SECTIONS,
} from './haproxy-keywords';
import { newConfig, newProxyConfig, type Config, type ProxyCap, type ProxyConfig } from './model';

const PROXY_SECTIONS = new Set(['defaults', 'frontend', 'backend', 'listen']);

/** Words HAProxy keeps per line (MAX_LINE_ARGS). */
const MAX_LINE_ARGS = 64;

export interface ParseResult {
  config: Config;
  diagnostics: Diagnostics;
}

/**
 * Expands `-f` arguments: a directory contributes its `*.cfg` files in lexical order
 * (management.txt §2 "-f"); other files in it are ignored. Unreadable paths are reported.
 */
export function expandConfigPaths(paths: string[], diag: Diagnostics): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      diag.alert(`Cannot open configuration file/directory ${p} : ${describeFsError(e)}`);
      continue;
    }
    if (st.isDirectory()) {
      let files: string[];
      try {
        files = readdirSync(p).filter((f) => f.endsWith('.cfg')).sort();
      } catch (e) {
        diag.alert(`Could not open configuration directory ${p} : ${describeFsError(e)}`);
        continue;
      }
      for (const f of files) {
        const full = join(p, f);
        try {
          if (statSync(full).isFile()) out.push(full);
        } catch { /* vanished while listing: ignore as HAProxy does */ }
      }
    } else out.push(p);
  }
  return out;
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return (e as Error).message;
}

/** Mutable state while parsing (shared across files: sections end at file end). */
interface ParserState {
  config: Config;
  diag: Diagnostics;
  /** Current section; 'unsupported' swallows the lines of a section Fulcrum lacks. */
  section: SectionName | '' | 'unsupported';
  sectionName: string;
  proxy?: ProxyConfig;
  sectionState?: unknown;
  /** Last defaults section declared (anonymous or named): what new proxies inherit. */
  lastDefaults?: ProxyConfig;
  /** Every defaults section in order, to detect ambiguous `from` references. */
  allDefaults: ProxyConfig[];
  /** Set by an error that stops reading the current file (HAProxy's ERR_ABORT). */
  abort: boolean;
}

function newState(diag: Diagnostics): ParserState {
  return { config: newConfig(), diag, section: '', sectionName: '', allDefaults: [], abort: false };
}

/**
 * Parses the given files (already expanded) into one Config. After each file that had
 * errors, adds HAProxy's `Error(s) found in configuration file : F`; stops after a file
 * whose parsing aborted.
 */
export function parseFiles(files: string[], diag = new Diagnostics()): ParseResult {
  const st = newState(diag);
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      diag.alert(`Could not open configuration file ${file} : ${describeFsError(e)}`);
      continue;
    }
    st.config.files.push(file);
    parseOneFile(st, file, text);
    if (diag.aborted) break;
  }
  return { config: st.config, diagnostics: diag };
}

/** Parses configuration text directly (tests, stdin), with the same summary lines. */
export function parseString(text: string, file = 'inline.cfg', diag = new Diagnostics()): ParseResult {
  const st = newState(diag);
  st.config.files.push(file);
  parseOneFile(st, file, text);
  return { config: st.config, diagnostics: diag };
}

function parseOneFile(st: ParserState, file: string, text: string): void {
  const before = st.diag.errorCount;
  st.abort = false;
  parseText(st, file, text);
  endSection(st);
  if (st.abort) st.diag.aborted = true;
  if (st.diag.errorCount > before) st.diag.alert(`Error(s) found in configuration file : ${file}`);
}

interface CondFrame {
  /** Some branch of this block has already been taken. */
  taken: boolean;
  /** Lines are currently being applied. */
  active: boolean;
  /** The enclosing block was active. */
  parentActive: boolean;
  seenElse: boolean;
  line: number;
}

/**
 * `${.FILE}`, `${.LINE}` and `${.SECTION}` (configuration.txt §2.3): the current file, line
 * and section (`global`, or the proxy or section name).
 */
function pseudoVariable(st: ParserState, file: string, line: number, name: string): string | undefined {
  if (name === '.FILE') return file;
  if (name === '.LINE') return String(line);
  if (name === '.SECTION') return st.section === 'global' ? 'global' : st.sectionName;
  return undefined;
}

/** HAProxy's two-line excerpt under a positioned error: the line, then a caret. */
function caretExcerpt(line: string, index: number): string {
  const lead = line.length - line.trimStart().length;
  return `\n  ${line.trimStart().replace(/\r$/, '')}\n  ${' '.repeat(Math.max(0, index - lead))}^`;
}

function parseText(st: ParserState, file: string, text: string): void {
  const lines = text.split('\n');
  const conds: CondFrame[] = [];
  const active = (): boolean => conds.length === 0 || conds[conds.length - 1].active;
  for (let i = 0; i < lines.length && !st.abort; i++) {
    const lineNo = i + 1;
    const raw = lines[i];
    const lx = lexLine(raw, (name) => pseudoVariable(st, file, lineNo, name) ?? process.env[name]);
    if (lx.error) {
      if (active()) {
        const idx = lx.errorIndex ?? 0;
        st.diag.alert(`${lx.error} at position ${idx + 1}:${caretExcerpt(raw, idx)}`, file, lineNo, 'parsing-tight');
      }
      continue;
    }
    let words = lx.words;
    if (words.length === 0) continue;
    if (words.length > MAX_LINE_ARGS && active()) {
      // HAProxy keeps the first 64 words (MAX_LINE_ARGS) and reports where it cut.
      const lead = raw.length - raw.trimStart().length;
      st.diag.alert(`too many words, truncating after word ${MAX_LINE_ARGS}, position ${lx.starts[MAX_LINE_ARGS - 1] - lead + 1}: <${words[MAX_LINE_ARGS - 1]}>.`, file, lineNo, 'parsing-tight');
      words = words.slice(0, MAX_LINE_ARGS);
    }
    if (words[0].startsWith('.')) {
      handleDirective(st, file, lineNo, words, conds, active());
      continue;
    }
    if (!active()) continue;
    dispatchLine(st, file, lineNo, words);
  }
  if (conds.length > 0 && !st.abort) {
    st.diag.alert(`non-terminated '.if' block.`, file, conds[0].line, 'parsing-tight');
    st.abort = true;
  }
}

/** `.diag/.notice/.warning/.alert` severities (configuration.txt §2.4). */
const MESSAGE_DIRECTIVES: Record<string, 'alert' | 'warning' | 'notice' | 'diag'> = {
  '.alert': 'alert', '.warning': 'warning', '.notice': 'notice', '.diag': 'diag',
};

function handleDirective(st: ParserState, file: string, line: number, words: string[], conds: CondFrame[], active: boolean): void {
  const d = words[0];
  const rest = words.slice(1);
  const top = conds[conds.length - 1];
  const fatal = (msg: string): void => {
    st.diag.alert(msg, file, line, 'parsing-tight');
    st.abort = true;
  };
  const evaluate = (): boolean | undefined => {
    const r = evaluateCondition(rest);
    if (r.error === undefined) return r.value;
    const pos = r.position ?? 1;
    const shown = `${d} ${rest.join(' ')}`;
    fatal(`${r.error} in '${d}' at position ${pos}:${caretExcerpt(shown, d.length + pos)}`);
    return undefined;
  };
  if (d === '.if') {
    let value = false;
    if (active) {
      const v = evaluate();
      if (v === undefined) return;
      value = v;
    }
    conds.push({ taken: value, active: active && value, parentActive: active, seenElse: false, line });
    return;
  }
  if (d === '.elif') {
    if (!top) return fatal(`lone '.elif' with no matching '.if'.`);
    if (top.seenElse) return fatal(`'.elif' after '.else' is not permitted.`);
    if (top.taken || !top.parentActive) { top.active = false; return; }
    const v = evaluate();
    if (v === undefined) return;
    top.active = v;
    top.taken = v;
    return;
  }
  if (d === '.else') {
    if (!top) return fatal(`lone '.else' with no matching '.if'.`);
    if (top.seenElse) return fatal(`'.else' after '.else' is not permitted.`);
    top.seenElse = true;
    top.active = top.parentActive && !top.taken;
    top.taken = true;
    return;
  }
  if (d === '.endif') {
    if (!top) return fatal(`lone '.endif' with no matching '.if'.`);
    conds.pop();
    return;
  }
  if (!active) return;
  const sev = MESSAGE_DIRECTIVES[d];
  if (!sev) {
    st.diag.alert(`unknown directive '${d}'.`, file, line, 'parsing-tight');
    return;
  }
  // One argument only: HAProxy asks for quotes rather than joining words.
  if (rest.length > 1) {
    st.diag.alert(`Unexpected argument '${rest[1]}' for '${d}'. Use quotes if the message should contain spaces.`, file, line, 'parsing-tight');
    return;
  }
  st.diag.add(sev, `'${rest[0] ?? ''}'.`, file, line, 'parsing-tight');
}

function isSectionWord(w: string): boolean {
  return w === 'global' || PROXY_SECTIONS.has(w) || findSectionType(w) !== undefined || HAPROXY_OTHER_SECTIONS.has(w);
}

function endSection(st: ParserState): void {
  if (st.section && !PROXY_SECTIONS.has(st.section) && st.section !== 'global' && st.section !== 'unsupported') {
    const t = findSectionType(st.section);
    t?.end?.(st.sectionState, {
      config: st.config,
      error: (m, src) => st.diag.alert(m, src?.file, src?.line),
    });
  }
  st.section = '';
  st.proxy = undefined;
  st.sectionState = undefined;
}

function makeContext(st: ParserState, file: string, line: number, args: string[], negated: boolean, reset: boolean): KeywordContext {
  const diag = st.diag;
  return {
    args, file, line, negated, reset,
    section: st.section as SectionName,
    sectionName: st.sectionName,
    proxy: st.proxy,
    config: st.config,
    sectionState: st.sectionState,
    src: { file, line },
    error: (m, form?: DiagForm) => diag.alert(m, file, line, form),
    warning: (m, form?: DiagForm) => diag.warning(m, file, line, form),
    notice: (m, form?: DiagForm) => diag.notice(m, file, line, form),
    softAlert: (m, form?: DiagForm) => diag.softAlert(m, file, line, form),
    muteFollowing: () => { diag.mutedFrom ??= diag.items.length; },
  };
}

function openSection(st: ParserState, file: string, line: number, words: string[]): void {
  endSection(st);
  const kind = words[0];
  if (kind === 'global') {
    // Several global sections are merged, as HAProxy does: nothing to reset.
    st.section = 'global';
    st.sectionName = '';
    return;
  }
  if (PROXY_SECTIONS.has(kind)) {
    openProxy(st, file, line, kind as ProxyCap, words);
    return;
  }
  const t = findSectionType(kind);
  if (!t) {
    st.diag.alert(`'${kind}' is not supported by Fulcrum yet.`, file, line);
    st.section = 'unsupported';
    st.sectionName = words[1] ?? '';
    return;
  }
  st.section = kind as SectionName;
  st.sectionName = words[1] ?? '';
  st.sectionState = t.start(makeContext(st, file, line, words, false, false));
}

/** Characters HAProxy allows in proxy names (invalid_char() in tools.c). */
const NAME_CHAR = /^[A-Za-z0-9_.:-]$/;

/** HAProxy's proxy_type_str(): how messages name each kind of proxy. */
const TYPE_STR: Record<ProxyCap, string> = { frontend: 'frontend', backend: 'backend', listen: 'proxy', defaults: 'defaults' };

function hasFe(cap: ProxyCap): boolean { return cap === 'frontend' || cap === 'listen'; }

function openProxy(st: ParserState, file: string, line: number, cap: ProxyCap, words: string[]): void {
  const diag = st.diag;
  // `defaults [NAME] [from DEFAULTS]`, `frontend NAME [from DEFAULTS]` (configuration.txt §4).
  let rest = words.slice(1);
  let name = '';
  if (rest.length > 0 && rest[0] !== 'from') { name = rest[0]; rest = rest.slice(1); }
  st.section = cap;
  st.sectionName = name;
  if (cap !== 'defaults' && !name) {
    diag.alert(`'${cap}' expects an <id> argument`, file, line);
    st.abort = true;
    return;
  }
  const bad = [...name].find((c) => !NAME_CHAR.test(c));
  if (bad !== undefined) diag.alert(`character '${bad}' is not permitted in '${cap}' name '${name}'.`, file, line);
  let fromName: string | undefined;
  if (rest.length > 0) {
    if (rest[0] !== 'from' || rest.length !== 2) {
      // HAProxy 1.x let `listen NAME ADDR` declare an address; 2.x rejects any extra word so.
      diag.alert(`please use the 'bind' keyword for listening addresses.`, file, line);
    } else fromName = rest[1];
  }

  let base: ProxyConfig | undefined = st.lastDefaults;
  if (fromName !== undefined) {
    const matches = st.allDefaults.filter((d) => d.name === fromName);
    if (matches.length === 0) {
      diag.alert(`defaults section '${fromName}' not found for ${TYPE_STR[cap]} '${name}'.`, file, line);
      st.abort = true;
      return;
    }
    if (matches.length > 1) {
      diag.alert(`ambiguous defaults section name '${fromName}' referenced by ${TYPE_STR[cap]} '${name}' exists at least at ${matches[0].src.file}:${matches[0].src.line} and ${matches[1].src.file}:${matches[1].src.line}.`, file, line);
    }
    base = matches[matches.length - 1];
  }
  const src = { file, line };
  let proxy: ProxyConfig;
  if (base) {
    proxy = structuredClone(base);
    proxy.name = name;
    proxy.cap = cap;
    proxy.src = src;
    proxy.defaultsName = base.name;
    proxy.id = 0;
    proxy.binds = [];
    proxy.servers = [];
    proxy.switchingRules = [];
    proxy.acls = cap === 'defaults' ? proxy.acls : [];
  } else {
    proxy = newProxyConfig(name, cap, src);
  }
  if (cap === 'defaults') {
    st.allDefaults.push(proxy);
    st.config.defaults.set(name, proxy);
    st.lastDefaults = proxy;
  } else {
    // cfg_parse_listen: a proxy with frontend capability clashes with any other one having
    // it, a backend with any other backend-capable one (so `frontend X` + `backend X` is fine).
    const clash = st.config.proxies.find((o) => o.name === name && (hasFe(cap) ? hasFe(o.cap) : o.cap !== 'frontend'));
    if (clash) {
      diag.alert(`${TYPE_STR[cap]} '${name}' has the same name as ${TYPE_STR[clash.cap]} '${name}' declared at ${clash.src.file}:${clash.src.line}.`, file, line, 'Parsing-tight');
    }
    st.config.proxies.push(proxy);
  }
  st.proxy = proxy;
}

/** `unknown keyword 'X' in 'S' section`, with HAProxy's suggestion when one is close. */
function unknownKeyword(ctx: KeywordContext, word: string): void {
  const hint = bestMatch(word, keywordCandidates(ctx.section));
  ctx.error(`unknown keyword '${word}' in '${ctx.section}' section${hint ? `; did you mean '${hint}' maybe ?` : ''}`);
}

/** Keywords (besides options) HAProxy accepts after `no` (cfgparse.c). */
const NEGATABLE_WORDS = 'options, log, busy-polling, set-dumpable, strict-limits, insecure-fork-wanted and numa-cpu-mapping';

/** Suggestion candidates for an unknown first word: Fulcrum's plus HAProxy's, as HAProxy suggests. */
function keywordCandidates(section: SectionName): Set<string> {
  const out = new Set(haproxyKeywordNames(section));
  for (const k of keywordNames(section)) out.add(k.split(' ')[0]);
  return out;
}

function dispatchLine(st: ParserState, file: string, line: number, words: string[]): void {
  if (isSectionWord(words[0])) {
    openSection(st, file, line, words);
    return;
  }
  if (st.section === 'unsupported') return;
  const diag = st.diag;
  if (!st.section) {
    diag.alert(`unknown keyword '${words[0]}' out of section.`, file, line);
    return;
  }
  let negated = false;
  let reset = false;
  let args = words;
  if (args[0] === 'no') { negated = true; args = args.slice(1); }
  else if (args[0] === 'default') { reset = true; args = args.slice(1); }
  const section = st.section as SectionName;
  const ctx = makeContext(st, file, line, args, negated, reset);
  const kwName = args[0] ?? '';
  if ((negated || reset) && kwName !== 'option') {
    const kw = findKeyword(kwName);
    if (!kw?.negatable) {
      ctx.error(`negation/default currently supported only for ${NEGATABLE_WORDS}.`, 'parsing-tight');
      // HAProxy then still looks the word up, so `no` alone is also an unknown keyword ''.
      if (kwName === '') ctx.error(`unknown keyword '' in '${section}' section`);
      return;
    }
  }

  const kw = findKeyword(kwName);
  // A plain keyword valid here wins over a family of the same name (`external-check` is a
  // plain global switch and a proxy family; `http-request` may be registered either way).
  // HAProxy-only families still get their "not supported" message.
  const plainHere = kw !== undefined && kw.sections.includes(section);
  if (!plainHere && (isFamily(kwName) || (!kw && haproxyHasFamily(kwName)))) {
    dispatchFamily(ctx, section, kwName, args[1]);
    return;
  }
  if (!kw) {
    const uns = findUnsupported(kwName);
    if (uns && uns.sections.includes(section)) return reportUnsupported(ctx, kwName, uns);
    if (haproxyHasKeyword(section, kwName)) return reportUnsupported(ctx, kwName, { advice: '', fatal: true });
    if (wrongSectionForHaproxy(ctx, kwName)) return;
    unknownKeyword(ctx, kwName);
    return;
  }
  if (!checkSection(ctx, kwName, kw.sections)) return;
  kw.parse(ctx);
}

/** Families whose unknown member HAProxy reports with a message of its own (cfgparse-listen.c). */
const FAMILY_UNKNOWN: Record<string, (sub: string) => string> = {
  timeout: (sub) => `'timeout' supports 'client', 'server', 'connect', 'check', 'queue', 'http-keep-alive', 'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin' (got '${sub}')`,
};

/** `option X`, `timeout X`, `stats X` ...: the second word selects the handler. */
function dispatchFamily(ctx: KeywordContext, section: SectionName, family: string, sub: string | undefined): void {
  const kw = sub !== undefined ? findFamily(family)?.get(sub) : undefined;
  const full = `${family} ${sub ?? ''}`;
  if (!kw) {
    if (sub === undefined && family === 'option') return ctx.error(`'option' expects an option name.`, 'parsing-tight');
    if (ctx.negated || ctx.reset) {
      if (family === 'option') return ctx.error(`negation/default is not supported for option '${sub ?? ''}'.`, 'parsing-tight');
    }
    const uns = sub !== undefined ? findUnsupported(full) : undefined;
    if (uns && uns.sections.includes(section)) return reportUnsupported(ctx, full, uns);
    if (sub !== undefined && haproxyHasKeyword(section, full)) return reportUnsupported(ctx, full, { advice: '', fatal: true });
    if (sub !== undefined && wrongSectionForHaproxy(ctx, full)) return;
    if (family === 'timeout' && section === 'resolvers') return ctx.error(`'timeout' expects 'retry' or 'resolve' and <time> as arguments got '${sub ?? ''}'.`);
    const special = FAMILY_UNKNOWN[family];
    if (special) return ctx.error(special(sub ?? ''));
    if (sub === undefined) return ctx.error(`'${family}' expects an argument.`);
    // HAProxy suggests among every option, whatever the section (proxy_find_best_option).
    const candidates = new Set([...familyMemberNames(family), ...haproxyFamilyMembers(family)]);
    const hint = bestMatch(sub, candidates);
    if (family === 'option') return ctx.error(`unknown option '${sub}'${hint ? `; did you mean '${hint}' maybe ?` : '.'}`);
    return ctx.error(`unknown '${family}' keyword '${sub}' in '${section}' section${hint ? `; did you mean '${hint}' maybe ?` : '.'}`);
  }
  if (!checkSection(ctx, full, kw.sections)) return;
  if ((ctx.negated || ctx.reset) && !kw.negatable) {
    return ctx.error(`negation/default is not supported for ${family} '${sub}'.`, 'parsing-tight');
  }
  kw.parse(ctx);
}

/**
 * A keyword nobody registered that HAProxy knows for other sections: report the section
 * problem as HAProxy would (warning or error, see checkSection) rather than "unknown".
 */
function wrongSectionForHaproxy(ctx: KeywordContext, name: string): boolean {
  const secs = ctx.section === 'global' ? undefined : haproxyProxySections(name);
  if (!secs) return false;
  checkSection(ctx, name, secs);
  return true;
}

function reportUnsupported(ctx: KeywordContext, name: string, u: { advice: string; fatal: boolean }): void {
  const msg = `'${name}' is not supported by Fulcrum yet${u.advice ? `: ${u.advice}` : ''}.`;
  if (u.fatal) ctx.error(msg);
  else ctx.warning(`${msg} Ignoring it.`);
}

/**
 * Keywords whose wrong-capability message HAProxy words its own way (cfgparse-listen.c):
 * `server`/`default-server` in a frontend are errors printed with a doubled location, and
 * `option httplog` in a backend has a sentence of its own.
 */
const CAPABILITY_MESSAGES: Record<string, (ctx: KeywordContext, proxy: string, missing: string) => void> = {
  server: (ctx, proxy, missing) => ctx.error(`parsing [${ctx.file}:${ctx.line}] : 'server' not allowed because ${proxy} has no ${missing} capability.`, 'bare'),
  'default-server': (ctx, proxy, missing) => ctx.error(`parsing [${ctx.file}:${ctx.line}] : 'default-server' not allowed because ${proxy} has no ${missing} capability.`, 'bare'),
  'option httplog': (ctx, proxy) => ctx.warning(`${proxy} : 'option httplog' directive is ignored in backends.`),
};

/**
 * Checks a keyword's section. In proxies, a keyword of the wrong capability is ignored with a
 * warning as HAProxy's warnif_cap() does, except in `defaults` where frontend/backend-only
 * declarations (bind, server, use_backend) are errors.
 */
function checkSection(ctx: KeywordContext, name: string, sections: readonly SectionName[]): boolean {
  if (sections.includes(ctx.section)) return true;
  // Proxy keywords in `global` and global keywords in proxies are simply unknown there: the
  // two live in different keyword lists in HAProxy.
  const inProxy = PROXY_SECTIONS.has(ctx.section);
  if (inProxy !== sections.some((x) => PROXY_SECTIONS.has(x))) {
    unknownKeyword(ctx, name.split(' ')[0]);
    return false;
  }
  const p = ctx.proxy;
  if (p && (ctx.section === 'frontend' || ctx.section === 'backend') && sections.includes('listen')) {
    const missing = ctx.section === 'frontend' ? 'backend' : 'frontend';
    const special = CAPABILITY_MESSAGES[name];
    if (special) {
      special(ctx, `${ctx.section} '${p.name}'`, missing);
      return false;
    }
    const shown = name.startsWith('option ') ? name.slice(7) : name;
    const hint = name === 'maxconn' ? ` Maybe you want 'fullconn' instead ?` : name === 'fullconn' ? ` Maybe you want 'maxconn' instead ?` : '';
    if (name.startsWith('timeout ')) ctx.warning(`'${name}' will be ignored because ${ctx.section} '${p.name}' has no ${missing} capability`);
    else ctx.warning(`'${shown}' ignored because ${ctx.section} '${p.name}' has no ${missing} capability.${hint}`);
    return false;
  }
  ctx.error(`'${name}' not allowed in '${ctx.section}' section.`, NOT_ALLOWED_FORMS[name]);
  return false;
}

/** Location forms HAProxy uses for "'X' not allowed in 'S' section." by keyword. */
const NOT_ALLOWED_FORMS: Record<string, DiagForm> = { server: 'bare', 'default-server': 'bare', description: 'parsing-tight' };

export { sectionTypeNames };
