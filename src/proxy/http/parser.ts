/**
 * HTTP/1.x message head parser (RFC 9112 §2-§6). Pure: bytes in, a {@link ParsedHead} or an
 * error out; no sockets, no timers, so it can be unit-tested and fuzzed on byte arrays.
 *
 * Usage: accumulate bytes, call {@link findHeadEnd} (resumable via `scanFrom`), and once the
 * end is known call {@link parseRequestHead} / {@link parseResponseHead} on the head bytes.
 * HAProxy waits for the full head in its buffer too (tune.bufsize - tune.maxrewrite).
 */

/** Result of parsing a head. Header names keep their case as received. */
export interface ParsedHead {
  /** Request method / target (requests), '' for responses. */
  method: string;
  uri: string;
  /** Response status and reason (responses), 0/'' for requests. */
  status: number;
  reason: string;
  /** 'HTTP/1.1', 'HTTP/1.0'. */
  version: string;
  versionMinor: number;
  /** Flat list: [name0, value0, name1, value1, ...]. */
  headers: string[];
  /** Bytes of the head including the final empty line. */
  headLength: number;
  /** Content-Length value, -1 if absent. */
  contentLength: number;
  /** Transfer-Encoding ends with chunked. */
  chunked: boolean;
  /** A Transfer-Encoding header was present (with or without chunked). */
  hasTransferEncoding: boolean;
  /** Connection header tokens. */
  connClose: boolean;
  connKeepAlive: boolean;
  connUpgrade: boolean;
  /** Upgrade header value ('' if none). */
  upgrade: string;
  /** `Expect: 100-continue`. */
  expectContinue: boolean;
  /** Host header value ('' if none); number of Host headers. */
  host: string;
  hostCount: number;
}

export interface HeadError {
  error: string;
  /** Offset of the offending byte within the head, for `show errors`. */
  position: number;
}

export function isHeadError(r: ParsedHead | HeadError): r is HeadError {
  return (r as HeadError).error !== undefined;
}

/**
 * Finds the end of a message head in buf[0..len). Accepts CRLF and bare LF line endings
 * (RFC 9112 §2.2 allows recipients to accept LF). Returns the index just after the empty line,
 * or -1 if incomplete. `scanFrom` lets callers resume without rescanning (pass the previous
 * buffer length minus 3).
 */
export function findHeadEnd(buf: Buffer, scanFrom = 0, len = buf.length): number {
  let i = Math.max(0, scanFrom);
  // Skip leading empty lines before a request line (RFC 9112 §2.2): they are not a head end.
  while (i < len) {
    const lf = buf.indexOf(10, i);
    if (lf < 0 || lf >= len) return -1;
    // Empty line: LF preceded by LF, or by CR preceded by LF.
    if (lf > 0) {
      const p = buf[lf - 1];
      if (p === 10) return lf + 1;
      if (p === 13 && lf > 1 && buf[lf - 2] === 10) return lf + 1;
    }
    i = lf + 1;
  }
  return -1;
}

/** Number of leading CRLF / LF bytes (ignored before a request line). */
export function leadingEmptyLines(buf: Buffer, len = buf.length): number {
  let i = 0;
  while (i < len && (buf[i] === 13 || buf[i] === 10)) i++;
  return i;
}

// tchar (RFC 9110 §5.6.2): "!#$%&'*+-.^_`|~" DIGIT ALPHA
const TCHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  TCHAR[c] = ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c))) ? 1 : 0;
}

function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!TCHAR[s.charCodeAt(i)]) return false;
  return true;
}

/** Limits applied while parsing (tune.http.maxhdr). */
export interface ParseLimits {
  maxHeaders: number;
  /** Relax what `option accept-invalid-http-request/response` relaxes. */
  acceptInvalid?: boolean;
}

const DEFAULT_LIMITS: ParseLimits = { maxHeaders: 101 };

/** Parses a complete request head (`text` = latin1 of exactly the head bytes). */
export function parseRequestHead(text: string, limits: ParseLimits = DEFAULT_LIMITS): ParsedHead | HeadError {
  let pos = 0;
  while (pos < text.length && (text.charCodeAt(pos) === 13 || text.charCodeAt(pos) === 10)) pos++;
  const eol = text.indexOf('\n', pos);
  if (eol < 0) return { error: 'incomplete request line', position: pos };
  const lineEnd = eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
  const line = text.slice(pos, lineEnd);
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp1 <= 0) return { error: 'invalid request line', position: pos };
  const method = line.slice(0, sp1);
  if (!isToken(method)) return { error: 'invalid method', position: pos };
  let uri: string;
  let version: string;
  if (sp2 < 0) {
    // HTTP/0.9 simple request "GET /": not supported by HAProxy either (400).
    return { error: 'missing HTTP version', position: pos + line.length };
  }
  uri = line.slice(sp1 + 1, sp2);
  version = line.slice(sp2 + 1);
  if (uri.length === 0) return { error: 'empty request target', position: pos + sp1 + 1 };
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    // Controls, space, DEL and non-ASCII are invalid in a request-target (RFC 9112 §3.2);
    // HAProxy lets `accept-invalid-http-request` through except CTLs and spaces.
    if (c <= 0x20 || c === 0x7f || (c >= 0x80 && !limits.acceptInvalid)) return { error: 'invalid character in request target', position: pos + sp1 + 1 + i };
    if (!limits.acceptInvalid && (c === 0x22 || c === 0x3c || c === 0x3e || c === 0x5c || c === 0x5e || c === 0x60 || c === 0x7b || c === 0x7c || c === 0x7d)) {
      return { error: 'invalid character in request target', position: pos + sp1 + 1 + i };
    }
  }
  const vm = /^HTTP\/(\d)\.(\d)$/.exec(version);
  if (!vm) return { error: 'invalid HTTP version', position: pos + sp2 + 1 };
  if (vm[1] !== '1') return { error: 'unsupported HTTP version', position: pos + sp2 + 1 };
  const head = newHead(method, uri, 0, '', version, Number(vm[2]));
  const err = parseHeaders(text, eol + 1, head, limits, true);
  if (err) return err;
  head.headLength = text.length;
  return head;
}

/** Parses a complete response head. */
export function parseResponseHead(text: string, limits: ParseLimits = DEFAULT_LIMITS): ParsedHead | HeadError {
  const eol = text.indexOf('\n');
  if (eol < 0) return { error: 'incomplete status line', position: 0 };
  const lineEnd = eol > 0 && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
  const line = text.slice(0, lineEnd);
  const m = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/.exec(line);
  if (!m || m[1] !== '1') return { error: 'invalid status line', position: 0 };
  for (let i = 0; m[4] !== undefined && i < m[4].length; i++) {
    const c = m[4].charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c === 0x7f) return { error: 'invalid character in reason phrase', position: 13 + i };
  }
  const head = newHead('', '', Number(m[3]), m[4] ?? '', `HTTP/1.${m[2]}`, Number(m[2]));
  const err = parseHeaders(text, eol + 1, head, limits, false);
  if (err) return err;
  head.headLength = text.length;
  return head;
}

function newHead(method: string, uri: string, status: number, reason: string, version: string, minor: number): ParsedHead {
  return {
    method, uri, status, reason, version, versionMinor: minor, headers: [], headLength: 0,
    contentLength: -1, chunked: false, hasTransferEncoding: false, connClose: false, connKeepAlive: false,
    connUpgrade: false, upgrade: '', expectContinue: false, host: '', hostCount: 0,
  };
}

/**
 * Parses header lines from `start` to the end of the head. Applies the framing rules of
 * RFC 9112 §6.3 as HAProxy does: several Content-Length values must agree, Content-Length
 * with Transfer-Encoding is an error for requests (smuggling defence), a request
 * Transfer-Encoding must end with `chunked`.
 */
function parseHeaders(text: string, start: number, head: ParsedHead, limits: ParseLimits, isRequest: boolean): HeadError | undefined {
  let pos = start;
  const h = head.headers;
  while (pos < text.length) {
    const eol = text.indexOf('\n', pos);
    if (eol < 0) return { error: 'incomplete header', position: pos };
    const end = eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
    if (end === pos) break; // empty line: end of head
    const first = text.charCodeAt(pos);
    if (first === 32 || first === 9) return { error: 'obsolete line folding', position: pos };
    const colon = text.indexOf(':', pos);
    if (colon < 0 || colon > end) return { error: 'header without colon', position: pos };
    const name = text.slice(pos, colon);
    if (!isToken(name)) return { error: 'invalid header name', position: pos };
    let vs = colon + 1;
    let ve = end;
    while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
    for (let i = vs; i < ve; i++) {
      const c = text.charCodeAt(i);
      if ((c < 0x20 && c !== 9) || c === 0x7f) return { error: 'invalid character in header value', position: i };
    }
    const value = text.slice(vs, ve);
    if (h.length / 2 >= limits.maxHeaders) return { error: 'too many headers', position: pos };
    h.push(name, value);
    const err = noteHeader(head, name, value, pos, isRequest);
    if (err) return err;
    pos = eol + 1;
  }
  if (head.hasTransferEncoding && head.contentLength >= 0) {
    if (isRequest) return { error: 'both Content-Length and Transfer-Encoding', position: start };
    // Responses: Transfer-Encoding wins and Content-Length is ignored (RFC 9112 §6.3 3).
    head.contentLength = -1;
  }
  if (isRequest && head.hasTransferEncoding && !head.chunked) return { error: 'Transfer-Encoding without final chunked', position: start };
  if (isRequest && head.hostCount > 1) return { error: 'several Host headers', position: start };
  return undefined;
}

function lowerEq(a: string, lower: string): boolean {
  return a.length === lower.length && a.toLowerCase() === lower;
}

function noteHeader(head: ParsedHead, name: string, value: string, pos: number, isRequest: boolean): HeadError | undefined {
  const n = name.length;
  // Fast length pre-check before case-insensitive compares.
  if (n === 14 && lowerEq(name, 'content-length')) {
    // A list of identical values is accepted and merged (RFC 9110 §8.6).
    for (const part of value.split(',')) {
      const v = part.trim();
      if (!/^\d+$/.test(v) || v.length > 15) return { error: 'invalid Content-Length', position: pos };
      const num = Number(v);
      if (head.contentLength >= 0 && head.contentLength !== num) return { error: 'conflicting Content-Length', position: pos };
      head.contentLength = num;
    }
  } else if (n === 17 && lowerEq(name, 'transfer-encoding')) {
    head.hasTransferEncoding = true;
    const codings = value.toLowerCase().split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    if (codings.length === 0) return { error: 'empty Transfer-Encoding', position: pos };
    const last = codings[codings.length - 1];
    if (head.chunked) {
      // chunked applied twice, or a coding after chunked: invalid (RFC 9112 §6.1).
      return { error: 'chunked is not the final coding', position: pos };
    }
    head.chunked = last === 'chunked';
    if (codings.slice(0, -1).includes('chunked')) return { error: 'chunked is not the final coding', position: pos };
    if (isRequest && !head.chunked) return { error: 'Transfer-Encoding without final chunked', position: pos };
  } else if (n === 10 && lowerEq(name, 'connection')) {
    for (const part of value.split(',')) {
      const t = part.trim().toLowerCase();
      if (t === 'close') head.connClose = true;
      else if (t === 'keep-alive') head.connKeepAlive = true;
      else if (t === 'upgrade') head.connUpgrade = true;
    }
  } else if (n === 7 && lowerEq(name, 'upgrade')) {
    head.upgrade = value;
  } else if (n === 6 && lowerEq(name, 'expect')) {
    if (value.toLowerCase() === '100-continue') head.expectContinue = true;
  } else if (n === 4 && lowerEq(name, 'host')) {
    head.host = value;
    head.hostCount++;
  }
  return undefined;
}

/** Value of the first header named `lname` (lowercase), or undefined. */
export function getHeader(head: { headers: string[] }, lname: string): string | undefined {
  const h = head.headers;
  for (let i = 0; i < h.length; i += 2) if (h[i].length === lname.length && h[i].toLowerCase() === lname) return h[i + 1];
  return undefined;
}
