/**
 * Custom error pages: `errorfile <code> <file>`, `errorfiles <name> [<code> ...]`, the
 * `http-errors <name>` section and `http-error status <code> ...` (HAProxy: http_htx.c). They
 * replace the built-in pages of error-pages.ts for the proxy: the stream asks
 * {@link proxyErrorResponse} before falling back to `errorResponse()`, and `deny`/`tarpit`/
 * `auth` rules take their page from the same table.
 *
 * Declarations apply in the order written (a later one for the same status wins), and are
 * inherited from `defaults` with the rest of the proxy's `ext`.
 *
 * Errorfiles are read when the line is parsed (HAProxy too) and kept as text in the config;
 * the bytes sent are built once per proxy at build time. HAProxy parses the file as an HTTP
 * response and re-encodes it: the status line is kept, header names are lower-cased, the
 * `connection` header is dropped, line ends become CRLF, the body goes out as written.
 */

import { readFileSync } from 'node:fs';
import { registerKeywords, registerSectionType, ALL_PROXY_SECTIONS, type KeywordContext } from '../../config/registry';
import { extSlice, type Config, type ProxyConfig, type SourceRef } from '../../config/model';
import { registerPostCheck } from '../../config/validate';
import { registerHookInstaller } from './hooks';
import type { Proxy } from '../proxy';
import { errorResponse } from './error-pages';
import { compileReply, parseReplyArgs, type ErrorPageSource, type ReplyConfig } from './rules/reply';

/** Status codes `errorfile` accepts in HAProxy 2.6 (http_err_codes). */
export const ERRORFILE_CODES: readonly number[] = [200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504];

/** One declaration of a proxy, in order. */
export type ErrorDecl =
  | { kind: 'errorfile'; status: number; file: string; content: string; src: SourceRef }
  | { kind: 'errorfiles'; name: string; codes: number[]; src: SourceRef }
  | { kind: 'http-error'; reply: ReplyConfig; src: SourceRef };
/** `errorloc` / `errorloc302` / `errorloc303 <code> <url>`: a redirect instead of the page. */
export type ErrorlocDecl = { kind: 'errorloc'; status: number; code: 302 | 303; url: string; src: SourceRef };

/** `ext.errors` slice of a proxy. */
export interface ProxyErrorsConfig { decls: (ErrorDecl | ErrorlocDecl)[] }

/** An `http-errors` section. */
export interface HttpErrorsSection {
  name: string;
  src: SourceRef;
  files: { status: number; file: string; content: string }[];
}

/** The proxy's error declarations. */
export function proxyErrors(p: ProxyConfig): ProxyErrorsConfig {
  return extSlice(p, 'errors', (): ProxyErrorsConfig => ({ decls: [] }));
}

/** The `http-errors` sections of a configuration. */
export function httpErrorsSections(c: Config): HttpErrorsSection[] {
  return ((c.sections['http-errors'] ??= []) as HttpErrorsSection[]);
}

/**
 * Turns an errorfile's text into the bytes HAProxy sends (see the file comment). `close`
 * appends `connection: close` to the head.
 */
export function errorfileBytes(content: string, close: boolean): Buffer {
  let end = content.indexOf('\r\n\r\n');
  let sepLen = 4;
  const lfEnd = content.indexOf('\n\n');
  if (end < 0 || (lfEnd >= 0 && lfEnd < end)) { end = lfEnd; sepLen = 2; }
  const head = end < 0 ? content : content.slice(0, end);
  const body = end < 0 ? '' : content.slice(end + sepLen);
  const lines = head.split(/\r?\n/);
  let out = `${lines[0]}\r\n`;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    const colon = l.indexOf(':');
    if (colon <= 0) continue;
    const name = l.slice(0, colon).trim().toLowerCase();
    // Hop-by-hop: the H1 layer decides the connection's fate itself.
    if (name === 'connection' || name === 'keep-alive' || name === 'proxy-connection') continue;
    out += `${name}: ${l.slice(colon + 1).trim()}\r\n`;
  }
  if (close) out += 'connection: close\r\n';
  out += '\r\n';
  return Buffer.from(out + body, 'latin1');
}

function readErrorfile(ctx: KeywordContext, file: string, who: string): string | undefined {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    ctx.error(`${who} : error opening file '${file}'.`);
    return undefined;
  }
}

function parseStatus(ctx: KeywordContext, v: string, who: string): number | undefined {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !ERRORFILE_CODES.includes(n)) {
    ctx.error(`${who} : status code '${v}' not handled.`);
    return undefined;
  }
  return n;
}

registerSectionType({
  name: 'http-errors',
  start(ctx) {
    const name = ctx.args[1];
    if (name === undefined) { ctx.error(`missing name for http-errors section.`); return undefined; }
    const sec: HttpErrorsSection = { name, src: ctx.src, files: [] };
    const all = httpErrorsSections(ctx.config);
    if (all.some((s) => s.name === name)) ctx.error(`http-errors section '${name}' has the same name as another http-errors section declared at ${all.find((s) => s.name === name)!.src.file}:${all.find((s) => s.name === name)!.src.line}.`);
    all.push(sec);
    return sec;
  },
});

registerKeywords([
  {
    name: 'errorfile', sections: [...ALL_PROXY_SECTIONS, 'http-errors'], usage: 'errorfile <code> <file>',
    parse(ctx) {
      if (ctx.args.length < 3) { ctx.error(`errorfile : expects <status_code> and <file> as arguments.`); return; }
      const status = parseStatus(ctx, ctx.args[1], 'errorfile');
      if (status === undefined) return;
      const content = readErrorfile(ctx, ctx.args[2], 'errorfile');
      if (content === undefined) return;
      if (ctx.section === 'http-errors') {
        const sec = ctx.sectionState as HttpErrorsSection | undefined;
        if (!sec) return;
        const prev = sec.files.findIndex((f) => f.status === status);
        if (prev >= 0) sec.files.splice(prev, 1);
        sec.files.push({ status, file: ctx.args[2], content });
        return;
      }
      proxyErrors(ctx.proxy!).decls.push({ kind: 'errorfile', status, file: ctx.args[2], content, src: ctx.src });
    },
  },
  ...(['errorloc', 'errorloc302', 'errorloc303'] as const).map((kw) => ({
    name: kw, sections: ALL_PROXY_SECTIONS, usage: `${kw} <code> <url>`,
    parse(ctx: KeywordContext) {
      if (ctx.args.length < 3) { ctx.error(`${kw} : expects <status_code> and <url> as arguments.`); return; }
      const status = parseStatus(ctx, ctx.args[1], kw);
      if (status === undefined) return;
      proxyErrors(ctx.proxy!).decls.push({ kind: 'errorloc', status, code: kw === 'errorloc303' ? 303 : 302, url: ctx.args[2], src: ctx.src });
    },
  })),
  {
    name: 'errorfiles', sections: ALL_PROXY_SECTIONS, usage: 'errorfiles <name> [<code> ...]',
    parse(ctx) {
      if (ctx.args.length < 2) { ctx.error(`errorfiles : expects <name> as argument.`); return; }
      const codes: number[] = [];
      for (const w of ctx.args.slice(2)) {
        const n = Number(w);
        if (!/^\d+$/.test(w) || !ERRORFILE_CODES.includes(n)) { ctx.warning(`errorfiles : status code '${w}' not handled.`); continue; }
        codes.push(n);
      }
      proxyErrors(ctx.proxy!).decls.push({ kind: 'errorfiles', name: ctx.args[1], codes, src: ctx.src });
    },
  },
  {
    name: 'http-error', sections: ALL_PROXY_SECTIONS, usage: 'http-error status <code> [content-type <type>] [...] [hdr <name> <fmt>]*',
    parse(ctx) {
      if (ctx.args.length < 2) { ctx.error(`http-error : expects at least a <status> as arguments.`); return; }
      const r = parseReplyArgs(ctx.args, 1, 0, ['status']);
      if (typeof r === 'string') { ctx.error(`http-error : ${r}`); return; }
      if (!r.statusSet) { ctx.error(`http-error : expects at least a <status> as arguments.`); return; }
      if (!ERRORFILE_CODES.includes(r.status)) { ctx.error(`http-error : status code '${r.status}' not handled.`); return; }
      proxyErrors(ctx.proxy!).decls.push({ kind: 'http-error', reply: r, src: ctx.src });
    },
  },
]);

// `errorfiles <name>` must name a declared section (HAProxy checks it after parsing).
registerPostCheck('errorfiles', (config, diag) => {
  const secs = httpErrorsSections(config);
  for (const p of config.proxies) {
    const e = p.ext.errors as ProxyErrorsConfig | undefined;
    if (!e) continue;
    for (const d of e.decls) {
      if (d.kind === 'errorfiles' && !secs.some((s) => s.name === d.name)) {
        diag.alert(`proxy '${p.name}': unknown http-errors section '${d.name}' (at ${d.src.file}:${d.src.line}).`);
      }
    }
  }
});

/** The redirect `errorloc*` answers with (observed on HAProxy 2.6.12). */
function errorlocBytes(d: ErrorlocDecl, close: boolean): Buffer {
  const reason = d.code === 303 ? 'See Other' : 'Found';
  return Buffer.from(`HTTP/1.1 ${d.code} ${reason}\r\ncache-control: no-cache\r\ncontent-length: 0\r\nlocation: ${d.url}\r\n${close ? 'connection: close\r\n' : ''}\r\n`, 'latin1');
}

/** The status code of a built response (`HTTP/1.x NNN ...`), for the log and counters. */
export function statusOf(page: Buffer): number {
  return (page[9] - 48) * 100 + (page[10] - 48) * 10 + (page[11] - 48);
}

/** Per-proxy runtime table: status -> [keep-alive bytes, close bytes]. */
type PageTable = Map<number, [Buffer, Buffer]>;

function buildTable(config: Config, p: ProxyConfig): PageTable | undefined {
  const e = p.ext.errors as ProxyErrorsConfig | undefined;
  if (!e || e.decls.length === 0) return undefined;
  const t: PageTable = new Map();
  const secs = httpErrorsSections(config);
  for (const d of e.decls) {
    if (d.kind === 'errorfile') t.set(d.status, [errorfileBytes(d.content, false), errorfileBytes(d.content, true)]);
    else if (d.kind === 'errorloc') t.set(d.status, [errorlocBytes(d, false), errorlocBytes(d, true)]);
    else if (d.kind === 'errorfiles') {
      const sec = secs.find((s) => s.name === d.name);
      if (!sec) continue;
      for (const f of sec.files) {
        if (d.codes.length && !d.codes.includes(f.status)) continue;
        t.set(f.status, [errorfileBytes(f.content, false), errorfileBytes(f.content, true)]);
      }
    } else {
      // Only constant replies can serve the stream's own errors (no transaction to render).
      const b = compileReply(d.reply, pageSource(config, undefined));
      if (typeof b === 'string') continue;
      t.set(d.reply.status, [b(undefined, false), b(undefined, true)]);
    }
  }
  return t;
}

/**
 * The proxy's own page for `status` (errorfile / errorfiles / http-error), or undefined when
 * the built-in page applies. The stream calls it as
 * `proxyErrorResponse(be ?? fe, status, close) ?? errorResponse(status, close)`.
 */
export function proxyErrorResponse(px: Proxy, status: number, close: boolean): Buffer | undefined {
  const t = px.ext.errorPages as PageTable | undefined;
  if (!t) return undefined;
  const e = t.get(status);
  return e ? e[close ? 1 : 0] : undefined;
}

const builtinClose = new Map<number, Buffer>();

/**
 * The built-in page as a rule reply: with `connection: close` as the last header (observed
 * on HAProxy 2.6.12 for `deny` after a `Connection: close` request).
 */
function builtinPage(status: number, close: boolean): Buffer {
  if (!close) return errorResponse(status, false);
  let b = builtinClose.get(status);
  if (!b) {
    const page = errorResponse(status, false);
    const end = page.indexOf('\r\n\r\n');
    b = Buffer.concat([page.subarray(0, end + 2), Buffer.from('connection: close\r\n'), page.subarray(end + 2)]);
    builtinClose.set(status, b);
  }
  return b;
}

/** The page source rule replies use (`deny` default page, `errorfiles`, `errorfile`). */
export function pageSource(config: Config, px: Proxy | undefined): ErrorPageSource {
  const secs = httpErrorsSections(config);
  return {
    proxyPage: (status, close) => (px && proxyErrorResponse(px, status, close)) ?? builtinPage(status, close),
    sectionPage: (name, status, close) => {
      const f = secs.find((s) => s.name === name)?.files.find((x) => x.status === status);
      return f ? errorfileBytes(f.content, close) : undefined;
    },
    filePage: (path, close) => {
      try { return errorfileBytes(readFileSync(path, 'latin1'), close); } catch { return undefined; }
    },
  };
}

registerHookInstaller((instance, px) => {
  const t = buildTable(instance.config, px.cfg);
  if (t) px.ext.errorPages = t;
});
