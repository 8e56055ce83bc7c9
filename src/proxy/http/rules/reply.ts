/**
 * HTTP replies Fulcrum builds itself: `return`, `deny`/`tarpit` with a body, `http-error`
 * (HAProxy: http_htx.c http_reply, parsed by http_parse_http_reply). One parser for the
 * shared argument grammar:
 *
 *   [status <code>] [content-type <type>]
 *   [ default-errorfiles | errorfile <file> | errorfiles <name> |
 *     file <file> | lf-file <file> | string <str> | lf-string <fmt> ]
 *   [ hdr <name> <fmt> ]*
 *
 * Wire form observed on HAProxy 2.6.12 (the H1 encoding of its HTX reply): status line,
 * the `hdr` headers (names lower-cased), `content-length`, `content-type` when there is a
 * body, and `connection: close` last when the client connection ends after it. Errorfile
 * replies go out as the file says (see errors-config.ts).
 */

import { readFileSync } from 'node:fs';
import { httpReason } from './reason';
import { compileLf, type LfValue } from './lf';
import type { HttpTxn } from '../hooks';

/** Parsed reply arguments (plain data; compiled by {@link compileReply}). */
export interface ReplyConfig {
  status: number;
  contentType?: string;
  body?: { kind: 'string' | 'lf-string' | 'file' | 'lf-file' | 'errorfile' | 'errorfiles' | 'default-errorfiles'; value: string };
  hdrs: [string, string][];
  /** `status`/`deny_status` was written. */
  statusSet: boolean;
}

/** Status codes a reply may carry (HAProxy accepts 200..599). */
export function validReplyStatus(n: number): boolean { return Number.isInteger(n) && n >= 200 && n <= 599; }

/**
 * Parses reply words starting at `from`. `statusWords` are the words that introduce the
 * status (`status`, plus `deny_status` for deny/tarpit). Returns the config or HAProxy's
 * error text (without final dot).
 */
export function parseReplyArgs(args: string[], from: number, defStatus: number, statusWords: readonly string[]): ReplyConfig | string {
  const r: ReplyConfig = { status: defStatus, hdrs: [], statusSet: false };
  for (let i = from; i < args.length; i++) {
    const w = args[i];
    if (statusWords.includes(w)) {
      const v = args[++i];
      if (v === undefined) return `'${w}' expects <status_code> as argument`;
      const n = Number(v);
      if (!/^\d+$/.test(v) || !validReplyStatus(n)) return `Unexpected status code '${v}'`;
      r.status = n;
      r.statusSet = true;
    } else if (w === 'content-type') {
      const v = args[++i];
      if (v === undefined) return `'content-type' expects <ctype> as argument`;
      r.contentType = v;
    } else if (w === 'string' || w === 'lf-string' || w === 'file' || w === 'lf-file' || w === 'errorfile' || w === 'errorfiles') {
      const v = args[++i];
      if (v === undefined) return `'${w}' expects <${w.endsWith('string') ? (w === 'string' ? 'str' : 'fmt') : w === 'errorfiles' ? 'name' : 'file'}> as argument`;
      if (r.body) return `unexpected '${w}' argument, '${r.body.kind}' already defined`;
      r.body = { kind: w, value: v };
    } else if (w === 'default-errorfiles') {
      if (r.body) return `unexpected '${w}' argument, '${r.body.kind}' already defined`;
      r.body = { kind: w, value: '' };
    } else if (w === 'hdr') {
      const n = args[++i];
      const v = args[++i];
      if (n === undefined || v === undefined) return `'hdr' expects <name> and <value> as arguments`;
      const ln = n.toLowerCase();
      // HAProxy warns and ignores these: the reply computes its own framing.
      if (ln === 'content-length' || ln === 'transfer-encoding') continue;
      r.hdrs.push([n, v]);
    } else {
      // Unknown word: keywords.ts reports it in HAProxy's "expects if/unless" form.
      return `\0${w}`;
    }
  }
  if ((r.body?.kind === 'string' || r.body?.kind === 'lf-string' || r.body?.kind === 'file' || r.body?.kind === 'lf-file') && r.contentType === undefined) {
    // HAProxy refuses a body without a type (http_parse_http_reply).
    return `a content type must be defined when non-empty payload is configured`;
  }
  if ((r.body?.kind === 'errorfile' || r.body?.kind === 'errorfiles' || r.body?.kind === 'default-errorfiles') && (r.hdrs.length || r.contentType !== undefined)) {
    return `'${r.body.kind}' cannot be combined with 'content-type' or 'hdr'`;
  }
  return r;
}

/** Produces the reply bytes for one transaction; `close` adds `connection: close`. */
export type ReplyBuilder = (txn: HttpTxn | undefined, close: boolean) => Buffer;

/** Looks up an errorfile-type page for a status (errors-config.ts supplies it). */
export interface ErrorPageSource {
  /** The proxy's page (errorfile / errorfiles / http-error) or the built-in one. */
  proxyPage(status: number, close: boolean): Buffer;
  /** A page of a named http-errors section, undefined when it does not declare the status. */
  sectionPage(name: string, status: number, close: boolean): Buffer | undefined;
  /** An errorfile read as a reply. */
  filePage(path: string, close: boolean): Buffer | undefined;
}

/**
 * Compiles a reply. Constant replies are built once (two buffers: keep-alive and close);
 * `lf-*` bodies and headers with `%` are rendered per request.
 */
export function compileReply(r: ReplyConfig, pages: ErrorPageSource): ReplyBuilder | string {
  const b = r.body;
  if (b && (b.kind === 'errorfile' || b.kind === 'errorfiles' || b.kind === 'default-errorfiles')) {
    if (b.kind === 'default-errorfiles') return (_t, close) => pages.proxyPage(r.status, close);
    if (b.kind === 'errorfiles') {
      const keep = pages.sectionPage(b.value, r.status, false);
      const shut = pages.sectionPage(b.value, r.status, true);
      if (keep && shut) return (_t, close) => (close ? shut : keep);
      // Not declared in the section: HAProxy sends an empty reply with the status.
      return compileReply({ status: r.status, hdrs: [], statusSet: true }, pages);
    }
    const keep = pages.filePage(b.value, false);
    const shut = pages.filePage(b.value, true);
    if (!keep || !shut) return `error opening file '${b.value}'`;
    return (_t, close) => (close ? shut : keep);
  }
  let bodyFn: LfValue | undefined;
  let bodyConst: Buffer = Buffer.alloc(0);
  if (b) {
    let text = b.value;
    if (b.kind === 'file' || b.kind === 'lf-file') {
      try { text = readFileSync(b.value, 'latin1'); } catch { return `failed to open file '${b.value}'`; }
    }
    if (b.kind === 'lf-string' || b.kind === 'lf-file') {
      const f = compileLf(text);
      if (typeof f === 'string') return f;
      bodyFn = f;
    } else bodyConst = Buffer.from(text, 'latin1');
  }
  const hdrFns: [string, LfValue | string][] = [];
  let dynamic = bodyFn !== undefined;
  for (const [n, v] of r.hdrs) {
    if (!v.includes('%')) { hdrFns.push([n.toLowerCase(), v]); continue; }
    const f = compileLf(v);
    if (typeof f === 'string') return f;
    dynamic = true;
    hdrFns.push([n.toLowerCase(), f]);
  }
  const statusLine = `HTTP/1.1 ${r.status} ${httpReason(r.status)}\r\n`;
  const ctype = r.contentType !== undefined ? `content-type: ${r.contentType}\r\n` : '';
  const build = (txn: HttpTxn | undefined, close: boolean): Buffer => {
    let head = statusLine;
    for (const [n, f] of hdrFns) {
      // A header whose value renders empty is left out (HAProxy 2.6.12 does so).
      const v = typeof f === 'string' ? f : txn ? f(txn) : '';
      if (v !== '') head += `${n}: ${v}\r\n`;
    }
    const body = bodyFn ? Buffer.from(txn ? bodyFn(txn) : '', 'latin1') : bodyConst;
    head += `content-length: ${body.length}\r\n`;
    if (b) head += ctype;
    if (close) head += 'connection: close\r\n';
    head += '\r\n';
    return Buffer.concat([Buffer.from(head, 'latin1'), body]);
  };
  if (dynamic) return build;
  const keep = build(undefined, false);
  const shut = build(undefined, true);
  return (_t, close) => (close ? shut : keep);
}

/** True when the client connection ends after this transaction (RFC 9112 §9.3). */
export function clientCloses(txn: HttpTxn): boolean {
  const q = txn.req;
  return q.connClose || (q.versionMinor === 0 && !q.connKeepAlive);
}
