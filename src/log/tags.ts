/**
 * THE table of log-format tags (configuration.txt §8.2.4 "Custom log format", HAProxy 2.6),
 * read by the compiler (format.ts) to resolve `%name` and by the renderer to print it.
 * Each entry renders one value of a StreamRecord honouring the node's modifier bits
 * (F_QUOTE / F_HEX / F_ESCAPE). An entry returning '' prints nothing and does not count as
 * output for space collapsing (HAProxy's `%hr` without captures).
 */

import type { StreamRecord } from '../proxy/stream-record';
import { dateGmt, dateLocal, dateMs, pad3 } from './dates';
import { F_ESCAPE, F_HEX, F_QUOTE, HDR_MAP, URL_MAP, escapeSd, hashEncode, hexInt, int, ip, port, text } from './encode';

/** Process-level values a line may need. */
export interface RenderEnv {
  pid: number;
  /** Host name for %H (the system's name, as HAProxy's gethostname()). */
  hostname: string;
  /** Lines the frontend logged before this one (%lc: 0 for the first line, as HAProxy). */
  logCount: number;
}

/** One `%tag`: its name, HTTP-only flag, meaning and renderer. */
export interface LogTag {
  /** Name after `%`. */
  name: string;
  /** Only meaningful in HTTP mode (HAProxy marks these PR_MODE_HTTP). */
  http?: boolean;
  /** One-line meaning, from §8.2.4. */
  doc: string;
  render(rec: StreamRecord, flags: number, env: RenderEnv): string;
}

/** Timer value: -1 (not reached) stays -1. */
const timer = (v: number): string => String(v);
/** Sum of timers, -1 when any is -1. */
function sum(...v: number[]): number {
  let s = 0;
  for (const x of v) {
    if (x < 0) return -1;
    s += x;
  }
  return s;
}

/** `-` marks an absent capture in the record. */
const cap = (v: string): string | null => (v === '-' || v === '' ? null : v);

/** Request-line piece, `#XX`-encoded like HAProxy's url_encode_map. */
const req = (v: string, flags: number): string => text(v ? hashEncode(v, URL_MAP) : null, flags);

/** `{h1|h2}` (one block) for %hr / %hs; nothing when no header is captured. */
function headerBlock(list: string[], flags: number): string {
  if (list.length === 0) return '';
  let s = '{';
  for (let i = 0; i < list.length; i++) {
    const v = hashEncode(list[i] ?? '', HDR_MAP);
    s += (i ? '|' : '') + (flags & F_ESCAPE ? escapeSd(v) : v);
  }
  s += '}';
  return flags & F_QUOTE ? '"' + s + '"' : s;
}

/** `h1 h2` (space separated, each quoted with +Q) for %hrl / %hsl. */
function headerList(list: string[], flags: number): string {
  let s = '';
  for (let i = 0; i < list.length; i++) s += (i ? ' ' : '') + text(hashEncode(list[i] ?? '', HDR_MAP), flags);
  return s;
}

const pathOf = (uri: string): string => {
  const q = uri.indexOf('?');
  return q < 0 ? uri : uri.slice(0, q);
};
/** Path of an origin-form or absolute-form URI (`http://h/p?q` -> `/p`). */
const pathOnly = (uri: string): string => {
  let p = pathOf(uri);
  const s = p.indexOf('://');
  if (s >= 0 && p[0] !== '/') {
    const slash = p.indexOf('/', s + 3);
    p = slash < 0 ? '/' : p.slice(slash);
  }
  return p;
};
const queryOf = (uri: string): string => {
  const q = uri.indexOf('?');
  return q < 0 ? '' : uri.slice(q);
};

/** The tag table. Order is documentation order; lookup goes through {@link findLogTag}. */
export const LOG_TAGS: readonly LogTag[] = [
  // Addresses
  { name: 'ci', doc: 'client_ip', render: (r, f) => ip(r.clientIp, f) },
  { name: 'cp', doc: 'client_port', render: (r, f) => port(r.clientPort, f) },
  { name: 'fi', doc: 'frontend_ip (accepting address)', render: (r, f) => ip(r.frontendIp, f) },
  { name: 'fp', doc: 'frontend_port (accepting address)', render: (r, f) => port(r.frontendPort, f) },
  { name: 'bi', doc: 'backend_source_ip (connecting address)', render: (r, f) => ip(r.backendSrcIp ?? '', f) },
  { name: 'bp', doc: 'backend_source_port (connecting address)', render: (r, f) => port(r.backendSrcPort ?? 0, f) },
  { name: 'si', doc: 'server_IP (target address)', render: (r, f) => ip(r.serverIp, f) },
  { name: 'sp', doc: 'server_port (target address)', render: (r, f) => port(r.serverPort, f) },
  // Names
  { name: 'f', doc: 'frontend_name', render: (r, f) => text(r.frontendName, f) },
  { name: 'ft', doc: 'frontend_name_transport (\'~\' suffix for SSL)', render: (r, f) => text(r.frontendTransport, f) },
  { name: 'b', doc: 'backend_name', render: (r, f) => text(r.backendName, f) },
  { name: 's', doc: 'server_name', render: (r, f) => text(r.serverName, f) },
  { name: 'H', doc: 'hostname', render: (_r, f, e) => text(e.hostname, f) },
  { name: 'pid', doc: 'PID', render: (_r, f, e) => hexInt(e.pid, f) },
  { name: 'ID', doc: 'unique-id', render: (r, f) => text(r.uniqueId, f) },
  { name: 'lc', doc: 'frontend log counter', render: (_r, f, e) => hexInt(e.logCount, f) },
  // HAProxy's counter starts at 0; StreamRecord ids start at 1.
  { name: 'rt', doc: 'request_counter (HTTP req or TCP session)', render: (r, f) => hexInt(r.id - 1, f) },
  // Dates
  { name: 't', doc: 'date_time (with millisecond resolution)', render: (r) => dateMs(r.acceptDate) },
  { name: 'tr', http: true, doc: 'date_time of HTTP request', render: (r) => dateMs(r.requestDate) },
  { name: 'trg', http: true, doc: 'gmt_date_time of start of HTTP request', render: (r) => dateGmt(r.requestDate) },
  { name: 'trl', http: true, doc: 'local_date_time of start of HTTP request', render: (r) => dateLocal(r.requestDate) },
  { name: 'T', doc: 'gmt_date_time', render: (r) => dateGmt(r.acceptDate) },
  { name: 'Tl', doc: 'local_date_time', render: (r) => dateLocal(r.acceptDate) },
  { name: 'Ts', doc: 'timestamp', render: (r, f) => hexInt(Math.floor(r.acceptDate / 1000), f) },
  { name: 'ms', doc: 'accept date milliseconds (left-padded with 0)', render: (r, f) => (f & F_HEX ? hexInt(Math.floor(r.acceptDate) % 1000, f, 2) : pad3(Math.floor(r.acceptDate) % 1000)) },
  // Timers
  { name: 'Th', doc: 'connection handshake time (SSL, PROXY proto)', render: (r) => timer(r.th) },
  { name: 'Ti', http: true, doc: 'idle time before the HTTP request', render: (r) => timer(r.ti) },
  { name: 'TR', http: true, doc: 'time to receive the full request from 1st byte', render: (r) => timer(r.tq) },
  { name: 'Tq', http: true, doc: 'Th + Ti + TR time (HTTP request)', render: (r) => timer(sum(r.th, r.ti, r.tq)) },
  { name: 'Tw', doc: 'total time waiting in queues', render: (r) => timer(r.tw) },
  { name: 'Tc', doc: 'total time to establish the TCP connection to the server', render: (r) => timer(r.tc) },
  { name: 'Tr', http: true, doc: 'server response time (HTTP mode only)', render: (r) => timer(r.tr) },
  { name: 'Ta', http: true, doc: 'Active time of the request (from TR to end)', render: (r) => timer(r.ta) },
  { name: 'Tt', doc: 'Total session duration time', render: (r) => timer(r.tt) },
  { name: 'Td', doc: 'Tt - (Tq + Tw + Tc + Tr)', render: (r) => { const s = sum(r.th, r.ti, r.tq, r.tw, r.tc, r.tr); return timer(s < 0 || r.tt < 0 ? -1 : r.tt - s); } },
  // Sizes, status, state
  { name: 'ST', doc: 'status_code', render: (r) => int(r.status) },
  { name: 'B', doc: 'bytes_read (from server to client)', render: (r) => int(r.bytesOut) },
  { name: 'U', doc: 'bytes_uploaded (from client to server)', render: (r) => int(r.bytesIn) },
  { name: 'CC', http: true, doc: 'captured_request_cookie', render: (r, f) => text(cap(r.capturedRequestCookie), f) },
  { name: 'CS', http: true, doc: 'captured_response_cookie', render: (r, f) => text(cap(r.capturedResponseCookie), f) },
  { name: 'tsc', doc: 'termination_state with cookie status', render: (r) => r.termCause + r.termPhase + r.cookieReq + r.cookieRes },
  { name: 'ts', doc: 'termination_state', render: (r) => r.termCause + r.termPhase },
  // Counters
  { name: 'ac', doc: 'actconn', render: (r) => int(r.actconn) },
  { name: 'fc', doc: 'feconn (frontend concurrent connections)', render: (r) => int(r.feconn) },
  { name: 'bc', doc: 'beconn (backend concurrent connections)', render: (r) => int(r.beconn) },
  { name: 'sc', doc: 'srv_conn (server concurrent connections)', render: (r) => int(r.srvconn) },
  { name: 'rc', doc: 'retries', render: (r) => (r.redispatched ? '+' : '') + int(r.retries) },
  { name: 'sq', doc: 'srv_queue', render: (r) => int(r.srvQueue) },
  { name: 'bq', doc: 'backend_queue', render: (r) => int(r.backendQueue) },
  // Captures and request
  { name: 'hr', doc: 'captured_request_headers default style', render: (r, f) => headerBlock(r.capturedRequestHeaders, f) },
  { name: 'hrl', doc: 'captured_request_headers CLF style', render: (r, f) => headerList(r.capturedRequestHeaders, f) },
  { name: 'hs', doc: 'captured_response_headers default style', render: (r, f) => headerBlock(r.capturedResponseHeaders, f) },
  { name: 'hsl', doc: 'captured_response_headers CLF style', render: (r, f) => headerList(r.capturedResponseHeaders, f) },
  { name: 'r', http: true, doc: 'http_request', render: (r, f) => req(r.requestLine, f) },
  { name: 'HM', http: true, doc: 'HTTP method (ex: POST)', render: (r, f) => req(r.method, f) },
  { name: 'HP', http: true, doc: 'HTTP request URI without query string', render: (r, f) => req(pathOf(r.uri), f) },
  { name: 'HPO', http: true, doc: 'HTTP path only (without host nor query string)', render: (r, f) => req(pathOnly(r.uri), f) },
  { name: 'HQ', http: true, doc: 'HTTP request URI query string (ex: ?bar=baz)', render: (r, f) => req(queryOf(r.uri), f) },
  { name: 'HU', http: true, doc: 'HTTP request URI (ex: /foo?bar=baz)', render: (r, f) => req(r.uri, f) },
  { name: 'HV', http: true, doc: 'HTTP version (ex: HTTP/1.0)', render: (r, f) => req(r.httpVersion, f) },
  // TLS
  { name: 'sslc', doc: 'ssl_ciphers (ex: AES-SHA)', render: (r, f) => text(r.sample?.ssl?.cipher, f) },
  { name: 'sslv', doc: 'ssl_version (ex: TLSv1)', render: (r, f) => text(r.sample?.ssl?.version, f) },
];

const byName = new Map(LOG_TAGS.map((t) => [t.name, t]));

/** The tag named `name` (case-sensitive, as in HAProxy), or undefined. */
export function findLogTag(name: string): LogTag | undefined { return byName.get(name); }
