/**
 * Server-side connection pool (HAProxy: http-reuse). Idle keep-alive connections to a server
 * are parked here after a response and handed to the next request for the same server.
 * A parked socket has its owner cleared: any data or close while idle destroys it (a server
 * must not talk on an idle connection).
 */

import type { Socket } from 'node:net';
import type { Server } from './server';
import { withClock } from '../util/clock';
import { readIntoSharedBuffer } from './shared-read';

/** What a server socket's permanent handlers dispatch to while it is in use. */
export interface ServerSocketOwner {
  onServerData(chunk: Buffer): void;
  onServerEnd(): void;
  onServerClose(hadError: boolean): void;
  onServerError(err: Error): void;
  onServerTimeout(): void;
  onServerDrain(): void;
}

/**
 * A server connection as the streams use it: a net.Socket with its permanent handlers
 * installed once at connect time, or a RawServerSocket (raw-socket.ts), which calls its owner
 * directly.
 */
export interface PooledSocket {
  fcOwner: ServerSocketOwner | null;
  fcServer: Server;
  /** Parked in the pool's idle list. */
  fcIdle: boolean;
  readonly destroyed: boolean;
  readonly readableEnded: boolean;
  readonly writableNeedDrain: boolean;
  readonly writableLength: number;
  write(data: string | Uint8Array, encoding?: BufferEncoding): boolean;
  end(): unknown;
  destroy(): unknown;
  pause(): unknown;
  resume(): unknown;
  isPaused(): boolean;
  cork(): void;
  uncork(): void;
  setTimeout(ms: number): unknown;
}

const pools = new Map<Server, PooledSocket[]>();

/** Max idle connections kept per server (HAProxy pool-max-conn default is unlimited; be modest). */
const MAX_IDLE_PER_SERVER = 256;

/** Installs the permanent dispatching handlers on a fresh server socket. */
export function adoptServerSocket(sock: Socket, server: Server, owner: ServerSocketOwner): PooledSocket {
  const s = sock as Socket & PooledSocket;
  s.fcOwner = owner;
  s.fcServer = server;
  s.fcIdle = false;
  if (!readIntoSharedBuffer(s, onServerSocketData)) s.on('data', onServerSocketData);
  s.on('end', () => { if (s.fcOwner) s.fcOwner.onServerEnd(); else s.destroy(); });
  s.on('close', (hadError: boolean) => onPooledClose(s, hadError));
  s.on('error', (e: Error) => { if (s.fcOwner) s.fcOwner.onServerError(e); });
  s.on('timeout', () => { if (s.fcOwner) s.fcOwner.onServerTimeout(); else s.destroy(); });
  s.on('drain', () => { if (s.fcOwner) s.fcOwner.onServerDrain(); });
  return s;
}

function serverData(this: PooledSocket, d: Buffer): void {
  if (this.fcOwner) this.fcOwner.onServerData(d); else this.destroy();
}
function onServerSocketData(this: Socket & PooledSocket, d: Buffer): void { withClock(serverData, this, d); }

/** A server connection closed: out of the idle list, and its owner told. */
export function onPooledClose(s: PooledSocket, hadError: boolean): void {
  if (s.fcIdle) removeIdle(s);
  if (s.fcOwner) s.fcOwner.onServerClose(hadError);
}

/** Parks a healthy keep-alive server socket for reuse. */
export function releaseIdle(s: PooledSocket): void {
  s.fcOwner = null;
  if (s.destroyed || s.readableEnded) { s.destroy(); return; }
  let list = pools.get(s.fcServer);
  if (!list) {
    list = [];
    pools.set(s.fcServer, list);
  }
  if (list.length >= MAX_IDLE_PER_SERVER) { s.destroy(); return; }
  s.fcIdle = true;
  // The last owner may have paused it for backpressure: an idle socket must be read so that a
  // close (or unexpected bytes) from the server is noticed, and the next owner gets its data.
  if (s.isPaused()) s.resume();
  // Not unref'd (a ref/unref pair per request is measurable): stopping purges the pools
  // (purgeIdle) and streams do not park sockets once the instance is stopping.
  list.push(s);
}

function removeIdle(s: PooledSocket): void {
  s.fcIdle = false;
  const list = pools.get(s.fcServer);
  if (!list) return;
  const i = list.indexOf(s);
  if (i >= 0) list.splice(i, 1);
}

/** Takes an idle socket to `server`, or undefined. The most recently parked one is preferred (warm). */
export function takeIdle(server: Server, owner: ServerSocketOwner): PooledSocket | undefined {
  const list = pools.get(server);
  if (!list) return undefined;
  while (list.length > 0) {
    const s = list.pop()!;
    s.fcIdle = false;
    if (s.destroyed || s.readableEnded) { s.destroy(); continue; }
    s.fcOwner = owner;
    return s;
  }
  return undefined;
}

/** Number of idle connections parked for a server (`show servers conn`, stats idle_conn_cur). */
export function idleCount(server: Server): number {
  return pools.get(server)?.length ?? 0;
}

/** Closes every idle connection (stop, or server going DOWN/MAINT). */
export function purgeIdle(server?: Server): void {
  for (const [srv, list] of pools) {
    if (server && srv !== server) continue;
    for (const s of list.splice(0)) s.destroy();
  }
}
