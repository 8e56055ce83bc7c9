/**
 * Listening sockets for `bind` lines (HAProxy: listener.c). Accepts connections, enforces
 * the global, frontend and bind `maxconn` by holding new connections unread until a slot
 * frees (a full frontend stops accepting rather than failing), and hands each connection to
 * an HTTP or TCP stream according to the frontend's mode.
 */

import net from 'node:net';
import tls from 'node:tls';
import { bindTlsOptions } from './tls';
import { existsSync, unlinkSync, chmodSync } from 'node:fs';
import type { Instance } from '../process/instance';
import type { Proxy } from './proxy';
import type { BindConfig } from '../config/model';
import { HttpStream } from './http/stream';
import { TcpStream } from './tcp/stream';
import { parseProxyHeader, type ProxyAddresses } from './proxy-protocol';
import { emitAdminEvent } from '../observe/events';
import { logEmbryonic } from '../log';
import { acceptGate, takeListenFd } from '../process/sockets';
import { tcpConnectionGate, tcpSessionGate } from './tcp/gate';

export class Listener {
  readonly frontend: Proxy;
  readonly bind: BindConfig;
  readonly port: number;
  readonly server: net.Server;
  private readonly instance: Instance;
  /** Connections accepted beyond a maxconn, waiting for a slot. */
  private readonly waiting: net.Socket[] = [];
  curConns = 0;
  private paused = false;

  constructor(instance: Instance, frontend: Proxy, bind: BindConfig, port: number) {
    this.instance = instance;
    this.frontend = frontend;
    this.bind = bind;
    this.port = port;
    if (bind.options.ssl === true) {
      // TLS termination: the stream starts once the handshake is done; the socket stays
      // paused (no 'data' listener yet) until the stream attaches.
      // allowHalfOpen only once the handshake is done: with it during the handshake, a client
      // FIN is never reported (the connection waits for the handshake timeout, then stays in
      // CLOSE-WAIT: Node does not close a half-open TLS socket whose handshake failed).
      const opts = { ...bindTlsOptions(bind), allowHalfOpen: false, handshakeTimeout: frontend.cfg.timeouts.client ?? 60_000 };
      const ts = tls.createServer(opts, (sock) => { sock.allowHalfOpen = true; sock.pause(); this.onConnection(sock); });
      // Failed handshakes are logged as HAProxy's embryonic sessions (`fe/1: SSL handshake
      // failure`). The raw socket is the TLS socket's _parent; its peer address and accept
      // time are taken at accept (a reset socket no longer knows its peer).
      ts.on('connection', (raw: net.Socket & { fcAcceptMs?: number }) => { void raw.remoteAddress; raw.fcAcceptMs = Date.now(); });
      ts.on('tlsClientError', (err: NodeJS.ErrnoException, sock: tls.TLSSocket) => {
        frontend.feCounters.errReq++;
        const raw = (sock as unknown as { _parent?: net.Socket & { fcAcceptMs?: number } })._parent;
        const code = err?.code;
        const empty = code === 'ECONNRESET' || code === 'EPIPE';
        const msg = empty ? 'Connection closed during SSL handshake'
          : code === 'ERR_TLS_HANDSHAKE_TIMEOUT' ? 'Timeout during SSL handshake' : 'SSL handshake failure';
        const name = typeof bind.options.name === 'string' ? bind.options.name : String(frontend.cfg.binds.indexOf(bind) + 1);
        logEmbryonic(instance, frontend, raw?.remoteAddress ?? sock.remoteAddress ?? '-', raw?.remotePort ?? sock.remotePort ?? 0, raw?.fcAcceptMs ?? Date.now(), name, msg, empty);
        sock.destroy();
        raw?.destroy();
      });
      this.server = ts;
    } else {
      this.server = net.createServer({ noDelay: true, pauseOnConnect: true, allowHalfOpen: true }, (sock) => this.onConnection(sock));
    }
    this.server.on('error', () => { /* reported by start() */ });
  }

  /** Starts listening. Resolves with an error message (HAProxy wording) on failure. */
  start(): Promise<string | undefined> {
    const a = this.bind.address;
    return new Promise((resolve) => {
      const onErr = (e: NodeJS.ErrnoException): void => {
        resolve(`Starting ${this.frontend.cfg.cap === 'listen' ? 'proxy' : 'frontend'} ${this.frontend.name}: cannot bind socket (${describeErr(e)}) [${a.raw}]`);
      };
      this.server.once('error', onErr);
      const done = (): void => {
        this.server.removeListener('error', onErr);
        resolve(undefined);
      };
      const backlog = typeof this.bind.options.backlog === 'number' ? this.bind.options.backlog : 1024;
      // Socket from the master (master-worker) or created with SO_REUSEPORT (src/process/sockets.ts).
      let fd: number | undefined;
      try { fd = takeListenFd(this.bind, this.port); } catch (e) { onErr(e as NodeJS.ErrnoException); return; }
      if (fd !== undefined) {
        this.server.listen({ fd, backlog }, done);
      } else if (a.family === 'unix') {
        if (a.path && existsSync(a.path)) try { unlinkSync(a.path); } catch { /* bind reports it */ }
        this.server.listen({ path: a.path, backlog }, () => {
          if (typeof this.bind.options.mode === 'number') try { chmodSync(a.path!, this.bind.options.mode); } catch { /* ignore */ }
          done();
        });
      } else if (a.family === 'abns') {
        this.server.listen({ path: '\0' + a.path, backlog }, done);
      } else if (a.family === 'fd') {
        this.server.listen({ fd: a.fd! }, done);
      } else {
        let host = a.host;
        if (host === '') host = a.family === 'ipv6' ? '::' : '0.0.0.0';
        this.server.listen({ host, port: this.port, backlog, ipv6Only: this.bind.options.v6only === true }, done);
      }
    });
  }

  private limitReached(): boolean {
    const inst = this.instance;
    const fe = this.frontend;
    if (inst.actconn >= inst.maxconn) return true;
    const feMax = fe.maxconn || inst.config.global.maxconn || 0;
    if (feMax > 0 && fe.feCounters.cur >= feMax) return true;
    const bindMax = typeof this.bind.options.maxconn === 'number' ? this.bind.options.maxconn : 0;
    if (bindMax > 0 && this.curConns >= bindMax) return true;
    return false;
  }

  private onConnection(sock: net.Socket): void {
    if (this.frontend.state === 'stopped' || this.instance.stopping) {
      sock.destroy();
      return;
    }
    if (this.paused || acceptGate.held || this.limitReached()) {
      this.waiting.push(sock);
      sock.once('close', () => {
        const i = this.waiting.indexOf(sock);
        if (i >= 0) this.waiting.splice(i, 1);
      });
      if (this.instance.actconn >= this.instance.maxconn) this.instance.maxconnReached++;
      return;
    }
    this.startStream(sock);
  }

  private startStream(sock: net.Socket): void {
    const inst = this.instance;
    const fe = this.frontend;
    // tcp-request connection rules (src/proxy/tcp/gate.ts): a reject closes and counts dcon.
    const gate = tcpConnectionGate(inst, fe, sock);
    if (gate === 'closed') return;
    inst.actconn++;
    inst.cumConns++;
    inst.connRate.add();
    this.curConns++;
    fe.feCounters.enter();
    fe.feCounters.connRate.add();
    if (gate !== 'expect-proxy' && this.bind.options['accept-proxy'] !== true) {
      // Common path, no per-connection closure: streams call onDestroy exactly once.
      if (!tcpSessionGate(inst, fe, sock, undefined)) { this.releaseSlot(); return; }
      const stream = fe.mode === 'http' ? new HttpStream(inst, fe, sock) : new TcpStream(inst, fe, sock);
      stream.onDestroy = this.releaseSlot;
      sock.resume();
      return;
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      inst.actconn--;
      this.curConns--;
      fe.feCounters.leave();
      this.admitWaiting();
    };
    const begin = (addrs?: ProxyAddresses): void => {
      if (!tcpSessionGate(inst, fe, sock, addrs)) { release(); return; }
      const stream = fe.mode === 'http' ? new HttpStream(inst, fe, sock, addrs) : new TcpStream(inst, fe, sock, addrs);
      stream.onDestroy = release;
      sock.resume();
    };
    if (this.bind.options['accept-proxy'] === true || gate === 'expect-proxy') readProxyHeader(sock, fe, begin, release);
    else begin();
  }

  /** Releases one connection slot (bound once; shared by every stream of this listener). */
  private readonly releaseSlot = (): void => {
    this.instance.actconn--;
    this.curConns--;
    this.frontend.feCounters.leave();
    this.admitWaiting();
  };

  /** Lets held connections in while slots are free (also called when limits are raised). */
  admitWaiting(): void {
    while (this.waiting.length > 0 && !this.paused && !acceptGate.held && !this.limitReached()) {
      const s = this.waiting.shift()!;
      if (s.destroyed) continue;
      this.startStream(s);
    }
  }

  /** SIGTTOU / `disable frontend`: stop taking new connections (they wait in the kernel or here). */
  pause(): void { this.paused = true; }
  resume(): void { this.paused = false; this.admitWaiting(); }

  /** Stops listening; held connections are closed. */
  close(): Promise<void> {
    for (const s of this.waiting.splice(0)) s.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}

function describeErr(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'EADDRINUSE': return 'Address already in use';
    case 'EACCES': return 'Permission denied';
    case 'EADDRNOTAVAIL': return 'Cannot assign requested address';
    default: return e.message;
  }
}

/**
 * `accept-proxy`: reads the PROXY header before anything else, then starts the stream with
 * the addresses it carries (leftover bytes are pushed back). A bad header closes the
 * connection and logs HAProxy's connection error (`timeout client` bounds the wait).
 */
function readProxyHeader(sock: net.Socket, fe: Proxy, begin: (a?: ProxyAddresses) => void, release: () => void): void {
  let buf: Buffer = Buffer.alloc(0);
  const fail = (why: string): void => {
    sock.removeListener('data', onData);
    emitAdminEvent('notice', `${sock.remoteAddress}:${sock.remotePort} [${new Date().toISOString()}] ${fe.name}: ${why}`, fe.name);
    sock.destroy();
    release();
  };
  const onData = (d: Buffer): void => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    const r = parseProxyHeader(buf);
    if (r.kind === 'incomplete') return;
    sock.removeListener('data', onData);
    sock.setTimeout(0);
    sock.removeListener('timeout', onTimeout);
    if (r.kind === 'error') { fail(r.message); return; }
    sock.pause();
    if (r.length < buf.length) sock.unshift(buf.subarray(r.length));
    begin(r.addresses.local ? undefined : r.addresses);
  };
  const onTimeout = (): void => fail('Timeout while waiting for PROXY protocol header');
  sock.on('data', onData);
  sock.on('error', () => { sock.removeListener('data', onData); release(); });
  sock.setTimeout(fe.cfg.timeouts.client ?? 5000);
  sock.once('timeout', onTimeout);
  sock.resume();
}
