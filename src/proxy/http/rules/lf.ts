/**
 * Log-format values in rule arguments (`set-header X %[req.hdr(host),lower]`, `return
 * lf-string ...`, redirect locations). HAProxy builds them with its log-format engine, so each
 * `%` element is compiled by log/format.ts (same tags, same sample expressions, same error
 * texts). Two differences from log lines, observed on HAProxy 2.6.12: literal spaces are
 * kept as written (a log line collapses them into one separator), and an absent sample
 * prints nothing (a log line prints `-`).
 */

import { compileLogFormat, type FormatNode } from '../../../log/format';
import type { RenderEnv } from '../../../log/tags';
import type { SampleValue } from '../../../sample/context';
import { compileSampleExpr } from '../../../sample/expr';
import type { HttpTxn } from '../hooks';

/** A compiled value: renders to a string for one transaction. */
export type LfValue = (txn: HttpTxn) => string;

const ENV: RenderEnv = { pid: process.pid, hostname: '', logCount: 0 };

type Part = string | FormatNode;

function isAlpha(c: number): boolean { return (c >= 65 && c <= 90) || (c >= 97 && c <= 122); }

function sampleString(v: SampleValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return v.toString('latin1');
}

function renderPart(p: Part, txn: HttpTxn): string {
  if (typeof p === 'string') return p;
  const n = p as { tag?: { render(rec: unknown, flags: number, env: RenderEnv): string }; fn?: (ctx: unknown) => SampleValue | undefined; flags: number; text?: string };
  if (n.text !== undefined) return n.text;
  if (n.fn) {
    try { return sampleString(n.fn(txn.sample)); } catch { return ''; }
  }
  if (n.tag) {
    const rec = txn.rec;
    if (rec.sample === undefined) rec.sample = txn.sample;
    return n.tag.render(rec, n.flags, ENV);
  }
  return '';
}

/**
 * Compiles a log-format value. Constant strings (no `%`) return the same string for every
 * request without rendering. Returns the error text (HAProxy's wording, without the final
 * dot) when an element does not compile.
 */
export function compileLf(source: string): LfValue | string {
  if (!source.includes('%')) return () => source;
  const parts: Part[] = [];
  let lit = '';
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c !== '%') { lit += c; i++; continue; }
    if (source[i + 1] === '%') { lit += '%'; i += 2; continue; }
    // Find the end of this element: %{mods}, then [expr] or a tag name.
    let j = i + 1;
    if (source[j] === '{') {
      const close = source.indexOf('}', j);
      j = close < 0 ? n : close + 1;
    }
    if (source[j] === '[') {
      const close = source.indexOf(']', j);
      j = close < 0 ? n : close + 1;
    } else {
      while (j < n && isAlpha(source.charCodeAt(j))) j++;
    }
    const open = source.indexOf('[', i);
    if (open >= 0 && open < j && source[j - 1] === ']') {
      // Sample expressions are compiled here rather than by the log-format compiler, which
      // refuses fetches unavailable at log time (rules run while the request is there).
      let err = '';
      const fn = compileSampleExpr(source.slice(open + 1, j - 1), (m) => { err = m; });
      if (!fn) return `failed to parse sample expression <${source.slice(open + 1)}> : ${err}`;
      if (lit) { parts.push(lit); lit = ''; }
      parts.push({ fn, flags: 0 } as unknown as FormatNode);
      i = j;
      continue;
    }
    let err = '';
    const f = compileLogFormat(source.slice(i, j), (m) => { err = m; }, { http: true });
    if (!f) return err.endsWith('.') ? err.slice(0, -1) : err;
    if (lit) { parts.push(lit); lit = ''; }
    for (const node of f.nodes) parts.push(node);
    i = j;
  }
  if (lit) parts.push(lit);
  if (parts.every((p) => typeof p === 'string')) {
    const s = (parts as string[]).join('');
    return () => s;
  }
  if (parts.length === 1) {
    const p = parts[0];
    return (txn) => renderPart(p, txn);
  }
  return (txn) => {
    let out = '';
    for (let k = 0; k < parts.length; k++) out += renderPart(parts[k], txn);
    return out;
  };
}
