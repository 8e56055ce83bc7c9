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
  /** A Content-Length header was seen (repeats are merged into the first). */
  hasContentLength?: boolean;
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
  /** Status HAProxy answers with (400 when absent; 422 for `gzip, chunked` requests). */
  status?: number;
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

/** Limits applied while parsing (tune.http.maxhdr). */
export interface ParseLimits {
  maxHeaders: number;
  /** Relax what `option accept-invalid-http-request/response` relaxes. */
  acceptInvalid?: boolean;
}

const DEFAULT_LIMITS: ParseLimits = { maxHeaders: 101 };

function err(error: string, position: number, status?: number): HeadError {
  return status === undefined ? { error, position } : { error, position, status };
}

/** True for `HTTP/<digit>.<digit>` at text[s..e) (HAProxy's version check: exactly 8 chars). */
function isVersion(text: string, s: number, e: number): boolean {
  if (e - s !== 8 || !text.startsWith('HTTP/', s)) return false;
  const a = text.charCodeAt(s + 5);
  const b = text.charCodeAt(s + 7);
  return a >= 48 && a <= 57 && text.charCodeAt(s + 6) === 46 && b >= 48 && b <= 57;
}

/**
 * Parses a complete request head (`text` = latin1 of exactly the head bytes), with the rules
 * HAProxy 2.6.12's H1 parser applies (observed with test/fixtures/raw-http): method a token,
 * separators one or more SP/HT, target bytes 0x21-0x7F (non-ASCII only with
 * accept-invalid-http-request), version `HTTP/d.d` (any digits: `HTTP/2.0` is accepted),
 * no HTTP/0.9. Header names tokens, values anything but CR/LF (NUL and controls pass),
 * obs-fold unfolded into spaces.
 */
export function parseRequestHead(text: string, limits: ParseLimits = DEFAULT_LIMITS): ParsedHead | HeadError {
  let pos = 0;
  const n = text.length;
  while (pos < n && (text.charCodeAt(pos) === 13 || text.charCodeAt(pos) === 10)) pos++;
  const eol = text.indexOf('\n', pos);
  if (eol < 0) return err('incomplete request line', pos);
  const lineEnd = eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
  let i = pos;
  while (i < lineEnd && TCHAR[text.charCodeAt(i)]) i++;
  if (i === pos) return err('invalid method', pos);
  const method = text.slice(pos, i);
  let c = text.charCodeAt(i);
  if (i === lineEnd || (c !== 32 && c !== 9)) return err('invalid method', i);
  while (i < lineEnd && ((c = text.charCodeAt(i)) === 32 || c === 9)) i++;
  const us = i;
  for (; i < lineEnd; i++) {
    c = text.charCodeAt(i);
    if (c > 32 && c < 128) continue;
    if (c === 32 || c === 9) break;
    if (c >= 128 && limits.acceptInvalid) continue;
    return err('invalid character in request target', i);
  }
  if (i === us) return err('empty request target', i);
  const uri = text.slice(us, i);
  if (i === lineEnd) return err('missing HTTP version', i); // HTTP/0.9 simple request: 400
  while (i < lineEnd && ((c = text.charCodeAt(i)) === 32 || c === 9)) i++;
  if (!isVersion(text, i, lineEnd)) return err('invalid HTTP version', i);
  const major = text.charCodeAt(i + 5) - 48;
  const minor = text.charCodeAt(i + 7) - 48;
  // `version` stays as received (logs show it); versionMinor is what the message is handled
  // as: 1.0 (and 0.x) -> 0, any other (1.1, 1.2, 2.0 ...) -> 1, forwarded as HTTP/1.1 (observed).
  const head = newHead(method, uri, 0, '', text.slice(i, lineEnd), major < 1 || (major === 1 && minor === 0) ? 0 : 1);
  const e = parseHeaders(text, eol + 1, head, limits, true);
  if (e) return e;
  const t = checkTarget(head);
  if (t) return t;
  head.headLength = n;
  return head;
}

/** Parses a complete response head (status: one or more digits, as HAProxy accepts). */
export function parseResponseHead(text: string, limits: ParseLimits = DEFAULT_LIMITS): ParsedHead | HeadError {
  const eol = text.indexOf('\n');
  if (eol < 0) return err('incomplete status line', 0);
  const lineEnd = eol > 0 && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
  let i = 0;
  while (i < lineEnd && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
  if (!isVersion(text, 0, i)) return err('invalid status line', 0);
  let c = 0;
  while (i < lineEnd && ((c = text.charCodeAt(i)) === 32 || c === 9)) i++;
  const ss = i;
  let status = 0;
  while (i < lineEnd && (c = text.charCodeAt(i)) >= 48 && c <= 57) { status = status * 10 + c - 48; i++; }
  if (i === ss || i - ss > 9) return err('invalid status code', ss);
  if (i < lineEnd && c !== 32 && c !== 9) return err('invalid status code', i);
  if (i < lineEnd) i++;
  const rs = i;
  for (; i < lineEnd; i++) {
    c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c === 0x7f) return err('invalid character in reason phrase', i);
  }
  const major = text.charCodeAt(5) - 48;
  // Versions other than 1.x are answered as HTTP/1.1 (observed: `HTTP/2.0 200` -> `HTTP/1.1 200`).
  const version = major === 1 ? text.slice(0, 8) : 'HTTP/1.1';
  const head = newHead('', '', status, text.slice(rs, lineEnd), version, major === 1 ? text.charCodeAt(7) - 48 : 1);
  const e = parseHeaders(text, eol + 1, head, limits, false);
  if (e) return e;
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

/** Per-parse state for Transfer-Encoding (kept out of ParsedHead). */
const enum Te { None = 0, Chunked = 1, OtherBeforeChunked = 2, OtherAfterChunked = 4, Twice = 8, Empty = 16 }

/**
 * Parses header lines from `start` to the end of the head, then applies the framing rules of
 * RFC 9112 §6.3 as HAProxy 2.6.12 does: several Content-Length values must agree;
 * Content-Length with Transfer-Encoding drops the Content-Length (and a request's connection
 * closes after the response); a Transfer-Encoding must end with one `chunked` (request:
 * 400, or 422 when other codings precede it; response: 502).
 */
function parseHeaders(text: string, start: number, head: ParsedHead, limits: ParseLimits, isRequest: boolean): HeadError | undefined {
  let pos = start;
  const h = head.headers;
  const n = text.length;
  // HAProxy keeps one slot of tune.http.maxhdr for the end of headers: 100 headers by default.
  const maxHeaders = limits.maxHeaders - 1;
  let te = Te.None;
  let clIndex = -1;
  let hostDiffers = false;
  while (pos < n) {
    const eol = text.indexOf('\n', pos);
    if (eol < 0) return err('incomplete header', pos);
    const end = eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
    if (end === pos) break; // empty line: end of head
    let c = text.charCodeAt(pos);
    if (c === 32 || c === 9) {
      // obs-fold (RFC 9112 §5.2): HAProxy replaces the CR LF by spaces and keeps the rest.
      if (h.length === 0) return err('obsolete line folding on the first header', pos);
      let ve = end;
      while (ve > pos && ((c = text.charCodeAt(ve - 1)) === 32 || c === 9)) ve--;
      for (let i = pos; i < ve; i++) if (text.charCodeAt(i) === 13) return err('CR in header value', i);
      const prevEol = text.charCodeAt(pos - 2) === 13 ? '  ' : ' ';
      h[h.length - 1] += prevEol + text.slice(pos, ve);
      pos = eol + 1;
      continue;
    }
    if (h.length > 0) {
      const e = commitHeader(head, h.length - 2, pos, isRequest);
      if (e !== 0) {
        if (e === 1) return err('invalid Content-Length', pos);
        if (e === 2) te = noteTe(h[h.length - 1], te);
        if (e === 3) hostDiffers = true;
        if (e === 4) clIndex = h.length - 2;
        if (e === 5) h.length -= 2;
      }
    }
    let i = pos;
    while (i < end && TCHAR[text.charCodeAt(i)]) i++;
    if (i === pos || i === end || text.charCodeAt(i) !== 58 /* : */) return err('invalid header name', i);
    const name = text.slice(pos, i);
    i++;
    while (i < end && ((c = text.charCodeAt(i)) === 32 || c === 9)) i++;
    const vs = i;
    let ve = end;
    while (ve > vs && ((c = text.charCodeAt(ve - 1)) === 32 || c === 9)) ve--;
    // A CR inside the value. On a CRLF line the search stops at the line's own CR (at `end`,
    // past `ve`); a bare-LF line is scanned by hand so the search cannot run to the head's end.
    if (end !== eol) {
      const cr = ve > vs ? text.indexOf('\r', vs) : -1;
      if (cr !== -1 && cr < ve) return err('CR in header value', cr);
    } else {
      for (; i < ve; i++) if (text.charCodeAt(i) === 13) return err('CR in header value', i);
    }
    if (h.length / 2 >= maxHeaders) return err('too many headers', pos);
    h.push(name, text.slice(vs, ve));
    pos = eol + 1;
  }
  if (h.length > 0) {
    const e = commitHeader(head, h.length - 2, pos, isRequest);
    if (e === 1) return err('invalid Content-Length', pos);
    if (e === 2) te = noteTe(h[h.length - 1], te);
    if (e === 3) hostDiffers = true;
    if (e === 4) clIndex = h.length - 2;
    if (e === 5) h.length -= 2;
  }
  if (hostDiffers) return err('several different Host headers', start);
  if (te !== Te.None) {
    head.hasTransferEncoding = true;
    const bad = (te & (Te.Twice | Te.OtherAfterChunked | Te.Empty)) !== 0 || (te & Te.Chunked) === 0;
    if (bad) return err('Transfer-Encoding must end with one chunked', start);
    if (isRequest && (te & Te.OtherBeforeChunked)) return err('codings before chunked in a request', start, 422);
    head.chunked = true;
    if (head.contentLength >= 0) {
      // Transfer-Encoding wins; the Content-Length headers are removed from the message.
      head.contentLength = -1;
      for (let k = 0; k < h.length; k += 2) {
        if (h[k].length === 14 && lowerEq(h[k], 'content-length')) { h.splice(k, 2); k -= 2; }
      }
      if (isRequest) head.connClose = true;
    }
    // A chunked HTTP/1.0 request: the connection closes after the response (observed).
    if (isRequest && head.versionMinor === 0) head.connClose = true;
  }
  void clIndex;
  if (!isRequest && head.status < 200 && head.status !== 101 && head.contentLength >= 0) {
    // No body below 200: HAProxy drops the Content-Length of such a response.
    head.contentLength = -1;
    for (let k = 0; k < h.length; k += 2) if (h[k].length === 14 && lowerEq(h[k], 'content-length')) { h.splice(k, 2); k -= 2; }
  }
  return undefined;
}

/** Adds the codings of one Transfer-Encoding value to the running state. */
function noteTe(value: string, te: number): number {
  let any = false;
  let s = 0;
  const n = value.length;
  while (s <= n) {
    let e = value.indexOf(',', s);
    if (e < 0) e = n;
    let a = s;
    let b = e;
    while (a < b && (value.charCodeAt(a) === 32 || value.charCodeAt(a) === 9)) a++;
    while (b > a && (value.charCodeAt(b - 1) === 32 || value.charCodeAt(b - 1) === 9)) b--;
    if (b > a) {
      any = true;
      const chunked = b - a === 7 && value.slice(a, b).toLowerCase() === 'chunked';
      if (chunked) te |= (te & Te.Chunked) ? Te.Twice : Te.Chunked;
      else te |= (te & Te.Chunked) ? Te.OtherAfterChunked : Te.OtherBeforeChunked;
    }
    s = e + 1;
  }
  if (!any) te |= Te.Empty;
  return te;
}

function lowerEq(a: string, lower: string): boolean {
  return a.length === lower.length && a.toLowerCase() === lower;
}

/**
 * Records what one header means for the message. Returns 0, or 1 for an invalid
 * Content-Length, 2 for a Transfer-Encoding (the caller accumulates codings), 3 for a Host
 * that differs from a previous one, 4 for a valid Content-Length, 5 for a repeated identical
 * Host (the caller drops it).
 */
function commitHeader(head: ParsedHead, k: number, _pos: number, isRequest: boolean): number {
  const name = head.headers[k];
  const value = head.headers[k + 1];
  const n = name.length;
  if (n === 14 && lowerEq(name, 'content-length')) {
    // A list of identical values is accepted and merged (RFC 9110 §8.6); digits only.
    let s = 0;
    const len = value.length;
    if (len === 0) return 1;
    while (s <= len) {
      let e = value.indexOf(',', s);
      if (e < 0) e = len;
      let a = s;
      let b = e;
      while (a < b && (value.charCodeAt(a) === 32 || value.charCodeAt(a) === 9)) a++;
      while (b > a && (value.charCodeAt(b - 1) === 32 || value.charCodeAt(b - 1) === 9)) b--;
      if (b === a || b - a > 15) return 1;
      let num = 0;
      for (let i = a; i < b; i++) {
        const c = value.charCodeAt(i);
        if (c < 48 || c > 57) return 1;
        num = num * 10 + c - 48;
      }
      if (head.contentLength >= 0 && head.contentLength !== num) return 1;
      head.contentLength = num;
      s = e + 1;
    }
    // Repeats of the same value are merged into one `content-length: N` (observed).
    if (head.hasContentLength) return 5;
    head.hasContentLength = true;
    if (value.indexOf(',') >= 0) head.headers[k + 1] = String(head.contentLength);
    return 4;
  } else if (n === 17 && lowerEq(name, 'transfer-encoding')) {
    return 2;
  } else if (n === 10 && lowerEq(name, 'connection')) {
    let s = 0;
    const len = value.length;
    while (s <= len) {
      let e = value.indexOf(',', s);
      if (e < 0) e = len;
      const t = value.slice(s, e).trim().toLowerCase();
      if (t === 'close') head.connClose = true;
      else if (t === 'keep-alive') head.connKeepAlive = true;
      else if (t === 'upgrade') head.connUpgrade = true;
      s = e + 1;
    }
  } else if (n === 7 && lowerEq(name, 'upgrade')) {
    head.upgrade = value;
  } else if (n === 6 && lowerEq(name, 'expect')) {
    if (value.toLowerCase() === '100-continue') head.expectContinue = true;
  } else if (isRequest && n === 4 && lowerEq(name, 'host')) {
    // Repeated identical Host headers are merged into one; different ones are rejected
    // (observed on 2.6.12).
    if (head.hostCount > 0) {
      if (head.host.toLowerCase() !== value.toLowerCase()) return 3;
      return 5;
    }
    head.host = value;
    head.hostCount++;
  }
  return 0;
}

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/**
 * Request-target checks HAProxy's H1 parser makes (RFC 9112 §3.2): origin-form and `*` pass;
 * CONNECT needs `host:port`; anything else must be absolute-form `scheme://authority...`,
 * whose authority (without userinfo) must match the Host header. The scheme's default port
 * is dropped from the target and the Host header (observed on 2.6.12).
 */
function checkTarget(head: ParsedHead): HeadError | undefined {
  const uri = head.uri;
  const c0 = uri.charCodeAt(0);
  const isConnect = head.method === 'CONNECT';
  if (isConnect) {
    const colon = uri.lastIndexOf(':');
    if (c0 === 47 || colon <= 0 || colon === uri.length - 1) return err('CONNECT needs host:port', 0);
    for (let i = colon + 1; i < uri.length; i++) { const c = uri.charCodeAt(i); if (c < 48 || c > 57) return err('CONNECT needs host:port', 0); }
    // The Host of a CONNECT loses a :443 port (observed: `Host: a:443` -> `host: a`).
    if (head.hostCount > 0 && head.host.endsWith(':443')) {
      const host = head.host.slice(0, -4);
      const hs = head.headers;
      for (let i = 0; i < hs.length; i += 2) if (hs[i].length === 4 && hs[i].toLowerCase() === 'host') hs[i + 1] = host;
      head.host = host;
    }
    return undefined;
  }
  if (c0 === 47 /* / */ || (uri.length === 1 && c0 === 42 /* * */)) return undefined;
  const sep = uri.indexOf('://');
  if (sep <= 0) return err('invalid request target', 0);
  for (let i = 0; i < sep; i++) {
    const c = uri.charCodeAt(i);
    const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!(alpha || (i > 0 && ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)))) return err('invalid scheme', i);
  }
  const as = sep + 3;
  let ae = as;
  while (ae < uri.length) { const c = uri.charCodeAt(ae); if (c === 47 || c === 63 || c === 35) break; ae++; }
  let authority = uri.slice(as, ae);
  const def = DEFAULT_PORTS[uri.slice(0, sep).toLowerCase()];
  if (def && authority.endsWith(':' + def)) {
    authority = authority.slice(0, -(def.length + 1));
    head.uri = uri.slice(0, as) + authority + uri.slice(ae);
  }
  if (head.hostCount > 0) {
    const at = authority.lastIndexOf('@');
    const hostPart = at >= 0 ? authority.slice(at + 1) : authority;
    let host = head.host;
    if (def && host.endsWith(':' + def)) host = host.slice(0, -(def.length + 1));
    if (host.toLowerCase() !== hostPart.toLowerCase()) return err('Host header does not match the authority', 0);
    if (host !== head.host) {
      const hs = head.headers;
      for (let i = 0; i < hs.length; i += 2) if (hs[i].length === 4 && hs[i].toLowerCase() === 'host') hs[i + 1] = host;
      head.host = host;
    }
  }
  return undefined;
}

/** Value of the first header named `lname` (lowercase), or undefined. */
export function getHeader(head: { headers: string[] }, lname: string): string | undefined {
  const h = head.headers;
  for (let i = 0; i < h.length; i += 2) if (h[i].length === lname.length && h[i].toLowerCase() === lname) return h[i + 1];
  return undefined;
}
