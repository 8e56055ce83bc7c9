/**
 * What sample fetches read: the connection, and for HTTP the request and response heads.
 * The data plane fills one of these per stream/transaction and reuses it; fetches
 * (sample/fetches.ts) read it, and ACL conditions evaluate against it. Nothing here holds
 * sockets, so fetches stay pure and testable.
 */

/** A parsed HTTP message head as fetches see it. Header names keep their case as received. */
export interface HttpHeadView {
  /** Request method (requests only). */
  method: string;
  /** Request target as received (`/path?query`, or absolute-form). Requests only. */
  uri: string;
  /** `HTTP/1.1` etc. */
  version: string;
  /** Response status (responses only), 0 for requests. */
  status: number;
  /** Headers as a flat list [name0, value0, name1, value1, ...]. */
  headers: string[];
}

export interface SampleContext {
  /** Client address and port (after PROXY protocol, if any). */
  src: string;
  srcPort: number;
  /** Local address and port the client connected to. */
  dst: string;
  dstPort: number;
  /** Frontend name, and backend name once chosen. */
  frontend: string;
  backend?: string;
  /** Server name once chosen. */
  server?: string;
  /** HTTP request head (HTTP mode, once parsed). */
  req?: HttpHeadView;
  /** HTTP response head (response rules). */
  res?: HttpHeadView;
  /** Request payload buffered so far (tcp-request content inspection). */
  payload?: Buffer;
  /** Variables: `txn.x`, `sess.x`, `req.x`, `res.x`, `proc.x`, keyed with their scope. */
  vars: Map<string, unknown>;
  /** TLS: SNI the client sent, and whether the connection is TLS on our side. */
  ssl?: { sni?: string; alpn?: string; version?: string; cipher?: string };
  /** Stream id (unique id for `show sess`). */
  streamId?: number;
  /** Runtime state for nbsrv/be_conn/srv_is_up/connslots (sample/context.ts RuntimeLookup). */
  runtime?: RuntimeLookup;
  /**
   * Set when no more data will arrive for this analysis (inspect-delay expired, buffer full,
   * end of stream): `WAIT_END` and `wait_end` are true only then.
   */
  final?: boolean;
}

/** A fetched value. */
export type SampleValue = string | number | boolean | Buffer;

/** Helpers for fetch implementations. */
export function headerValues(head: HttpHeadView | undefined, name: string): string[] {
  if (!head) return [];
  const out: string[] = [];
  const h = head.headers;
  const lname = name.toLowerCase();
  for (let i = 0; i < h.length; i += 2) {
    if (h[i].length === lname.length && h[i].toLowerCase() === lname) out.push(h[i + 1]);
  }
  return out;
}

/**
 * Read-only view of runtime state for fetches such as `nbsrv(be)`, `be_conn(be)`,
 * `srv_is_up(be/srv)` and `connslots(be)`. The data plane supplies one through
 * {@link SampleContext.runtime}; without it those fetches return no sample.
 */
export interface RuntimeLookup {
  /** A backend by name, or undefined when there is none. */
  backend(name: string): BackendStateView | undefined;
  /** A server of a backend, or undefined when either does not exist. */
  server(backend: string, server: string): ServerStateView | undefined;
}

/** What backend-level fetches read. */
export interface BackendStateView {
  /** Usable (running, not in maintenance) servers, active ones, or backups when none is active. */
  nbsrv: number;
  /** Current connections on the backend. */
  conn: number;
  /** Requests waiting in the backend and server queues. */
  queue: number;
  /** Sum over servers of (maxconn - current) plus free queue slots; -1 when unlimited (`connslots`). */
  connslots?: number;
}

/** What server-level fetches read. */
export interface ServerStateView {
  /** Running and not in maintenance. */
  up: boolean;
  conn?: number;
  queue?: number;
}
