/**
 * Writes that go straight to a socket's libuv handle.
 *
 * `socket.write()` runs the Writable machinery for every call: a buffered entry per chunk
 * under cork, an array for writev, state updates, and a nextTick to run the write callbacks.
 * When the socket has nothing queued, a message head (and the body that came with it) can be
 * handed to the handle directly, which is what net.Socket does in the end. The kernel
 * usually takes it at once; when it does not, libuv keeps the data queued in order (before
 * anything written later through the Writable, and before a shutdown) and `onDone` runs once
 * it has left, so the caller can hold its other side back meanwhile.
 *
 * Uses the handle's write methods and WriteWrap from Node's stream_wrap binding; when this
 * Node does not offer them, {@link directWrite} returns NOT_DONE and the caller writes as
 * usual. FULCRUM_DIRECT_WRITE=0 turns it off (for comparisons).
 */

import type { Socket } from 'node:net';

/** The write was not attempted: write through the socket as usual. */
export const NOT_DONE = 0;
/** Written: the kernel took all of it. */
export const WRITTEN = 1;
/** Accepted, part of it still queued in libuv: `onDone` runs when it has left. */
export const QUEUED = 2;
export type DirectWriteResult = typeof NOT_DONE | typeof WRITTEN | typeof QUEUED;

interface WriteReq { handle: unknown; oncomplete: (status: number) => void; async: boolean; bytes: number; buffer: unknown; owner: DirectWriteOwner | null; tag: number }
export interface StreamHandle {
  writeLatin1String(req: WriteReq, s: string): number;
  writeBuffer(req: WriteReq, b: Buffer): number;
  writev(req: WriteReq, chunks: unknown[], allBuffers: boolean): number;
}
interface Binding { WriteWrap: new () => WriteReq; streamBaseState: Int32Array; kLastWriteWasAsync: number }

/** What is told when a queued write has left (or failed: the socket is closing then). */
export interface DirectWriteOwner { onDirectWriteDone(status: number, tag: number): void }

function loadBinding(): Binding | undefined {
  if (process.env.FULCRUM_DIRECT_WRITE === '0') return undefined;
  try {
    const b = (process as unknown as { binding(name: string): Partial<Binding> }).binding('stream_wrap');
    if (typeof b.WriteWrap !== 'function' || !b.streamBaseState || typeof b.kLastWriteWasAsync !== 'number') return undefined;
    return b as Binding;
  } catch {
    return undefined;
  }
}

const binding = loadBinding();

function onComplete(this: WriteReq, status: number): void {
  const owner = this.owner;
  this.owner = null;
  this.buffer = null;
  owner?.onDirectWriteDone(status, this.tag);
}

/**
 * Starts writing `chunks` (latin1 strings and Buffers) on a stream handle with `req`: one
 * write for one chunk, else one writev. Returns libuv's error code (0 = accepted).
 */
export function writeToHandle(handle: StreamHandle, req: object, chunks: readonly (string | Buffer)[]): number {
  const r = req as WriteReq;
  if (chunks.length === 1) {
    const c = chunks[0];
    return typeof c === 'string' ? handle.writeLatin1String(r, c) : handle.writeBuffer(r, c);
  }
  let allBuffers = true;
  for (let i = 0; i < chunks.length; i++) if (typeof chunks[i] === 'string') { allBuffers = false; break; }
  let list: unknown[];
  if (allBuffers) list = chunks.slice();
  else {
    list = new Array(chunks.length * 2);
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      list[i * 2] = c;
      list[i * 2 + 1] = typeof c === 'string' ? 'latin1' : 'buffer';
    }
  }
  return handle.writev(r, list, allBuffers);
}

/**
 * Writes `chunks` (strings are latin1) to `sock` through its handle when nothing is queued
 * in its Writable. A failed write destroys the socket (its 'close' follows, as for a failed
 * socket.write()). `tag` is handed back to `owner.onDirectWriteDone` with the status.
 */
export function directWrite(sock: Socket, chunks: readonly (string | Buffer)[], owner: DirectWriteOwner, tag: number): DirectWriteResult {
  if (binding === undefined || chunks.length === 0) return NOT_DONE;
  if (sock.writableLength !== 0 || sock.writableCorked !== 0 || sock.destroyed || sock.writableEnded || sock.connecting) return NOT_DONE;
  const handle = (sock as unknown as { _handle?: StreamHandle | null })._handle;
  if (!handle) return NOT_DONE;
  const req = new binding.WriteWrap();
  req.handle = handle;
  req.oncomplete = onComplete;
  req.async = false;
  req.bytes = 0;
  req.buffer = null;
  req.owner = null;
  req.tag = tag;
  const err = writeToHandle(handle, req, chunks);
  if (err !== 0) {
    sock.destroy();
    return WRITTEN;
  }
  if (binding.streamBaseState[binding.kLastWriteWasAsync] === 0) return WRITTEN;
  // libuv holds the rest: keep the data alive with the request (the caller may reuse its
  // array), and report its completion.
  req.buffer = chunks.slice();
  req.owner = owner;
  return QUEUED;
}
