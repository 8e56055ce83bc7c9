/**
 * The section state machine (HAProxy: cfgparse.c readcfgfile). Reads files line by line,
 * lexes them, applies conditional blocks, opens sections and dispatches every other line to
 * the keyword registry. Never throws for user errors: everything lands in {@link Diagnostics}
 * so that one run reports all of them.
 */

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lexLine } from './lexer';
import { evaluateCondition } from './conditions';
import { Diagnostics } from './diagnostics';
import {
  bestMatch, findFamily, findKeyword, findSectionType, findUnsupported, isFamily, keywordNames,
  familyMemberNames, sectionTypeNames, type KeywordContext, type SectionName,
} from './registry';
import { newConfig, newProxyConfig, type Config, type ProxyCap, type ProxyConfig } from './model';

const PROXY_SECTIONS = new Set(['defaults', 'frontend', 'backend', 'listen']);

export interface ParseResult {
  config: Config;
  diagnostics: Diagnostics;
}

/** Expands `-f` arguments: a directory contributes its `*.cfg` files in lexical order. */
export function expandConfigPaths(paths: string[], diag: Diagnostics): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      diag.alert(`Could not open configuration file ${p} : ${describeFsError(e)}`);
      continue;
    }
    if (st.isDirectory()) {
      const files = readdirSync(p).filter((f) => f.endsWith('.cfg')).sort();
      for (const f of files) out.push(join(p, f));
    } else out.push(p);
  }
  return out;
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  return (e as Error).message;
}

/** Mutable state while parsing (shared across files: sections end at file end). */
interface ParserState {
  config: Config;
  diag: Diagnostics;
  section: SectionName | '';
  sectionName: string;
  proxy?: ProxyConfig;
  sectionState?: unknown;
  /** Last defaults section declared (anonymous or named): what new proxies inherit. */
  lastDefaults?: ProxyConfig;
}

/** Parses the given files (already expanded) into one Config. */
export function parseFiles(files: string[], diag = new Diagnostics()): ParseResult {
  const st: ParserState = { config: newConfig(), diag, section: '', sectionName: '' };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      diag.alert(`Could not open configuration file ${file} : ${describeFsError(e)}`);
      continue;
    }
    st.config.files.push(file);
    parseText(st, file, text);
  }
  endSection(st);
  return { config: st.config, diagnostics: diag };
}

/** Parses configuration text directly (tests, stdin). */
export function parseString(text: string, file = 'inline.cfg'): ParseResult {
  const diag = new Diagnostics();
  const st: ParserState = { config: newConfig(), diag, section: '', sectionName: '' };
  st.config.files.push(file);
  parseText(st, file, text);
  endSection(st);
  return { config: st.config, diagnostics: diag };
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

function parseText(st: ParserState, file: string, text: string): void {
  const lines = text.split('\n');
  const conds: CondFrame[] = [];
  const active = (): boolean => conds.length === 0 || conds[conds.length - 1].active;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i];
    const lx = lexLine(raw);
    if (lx.error) {
      if (active()) st.diag.alert(`${lx.error}`, file, lineNo);
      continue;
    }
    const words = lx.words;
    if (words.length === 0) continue;
    const w0 = words[0];
    if (w0.startsWith('.')) {
      handleDirective(st, file, lineNo, words, conds, active());
      continue;
    }
    if (!active()) continue;
    dispatchLine(st, file, lineNo, words);
  }
  if (conds.length > 0) st.diag.alert(`unterminated '.if' at line ${conds[conds.length - 1].line}.`, file);
}

function handleDirective(st: ParserState, file: string, line: number, words: string[], conds: CondFrame[], active: boolean): void {
  const d = words[0];
  const rest = words.slice(1);
  const top = conds[conds.length - 1];
  switch (d) {
    case '.if': {
      let value = false;
      if (active) {
        const r = evaluateCondition(rest);
        if (r.error !== undefined) st.diag.alert(`failed to parse condition: ${r.error}.`, file, line);
        else value = r.value;
      }
      conds.push({ taken: value, active: active && value, parentActive: active, seenElse: false, line });
      return;
    }
    case '.elif': {
      if (!top) { st.diag.alert(`'.elif' without matching '.if'.`, file, line); return; }
      if (top.seenElse) { st.diag.alert(`'.elif' after '.else' is not permitted.`, file, line); return; }
      if (top.taken || !top.parentActive) { top.active = false; return; }
      const r = evaluateCondition(rest);
      if (r.error !== undefined) { st.diag.alert(`failed to parse condition: ${r.error}.`, file, line); top.active = false; return; }
      top.active = r.value;
      top.taken = r.value;
      return;
    }
    case '.else':
      if (!top) { st.diag.alert(`'.else' without matching '.if'.`, file, line); return; }
      if (top.seenElse) { st.diag.alert(`'.else' after '.else' is not permitted.`, file, line); return; }
      top.seenElse = true;
      top.active = top.parentActive && !top.taken;
      top.taken = true;
      return;
    case '.endif':
      if (!top) { st.diag.alert(`'.endif' without matching '.if'.`, file, line); return; }
      conds.pop();
      return;
    case '.diag':
    case '.notice':
    case '.warning':
    case '.alert': {
      if (!active) return;
      const msg = rest.join(' ');
      const sev = d === '.alert' ? 'alert' : d === '.warning' ? 'warning' : d === '.notice' ? 'notice' : 'diag';
      st.diag.add(sev, msg, file, line);
      return;
    }
    default:
      if (active) st.diag.alert(`unknown directive '${d}'`, file, line);
  }
}

function isSectionWord(w: string): boolean {
  return w === 'global' || PROXY_SECTIONS.has(w) || findSectionType(w) !== undefined;
}

function endSection(st: ParserState): void {
  if (st.section && !PROXY_SECTIONS.has(st.section) && st.section !== 'global') {
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
    error: (m) => diag.alert(m, file, line),
    warning: (m) => diag.warning(m, file, line),
    notice: (m) => diag.notice(m, file, line),
  };
}

function openSection(st: ParserState, file: string, line: number, words: string[]): void {
  endSection(st);
  const kind = words[0];
  if (kind === 'global') {
    st.section = 'global';
    st.sectionName = '';
    if (words.length > 1) st.diag.alert(`'global' does not take arguments.`, file, line);
    return;
  }
  if (PROXY_SECTIONS.has(kind)) {
    openProxy(st, file, line, kind as ProxyCap, words);
    return;
  }
  const t = findSectionType(kind)!;
  st.section = kind as SectionName;
  st.sectionName = words[1] ?? '';
  st.sectionState = t.start(makeContext(st, file, line, words, false, false));
}

const NAME_RE = /^[A-Za-z0-9_.:-]+$/;

function openProxy(st: ParserState, file: string, line: number, cap: ProxyCap, words: string[]): void {
  const diag = st.diag;
  let name = words[1] ?? '';
  let fromName: string | undefined;
  const fromIdx = words.indexOf('from');
  if (fromIdx === 1) name = '';
  if (fromIdx >= 1) {
    fromName = words[fromIdx + 1];
    if (fromName === undefined) diag.alert(`'${cap}' : 'from' expects a defaults section name.`, file, line);
  }
  st.section = cap;
  st.sectionName = name;
  if (cap !== 'defaults' && !name) {
    diag.alert(`'${cap}' expects <name> as an argument.`, file, line);
  } else if (name && !NAME_RE.test(name)) {
    diag.alert(`character '${[...name].find((c) => !NAME_RE.test(c))}' is not permitted in '${cap}' name '${name}'.`, file, line);
  }
  const extra = fromIdx >= 1 ? words.slice(fromIdx + 2) : words.slice(2);
  if (extra.length > 0) diag.alert(`'${cap} ${name}' : unexpected argument '${extra[0]}'.`, file, line);

  let base: ProxyConfig | undefined = st.lastDefaults;
  if (fromName !== undefined) {
    base = st.config.defaults.get(fromName);
    if (!base || fromName === '') {
      diag.alert(`${cap} '${name}': unable to find defaults section '${fromName}'.`, file, line);
      base = undefined;
    }
  }
  let proxy: ProxyConfig;
  const src = { file, line };
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
    if (name) {
      const prev = st.config.defaults.get(name);
      if (prev) diag.alert(`defaults section '${name}' has the same name as another defaults section declared at ${prev.src.file}:${prev.src.line}.`, file, line);
      const clash = st.config.proxies.find((p) => p.name === name);
      if (clash) diag.alert(`defaults section '${name}' has the same name as ${clash.cap} '${name}' declared at ${clash.src.file}:${clash.src.line}.`, file, line);
    }
    st.config.defaults.set(name, proxy);
    st.lastDefaults = proxy;
  } else if (name) {
    for (const other of st.config.proxies) {
      if (other.name !== name) continue;
      // A frontend and a backend may share a name; anything else clashes (proxy.c proxy_check_duplicate).
      const pair = new Set([other.cap, cap]);
      if (pair.size === 2 && pair.has('frontend') && pair.has('backend')) continue;
      diag.alert(`${cap} '${name}' has the same name as ${other.cap} '${name}' declared at ${other.src.file}:${other.src.line}.`, file, line);
    }
    const dflt = st.config.defaults.get(name);
    if (dflt && name) diag.alert(`${cap} '${name}' has the same name as defaults section '${name}' declared at ${dflt.src.file}:${dflt.src.line}.`, file, line);
    st.config.proxies.push(proxy);
  }
  st.proxy = proxy;
}

function dispatchLine(st: ParserState, file: string, line: number, words: string[]): void {
  if (isSectionWord(words[0])) {
    openSection(st, file, line, words);
    return;
  }
  const diag = st.diag;
  if (!st.section) {
    diag.alert(`unknown keyword '${words[0]}' out of section.`, file, line);
    return;
  }
  let negated = false;
  let reset = false;
  let args = words;
  if (args[0] === 'no' && args.length > 1) { negated = true; args = args.slice(1); }
  else if (args[0] === 'default' && args.length > 1 && args[1] === 'option') { reset = true; args = args.slice(1); }
  const section = st.section as SectionName;
  const ctx = makeContext(st, file, line, args, negated, reset);
  const kwName = args[0];

  if (isFamily(kwName)) {
    const table = findFamily(kwName)!;
    const sub = args[1];
    const kw = sub !== undefined ? table.get(sub) : undefined;
    if (!kw) {
      const uns = sub !== undefined ? findUnsupported(`${kwName} ${sub}`) : undefined;
      if (uns && uns.sections.includes(section)) {
        reportUnsupported(ctx, `${kwName} ${sub}`, uns);
        return;
      }
      if (sub === undefined) {
        ctx.error(`'${kwName}' expects an argument.`);
        return;
      }
      const hint = bestMatch(sub, familyMemberNames(kwName, section));
      ctx.error(`unknown ${kwName === 'option' ? 'option' : `'${kwName}' keyword`} '${sub}'${hint ? `; did you mean '${hint}' maybe ?` : '.'}`);
      return;
    }
    if (!checkSection(ctx, `${kwName} ${sub}`, kw.sections)) return;
    if (negated && !kw.negatable) {
      ctx.error(`negation/default is not supported for ${kwName} '${sub}'.`);
      return;
    }
    kw.parse(ctx);
    return;
  }
  const kw = findKeyword(kwName);
  if (!kw) {
    const uns = findUnsupported(kwName);
    if (uns && uns.sections.includes(section)) {
      reportUnsupported(ctx, kwName, uns);
      return;
    }
    const hint = bestMatch(kwName, keywordNames(section).filter((k) => !k.includes(' ')));
    ctx.error(`unknown keyword '${kwName}' in '${section}' section${hint ? `; did you mean '${hint}' maybe ?` : ''}`);
    return;
  }
  if (!checkSection(ctx, kwName, kw.sections)) return;
  if (negated && !kw.negatable) {
    ctx.error(`negation is not supported for keyword '${kwName}'.`);
    return;
  }
  kw.parse(ctx);
}

function reportUnsupported(ctx: KeywordContext, name: string, u: { advice: string; fatal: boolean }): void {
  const msg = `'${name}' is not supported by Fulcrum yet${u.advice ? `: ${u.advice}` : ''}.`;
  if (u.fatal) ctx.error(msg);
  else ctx.warning(`${msg} Ignoring it.`);
}

/**
 * Checks a keyword's section. In proxies, a keyword of the wrong capability is ignored with a
 * warning as HAProxy's warnif_cap() does, except in `defaults` where frontend/backend-only
 * declarations (bind, server, use_backend) are errors.
 */
function checkSection(ctx: KeywordContext, name: string, sections: readonly SectionName[]): boolean {
  if (sections.includes(ctx.section)) return true;
  const p = ctx.proxy;
  if (p && ctx.section !== 'defaults' && (ctx.section === 'frontend' || ctx.section === 'backend')) {
    const missing = ctx.section === 'frontend' ? 'backend' : 'frontend';
    if (sections.includes('listen')) {
      ctx.warning(`'${name}' ignored because ${ctx.section} '${p.name}' has no ${missing} capability.`);
      return false;
    }
  }
  ctx.error(`'${name}' not allowed in '${ctx.section}' section.`);
  return false;
}

export { sectionTypeNames };
