/**
 * Request-body access for the stats page's admin POSTs. The HTTP stream does not hand
 * request bodies to frontend hooks yet (`HttpTxn.body` stays undefined without
 * `option http-buffer-request` support), so for proxies whose stats page accepts admin
 * POSTs, a tap keeps the last bytes each client connection sent. The stats hook then reads
 * the form body that arrived with the head (browsers and curl send small forms in the same
 * segment as the head). Once the stream fills `HttpTxn.body`, this file can go.
 */

import type net from 'node:net';
import type { Proxy } from '../proxy/proxy';
import { proxyListeners } from '../proxy/build';

/** At most this many recent bytes are kept per connection (a form body is small). */
const KEEP = 65536;

interface Tap { sock: net.Socket; chunks: Buffer[]; total: number }

const taps = new Map<string, Tap>();
const tapped = new WeakSet<object>();

function key(addr: string | undefined, port: number | undefined): string {
  return `${(addr ?? '').replace(/^::ffff:/, '')}:${port ?? 0}`;
}

/** Attaches the tap to every listener of a proxy (idempotent). */
export function tapProxy(px: Proxy): void {
  for (const l of proxyListeners(px)) {
    if (tapped.has(l.server)) continue;
    tapped.add(l.server);
    const onConn = (sock: net.Socket): void => {
      const k = key(sock.remoteAddress, sock.remotePort);
      const entry: Tap = { sock, chunks: [], total: 0 };
      taps.set(k, entry);
      // No copying on the data path: chunks are referenced, the oldest dropped past KEEP.
      sock.prependListener('data', (d: Buffer) => {
        entry.chunks.push(d);
        entry.total += d.length;
        while (entry.chunks.length > 1 && entry.total - entry.chunks[0].length >= KEEP) entry.total -= entry.chunks.shift()!.length;
      });
      sock.once('close', () => { if (taps.get(k) === entry) taps.delete(k); });
    };
    l.server.on('connection', onConn);
    l.server.on('secureConnection', onConn);
  }
}

/**
 * The body of the request `<method> <uri>` the client at addr:port sent last, if all of it
 * arrived (`contentLength` bytes after the head). Consumed bytes are dropped from the tap.
 */
export function takeBody(addr: string, port: number, method: string, uri: string, contentLength: number): Buffer | undefined {
  const t = taps.get(key(addr, port));
  if (!t) return undefined;
  const buf = t.chunks.length === 1 ? t.chunks[0] : Buffer.concat(t.chunks);
  const line = Buffer.from(`${method} ${uri} `, 'latin1');
  const at = buf.lastIndexOf(line);
  if (at < 0) return undefined;
  const end = buf.indexOf('\r\n\r\n', at);
  if (end < 0) return undefined;
  const start = end + 4;
  if (buf.length - start < contentLength) return undefined;
  const body = Buffer.from(buf.subarray(start, start + contentLength));
  const left = buf.subarray(start + contentLength);
  t.chunks = left.length ? [left] : [];
  t.total = left.length;
  return body;
}
