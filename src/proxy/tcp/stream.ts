/**
 * A `mode tcp` connection (HAProxy: stream without HTTP analysers): pick a backend and a
 * server, connect (with retries and redispatch, shared with HTTP via backend.ts), then pipe
 * bytes both ways with backpressure and half-close until both sides are done. One tcplog
 * line at the end.
 */

import type { Socket } from 'node:net';
import type { Instance } from '../../process/instance';
import type { Proxy } from '../proxy';
import type { Server } from '../server';
import { newStreamRecord, type StreamRecord, type TermCause, type TermPhase } from '../stream-record';
import type { SampleContext } from '../../sample/context';
import { assignServer, connectServer, releaseServer, type ConnectAttempt, type ConnectTarget } from '../backend';
import type { PooledSocket } from '../reuse';
import { readIntoSharedBuffer } from '../shared-read';
import { dequeue, enqueue, type QueuedRequest } from '../queue';
import { rt, runtimeLookup } from '../runtime-config';
import { logStream } from '../../log/index';
import { buildProxyV1, buildProxyV2, type ProxyAddresses } from '../proxy-protocol';
import { connectionContext } from './gate';
import { tcpRulesOf, execTcpRules, type CompiledTcpRules, type RuleCursor, type TcpVerdict } from './rules';
import type { ProxyTcpRules } from './rules';
import { setResponsePayload } from './fetches';

/** Largest request payload kept for `tcp-request content` inspection (tune.bufsize - maxrewrite). */
const INSPECT_MAX = 16384 - 1024;

/**
 * Bytes a side may hold unsent before the other side stops being read. Node's default
 * writable high-water mark (16 kB) is below one 64 kB read, so pausing on every `false`
 * from write() would pause and resume on each chunk; this keeps backpressure (bounded
 * memory per stream) with far fewer round trips through the event loop.
 */
const PIPE_BUF = 256 * 1024;

export class TcpStream implements ConnectTarget, QueuedRequest {
  readonly instance: Instance;
  readonly fe: Proxy;
  readonly sock: Socket;
  private be: Proxy | null = null;
  server: Server | null = null;
  private srv: (Socket & PooledSocket) | null = null;
  private readonly rec: StreamRecord;
  private readonly sample: SampleContext;
  private pending: Buffer[] = [];
  private attempt: ConnectAttempt | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerKind: 'connect' | 'queue' | 'turnaround' | null = null;
  private connecting = true;
  private clientDone = false;
  private serverDone = false;
  private closed = false;
  private queued = false;
  queuedAt = 0;
  private tConnStart = 0;
  /** `tcp-request content` inspection in progress (frontend then backend rules). */
  private inspecting: { rules: CompiledTcpRules; cursor: RuleCursor; px: Proxy; timer?: NodeJS.Timeout; next: () => void } | null = null;
  private pendingLen = 0;
  /** `tcp-response content` rules waiting for server data. */
  private resInspect: { rules: CompiledTcpRules; cursor: RuleCursor; timer?: NodeJS.Timeout; buf: Buffer[] } | null = null;
  onDestroy?: () => void;

  constructor(instance: Instance, fe: Proxy, sock: Socket, addrs?: ProxyAddresses) {
    this.instance = instance;
    this.fe = fe;
    this.sock = sock;
    const src = addrs?.src ?? strip(sock.remoteAddress ?? '');
    const dst = addrs?.dst ?? strip(sock.localAddress ?? '');
    const srcPort = addrs?.srcPort ?? sock.remotePort ?? 0;
    const dstPort = addrs?.dstPort ?? sock.localPort ?? 0;
    this.rec = newStreamRecord(src, srcPort, dst, dstPort, fe.name);
    // Continues the context of tcp-request connection/session rules (variables, tracking).
    this.sample = connectionContext(instance, fe, sock, addrs);
    this.sample.runtime ??= runtimeLookup(instance);
    this.rec.sample = this.sample; // %[fetch] in log formats (log/format.ts)
    sock.setNoDelay(true);
    const fo = fe.cfg.options;
    if (fo.tcpka || fo.clitcpka) sock.setKeepAlive(true, keepIdle(fe.cfg.ext.clitcpkaIdle));
    (sock as TcpOwnedSocket).fcTcp = this;
    if (!readIntoSharedBuffer(sock as TcpOwnedSocket, onTcpClientData)) sock.on('data', onTcpClientData);
    sock.on('end', () => this.onClientEnd());
    sock.on('close', () => this.onClientClose());
    sock.on('error', () => { /* 'close' follows */ });
    sock.on('drain', () => this.srv?.resume());
    sock.on('timeout', () => this.onClientTimeout());
    const ct = fe.cfg.timeouts.client;
    if (ct) sock.setTimeout(ct);
    this.startInspect(fe, () => this.route());
  }

  /**
   * `tcp-request content` rules of `px` (HAProxy tcp_inspect_request): with an inspect-delay,
   * client data is buffered (exposed as `sample.payload`) until the rules decide, the delay
   * expires, the buffer is full or the client closes; without one they run once at once.
   */
  private startInspect(px: Proxy, next: () => void): void {
    const rules = tcpRulesOf(this.instance, px, 'content');
    if (!rules) { next(); return; }
    const delay = (px.cfg.ext.tcpRules as ProxyTcpRules | undefined)?.inspectDelay ?? 0;
    const st = { rules, cursor: { next: 0 }, px, timer: undefined as NodeJS.Timeout | undefined, next };
    this.inspecting = st;
    if (delay > 0) st.timer = setTimeout(() => { st.timer = undefined; this.evalInspect(true); }, delay);
    this.evalInspect(delay <= 0 || this.clientDone);
  }

  private evalInspect(final: boolean): void {
    const st = this.inspecting;
    if (!st || this.closed) return;
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending)];
    this.sample.payload = this.pending[0] ?? Buffer.alloc(0);
    const v: TcpVerdict = execTcpRules(st.rules, this.sample, final || this.clientDone || this.pendingLen >= INSPECT_MAX, st.cursor);
    if (v === 'wait') return;
    if (st.timer) clearTimeout(st.timer);
    this.inspecting = null;
    this.sample.final = undefined;
    if (v === 'reject' || v === 'silent-drop') {
      this.fe.feCounters.deniedReq++;
      if (this.be && this.be !== this.fe) this.be.beCounters.deniedReq++;
      if (v === 'silent-drop') resetClose(this.sock);
      this.end('P', 'R');
      return;
    }
    st.next();
  }

  private route(): void {
    const r = rt(this.fe);
    let be: Proxy | undefined;
    for (const rule of r.switching) if (!rule.cond || rule.cond(this.sample)) { be = rule.backend; break; }
    if (!be) be = r.defaultBackend ?? (this.fe.isBackend ? this.fe : undefined);
    if (!be) {
      this.end('P', 'R');
      return;
    }
    this.be = be;
    this.rec.backendName = be.name;
    this.sample.backend = be.name;
    be.beCounters.enter();
    if (be !== this.fe) this.startInspect(be, () => this.assign());
    else this.assign();
  }

  private assign(): void {
    const be = this.be!;
    const a = assignServer(be, this.sample, this.attempt?.failed, undefined);
    if (a.kind === 'none') {
      this.end('S', 'C');
      return;
    }
    if (a.kind === 'queue') {
      this.queued = true;
      this.queuedAt = performance.now();
      enqueue(be, this);
      this.setTimer('queue', be.cfg.timeouts.queue ?? be.cfg.timeouts.connect);
      return;
    }
    this.useServer(a.server);
  }

  tryDispatch(): boolean {
    if (this.closed) return true;
    const a = assignServer(this.be!, this.sample, undefined, undefined);
    if (a.kind !== 'server') return false;
    this.queued = false;
    this.clearTimer();
    this.rec.tw = Math.round(performance.now() - this.queuedAt);
    this.useServer(a.server);
    return true;
  }

  private useServer(s: Server): void {
    this.server = s;
    this.rec.serverName = s.name;
    if (this.rec.tw < 0) this.rec.tw = 0;
    s.curConns++;
    s.counters.enter();
    s.streams.add(this);
    s.backend.balancer?.takeConn?.(s);
    this.tConnStart = performance.now();
    this.attempt = connectServer(this, s, this.be!, false, null);
  }

  private setTimer(kind: NonNullable<TcpStream['timerKind']>, ms: number | undefined): void {
    this.clearTimer();
    if (!ms) return;
    this.timerKind = kind;
    this.timer = setTimeout(() => {
      const k = this.timerKind;
      this.timer = null;
      this.timerKind = null;
      if (k === 'connect') this.attempt?.onTimeout();
      else if (k === 'turnaround') this.attempt = connectServer(this, this.server!, this.be!, false, this.attempt);
      else if (k === 'queue') { this.leaveQueue(); this.end('s', 'Q'); }
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerKind = null;
  }

  /** PROXY protocol header for `send-proxy` / `send-proxy-v2` servers. */
  preamble(server: Server): Buffer | undefined {
    const v = server.cfg.sendProxy;
    if (!v) return undefined;
    const s = this.sample;
    const a = { local: false, src: s.src, srcPort: s.srcPort, dst: s.dst, dstPort: s.dstPort };
    return v === 'v2' ? buildProxyV2(a) : buildProxyV1(a);
  }

  armConnectTimer(ms: number | undefined): void { this.setTimer('connect', ms); }
  disarmTimer(): void { this.clearTimer(); }
  retryLater(ms: number): void { this.setTimer('turnaround', ms); }

  switchServer(s: Server): void {
    const old = this.server;
    if (old) { old.streams.delete(this); releaseServer(old, this.be!); }
    this.rec.redispatched = true;
    this.server = s;
    this.rec.serverName = s.name;
    s.curConns++;
    s.counters.enter();
    s.streams.add(this);
  }

  connected(conn: PooledSocket, _reused: boolean, retries: number): void {
    // TCP streams do not ask for raw server sockets (rawServerSockets): this is a net.Socket.
    const sock = conn as Socket & PooledSocket;
    if (this.closed) { sock.destroy(); return; }
    this.srv = sock;
    this.connecting = false;
    this.rec.tc = Math.round(performance.now() - this.tConnStart);
    this.rec.retries = retries;
    const be = this.be!;
    const st = be.cfg.timeouts.server;
    if (st) sock.setTimeout(st);
    const bo = be.cfg.options;
    if (bo.tcpka || bo.srvtcpka) sock.setKeepAlive(true, keepIdle(be.cfg.ext.srvtcpkaIdle));
    // timeout tunnel: once established, a TCP stream uses it on both sides (HAProxy: stream.c).
    const tunnel = be.cfg.timeouts.tunnel;
    if (tunnel) { sock.setTimeout(tunnel); this.sock.setTimeout(tunnel); }
    for (const b of this.pending) sock.write(b);
    this.pending.length = 0;
    this.pendingLen = 0;
    this.sample.payload = undefined;
    if (this.clientDone) { sock.end(); this.serverShutW(); }
    this.sock.resume();
    const rr = tcpRulesOf(this.instance, be, 'response');
    if (rr) {
      const delay = (be.cfg.ext.tcpRules as ProxyTcpRules | undefined)?.resInspectDelay ?? 0;
      const ri = { rules: rr, cursor: { next: 0 }, timer: undefined as NodeJS.Timeout | undefined, buf: [] as Buffer[] };
      this.resInspect = ri;
      if (delay > 0) ri.timer = setTimeout(() => { ri.timer = undefined; this.evalResponse(true); }, delay);
      this.evalResponse(delay <= 0);
    }
  }

  /**
   * `tcp-response content` rules (basic: HAProxy tcp_inspect_response). Server data is held
   * while the rules wait; `reject` closes both sides (counted in dresp, logged `PD`), `close`
   * closes the server side and lets the client finish.
   */
  private evalResponse(final: boolean): void {
    const ri = this.resInspect;
    if (!ri || this.closed) return;
    const v = execTcpRules(ri.rules, this.sample, final || this.serverDone, ri.cursor);
    if (v === 'wait') return;
    if (ri.timer) clearTimeout(ri.timer);
    this.resInspect = null;
    this.sample.final = undefined;
    setResponsePayload(this.sample, undefined);
    if (v === 'reject' || v === 'silent-drop') {
      this.be!.beCounters.deniedResp++;
      this.fe.feCounters.deniedResp++;
      this.end('P', 'D');
      return;
    }
    for (const b of ri.buf) this.forwardToClient(b);
    if (v === 'close' && this.srv) this.srv.end();
  }

  /** The server side has been told the client is done: `timeout server-fin` now applies. */
  private serverShutW(): void {
    const sf = this.be?.cfg.timeouts.serverFin;
    if (sf && this.srv) this.srv.setTimeout(sf);
  }

  /** The client side has been sent a FIN: `timeout client-fin` now applies. */
  private clientShutW(): void {
    const cf = this.fe.cfg.timeouts.clientFin;
    if (cf) this.sock.setTimeout(cf);
  }

  connectFailed(cause: TermCause, retries: number): void {
    this.rec.retries = retries;
    this.end(cause, 'C');
  }

  onClientData(d: Buffer): void {
    this.rec.bytesIn += d.length;
    if (this.inspecting) {
      this.pending.push(d);
      this.pendingLen += d.length;
      if (this.pendingLen >= INSPECT_MAX) this.sock.pause();
      this.evalInspect(false);
      return;
    }
    if (this.connecting) {
      this.pending.push(d);
      this.sock.pause();
      return;
    }
    if (this.srv && !this.srv.write(d) && this.srv.writableLength >= PIPE_BUF) this.sock.pause();
  }

  private onClientEnd(): void {
    this.clientDone = true;
    if (this.inspecting) { this.evalInspect(true); return; }
    if (this.srv) { this.srv.end(); this.serverShutW(); }
    else if (!this.connecting) this.maybeDone();
  }

  private onClientClose(): void {
    if (this.closed) return;
    if (this.inspecting) { this.end('C', 'R'); return; }
    if (this.connecting) { this.end('C', 'C'); return; }
    this.clientDone = true;
    if (!this.serverDone) {
      // Client vanished while the server side was still open: CD.
      this.end('C', 'D');
      return;
    }
    this.end('-', '-');
  }

  private onClientTimeout(): void { this.end('c', this.inspecting ? 'R' : 'D'); }

  onServerData(d: Buffer): void {
    // Counted when read from the server, as HAProxy counts what enters the response channel
    // (a tcp-response reject logs the bytes it held back).
    this.rec.bytesOut += d.length;
    const ri = this.resInspect;
    if (ri) {
      ri.buf.push(d);
      setResponsePayload(this.sample, ri.buf.length > 1 ? Buffer.concat(ri.buf) : ri.buf[0]);
      this.evalResponse(false);
      return;
    }
    this.forwardToClient(d);
  }

  private forwardToClient(d: Buffer): void {
    if (!this.sock.write(d) && this.sock.writableLength >= PIPE_BUF) this.srv?.pause();
  }

  onServerEnd(): void {
    this.serverDone = true;
    if (this.resInspect) this.evalResponse(true);
    if (this.closed) return;
    this.sock.end();
    this.clientShutW();
  }

  onServerClose(): void {
    if (this.closed) return;
    this.srv = null;
    this.serverDone = true;
    if (this.resInspect) this.evalResponse(true);
    if (this.closed) return;
    if (!this.clientDone) {
      this.sock.end();
      this.clientShutW();
      // Wait for the client to finish reading; the client 'close' completes the stream.
      return;
    }
    this.end('-', '-');
  }

  onServerError(): void { /* 'close' follows */ }
  onServerTimeout(): void { this.end('s', 'D'); }
  onServerDrain(): void { this.sock.resume(); }

  private maybeDone(): void {
    if (this.clientDone && this.serverDone) this.end('-', '-');
  }

  private leaveQueue(): void {
    if (this.queued && this.be) dequeue(this.be, this);
    this.queued = false;
  }

  kill(): void { this.end('K', 'D'); }

  /** Ends the stream: closes both sides, logs the tcplog line, updates counters. */
  private end(cause: TermCause, phase: TermPhase): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer();
    if (this.inspecting?.timer) clearTimeout(this.inspecting.timer);
    if (this.resInspect?.timer) clearTimeout(this.resInspect.timer);
    this.inspecting = null;
    this.resInspect = null;
    this.leaveQueue();
    this.attempt?.cancel();
    const rec = this.rec;
    if (rec.termCause === '-' && cause !== '-') {
      rec.termCause = cause;
      rec.termPhase = phase;
    }
    if (this.srv) { this.srv.fcOwner = null; this.srv.destroy(); this.srv = null; }
    if (!this.sock.destroyed) {
      if (cause === '-') this.sock.end(); else this.sock.destroy();
    }
    const now = performance.now();
    rec.tt = Math.round(now - rec.acceptHr);
    rec.ta = rec.tt;
    const fe = this.fe;
    const be = this.be;
    const srv = this.server;
    fe.feCounters.bytesIn += rec.bytesIn;
    fe.feCounters.bytesOut += rec.bytesOut;
    if (cause === 'C' || cause === 'c') fe.feCounters.cliAborts++;
    if (be) {
      be.beCounters.bytesIn += rec.bytesIn;
      be.beCounters.bytesOut += rec.bytesOut;
      be.beCounters.addTimes(rec.tw, rec.tc, -1, rec.tt);
      be.beCounters.leave();
    }
    if (srv) {
      srv.counters.bytesIn += rec.bytesIn;
      srv.counters.bytesOut += rec.bytesOut;
      srv.counters.leave();
      srv.streams.delete(this);
      releaseServer(srv, be!);
    }
    rec.actconn = this.instance.actconn;
    rec.feconn = fe.feCounters.cur;
    // Counted after this stream released the backend and server, as HAProxy 2.6.12 logs
    // them (tcplog of a lone connection: `1/1/0/0/0`), like the HTTP stream.
    rec.beconn = be ? be.beCounters.cur : 0;
    rec.srvconn = srv ? srv.curConns : 0;
    rec.backendQueue = be?.queueLength ?? 0;
    rec.srvQueue = srv?.queueLength ?? 0;
    logStream(this.instance, fe, rec);
    this.onDestroy?.();
  }
}

/** Keep-alive initial delay from `clitcpka-idle` / `srvtcpka-idle` (ms), 0 = system default. */
function keepIdle(v: unknown): number {
  return typeof v === 'number' && v > 0 ? v : 0;
}

function resetClose(sock: Socket): void {
  try { sock.resetAndDestroy(); } catch { sock.destroy(); }
}

function strip(a: string): string {
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/** A client socket pointing back to its TCP stream (one data handler for every socket). */
type TcpOwnedSocket = Socket & { fcTcp: TcpStream };
function onTcpClientData(this: TcpOwnedSocket, d: Buffer): void { this.fcTcp.onClientData(d); }
