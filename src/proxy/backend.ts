/**
 * Server assignment and connection establishment for a backend (HAProxy: backend.c
 * assign_server / connect_server, stream.c retries). A request asks {@link assignServer} for a
 * server (the balancer decides), then {@link connectServer} reuses an idle connection or
 * opens one, retrying per `retries` with the turn-around delay and `option redispatch`.
 */

import net from 'node:net';
import tls from 'node:tls';
import { serverTlsOptions } from './tls';
import type { Proxy } from './proxy';
import type { Server } from './server';
import type { SampleContext } from '../sample/context';
import type { PickExplanation } from '../lb/balancer';
import type { TermCause } from './stream-record';
import { adoptServerSocket, takeIdle, type PooledSocket, type ServerSocketOwner } from './reuse';
import { RawServerSocket, rawSocketsAvailable, type RawConnectCallbacks } from './raw-socket';
import { processQueue } from './queue';
import { rt } from './runtime-config';
import { hasRoom } from '../lb/usable';
import { stickLookup, stickStore } from '../stick/runtime';

export type AssignResult =
  | { kind: 'server'; server: Server }
  | { kind: 'queue' }
  | { kind: 'none' };

/**
 * Picks a server for a new request. Returns 'queue' when usable servers exist but all are at
 * their maxconn (the caller waits in the backend queue), 'none' when no server is usable.
 */
export function assignServer(be: Proxy, sample: SampleContext, avoid: Server | undefined, explain: PickExplanation | undefined, body?: Buffer): AssignResult {
  // Persistence first (cookie ...): a persisted server wins unless it is the one that just
  // failed (retries), as HAProxy's assign_server does.
  for (let i = 0; i < persistence.length; i++) {
    const p = persistence[i](be, sample);
    if (p && p !== avoid) {
      if (explain) explain.detail = `persistence (${persistenceNames[i]})`;
      if (!hasRoom(p)) return { kind: 'queue' };
      return { kind: 'server', server: p };
    }
  }
  const b = be.balancer;
  if (!b) return { kind: 'none' };
  // `stick match` / `stick on` (stick/runtime.ts): a stored, usable server wins over the
  // balancer (not on a retry that avoids it).
  const stuck = stickLookup(be, sample);
  const s = stuck && stuck !== avoid && stuck.isUsable ? stuck : b.pick({ sample, body }, avoid, explain);
  if (!s) {
    for (const x of be.servers) if (x.isUsable) return { kind: 'queue' };
    return { kind: 'none' };
  }
  // hasRoom() applies the dynamic limits (minconn/fullconn, slowstart) and queue fairness.
  if (!hasRoom(s)) return { kind: 'queue' };
  stickStore(be, sample, s, 'request');
  s.counters.lbTotal++;
  be.beCounters.lbTotal++;
  return { kind: 'server', server: s };
}

/**
 * A persistence lookup (cookie ...): returns the server a request must go to, or undefined to
 * let stick tables and the balancer choose. Registered by the persistence subsystems.
 */
export type PersistenceLookup = (be: Proxy, sample: SampleContext) => Server | undefined;

const persistence: PersistenceLookup[] = [];
const persistenceNames: string[] = [];

/** Registers a persistence lookup, consulted in registration order before the balancer. */
export function registerPersistence(name: string, fn: PersistenceLookup): void {
  persistence.push(fn);
  persistenceNames.push(name);
}

/** Releases a server slot taken by a request, and lets queued requests in. */
export function releaseServer(server: Server, be: Proxy): void {
  if (server.curConns > 0) server.curConns--;
  server.backend.balancer?.dropConn?.(server);
  processQueue(be, server);
}

/** What a connection attempt reports to (the HTTP or TCP stream). */
export interface ConnectTarget extends ServerSocketOwner {
  server: Server | null;
  armConnectTimer(ms: number | undefined): void;
  disarmTimer(): void;
  retryLater(ms: number): void;
  switchServer(server: Server): void;
  connected(sock: PooledSocket, reused: boolean, retries: number): void;
  connectFailed(cause: TermCause, retries: number): void;
  /** SNI to send to a TLS server (the server's `sni` expression evaluated for this stream). */
  sni?(server: Server): string | undefined;
  /** Bytes to send before anything else on a new connection (PROXY protocol header). */
  preamble?(server: Server): Buffer | undefined;
  /** The target takes RawServerSocket connections (raw-socket.ts) for plain TCP servers. */
  readonly rawServerSockets?: boolean;
}

/** One request's connection attempts (kept across retries). */
export class ConnectAttempt implements RawConnectCallbacks {
  retries = 0;
  failed: Server | undefined;
  private sock: net.Socket | null = null;
  private raw: RawServerSocket | null = null;
  private readonly target: ConnectTarget;
  private readonly be: Proxy;

  constructor(target: ConnectTarget, be: Proxy) {
    this.target = target;
    this.be = be;
  }

  /** Starts a connection to `server`, reusing an idle one when allowed. */
  start(server: Server, allowReuse: boolean): void {
    if (allowReuse) {
      const idle = takeIdle(server, this.target);
      if (idle) {
        server.counters.reuses++;
        this.be.beCounters.reuses++;
        this.target.connected(idle, true, this.retries);
        return;
      }
    }
    server.counters.connects++;
    this.be.beCounters.connects++;
    const useTls = server.cfg.options.ssl === true;
    if (!useTls && this.target.rawServerSockets === true && rawSocketsAvailable(server.host)) {
      this.raw = new RawServerSocket(server, this.target, server.host, server.port, this);
      this.target.armConnectTimer(this.be.cfg.timeouts.connect);
      return;
    }
    const sock: net.Socket = useTls
      ? tls.connect({ ...serverTlsOptions(server.cfg, server.host, server.port, this.target.sni?.(server)), noDelay: true, allowHalfOpen: true } as tls.ConnectionOptions)
      : net.connect({ host: server.host, port: server.port, noDelay: true, allowHalfOpen: true });
    this.sock = sock;
    const onError = (): void => this.failure('S');
    sock.once('error', onError);
    sock.once(useTls ? 'secureConnect' : 'connect', () => {
      sock.removeListener('error', onError);
      this.sock = null;
      if (useTls) sock.removeAllListeners('connect');
      this.target.disarmTimer();
      const pooled = adoptServerSocket(sock, server, this.target);
      const pre = this.target.preamble?.(server);
      // Header and first payload leave in one segment when both are ready.
      sock.cork();
      if (pre) sock.write(pre);
      this.target.connected(pooled, false, this.retries);
      sock.uncork();
    });
    this.target.armConnectTimer(this.be.cfg.timeouts.connect);
  }

  /** RawConnectCallbacks: the raw connection is up. */
  onConnect(sock: RawServerSocket): void {
    this.raw = null;
    this.target.disarmTimer();
    const pre = this.target.preamble?.(sock.fcServer);
    sock.cork();
    if (pre) sock.write(pre);
    this.target.connected(sock, false, this.retries);
    sock.uncork();
  }

  /** RawConnectCallbacks: the raw connection failed (refused, unreachable). */
  onError(): void {
    this.raw = null;
    this.failure('S');
  }

  /** `timeout connect` expired. */
  onTimeout(): void {
    this.failure('s');
  }

  /** Stops a pending connect (client went away). */
  cancel(): void {
    this.dropRaw();
    if (this.sock) {
      this.sock.removeAllListeners('connect');
      this.sock.on('error', () => { /* ignore after cancel */ });
      this.sock.destroy();
      this.sock = null;
    }
  }

  private dropRaw(): void {
    const raw = this.raw;
    if (raw) {
      this.raw = null;
      raw.fcOwner = null;
      raw.destroy();
    }
  }

  private failure(cause: TermCause): void {
    this.dropRaw();
    const sock = this.sock;
    if (sock) {
      sock.removeAllListeners('connect');
      sock.on('error', () => { /* already handled */ });
      sock.destroy();
      this.sock = null;
    }
    this.target.disarmTimer();
    const server = this.target.server!;
    server.counters.errConn++;
    this.be.beCounters.errConn++;
    const r = rt(this.be);
    if (this.retries >= r.retries || !r.retryOnConn) {
      this.target.connectFailed(cause, this.retries);
      return;
    }
    this.retries++;
    server.counters.retries++;
    this.be.beCounters.retries++;
    this.failed = server;
    // option redispatch <interval>: default -1 = on the last retry (configuration.txt).
    const n = this.retries;
    const iv = r.redispatchInterval;
    // A server already known DOWN (reached through `option persist`) is left at once.
    const redispatch = r.redispatch && iv !== 0 && (!server.isRunning || (iv > 0 ? n % iv === 0 : n === r.retries + iv + 1));
    if (redispatch) {
      const other = this.be.balancer?.pick({ sample: { src: '', srcPort: 0, dst: '', dstPort: 0, frontend: '', vars: new Map() } }, server);
      if (other && other !== server && other.hasFreeSlot) {
        server.counters.redispatches++;
        this.be.beCounters.redispatches++;
        other.counters.lbTotal++;
        this.target.switchServer(other);
        this.start(other, true);
        return;
      }
    }
    // After a connect timeout the time is already spent: HAProxy 2.6.12 retries at once
    // (observed: retries 1 + timeout connect 500ms -> 503 sC-- at Tt 1000).
    if (cause === 's') {
      this.start(server, false);
      return;
    }
    // Turn-around timer before retrying the same server: min(timeout connect, 1s).
    const connectTimeout = this.be.cfg.timeouts.connect ?? 1000;
    this.target.retryLater(Math.min(connectTimeout, 1000));
  }
}

/**
 * Starts (or continues, when `prev` is given) connecting `target` to `server`.
 * Returns the attempt, which carries the retry count.
 */
export function connectServer(target: ConnectTarget, server: Server, be: Proxy, allowReuse: boolean, prev: ConnectAttempt | null): ConnectAttempt {
  const a = prev ?? new ConnectAttempt(target, be);
  a.start(server, allowReuse);
  return a;
}
