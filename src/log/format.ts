/**
 * Log-format compiler and renderer (HAProxy log.c parse_logformat_string /
 * sess_build_logline). A format is compiled once, at configuration time, into a flat node
 * list; rendering walks it with one string accumulator.
 *
 * Grammar: `%%` is a literal percent; `%{+Q,-X}name` a tag from tags.ts with modifiers;
 * `%[expr]` a sample expression; `%{+Q}o` sets default modifiers for the nodes that follow;
 * a run of spaces is one separator; anything else is literal text. Separators collapse: one
 * is printed only after some output since the previous one, which is why an empty `%hr`
 * leaves a single space.
 */

import type { StreamRecord } from '../proxy/stream-record';
import type { SampleContext, SampleValue } from '../sample/context';
import { compileSampleExpr, parseSampleExpr, type CompiledSample } from '../sample/expr';
import { logTimeUnavailable } from './log-time';
import { ensureLogFetches, recordOfContext } from './fetches';
import { F_ESCAPE, F_HEX, F_QUOTE, text } from './encode';
import { findLogTag, type LogTag, type RenderEnv } from './tags';

/** `option httplog` (configuration.txt §8.2.3). */
export const HTTPLOG_FORMAT = '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r';
/** `option httplog clf` (§8.2.3, CLF variant). */
export const CLF_HTTPLOG_FORMAT = '%{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl';
/** `option httpslog` (§8.2.4). */
export const HTTPSLOG_FORMAT = '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc';
/** `option tcplog` (§8.2.2). */
export const TCPLOG_FORMAT = '%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq';

const enum Kind { Text, Sep, Tag, Expr }

/** One compiled element. */
export type FormatNode =
  | { kind: Kind.Text; text: string }
  | { kind: Kind.Sep }
  | { kind: Kind.Tag; tag: LogTag; flags: number }
  | { kind: Kind.Expr; fn: CompiledSample; flags: number };

/** A compiled log format. `nodes` is empty for an empty format (HAProxy then logs nothing). */
export interface CompiledFormat {
  source: string;
  nodes: FormatNode[];
  /** Uses a tag that only means something in HTTP mode. */
  usesHttp: boolean;
}

/** Modifier names accepted inside `%{...}` (2.6 knows Q, X, E; others are ignored). */
const MODIFIERS: Record<string, number> = { Q: F_QUOTE, X: F_HEX, E: F_ESCAPE };

/**
 * Compiles `source` (for an HTTP-mode proxy unless `opts.http` is false: HTTP-only tags are
 * then refused, as HAProxy does). `opts.atRequest` marks a format rendered while the request
 * is being processed (unique-id-format), where header fetches are allowed. On error calls `report` with HAProxy's text (without the
 * `failed to parse log-format : ` prefix, which the caller adds) and returns undefined.
 */
export function compileLogFormat(source: string, report: (msg: string) => void, opts: { http: boolean; atRequest?: boolean } = { http: true }): CompiledFormat | undefined {
  const nodes: FormatNode[] = [];
  let usesHttp = false;
  let defaults = 0;
  let lit = '';
  const flushText = (): void => {
    if (lit) nodes.push({ kind: Kind.Text, text: lit });
    lit = '';
  };
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source[i];
    if (c === ' ') {
      flushText();
      if (nodes.length === 0 || nodes[nodes.length - 1].kind !== Kind.Sep) nodes.push({ kind: Kind.Sep });
      while (i < n && source[i] === ' ') i++;
      continue;
    }
    if (c !== '%') {
      lit += c;
      i++;
      continue;
    }
    // '%' sequences
    const start = i;
    i++;
    if (i >= n) { report(`truncated line after '%'.`); return undefined; }
    if (source[i] === '%') { lit += '%'; i++; continue; }
    let flags = defaults;
    let modText = '';
    if (source[i] === '{') {
      const close = source.indexOf('}', i);
      if (close < 0) { report(`truncated line after '${source.slice(i + 1)}'.`); return undefined; }
      modText = source.slice(i + 1, close);
      for (const m of modText.split(',')) {
        const bit = MODIFIERS[m.slice(1)];
        if (bit === undefined) continue;
        if (m[0] === '+') flags |= bit;
        else if (m[0] === '-') flags &= ~bit;
      }
      i = close + 1;
      if (i >= n || (source[i] !== '[' && !isAlpha(source.charCodeAt(i)))) {
        report(`parse argument modifier without variable name near '${source.slice(start, i)}'.`);
        return undefined;
      }
    }
    if (source[i] === '[') {
      ensureLogFetches();
      const close = source.indexOf(']', i);
      if (close < 0) { report(`missing ']' after '${source.slice(i + 1)}'.`); return undefined; }
      const expr = source.slice(i + 1, close);
      const parsed = parseSampleExpr(expr);
      if ('error' in parsed) {
        let err = '';
        compileSampleExpr(expr, (m) => { err = m; });
        report(`failed to parse sample expression <${source.slice(i + 1)}> : ${err}.`);
        return undefined;
      }
      const needs = opts.atRequest ? '' : logTimeUnavailable(parsed.fetch.name, parsed.use);
      if (needs) {
        report(`sample fetch <${source.slice(i + 1)}> may not be reliably used here because it needs '${needs}' which is not available here.`);
        return undefined;
      }
      flushText();
      nodes.push({ kind: Kind.Expr, fn: parsed.value, flags });
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < n && isAlpha(source.charCodeAt(j))) j++;
    const name = source.slice(i, j);
    if (!name) { report(`truncated line after '%'.`); return undefined; }
    if (name === 'o') {
      // `%{+Q}o`: default modifiers for the following nodes.
      defaults = flags;
      i = j;
      continue;
    }
    const tag = findLogTag(name);
    if (!tag) {
      report(`no such format variable '${name}'. If you wanted to emit the '%' character verbatim, you need to use '%%'.`);
      return undefined;
    }
    if (tag.http) {
      if (!opts.http) { report(`format variable '${name}' is reserved for HTTP mode.`); return undefined; }
      usesHttp = true;
    }
    flushText();
    nodes.push({ kind: Kind.Tag, tag, flags });
    i = j;
  }
  flushText();
  return { source, nodes, usesHttp };
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Prints a sample value. HAProxy converts every sample to a string and prints it as text,
 * so +Q quotes numbers too (`%{+Q}[status]` gives `"200"`) and +X does not apply.
 */
function sampleText(v: SampleValue | undefined, flags: number): string {
  if (v === undefined) return text(null, flags);
  if (typeof v === 'string') return text(v, flags);
  if (typeof v === 'number') return text(String(v), flags);
  if (typeof v === 'boolean') return text(v ? '1' : '0', flags);
  return text(v.toString('latin1'), flags);
}

/**
 * A sample context rebuilt from the record, for streams whose data plane did not attach
 * its own (`rec.sample`): connection-level fetches (src, dst, fe_name ...) still work.
 */
function fallbackContext(rec: StreamRecord): SampleContext {
  return {
    src: rec.clientIp, srcPort: rec.clientPort, dst: rec.frontendIp, dstPort: rec.frontendPort,
    frontend: rec.frontendName, backend: rec.backendName, server: rec.serverName === '<NOSRV>' ? undefined : rec.serverName,
    vars: new Map(), streamId: rec.id,
  };
}

/**
 * Renders a compiled format for one stream. Never throws: a failing sample expression prints
 * `-` like an absent sample.
 */
export function renderLogFormat(f: CompiledFormat, rec: StreamRecord, env: RenderEnv): string {
  let out = '';
  let ctx: SampleContext | undefined;
  // Leading separators are dropped (HAProxy starts with last_isspace set).
  let lastSpace = true;
  const nodes = f.nodes;
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k];
    let s: string;
    switch (node.kind) {
      case Kind.Sep:
        if (!lastSpace) {
          out += ' ';
          lastSpace = true;
        }
        continue;
      case Kind.Text: s = node.text; break;
      case Kind.Tag: s = node.tag.render(rec, node.flags, env); break;
      case Kind.Expr: {
        let v: SampleValue | undefined;
        try {
          if (!ctx) {
            ctx = rec.sample ?? fallbackContext(rec);
            recordOfContext.set(ctx, rec);
          }
          v = node.fn(ctx);
        } catch {
          v = undefined;
        }
        s = sampleText(v, node.flags);
        break;
      }
    }
    if (s !== '') {
      out += s;
      lastSpace = false;
    }
  }
  return out;
}
