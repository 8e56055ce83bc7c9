/**
 * What one stream (connection or HTTP transaction) did, filled as it runs and read by the
 * log line renderer (log/format.ts), stats and `show sess`. Timers are in milliseconds from
 * the accept (HAProxy's %Th %Ti %TR %Tw %Tc %Tr %Ta %Tt), -1 meaning "not reached".
 */

import type { SampleContext } from '../sample/context';
import { nowHr, nowMs } from '../util/clock';

/** First character of the termination state (HAProxy SF_ERR_*), '-' for a normal end. */
export type TermCause = '-' | 'C' | 'S' | 'c' | 's' | 'P' | 'L' | 'R' | 'I' | 'D' | 'U' | 'K';
/** Second character: the phase (SF_FINST_*), '-' for a normal end. */
export type TermPhase = '-' | 'R' | 'Q' | 'C' | 'H' | 'D' | 'L' | 'T';

export interface StreamRecord {
  /** Unique stream id. */
  id: number;
  /** Accept time: wall clock ms (for %t / %tr) and high-resolution origin (performance.now()). */
  acceptDate: number;
  acceptHr: number;
  /** Start of the current request (for keep-alive: the request's own date) — `%tr` uses it. */
  requestDate: number;
  clientIp: string;
  clientPort: number;
  frontendIp: string;
  frontendPort: number;
  frontendName: string;
  /** Frontend-side transport name with `~` for TLS (%ft). */
  frontendTransport: string;
  backendName: string;
  /** '<NOSRV>' until a server is chosen. */
  serverName: string;
  serverIp: string;
  serverPort: number;
  /** Timers (ms), -1 when not reached. */
  th: number; // handshake
  ti: number; // idle before request
  tq: number; // TR: time to receive the full request head
  tw: number; // time waiting in queues
  tc: number; // connect time
  tr: number; // server response time (head)
  ta: number; // active time (request accept to end); Tt total session time for tcplog
  tt: number;
  /** HTTP status sent to the client, -1 if none. */
  status: number;
  /** Bytes sent to the client (%B) and received from it (%U). */
  bytesOut: number;
  bytesIn: number;
  termCause: TermCause;
  termPhase: TermPhase;
  /** Persistence cookie flags (3rd/4th chars of %tsc), '-' when unused. */
  cookieReq: string;
  cookieRes: string;
  /** Counters at log time: actconn, feconn, beconn, srv_conn, retries; queues. */
  actconn: number;
  feconn: number;
  beconn: number;
  srvconn: number;
  retries: number;
  redispatched: boolean;
  srvQueue: number;
  backendQueue: number;
  /** Captured request/response headers (`capture request header`), in declaration order. */
  capturedRequestHeaders: string[];
  capturedResponseHeaders: string[];
  /** Captured cookies (%CC / %CS), '-' if none. */
  capturedRequestCookie: string;
  capturedResponseCookie: string;
  /** Request line as received (`GET / HTTP/1.1`) or '<BADREQ>'. */
  requestLine: string;
  method: string;
  uri: string;
  httpVersion: string;
  /** Set when HTTP mode. */
  isHttp: boolean;
  /** Log level override (`http-request set-log-level`), or undefined. */
  logLevel?: string;
  /** Unique id (%ID) when `unique-id-format` is set. */
  uniqueId?: string;
  /** Whether the request was intercepted by the proxy itself (stats, redirect, return). */
  intercepted: boolean;
  /** Source address/port of the server-side connection (%bi / %bp), when connected. */
  backendSrcIp?: string;
  backendSrcPort?: number;
  /** The stream's sample context, for `%[fetch]` in log formats (log/format.ts). */
  sample?: SampleContext;
}

let nextStreamId = 1;

/** A fresh record for a new connection. */
export function newStreamRecord(clientIp: string, clientPort: number, frontendIp: string, frontendPort: number, frontendName: string): StreamRecord {
  const now = nowMs();
  return {
    id: nextStreamId++,
    acceptDate: now, acceptHr: nowHr(), requestDate: now,
    clientIp, clientPort, frontendIp, frontendPort, frontendName,
    frontendTransport: frontendName, backendName: frontendName, serverName: '<NOSRV>', serverIp: '', serverPort: 0,
    th: 0, ti: 0, tq: -1, tw: -1, tc: -1, tr: -1, ta: -1, tt: -1,
    status: -1, bytesOut: 0, bytesIn: 0, termCause: '-', termPhase: '-', cookieReq: '-', cookieRes: '-',
    actconn: 0, feconn: 0, beconn: 0, srvconn: 0, retries: 0, redispatched: false, srvQueue: 0, backendQueue: 0,
    capturedRequestHeaders: [], capturedResponseHeaders: [], capturedRequestCookie: '-', capturedResponseCookie: '-',
    requestLine: '', method: '', uri: '', httpVersion: '', isHttp: false, intercepted: false,
  };
}
