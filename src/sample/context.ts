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
