/**
 * Server-side connections on libuv TCP handles, without net.Socket.
 *
 * A net.Socket is a Duplex stream: constructing one builds a Readable and a Writable state,
 * an EventEmitter, and connecting, reading, writing and closing each go through the stream
 * machinery (about a third of the proxy's own CPU per request with `option
 * http-server-close`, where every request opens and closes a server connection). The HTTP
 * stream only needs a few operations on its server connection: connect, read into a buffer,
 * write, half-close, close, pause and resume reading. This class does just those on the same
 * TCP handle net.Socket wraps (Node's tcp_wrap and stream_wrap bindings), and tells its owner
 * (reuse.ts ServerSocketOwner) directly instead of emitting events.
 *
 * Reads go into the shared read buffer and are copied out (see shared-read.ts). Writes are tried
 * at once by libuv; what the kernel does not take stays queued in libuv, in order, and
 * `writableNeedDrain` tells the owner to wait for onServerDrain. Only for plain TCP to an IP
 * address; {@link rawSocketsAvailable} is false when this Node lacks the bindings (or with
 * FULCRUM_RAW_SERVER_SOCKETS=0), and callers then use net.connect.
 */

import { isIP } from 'node:net';
import type { Server } from './server';
import { onPooledClose, type PooledSocket, type ServerSocketOwner } from './reuse';
import { withClock } from '../util/clock';
import { writeToHandle, type StreamHandle } from './direct-write';
import { SHARED_READ_BUFFER, copyOutOfSharedBuffer } from './shared-read';

interface Req { [k: string]: unknown; oncomplete: (...a: never[]) => void }
interface TcpHandle {
  connect(req: Req, address: string, port: number): number;
  connect6(req: Req, address: string, port: number): number;
  setNoDelay(on: boolean): number;
  readStart(): number;
  readStop(): number;
  useUserBuffer(b: Uint8Array): void;
  writeBuffer(req: Req, b: Uint8Array): number;
  writeLatin1String(req: Req, s: string): number;
  writev(req: Req, chunks: unknown[], allBuffers: boolean): number;
  shutdown(req: Req): number;
  close(cb?: () => void): void;
  /** Must stay a function (Node asserts it): onRead ignores reads after destroy. */
  onread: (this: TcpHandle, ab?: ArrayBuffer) => void;
  fcSock?: RawServerSocket;
}
interface Bindings {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => Req;
  WriteWrap: new () => Req;
  ShutdownWrap: new () => Req;
  SOCKET: number;
  state: Int32Array;
  kReadBytesOrError: number;
  kLastWriteWasAsync: number;
  UV_EOF: number;
}

function load(): Bindings | undefined {
  if (process.env.FULCRUM_RAW_SERVER_SOCKETS === '0') return undefined;
  try {
    const binding = (process as unknown as { binding(n: string): Record<string, unknown> }).binding;
    const tcp = binding('tcp_wrap');
    const sw = binding('stream_wrap');
    const uv = binding('uv');
    const consts = tcp.constants as Record<string, number> | undefined;
    if (typeof tcp.TCP !== 'function' || typeof tcp.TCPConnectWrap !== 'function' || typeof sw.WriteWrap !== 'function'
      || typeof sw.ShutdownWrap !== 'function' || !(sw.streamBaseState instanceof Int32Array) || consts?.SOCKET === undefined) return undefined;
    const proto = (tcp.TCP as { prototype: Record<string, unknown> }).prototype;
    for (const m of ['connect', 'connect6', 'readStart', 'readStop', 'useUserBuffer', 'writeBuffer', 'writeLatin1String', 'writev', 'shutdown', 'close', 'setNoDelay']) {
      if (typeof proto[m] !== 'function') return undefined;
    }
    return {
      TCP: tcp.TCP as Bindings['TCP'], TCPConnectWrap: tcp.TCPConnectWrap as Bindings['TCPConnectWrap'],
      WriteWrap: sw.WriteWrap as Bindings['WriteWrap'], ShutdownWrap: sw.ShutdownWrap as Bindings['ShutdownWrap'],
      SOCKET: consts.SOCKET, state: sw.streamBaseState as Int32Array,
      kReadBytesOrError: sw.kReadBytesOrError as number, kLastWriteWasAsync: sw.kLastWriteWasAsync as number,
      UV_EOF: typeof uv.UV_EOF === 'number' ? uv.UV_EOF : -4095,
    };
  } catch {
    return undefined;
  }
}

const B = load();
const SHARED = SHARED_READ_BUFFER;
const EMPTY = Buffer.alloc(0);
/** Scratch list for single writes (send copies it when libuv keeps it). */
const ONE: (string | Buffer)[] = [EMPTY];
/** Reads of at least this many bytes use a recycled buffer (see readDone). */
const BIG_READ = 16 * 1024;
const BIG_FREE_MAX = 64;
const bigFree: Buffer[] = [];
let chunkReleased = false;

/**
 * Called by the owner, inside onServerData, when the chunk it got is no longer referenced
 * anywhere (its bytes are in the kernel): the buffer behind it can take the next large read.
 */
export function releaseServerChunk(): void {
  chunkReleased = true;
}

/** Bytes queued in libuv above which writes report backpressure (net.Socket's highWaterMark). */
const HIGH_WATER = 16 * 1024;

/** True when server connections to `host` can use {@link RawServerSocket}. */
export function rawSocketsAvailable(host: string): boolean {
  return B !== undefined && isIP(host) !== 0;
}

/** Callbacks of a connection attempt. */
export interface RawConnectCallbacks {
  onConnect(sock: RawServerSocket): void;
  onError(): void;
}

export class RawServerSocket implements PooledSocket {
  fcOwner: ServerSocketOwner | null;
  fcServer: Server;
  fcIdle = false;
  destroyed = false;
  readableEnded = false;
  writableEnded = false;
  connecting = true;
  /** Bytes handed to libuv and not yet written by it. */
  writableLength = 0;
  writableNeedDrain = false;
  private paused = false;
  private corked: (string | Buffer)[] | null = null;
  private readonly handle: TcpHandle;
  private connectCb: RawConnectCallbacks | null;
  private hadError = false;

  constructor(server: Server, owner: ServerSocketOwner, host: string, port: number, cb: RawConnectCallbacks) {
    const b = B!;
    this.fcServer = server;
    this.fcOwner = owner;
    this.connectCb = cb;
    const h = new b.TCP(b.SOCKET);
    this.handle = h;
    h.fcSock = this;
    const req = new b.TCPConnectWrap();
    req.oncomplete = afterConnect as Req['oncomplete'];
    req.fcSock = this;
    req.address = host;
    req.port = port;
    const err = isIP(host) === 6 ? h.connect6(req, host, port) : h.connect(req, host, port);
    if (err !== 0) {
      // Reported like a refused connection, after this call returns.
      queueMicrotask(() => this.connectFailed());
    }
  }

  /** Connect completed: start reading into the shared buffer. */
  connectDone(status: number): void {
    if (this.destroyed) { this.connectCb = null; return; }
    if (status < 0) { this.connectFailed(); return; }
    const cb = this.connectCb;
    this.connectCb = null;
    this.connecting = false;
    const h = this.handle;
    h.setNoDelay(true);
    h.useUserBuffer(SHARED);
    h.onread = onRead;
    h.readStart();
    cb?.onConnect(this);
  }

  private connectFailed(): void {
    const cb = this.connectCb;
    this.connectCb = null;
    this.hadError = true;
    // The attempt reports the failure (cb.onError); the owner hears nothing of this socket.
    this.fcOwner = null;
    this.destroy();
    cb?.onError();
  }

  /** Data, end of stream or a read error from libuv. */
  readDone(n: number): void {
    if (this.destroyed) return;
    if (n > 0) {
      if (n < BIG_READ) {
        withClock(deliverData, this, copyOutOfSharedBuffer(n));
        return;
      }
      // A large read (a body in full flight) goes into a recycled buffer: allocating 64 KiB
      // per read makes V8 run a full GC every few dozen MB for the external memory alone.
      const big = bigFree.pop() ?? Buffer.allocUnsafeSlow(SHARED.length);
      SHARED.copy(big, 0, 0, n);
      chunkReleased = false;
      withClock(deliverData, this, n === big.length ? big : big.subarray(0, n));
      if (chunkReleased && bigFree.length < BIG_FREE_MAX) bigFree.push(big);
      chunkReleased = false;
      return;
    }
    if (n === 0) return;
    if (n === B!.UV_EOF) {
      this.readableEnded = true;
      this.handle.readStop();
      const o = this.fcOwner;
      if (o) o.onServerEnd(); else this.destroy();
      return;
    }
    this.hadError = true;
    const o = this.fcOwner;
    if (o) o.onServerError(new Error(`read error ${n}`));
    this.destroy();
  }

  write(data: string | Uint8Array, _encoding?: BufferEncoding): boolean {
    if (this.destroyed || this.writableEnded) return false;
    const c = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (this.corked) { this.corked.push(c); return true; }
    return this.send(c, null);
  }

  /** Writes several chunks (latin1 strings and Buffers) in one writev. */
  writeChunks(chunks: readonly (string | Buffer)[]): boolean {
    if (this.destroyed || this.writableEnded || chunks.length === 0) return !this.writableNeedDrain;
    if (this.corked) { for (const c of chunks) this.corked.push(c); return true; }
    if (chunks.length === 1) return this.send(chunks[0], null);
    return this.send(null, chunks);
  }

  private send(one: string | Buffer | null, many: readonly (string | Buffer)[] | null): boolean {
    const b = B!;
    const req = new b.WriteWrap();
    req.handle = this.handle;
    req.oncomplete = afterWrite as Req['oncomplete'];
    req.async = false;
    req.bytes = 0;
    req.buffer = null;
    let chunks: readonly (string | Buffer)[];
    if (many !== null) chunks = many;
    else { ONE[0] = one!; chunks = ONE; }
    let len = 0;
    for (let i = 0; i < chunks.length; i++) len += chunks[i].length;
    const err = writeToHandle(this.handle as unknown as StreamHandle, req, chunks);
    const async = err === 0 && B!.state[B!.kLastWriteWasAsync] !== 0;
    if (async) req.buffer = chunks.slice(); // libuv keeps pointers into the data until done
    ONE[0] = EMPTY;
    if (err !== 0) {
      this.hadError = true;
      this.destroy();
      return false;
    }
    if (!async) return !this.writableNeedDrain;
    req.fcSock = this;
    req.fcLen = len;
    this.writableLength += len;
    if (this.writableLength >= HIGH_WATER) this.writableNeedDrain = true;
    return !this.writableNeedDrain;
  }

  /** A queued write left (or failed). */
  writeDone(status: number, len: number): void {
    this.writableLength -= len;
    if (this.destroyed) return;
    if (status < 0) {
      this.hadError = true;
      const o = this.fcOwner;
      if (o) o.onServerError(new Error(`write error ${status}`));
      this.destroy();
      return;
    }
    if (this.writableNeedDrain && this.writableLength === 0) {
      this.writableNeedDrain = false;
      this.fcOwner?.onServerDrain();
    }
  }

  cork(): void { if (!this.corked) this.corked = []; }

  uncork(): void {
    const c = this.corked;
    if (!c) return;
    this.corked = null;
    if (c.length > 0) this.writeChunks(c);
  }

  /** Half-close: FIN after what is queued. */
  end(): void {
    if (this.destroyed || this.writableEnded) return;
    this.uncork();
    this.writableEnded = true;
    const req = new B!.ShutdownWrap();
    req.oncomplete = afterShutdown as Req['oncomplete'];
    req.handle = this.handle;
    req.fcSock = this;
    if (this.handle.shutdown(req) !== 0) this.destroy();
  }

  shutdownDone(): void {
    // Both directions are done: nothing more can happen on this connection.
    if (this.readableEnded) this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.corked = null;
    const h = this.handle;
    if (!this.connecting) h.readStop();
    h.close(() => closeDone(this));
  }

  closed(): void {
    onPooledClose(this, this.hadError);
  }

  pause(): void {
    if (this.paused || this.destroyed) return;
    this.paused = true;
    if (!this.connecting && !this.readableEnded) this.handle.readStop();
  }

  resume(): void {
    if (!this.paused || this.destroyed) return;
    this.paused = false;
    if (!this.connecting && !this.readableEnded) this.handle.readStart();
  }

  isPaused(): boolean { return this.paused; }

  /** Inactivity timeouts are the stream's own (http/stream.ts); kept for the PooledSocket shape. */
  setTimeout(_ms: number): this { return this; }
}

function afterConnect(this: Req, status: number): void {
  (this.fcSock as RawServerSocket).connectDone(status);
}

function onRead(this: TcpHandle): void {
  this.fcSock?.readDone(B!.state[B!.kReadBytesOrError]);
}

function deliverData(this: RawServerSocket, chunk: Buffer): void {
  const o = this.fcOwner;
  if (o) o.onServerData(chunk); else this.destroy();
}

function afterWrite(this: Req, status: number): void {
  const s = this.fcSock as RawServerSocket | undefined;
  this.buffer = null;
  if (s) s.writeDone(status, this.fcLen as number);
}

function afterShutdown(this: Req): void {
  (this.fcSock as RawServerSocket).shutdownDone();
}

function closeDone(s: RawServerSocket): void {
  s.closed();
}
