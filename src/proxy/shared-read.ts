/**
 * Client sockets read into one shared buffer.
 *
 * By default Node allocates a 64 KiB ArrayBuffer for every read, shrinks it to what arrived,
 * wraps it in a Buffer, and pushes it through the Readable machinery (buffer list, 'data'
 * event, a nextTick to read more). For a small request that is most of the cost of a read.
 * Node's own `onread` option (net.connect) reads into a caller's buffer and calls back with
 * the byte count instead. Accepted sockets cannot take that option, so this sets the same
 * three fields on them that the option sets, found by their descriptions on a probe socket
 * built with the option.
 *
 * The callback gets its own copy of the bytes (from Node's Buffer pool for small reads), so
 * callers keep the usual ownership of chunks: the shared buffer is reused by the next read.
 * When this Node has no such fields, {@link readIntoSharedBuffer} returns false and the
 * caller keeps its 'data' listener. FULCRUM_SHARED_READ=0 turns it off (for comparisons).
 */

import { Socket, type SocketConstructorOpts } from 'node:net';

interface OnreadFields { kBuffer: symbol; kBufferCb: symbol; kBufferGen: symbol }

function findFields(): OnreadFields | undefined {
  if (process.env.FULCRUM_SHARED_READ === '0') return undefined;
  try {
    const probe = new Socket({ onread: { buffer: Buffer.alloc(1), callback: () => true } } as unknown as SocketConstructorOpts);
    const syms = Object.getOwnPropertySymbols(probe);
    probe.destroy();
    const find = (d: string): symbol | undefined => syms.find((s) => s.description === d);
    const kBuffer = find('kBuffer');
    const kBufferCb = find('kBufferCb');
    const kBufferGen = find('kBufferGen');
    if (!kBuffer || !kBufferCb || !kBufferGen) return undefined;
    return { kBuffer, kBufferCb, kBufferGen };
  } catch {
    return undefined;
  }
}

const fields = findFields();
/** The buffer every socket read lands in (reads are synchronous: one at a time). */
export const SHARED_READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const SHARED = SHARED_READ_BUFFER;

/** A Buffer of its own with the first `n` bytes of the shared read buffer. */
export function copyOutOfSharedBuffer(n: number): Buffer {
  const chunk = Buffer.allocUnsafe(n);
  SHARED.copy(chunk, 0, 0, n);
  return chunk;
}

type Handle = { useUserBuffer?: (b: Uint8Array) => void };
const kOnChunk = Symbol('fulcrum.onChunk');
type ChunkSocket = Socket & { [kOnChunk]: (this: Socket, chunk: Buffer) => void };

/** Node calls this after each read with the byte count; one function for every socket. */
function copyOut(this: ChunkSocket, n: number): boolean {
  this[kOnChunk](copyOutOfSharedBuffer(n));
  return true;
}

/**
 * Makes `sock` deliver what it reads to `onChunk` (called with the socket as `this` and a
 * Buffer the callee owns) instead of 'data' events. Only for plain TCP sockets with nothing
 * buffered yet. Returns false when not possible: the caller then listens to 'data'.
 */
export function readIntoSharedBuffer<S extends Socket>(sock: S, onChunk: (this: S, chunk: Buffer) => void): boolean {
  if (!fields || sock.readableLength > 0) return false;
  const handle = (sock as unknown as { _handle?: Handle | null })._handle;
  if (!handle || typeof handle.useUserBuffer !== 'function' || (sock as { encrypted?: boolean }).encrypted) return false;
  const s = sock as unknown as Record<symbol, unknown>;
  s[fields.kBuffer] = SHARED;
  (sock as unknown as ChunkSocket)[kOnChunk] = onChunk as (this: Socket, chunk: Buffer) => void;
  s[fields.kBufferCb] = copyOut;
  s[fields.kBufferGen] = null;
  handle.useUserBuffer(SHARED);
  return true;
}
