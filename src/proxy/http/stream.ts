/**
 * One HTTP/1.x client connection and its transactions (HAProxy: the H1 mux + stream +
 * http_ana analysers). Bytes arrive on the client socket; the head is parsed by parser.ts,
 * the frontend picks a backend, backend.ts picks and connects a server, the request head is
 * rewritten and forwarded, the body streams through framing.ts, the response comes back the
 * same way. Every end goes through {@link HttpStream.finishTxn} or {@link HttpStream.abort},
 * which record the termination state, log the line and update counters.
 *
 * Hot-path rules: handlers are installed once per socket, not per request; bodies are
 * forwarded as the slices that arrived (no copies); heads are rebuilt as one string.
 */

import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { compileSampleExpr, type CompiledSample } from '../../sample/expr';
import type { Instance } from '../../process/instance';
import type { Proxy } from '../proxy';
import type { Server } from '../server';
import { newStreamRecord, type StreamRecord, type TermCause, type TermPhase } from '../stream-record';
import { findHeadEnd, leadingEmptyLines, parseRequestHead, parseResponseHead, isHeadError, getHeader, type HeadError, type ParsedHead } from './parser';
import { BodyKind, ChunkedScanner, requestBodyKind, responseBodyKind } from './framing';
import { errorResponse, rawErrorResponse } from './error-pages';
import { proxyErrorResponse } from './errors-config';
import { applyAfterResponse, afterResponseBytes } from './rules/after-reply';
import { stickStore, untrackConnection } from '../../stick/runtime';
import { rt, httpMode, HttpMode } from '../runtime-config';
import { inNetwork, type Network } from '../../util/ip';
import type { SampleContext } from '../../sample/context';
import { assignServer, connectServer, releaseServer, type ConnectAttempt, type ConnectTarget } from '../backend';
import { serverRedirect } from '../../persist/redir';
import { releaseIdle, type PooledSocket, type ServerSocketOwner } from '../reuse';
import { dequeue, enqueue, type QueuedRequest } from '../queue';
import { logStream, uniqueId, uniqueIdHeader } from '../../log/index';
import type { PickExplanation } from '../../lb/balancer';
import { explainPlacement, placementRecording } from '../explain';
import { runtimeLookup } from '../runtime-config';
import { buildProxyV1, buildProxyV2, type ProxyAddresses } from '../proxy-protocol';
import { runHooks, type HttpHooks, type HttpReply, type HttpTxn } from './hooks';
import { allocStreamId, trackStream, untrackStream } from '../../runtime/sessions';
import { recordProtocolError } from '../../runtime/errors';
import { existingConnectionContext } from '../tcp/gate';
import { chooseAlgorithm, compressionOf, createEncoder, rewriteHeaders, shouldCompress, type Encoder } from './compression';
import { nowHr, nowMs, withClock } from '../../util/clock';
import { readIntoSharedBuffer } from '../shared-read';
import { RawServerSocket, releaseServerChunk } from '../raw-socket';
import { directWrite, NOT_DONE, QUEUED, WRITTEN, type DirectWriteOwner, type DirectWriteResult } from '../direct-write';

const enum St {
  /** Waiting for the first byte of a request (keep-alive idle or fresh connection). */
  Idle,
  /** Receiving a request head. */
  Head,
  /** Waiting for a server connection (queue, connect, retries). */
  Connecting,
  /** Request sent (body may still be flowing); waiting for the response head. */
  WaitResponse,
  /** Forwarding the response body. */
  ResponseBody,
  /** Bidirectional tunnel after 101 / CONNECT. */
  Tunnel,
  /** Closed. */
  Closed,
}

/**
 * HAProxy 2.6 only rewrites the Connection header: it drops the `close`, `keep-alive` (and,
 * when Fulcrum adds its own, `upgrade`) tokens and keeps any other token; other hop-by-hop
 * headers (keep-alive, te, upgrade, proxy-connection) pass through (observed on 2.6.12).
 */
function keepConnectionTokens(value: string, acc: string, dropUpgrade: boolean): string {
  // The usual single token, without splitting (one per message on the hot path).
  const n = value.length;
  if ((n === 10 || n === 5) && value.indexOf(',') < 0) {
    const l = value.toLowerCase();
    if (l === 'keep-alive' || l === 'close') return acc;
  }
  let out = acc;
  for (const part of value.split(',')) {
    const t = part.trim();
    const l = t.toLowerCase();
    if (t === '' || l === 'close' || l === 'keep-alive' || (dropUpgrade && l === 'upgrade')) continue;
    out = out ? `${out}, ${t}` : t;
  }
  return out;
}

let activeStreams = 0;

/** Compiled `sni` expressions of servers, by text. */
const sniCache = new Map<string, CompiledSample>();

/** Number of live HTTP client connections (for soft stop). */
export function liveHttpStreams(): number { return activeStreams; }

/** Streams that may be closed when idle on soft stop. */
const idleRegistry = new Set<HttpStream>();

/** Soft stop: close every keep-alive connection that is idle, and make the others close after their response. */
export function closeIdleStreams(): void {
  for (const s of idleRegistry) s.closeIfIdle();
}

export class HttpStream implements ServerSocketOwner, QueuedRequest, ConnectTarget, DirectWriteOwner {
  readonly instance: Instance;
  readonly fe: Proxy;
  readonly sock: Socket;
  private state = St.Idle;
  /** Unconsumed client bytes (a partial head, or pipelined data after a request). */
  private inBuf: Buffer | null = null;
  private scanFrom = 0;
  /** Current transaction. */
  /**
   * The current transaction's record, created on first use (the first request byte, or an
   * ending that needs one) so an idle keep-alive connection holds none.
   */
  private recObj: StreamRecord | null = null;
  private get rec(): StreamRecord {
    let r = this.recObj;
    if (r === null) {
      r = newStreamRecord(this.sample.src, this.sample.srcPort, this.sample.dst, this.sample.dstPort, this.fe.name);
      r.isHttp = true;
      if (this.sample.ssl) r.frontendTransport = `${this.fe.name}~`;
      r.sample = this.sample; // %[fetch] in log formats (log/format.ts)
      this.recObj = r;
    }
    return r;
  }
  private req: ParsedHead | null = null;
  private res: ParsedHead | null = null;
  private be: Proxy | null = null;
  server: Server | null = null;
  private srv: PooledSocket | null = null;
  private mode = HttpMode.KeepAlive;
  private reqBody = BodyKind.None;
  private reqRemaining = 0;
  private reqChunks: ChunkedScanner | null = null;
  private reqDone = false;
  /** Request bytes received while not connected yet: [head string, body slices...]. */
  private pendingOut: (Buffer | string)[] = [];
  private resBody = BodyKind.None;
  private resRemaining = 0;
  private resChunks: ChunkedScanner | null = null;
  private resBuf: Buffer | null = null;
  /** Scratch list the chunked scanner fills with the re-encoded body (reused, never kept). */
  private readonly chunkOut: (Buffer | string)[] = [];
  private keepClient = true;
  private keepServer = true;
  private requestCount = 0;
  /** Times (nowHr()) for the current transaction. */
  private tStart = 0;
  private tHeadDone = 0;
  private tQueued = 0;
  private tConnStart = 0;
  private tConnected = 0;
  private tRespHead = 0;
  private idleSince = 0;
  /**
   * Timers are deadlines checked by one lazily armed Timeout per stream (HAProxy's task
   * expiry does the same): a phase deadline (keep-alive, request, queue, connect, turn-around)
   * and the client and server inactivity timeouts, refreshed by a field write on each read or
   * write instead of re-inserting a Node timer. The Timeout is re-armed only when a deadline
   * comes earlier than the one it waits for; when it fires early it re-arms for what is left.
   */
  private timer: NodeJS.Timeout | null = null;
  /** nowHr() at which the armed Timeout fires. */
  private timerAt = 0;
  private timerKind: 'ka' | 'req' | 'queue' | 'connect' | 'turnaround' | null = null;
  private phaseAt = 0;
  /** `timeout client` / `timeout server` (or tunnel, server-fin) inactivity, ms; 0 = off. */
  private cliIdleMs = 0;
  private cliSeen = 0;
  private srvIdleMs = 0;
  private srvSeen = 0;
  /** Direct writes (direct-write.ts) still queued in libuv, client and server side. */
  private clientQueued = 0;
  private serverQueued = 0;
  private attempt: ConnectAttempt | null = null;
  private queued = false;
  queuedAt = 0;
  private sample: SampleContext;
  private clientEnded = false;
  private tunnelClosing = false;
  private explain: PickExplanation | null = null;
  private switchText = '';
  /** Copy of the request sent (head + body up to bufsize) for L7 retries; null when not replayable. */
  private replay: (Buffer | string)[] | null = null;
  private replayBytes = 0;
  /** `option http-buffer-request`: waiting for the body before choosing a server. */
  private bufferingBody = false;
  private bufferedBody: Buffer | undefined = undefined;
  private pendingBytes = 0;
  /** Response compressor for the current transaction, when compressing. */
  private enc: Encoder | null = null;
  private onEncData: ((buf: Buffer, start: number, end: number) => void) | null = null;

  constructor(instance: Instance, fe: Proxy, sock: Socket, addrs?: ProxyAddresses) {
    this.instance = instance;
    this.fe = fe;
    this.sock = sock;
    activeStreams++;
    idleRegistry.add(this);
    // Continues the context of tcp-request connection/session rules, if any (tcp/gate.ts).
    this.sample = Object.assign(existingConnectionContext(sock) ?? { vars: new Map() }, {
      src: addrs?.src ?? stripV4Mapped(sock.remoteAddress ?? ''), srcPort: addrs?.srcPort ?? sock.remotePort ?? 0,
      dst: addrs?.dst ?? stripV4Mapped(sock.localAddress ?? ''), dstPort: addrs?.dstPort ?? sock.localPort ?? 0,
      frontend: fe.name, runtime: runtimeLookup(instance),
    });
    if (sock instanceof TLSSocket) {
      const cipher = sock.getCipher();
      this.sample.ssl = { sni: typeof sock.servername === 'string' ? sock.servername : undefined, alpn: sock.alpnProtocol || undefined, version: sock.getProtocol() ?? undefined, cipher: cipher?.name };
    }
    this.newTxn();
    this.streamId = allocStreamId();
    trackStream(new SessionView(this, this.streamId, sock.remoteFamily === 'IPv6' ? 'tcpv6' : 'tcpv4'));
    sock.setNoDelay(true);
    // Shared handlers (no per-connection closures): the socket points back to its stream.
    (sock as OwnedSocket).fcStream = this;
    if (!readIntoSharedBuffer(sock as OwnedSocket, onSockData)) sock.on('data', onSockData);
    sock.on('end', onSockEnd);
    sock.on('close', onSockClose);
    sock.on('error', onSockError);
    sock.on('drain', onSockDrain);
    sock.on('timeout', onSockTimeout);
    this.armIdleTimer(true);
  }

  /** `except` network tests on the client address, cached per connection (it never changes). */
  private srcNetCache: Map<Network, boolean> | null = null;
  private srcIn(net: Network): boolean {
    let c = this.srcNetCache;
    if (!c) { c = new Map(); this.srcNetCache = c; }
    let v = c.get(net);
    if (v === undefined) {
      v = inNetwork(this.sample.src, net);
      c.set(net, v);
    }
    return v;
  }

  /** `ip:port` of the client (after PROXY protocol). */
  get clientAddress(): string { return `${this.sample.src}:${this.sample.srcPort}`; }

  /** Backend and server names for `show sess`. */
  get backendName(): string | undefined { return this.be?.name; }
  get serverName(): string | undefined { return this.server?.name; }

  // -------------------------------------------------------------------------------------
  // Transaction setup
  // -------------------------------------------------------------------------------------

  private newTxn(): void {
    const s = this.sock;
    this.recObj = null;
    this.req = null;
    this.res = null;
    this.be = null;
    this.server = null;
    this.reqBody = BodyKind.None;
    this.reqRemaining = 0;
    this.reqChunks = null;
    this.reqDone = false;
    this.pendingOut.length = 0;
    this.resBody = BodyKind.None;
    this.resRemaining = 0;
    this.resChunks = null;
    this.resBuf = null;
    this.keepClient = true;
    this.keepServer = true;
    this.attempt = null;
    this.explain = null;
    this.replay = null;
    this.replayBytes = 0;
    this.bufferingBody = false;
    this.bufferedBody = undefined;
    this.pendingBytes = 0;
    this.idleSince = nowHr();
    this.tStart = 0;
    this.tHeadDone = this.tQueued = this.tConnStart = this.tConnected = this.tRespHead = 0;
    this.sample.backend = undefined;
    this.sample.server = undefined;
    this.sample.req = undefined;
    this.sample.res = undefined;
    void s;
  }

  // -------------------------------------------------------------------------------------
  // Timers: one Timeout object at a time, re-armed per phase.
  // -------------------------------------------------------------------------------------

  private setTimer(kind: NonNullable<HttpStream['timerKind']>, ms: number | undefined): void {
    if (ms === undefined || ms <= 0) { this.clearTimer(); return; }
    this.timerKind = kind;
    this.phaseAt = nowHr() + ms;
    this.armAt(this.phaseAt);
  }

  /** Clears the phase deadline (the inactivity timeouts stay). */
  private clearTimer(): void {
    this.timerKind = null;
    this.phaseAt = 0;
  }

  /** `timeout client` style inactivity on the client side from now on (0 = off). */
  private setClientIdle(ms: number | undefined): void {
    this.cliIdleMs = ms !== undefined && ms > 0 ? ms : 0;
    if (this.cliIdleMs) { this.cliSeen = nowHr(); this.armAt(this.cliSeen + this.cliIdleMs); }
  }

  /** `timeout server` style inactivity on the server side from now on (0 = off). */
  private setServerIdle(ms: number | undefined): void {
    this.srvIdleMs = ms !== undefined && ms > 0 ? ms : 0;
    if (this.srvIdleMs) { this.srvSeen = nowHr(); this.armAt(this.srvSeen + this.srvIdleMs); }
  }

  /** Makes sure the Timeout fires no later than `at`. */
  private armAt(at: number): void {
    if (this.timer !== null) {
      if (this.timerAt <= at) return;
      clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = setTimeout(fireStreamTimer, Math.max(1, Math.ceil(at - nowHr())), this);
  }

  private cancelTimers(): void {
    this.clearTimer();
    this.cliIdleMs = 0;
    this.srvIdleMs = 0;
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
  }

  /** The Timeout fired: run what is due (phase first, then client, then server), re-arm for the rest. */
  onTimerFired(): void {
    this.timer = null;
    if (this.destroyed) return;
    // Node's timers run on the loop's millisecond clock: allow for its rounding.
    const now = nowHr() + 1;
    if (this.phaseAt !== 0 && now >= this.phaseAt) {
      this.phaseAt = 0;
      this.onTimer();
    } else if (this.cliIdleMs !== 0 && now >= this.cliSeen + this.cliIdleMs) {
      this.cliSeen = now;
      this.onClientTimeout();
    } else if (this.srvIdleMs !== 0 && now >= this.srvSeen + this.srvIdleMs) {
      this.srvSeen = now;
      this.onServerTimeout();
    }
    if (this.destroyed) return;
    let next = Infinity;
    if (this.phaseAt !== 0) next = this.phaseAt;
    if (this.cliIdleMs !== 0) next = Math.min(next, this.cliSeen + this.cliIdleMs);
    if (this.srvIdleMs !== 0) next = Math.min(next, this.srvSeen + this.srvIdleMs);
    if (next !== Infinity) this.armAt(next);
  }

  private onTimer(): void {
    const kind = this.timerKind;
    this.timerKind = null;
    switch (kind) {
      case 'ka':
        // Keep-alive idle timeout: close silently. On a new connection that never sent a
        // byte HAProxy 2.6.12 still answers 408 (cR--, not logged with dontlognull) unless
        // `option http-ignore-probes`.
        if (this.requestCount === 0 && this.fe.cfg.options['http-ignore-probes'] !== true) {
          this.rec.status = 408;
          this.rec.requestLine = '<BADREQ>';
          this.rec.tq = -1;
          this.countUnparsedRequest();
          this.sendRawAndClose(rawErrorResponse(408), 'c', 'R');
        } else this.closeClient();
        break;
      case 'req':
        this.requestTimeout();
        break;
      case 'queue':
        this.leaveQueue();
        this.fail(503, 's', 'Q');
        break;
      case 'connect':
        this.attempt?.onTimeout();
        break;
      case 'turnaround':
        // HAProxy 2.6.12 counts the retries' turn-around in Tw (its queue date is taken again
        // for each attempt): a refused server with retries 3 logs `0/3005/-1/-1/3005`.
        if (this.tHeadDone) this.rec.tw = Math.round(nowHr() - this.tHeadDone);
        this.startConnect();
        break;
      default:
        break;
    }
  }

  /** Arms the wait for the next request: http-keep-alive (or http-request) then client. */
  private armIdleTimer(first: boolean): void {
    const t = this.fe.cfg.timeouts;
    const ms = first ? (t.httpRequest ?? t.client) : (t.httpKeepAlive ?? t.httpRequest ?? t.client);
    this.cliIdleMs = 0;
    this.setTimer('ka', ms);
  }

  // -------------------------------------------------------------------------------------
  // Client side
  // -------------------------------------------------------------------------------------

  onClientData(chunk: Buffer): void {
    if ((this.cliIdleMs | this.srvIdleMs) !== 0) this.clientActivity();
    switch (this.state) {
      case St.Idle:
      case St.Head:
        this.receiveHead(chunk);
        return;
      case St.Connecting:
      case St.WaitResponse:
      case St.ResponseBody:
        if (!this.reqDone) this.forwardRequestBody(chunk, 0);
        else this.bufferPipelined(chunk);
        return;
      case St.Tunnel:
        this.rec.bytesIn += chunk.length;
        if (this.srv && !this.srv.write(chunk)) this.sock.pause();
        return;
      default:
        return;
    }
  }

  private bufferPipelined(chunk: Buffer): void {
    this.inBuf = this.inBuf ? Buffer.concat([this.inBuf, chunk]) : chunk;
    // Do not read further ahead than one buffer's worth of pipelined requests.
    if (this.inBuf.length > this.instance.config.global.tune.bufsize) this.sock.pause();
  }

  private receiveHead(chunk: Buffer | null): void {
    if (chunk) {
      if (this.state === St.Idle) {
        this.state = St.Head;
        idleRegistry.delete(this);
        this.tStart = nowHr();
        this.rec.ti = Math.round(this.tStart - this.idleSince);
        this.rec.requestDate = nowMs();
        const t = this.fe.cfg.timeouts;
        this.setTimer('req', t.httpRequest ?? t.client);
      }
      this.inBuf = this.inBuf ? Buffer.concat([this.inBuf, chunk]) : chunk;
      this.rec.bytesIn += chunk.length;
    }
    let buf = this.inBuf!;
    // RFC 9112 §2.2: ignore empty lines before the request line.
    const skip = leadingEmptyLines(buf);
    if (skip > 0) {
      buf = buf.subarray(skip);
      this.inBuf = buf.length ? buf : null;
      this.scanFrom = 0;
      if (!this.inBuf) return;
    }
    const end = findHeadEnd(buf, this.scanFrom);
    const g = this.instance.config.global.tune;
    const maxHead = g.bufsize - g.maxrewrite;
    if (end < 0) {
      if (buf.length > maxHead) {
        this.badRequest(buf, 'request head too large');
        return;
      }
      this.scanFrom = Math.max(0, buf.length - 3);
      return;
    }
    if (end > maxHead) {
      this.badRequest(buf, 'request head too large');
      return;
    }
    this.scanFrom = 0;
    const text = buf.toString('latin1', 0, end);
    const head = parseRequestHead(text, { maxHeaders: g['http.maxhdr'], acceptInvalid: this.fe.cfg.options['accept-invalid-http-request'] === true });
    if (isHeadError(head)) {
      this.captureError('request', buf, head.position);
      this.badRequest(buf, head.error, head.status);
      return;
    }
    const rest = end < buf.length ? buf.subarray(end) : null;
    this.inBuf = null;
    this.startTxn(head, rest);
  }

  private startTxn(head: ParsedHead, rest: Buffer | null): void {
    this.clearTimer();
    this.req = head;
    this.requestCount++;
    this.tHeadDone = nowHr();
    const rec = this.rec;
    rec.tq = Math.round(this.tHeadDone - this.tStart);
    rec.method = head.method;
    rec.uri = head.uri;
    rec.httpVersion = head.version;
    rec.requestLine = `${head.method} ${head.uri} ${head.version}`;
    const fe = this.fe;
    fe.feCounters.reqTotal++;
    fe.feCounters.requestRate.add();
    this.instance.cumReq++;
    this.instance.reqRate.add();
    this.sample.req = head as unknown as SampleContext['req'];
    // `option http-use-proxy-header`: an explicit-proxy client's Proxy-Connection header says
    // what its Connection header would (configuration.txt "option http-use-proxy-header").
    if (fe.cfg.options['http-use-proxy-header'] === true) applyProxyConnection(head);

    // Absolute-form targets are checked against Host and normalized by the parser (a
    // mismatch is a parse error, logged <BADREQ> as HAProxy's H1 parser does).

    // Request body framing.
    this.reqBody = requestBodyKind(head);
    if (this.reqBody === BodyKind.Length) this.reqRemaining = head.contentLength;
    else if (this.reqBody === BodyKind.Chunked) this.reqChunks = new ChunkedScanner();
    this.reqDone = this.reqBody === BodyKind.None;

    // Frontend http-request rules (and intercepting services) run before switching rules.
    const feHooks = fe.ext.httpHooks as HttpHooks | undefined;
    let txn: HttpTxn | undefined;
    if (feHooks && feHooks.frontendRequest.length > 0) {
      txn = this.makeTxn(rest);
      const reply = runHooks(feHooks.frontendRequest, txn);
      if (reply) { this.reply(reply, rest); return; }
    }

    // Backend selection (switching rules, then default_backend).
    const be = txn?.forcedBackend ?? this.selectBackend();
    if (!be) {
      rec.backendName = fe.name;
      this.fail(503, 'P', 'R');
      return;
    }
    this.be = be;
    rec.backendName = be.name;
    this.sample.backend = be.name;
    this.mode = httpMode(fe, be);
    be.beCounters.enter();
    be.beCounters.reqTotal++;
    this.instance.sessRate.add();
    const beHooks = be !== fe ? be.ext.httpHooks as HttpHooks | undefined : undefined;
    if (beHooks && beHooks.backendRequest.length > 0) {
      txn = txn ?? this.makeTxn(rest);
      (txn as { backend?: Proxy }).backend = be;
      const reply = runHooks(beHooks.backendRequest, txn);
      if (reply) { this.reply(reply, rest); return; }
    }

    // Client body bytes that came with the head are kept until the server connection exists.
    this.state = St.Connecting;
    const headText = this.buildRequestHead(head);
    this.pendingOut.push(headText);
    const r = rt(be);
    if (r.retryOnEmpty || r.retryOnJunk || r.retryOnTimeout || r.retryOnStatus.size > 0) {
      // L7 retries replay the request: keep a copy while it fits in one buffer.
      this.replay = [headText];
      this.replayBytes = headText.length;
    }
    this.bufferingBody = !this.reqDone && (fe.cfg.options['http-buffer-request'] === true || be.cfg.options['http-buffer-request'] === true);
    this.attempt = null;
    if (rest) {
      if (!this.reqDone) this.forwardRequestBody(rest, 0);
      else this.bufferPipelined(rest);
    }
    if (this.bufferingBody) {
      // Wait for the whole body (or a full buffer) before choosing a server.
      if (this.reqDone) this.bodyBuffered();
      return;
    }
    this.assign();
  }

  /** `option http-buffer-request`: the body is complete (or fills a buffer): go on. */
  private bodyBuffered(): void {
    if (!this.bufferingBody) return;
    this.bufferingBody = false;
    this.sock.pause();
    // The collected body is visible to the balancer (`balance url_param ... check_post`).
    const parts = this.pendingOut.filter((p): p is Buffer => typeof p !== 'string');
    this.bufferedBody = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    this.assign();
  }

  /**
   * A connection that closed before sending anything is logged by HAProxy as
   * `fe/<NOSRV> -1/-1/-1/-1/0 400 0 - - CR-- ... "<BADREQ>"` (observed on 2.6.12), unless
   * `option dontlognull`. Only for the first request of a connection.
   */
  private logNullConnection(): void {
    if (this.requestCount > 0 || this.recObj?.ta !== undefined && this.recObj.ta >= 0) return;
    const rec = this.rec;
    rec.status = 400;
    rec.termCause = 'C';
    rec.termPhase = 'R';
    rec.requestLine = '<BADREQ>';
    this.countUnparsedRequest();
    this.finishTxn();
  }

  /** Keeps the offending bytes for `show errors` (HAProxy captures the last error per proxy). */
  private captureError(side: 'request' | 'response', buf: Buffer, pos: number): void {
    const px = side === 'request' ? this.fe : this.be!;
    recordProtocolError({
      proxyName: px.name, proxyId: px.id, proxyType: px.cfg.cap === 'listen' ? 'proxy' : side === 'request' ? 'frontend' : 'backend', side,
      src: `${this.sample.src}:${this.sample.srcPort}`,
      backend: this.be ? { name: this.be.name, id: this.be.id } : undefined,
      server: this.server ? { name: this.server.name, id: this.server.id } : undefined,
      buffer: Buffer.from(buf.subarray(0, Math.min(buf.length, 16384))), errorPos: pos,
    });
  }

  /**
   * The view hooks get of the current transaction. `rest` is what came after the head in the
   * same read: a Content-Length body that arrived whole with it is the txn's body (the stats
   * page's admin form), as is a body collected by `option http-buffer-request`.
   */
  private makeTxn(rest?: Buffer | null): HttpTxn {
    let body = this.bufferedBody;
    if (body === undefined && rest && this.reqBody === BodyKind.Length && rest.length >= this.req!.contentLength) body = rest.subarray(0, this.req!.contentLength);
    return {
      instance: this.instance, frontend: this.fe, backend: this.be ?? undefined, sample: this.sample,
      req: this.req!, res: this.res ?? undefined, rec: this.rec, body,
    };
  }

  /**
   * Answers the client with a reply produced by Fulcrum (deny, return, redirect, stats ...).
   * The request body, if any, is not forwarded: the connection closes unless it was complete.
   */
  private reply(r: HttpReply, rest: Buffer | null): void {
    // http-after-response rules apply to Fulcrum's own replies too (rules/after-reply.ts).
    if (r.response.length > 0) r = applyAfterResponse(() => this.makeTxn(), this.fe, this.be ?? undefined, r);
    const rec = this.rec;
    rec.status = r.status;
    rec.termCause = r.termCause ?? (r.denied ? 'P' : 'L');
    rec.termPhase = r.termPhase ?? 'R';
    if (r.denied) {
      if (this.res) { this.fe.feCounters.deniedResp++; if (this.be) this.be.beCounters.deniedResp++; }
      else this.fe.feCounters.deniedReq++;
    } else {
      rec.intercepted = true;
      this.fe.feCounters.intercepted++;
    }
    if (rest && !this.reqDone) this.forwardRequestBody(rest, 0);
    else if (rest) this.bufferPipelined(rest);
    this.pendingOut.length = 0;
    const close = r.close === true || !this.reqDone || this.instance.stopping || (this.req?.connClose ?? true) || (this.req !== null && this.req.versionMinor === 0 && !this.req.connKeepAlive);
    const send = (): void => {
      if (this.state === St.Closed) return;
      rec.bytesOut += r.response.length;
      this.sock.write(r.response);
      this.keepClient = !close;
      this.keepServer = false;
      this.responseDone(null);
    };
    this.state = St.WaitResponse;
    if (r.delayMs && r.delayMs > 0) {
      const t = setTimeout(send, r.delayMs);
      this.sock.once('close', () => clearTimeout(t));
    } else send();
  }

  /** Evaluates `use_backend` rules in order, then `default_backend`. */
  private selectBackend(): Proxy | undefined {
    const r = rt(this.fe);
    if (this.fe.isBackend) {
      // A `listen` section is its own backend unless a rule says otherwise.
      for (const rule of r.switching) if (!rule.cond || rule.cond(this.sample)) { this.switchText = rule.text; return rule.backend; }
      this.switchText = 'listen section itself';
      return r.defaultBackend ?? this.fe;
    }
    for (const rule of r.switching) {
      if (!rule.cond || rule.cond(this.sample)) {
        this.switchText = `use_backend rule #${rule.index} (${rule.text})`;
        return rule.backend;
      }
    }
    this.switchText = 'default_backend';
    return r.defaultBackend;
  }

  /** Rebuilds the request head for the server (lower-cased names as HAProxy's HTX output). */
  private buildRequestHead(h: ParsedHead): string {
    const fe = this.fe;
    const be = this.be!;
    // HTTP/1.0 stays 1.0; any other accepted version (1.1, 1.2, 2.0) goes out as HTTP/1.1.
    let out = `${h.method} ${h.uri} HTTP/1.${h.versionMinor}\r\n`;
    const hs = h.headers;
    const upgrade = h.connUpgrade && h.upgrade !== '';
    // `compression offload`: servers must not compress, Fulcrum does.
    const offload = (compressionOf(be.cfg) ?? compressionOf(fe.cfg))?.offload === true;
    let connTokens = '';
    for (let i = 0; i < hs.length; i += 2) {
      const name = hs[i].toLowerCase();
      if (name === 'connection') {
        connTokens = keepConnectionTokens(hs[i + 1], connTokens, upgrade);
        continue;
      }
      if (offload && name === 'accept-encoding') continue;
      out += `${name}: ${hs[i + 1]}\r\n`;
    }
    if (connTokens) out += `connection: ${connTokens}\r\n`;
    const ff = rt(fe).forwardFor ?? rt(be).forwardFor;
    if (ff && !(ff.except && this.srcIn(ff.except))) {
      const lname = ff.header.toLowerCase();
      if (!(ff.ifNone && hs.some((x, i) => i % 2 === 0 && x.toLowerCase() === lname))) {
        out += `${lname}: ${this.sample.src}\r\n`;
      }
    }
    // unique-id-format / unique-id-header (computed once the head is known, as HAProxy).
    const uid = uniqueId(this.instance, fe, this.rec);
    if (uid !== undefined) {
      const uh = uniqueIdHeader(this.instance, fe);
      if (uh) out += `${uh.toLowerCase()}: ${uid}\r\n`;
    }
    const ot = rt(fe).originalTo ?? rt(be).originalTo;
    if (ot && !(ot.except && inNetwork(this.sample.dst, ot.except))) out += `${ot.header.toLowerCase()}: ${this.sample.dst}\r\n`;
    const pretend = fe.cfg.options['http-pretend-keepalive'] === true || be.cfg.options['http-pretend-keepalive'] === true;
    if (upgrade) out += 'connection: upgrade\r\n';
    else if (this.mode !== HttpMode.KeepAlive) {
      // http-pretend-keepalive: let the server believe in keep-alive, close after the response anyway.
      if (h.versionMinor >= 1 && !pretend) out += 'connection: close\r\n';
    } else if (h.versionMinor === 0 && !h.connClose) {
      out += 'connection: keep-alive\r\n';
    }
    out += '\r\n';
    return out;
  }

  /** Forwards request body bytes from chunk[offset..]; leftovers are pipelined requests. */
  private forwardRequestBody(chunk: Buffer, offset: number): void {
    let n: number;
    const avail = chunk.length - offset;
    if (this.reqBody === BodyKind.Length) {
      n = Math.min(avail, this.reqRemaining);
      this.reqRemaining -= n;
      if (this.reqRemaining === 0) this.reqDone = true;
    } else if (this.reqBody === BodyKind.Chunked) {
      const sc = this.reqChunks!;
      const out = this.chunkOut;
      out.length = 0;
      // The body goes out re-encoded in canonical chunked form, as HAProxy's HTX output
      // (observed: extensions dropped, bare LF -> CRLF, trailer names lower-cased), so the
      // server never has to agree with us on lenient chunk syntax.
      n = sc.feed(chunk, offset, chunk.length, undefined, out);
      if (sc.error) {
        out.length = 0;
        this.badRequestBody(sc.error);
        return;
      }
      if (sc.done) this.reqDone = true;
      for (let k = 0; k < out.length; k++) this.sendBodyPiece(out[k]);
      out.length = 0;
    } else {
      n = 0;
      this.reqDone = true;
    }
    if (n > 0 && this.reqBody === BodyKind.Length) this.sendBodyPiece(offset === 0 && n === chunk.length ? chunk : chunk.subarray(offset, offset + n));
    if (offset + n < chunk.length) this.bufferPipelined(chunk.subarray(offset + n));
    if (this.reqDone && this.bufferingBody) this.bodyBuffered();
  }

  /** One piece of request body towards the server (or kept until it is connected). */
  private sendBodyPiece(p: Buffer | string): void {
    const len = p.length;
    if (this.replay) {
      this.replayBytes += len;
      if (this.replayBytes > this.instance.config.global.tune.bufsize) this.replay = null;
      else this.replay.push(p);
    }
    if (this.srv && this.state !== St.Connecting) {
      if (!(typeof p === 'string' ? this.srv.write(p, 'latin1') : this.srv.write(p))) this.sock.pause();
    } else {
      this.pendingOut.push(p);
      this.pendingBytes += len;
      // While connecting, stop reading; when buffering the body, read up to one buffer.
      if (!this.bufferingBody) this.sock.pause();
      else if (this.pendingBytes >= this.instance.config.global.tune.bufsize) this.bodyBuffered();
    }
  }

  onClientEnd(): void {
    this.clientEnded = true;
    if (this.state === St.Tunnel) {
      // Client half-closed the tunnel: pass the FIN on; the server now has `timeout
      // server-fin` to close its side (sD-- when it does not, as HAProxy 2.6.12).
      if (this.srv) {
        this.srv.end();
        const sf = this.be?.cfg.timeouts.serverFin;
        if (sf !== undefined) this.setServerIdle(sf);
      }
      return;
    }
    if (this.state === St.Idle) {
      this.logNullConnection();
      this.closeClient();
      return;
    }
    if (this.state === St.Head) {
      // Client half-closed in the middle of a request head (or after only empty lines):
      // HAProxy 2.6.12's H1 parser reports a truncated message, answers 400 and logs
      // `-1/-1/-1/-1/0 400 0 - - CR-- ... "<BADREQ>"`, counted in ereq and hrsp_4xx.
      // (A reset, no FIN, ends in onClientClose: same log line, no answer.)
      const rec = this.rec;
      if (!this.req) { rec.requestLine = '<BADREQ>'; rec.tq = -1; }
      rec.status = 400;
      this.countUnparsedRequest();
      this.sendRawAndClose(rawErrorResponse(400), 'C', 'R');
      return;
    }
    if (!this.reqDone) {
      // Client aborted while sending its body.
      this.abort('C', 'D', -1);
      return;
    }
    // `option abortonclose`: a client that closes while its request waits for a server
    // (queue or connect) is not served (CQ-- / CC--).
    if (this.state === St.Connecting && (this.fe.cfg.options.abortonclose === true || this.be?.cfg.options.abortonclose === true)) {
      this.attempt?.cancel();
      this.abort('C', this.queued ? 'Q' : 'C', -1);
    }
    // Otherwise the request is complete: let the response finish (half-closed client).
  }

  onClientClose(): void {
    if (this.state === St.Closed) return;
    if (this.state === St.Idle) {
      this.logNullConnection();
      this.destroy();
      return;
    }
    if (this.state === St.Tunnel) {
      // The client connection is gone: the server side goes too (it used to stay open,
      // with no timer left, when the server kept its side: a leaked stream). An abortive
      // close (no FIN first) is a client abort in the data phase (CD--).
      if (!this.clientEnded) { this.abort('C', 'D', this.rec.status); return; }
      if (this.srv) { this.srv.fcOwner = null; this.srv.destroy(); this.srv = null; }
      this.finishTxn();
      this.destroy();
      return;
    }
    if (this.state === St.Head && !this.req) {
      // Reset (no FIN) in the middle of a head: HAProxy 2.6.12 logs it like the FIN case,
      // `400 ... CR-- "<BADREQ>"` (observed), though nothing can be sent any more.
      const rec = this.rec;
      rec.requestLine = '<BADREQ>';
      rec.tq = -1;
      this.countUnparsedRequest();
      this.abort('C', 'R', 400);
      return;
    }
    // Client disappeared before we finished: CD-- (data phase) or CH/CR.
    const phase: TermPhase = this.state === St.Head ? 'R' : this.state === St.ResponseBody ? 'D' : this.state === St.Connecting ? 'C' : 'H';
    this.abort('C', phase, this.rec.status);
  }

  /** Bytes read from the client: its inactivity timer restarts, and the server's when they go on to it. */
  private clientActivity(): void {
    const now = nowHr();
    this.cliSeen = now;
    if (this.srv !== null && (!this.reqDone || this.state === St.Tunnel) && !this.srv.writableNeedDrain && this.serverQueued === 0) this.srvSeen = now;
  }

  /** Bytes read from the server: its inactivity timer restarts, and the client's when they go on to it. */
  private serverActivity(): void {
    const now = nowHr();
    this.srvSeen = now;
    if ((this.state === St.ResponseBody || this.state === St.Tunnel) && !this.sock.writableNeedDrain && this.clientQueued === 0) this.cliSeen = now;
  }

  onClientDrain(): void {
    if (this.cliIdleMs !== 0) this.cliSeen = nowHr();
    if (this.srv && (this.state === St.ResponseBody || this.state === St.Tunnel)) this.srv.resume();
  }

  onClientTimeout(): void {
    // `timeout client` during data transfer. While the upload waits for the server to drain,
    // the client is not the one late (HAProxy does not expect to read then).
    if (!this.reqDone && this.state !== St.Tunnel && (this.srv?.writableNeedDrain || this.serverQueued > 0)) return;
    if (this.state === St.Tunnel) {
      this.abort('c', 'D', this.rec.status);
      return;
    }
    if (this.state === St.ResponseBody) this.abort('c', 'D', this.rec.status);
    else if (!this.reqDone) this.abort('c', 'D', -1);
  }

  private requestTimeout(): void {
    // `timeout http-request` while receiving a head: 408 (cR--), unless nothing came at all.
    if (this.state === St.Head && this.inBuf && this.inBuf.length > 0) {
      this.rec.status = 408;
      this.rec.requestLine = '<BADREQ>';
      this.countUnparsedRequest();
      this.sendRawAndClose(rawErrorResponse(408), 'c', 'R');
    } else {
      this.closeClient();
    }
  }

  // -------------------------------------------------------------------------------------
  // Server selection, queueing, connection (backend.ts does the picking and connecting)
  // -------------------------------------------------------------------------------------

  private assign(): void {
    const be = this.be!;
    const explain = placementRecording(this.instance) ? (this.explain = { algorithm: be.cfg.balance.algorithm, skipped: [] }) : undefined;
    const r = assignServer(be, this.sample, this.attempt?.failed, explain, this.bufferedBody);
    if (r.kind === 'none') {
      this.fail(503, 'S', 'C');
      return;
    }
    if (r.kind === 'queue') {
      if (!this.queued) {
        this.queued = true;
        this.queuedAt = nowHr();
        this.tQueued = this.queuedAt;
        enqueue(be, this);
        this.setTimer('queue', be.cfg.timeouts.queue ?? be.cfg.timeouts.connect);
      }
      return;
    }
    this.useServer(r.server);
  }

  /** Queue callback: a slot may be free. */
  tryDispatch(): boolean {
    if (this.state !== St.Connecting) return true;
    const be = this.be!;
    const r = assignServer(be, this.sample, undefined, undefined);
    if (r.kind !== 'server') return false;
    this.queued = false;
    this.clearTimer();
    this.rec.tw = Math.round(nowHr() - this.queuedAt);
    this.useServer(r.server);
    return true;
  }

  private leaveQueue(): void {
    if (this.queued && this.be) dequeue(this.be, this);
    this.queued = false;
  }

  private useServer(server: Server): void {
    // `redir <prefix>` servers answer GET/HEAD with a 302 instead (persist/redir.ts).
    const redir = server.cfg.redir !== undefined ? serverRedirect(server, this.req!.method, this.req!.uri) : undefined;
    if (redir) {
      this.rec.serverName = server.name;
      this.sample.server = server.name;
      if (this.rec.tw < 0) this.rec.tw = 0;
      this.reply({ response: redir, status: 302, close: true, termCause: 'L', termPhase: 'C' }, null);
      return;
    }
    this.server = server;
    this.rec.serverName = server.name;
    this.sample.server = server.name;
    if (this.rec.tw < 0) this.rec.tw = this.tQueued ? Math.round(nowHr() - this.tQueued) : 0;
    server.curConns++;
    server.counters.enter();
    server.counters.reqTotal++;
    server.streams.add(this);
    server.backend.balancer?.takeConn?.(server);
    if (this.explain) this.logExplanation(server);
    this.startConnect();
  }

  private startConnect(): void {
    this.tConnStart = nowHr();
    // http-reuse (configuration.txt): `safe` never sends the first request of a client
    // connection over a shared idle connection; `aggressive`/`always` do. A PROXY header
    // describes one client: such connections are never shared.
    const policy = rt(this.be!).reuse;
    const reuse = policy !== 'never' && (policy !== 'safe' || this.requestCount > 1) && !this.server!.cfg.sendProxy;
    this.attempt = connectServer(this, this.server!, this.be!, reuse, this.attempt);
  }

  /** ConnectTarget: plain TCP server connections are RawServerSockets (raw-socket.ts). */
  get rawServerSockets(): boolean { return true; }

  /** ConnectTarget: PROXY protocol header for `send-proxy` / `send-proxy-v2` servers. */
  preamble(server: Server): Buffer | undefined {
    const v = server.cfg.sendProxy;
    if (!v) return undefined;
    const a = { local: false, src: this.sample.src, srcPort: this.sample.srcPort, dst: this.sample.dst, dstPort: this.sample.dstPort };
    return v === 'v2' ? buildProxyV2(a) : buildProxyV1(a);
  }

  /** ConnectTarget: the server's `sni` expression evaluated on this request. */
  sni(server: Server): string | undefined {
    const text = server.cfg.options.sni;
    if (typeof text !== 'string') return undefined;
    let fn = sniCache.get(text);
    if (!fn) {
      fn = compileSampleExpr(text, () => undefined) ?? (() => undefined);
      sniCache.set(text, fn);
    }
    const v = fn(this.sample);
    return v === undefined ? undefined : String(v);
  }

  /** ConnectTarget: arm/disarm the connect timer. */
  armConnectTimer(ms: number | undefined): void { this.setTimer('connect', ms); }
  disarmTimer(): void { this.clearTimer(); }
  /** ConnectTarget: wait the turn-around time, then retry on the same server. */
  retryLater(ms: number): void { this.setTimer('turnaround', ms); }

  /** ConnectTarget: the attempt moved to another server (redispatch). */
  switchServer(server: Server): void {
    const old = this.server;
    if (old) {
      old.streams.delete(this);
      releaseServer(old, this.be!);
    }
    this.rec.redispatched = true;
    this.server = server;
    this.rec.serverName = server.name;
    this.sample.server = server.name;
    server.curConns++;
    server.counters.enter();
    server.streams.add(this);
    server.backend.balancer?.takeConn?.(server);
  }

  /** ConnectTarget: connection established (new or reused). */
  connected(sock: PooledSocket, reused: boolean, retries: number): void {
    if (this.state !== St.Connecting) {
      // The client went away meanwhile.
      sock.destroy();
      return;
    }
    this.clearTimer();
    this.srv = sock;
    this.tConnected = nowHr();
    this.rec.tc = reused ? 0 : Math.round(this.tConnected - this.tConnStart);
    this.rec.retries = retries;
    this.rec.serverIp = this.server!.host;
    this.rec.serverPort = this.server!.port;
    this.state = St.WaitResponse;
    this.setServerIdle(this.be!.cfg.timeouts.server);
    // Send head + buffered body in one go (one writev, or cork so they leave as one segment).
    let r: DirectWriteResult = NOT_DONE;
    if (sock instanceof RawServerSocket) { sock.writeChunks(this.pendingOut); r = WRITTEN; }
    else if (this.serverQueued === 0) r = directWrite(sock as PooledSocket & Socket, this.pendingOut, this, SERVER_SIDE);
    if (r === QUEUED) this.serverQueued++;
    else if (r === NOT_DONE) {
      sock.cork();
      for (const p of this.pendingOut) {
        if (typeof p === 'string') sock.write(p, 'latin1');
        else sock.write(p);
      }
      sock.uncork();
    }
    this.pendingOut.length = 0;
    if (!this.reqDone) this.sock.resume();
  }

  /**
   * L7 retry (`retry-on`): drops the server side and replays the kept request, on another
   * server when `option redispatch` allows, else the same one. False when not possible
   * (request not fully kept, body still flowing, or no retries left).
   */
  private retryL7(): boolean {
    const replay = this.replay;
    const a = this.attempt;
    const be = this.be!;
    if (!replay || !this.reqDone || !a || a.retries >= rt(be).retries) return false;
    a.retries++;
    this.rec.retries = a.retries;
    be.beCounters.retries++;
    const failed = this.server!;
    failed.counters.retries++;
    if (this.srv) { this.srv.fcOwner = null; this.srv.destroy(); this.srv = null; }
    this.resBuf = null;
    this.state = St.Connecting;
    this.pendingOut = replay.slice();
    a.failed = failed;
    if (rt(be).redispatch) {
      const other = be.balancer?.pick({ sample: this.sample }, failed);
      if (other && other !== failed && other.hasFreeSlot) {
        failed.counters.redispatches++;
        be.beCounters.redispatches++;
        other.counters.lbTotal++;
        this.switchServer(other);
      }
    }
    this.startConnect();
    return true;
  }

  /** ConnectTarget: every attempt failed (503 after retries). */
  connectFailed(cause: TermCause, retries: number): void {
    this.rec.retries = retries;
    this.fail(503, cause, 'C');
  }

  // -------------------------------------------------------------------------------------
  // Server side (ServerSocketOwner)
  // -------------------------------------------------------------------------------------

  onServerData(chunk: Buffer): void {
    if ((this.cliIdleMs | this.srvIdleMs) !== 0) this.serverActivity();
    const st = this.state;
    if (st === St.WaitResponse) {
      this.receiveResponseHead(chunk);
    } else if (st === St.ResponseBody) {
      this.forwardResponseBody(chunk, 0);
    } else if (st === St.Tunnel) {
      this.rec.bytesOut += chunk.length;
      if (!this.sock.write(chunk)) this.srv?.pause();
    } else {
      this.srv?.destroy();
    }
  }

  private receiveResponseHead(chunk: Buffer): void {
    const buf = this.resBuf ? Buffer.concat([this.resBuf, chunk]) : chunk;
    const end = findHeadEnd(buf, 0);
    const g = this.instance.config.global.tune;
    if (end < 0) {
      if (buf.length > g.bufsize - g.maxrewrite) {
        this.serverError('P', 'H');
        return;
      }
      this.resBuf = buf;
      return;
    }
    this.resBuf = null;
    let head: ParsedHead | HeadError = end > g.bufsize - g.maxrewrite
      ? { error: 'response head too large', position: g.bufsize - g.maxrewrite }
      : parseResponseHead(buf.toString('latin1', 0, end), { maxHeaders: g['http.maxhdr'], acceptInvalid: this.be!.cfg.options['accept-invalid-http-response'] === true });
    if (!isHeadError(head) && head.chunked && end < buf.length) {
      // HAProxy's H1 parser also parses the chunks that came with the head: a bad chunk
      // there makes the whole response invalid (502 PH--), not a cut body (SD--).
      const probe = new ChunkedScanner();
      probe.feed(buf, end, buf.length);
      if (probe.error) head = { error: probe.error, position: end };
    }
    if (isHeadError(head)) {
      this.server!.counters.errResp++;
      this.be!.beCounters.errResp++;
      this.captureError('response', buf, head.position);
      if (rt(this.be!).retryOnJunk && this.retryL7()) return;
      this.serverError('P', 'H');
      return;
    }
    const rest = end < buf.length ? buf.subarray(end) : null;
    if (head.status >= 100 && head.status < 200 && head.status !== 101) {
      // Interim response: forward it (HAProxy forwards 1xx), keep waiting for the final one.
      this.sock.write(this.buildResponseHead(head, true), 'latin1');
      if (rest) this.receiveResponseHead(rest);
      return;
    }
    this.startResponse(head, rest);
  }

  private startResponse(head: ParsedHead, rest: Buffer | null): void {
    if (this.replay && rt(this.be!).retryOnStatus.has(head.status) && this.retryL7()) return;
    this.res = head;
    this.tRespHead = nowHr();
    const rec = this.rec;
    rec.tr = Math.round(this.tRespHead - this.tConnected);
    rec.status = head.status;
    this.sample.res = head as unknown as SampleContext['res'];
    // `stick store-response` rules record the server on the response (stick/runtime.ts).
    if (this.server && this.be) stickStore(this.be, this.sample, this.server, 'response');
    const req = this.req!;
    this.resBody = responseBodyKind(head, req.method);
    if (this.resBody === BodyKind.Length) this.resRemaining = head.contentLength;
    else if (this.resBody === BodyKind.Chunked) this.resChunks = new ChunkedScanner();

    // Keep-alive decisions (RFC 9112 §9.3) combined with the proxy mode. A 101, or a 2xx to
    // CONNECT, turns the connection into a tunnel (RFC 9110 §9.3.6).
    const upgrade = head.status === 101 || (req.method === 'CONNECT' && head.status >= 200 && head.status < 300);
    const clientWantsClose = req.connClose || (req.versionMinor === 0 && !req.connKeepAlive);
    this.keepClient = !upgrade && this.mode !== HttpMode.Close && !clientWantsClose && this.resBody !== BodyKind.UntilClose && !this.instance.stopping;
    this.keepServer = !upgrade && this.mode === HttpMode.KeepAlive && !this.server!.cfg.sendProxy && !head.connClose && !(head.versionMinor === 0 && !head.connKeepAlive) && this.resBody !== BodyKind.UntilClose;

    // http-response rules: backend's, then frontend's (HAProxy's order).
    const beHooks = this.be!.ext.httpHooks as HttpHooks | undefined;
    const feHooks = this.fe !== this.be ? this.fe.ext.httpHooks as HttpHooks | undefined : undefined;
    if ((beHooks && (beHooks.backendResponse.length || beHooks.frontendResponse.length)) || (feHooks && feHooks.frontendResponse.length)) {
      const txn = this.makeTxn();
      const reply = (beHooks && (runHooks(beHooks.backendResponse, txn) ?? (this.fe === this.be ? runHooks(beHooks.frontendResponse, txn) : undefined)))
        ?? (feHooks && runHooks(feHooks.frontendResponse, txn));
      if (reply) {
        if (this.srv) { this.srv.fcOwner = null; this.srv.destroy(); this.srv = null; }
        this.reply(reply, null);
        return;
      }
    }
    if (!upgrade && this.resBody !== BodyKind.None && this.resBody !== BodyKind.UntilClose && req.versionMinor >= 1) this.setupCompression(head);
    // http-after-response rules (backend's, then frontend's): head edits only, on server
    // responses (Fulcrum's own replies are sent as built).
    const beAfter = this.be!.ext.httpHooks as HttpHooks | undefined;
    const feAfter = this.fe !== this.be ? this.fe.ext.httpHooks as HttpHooks | undefined : undefined;
    if ((beAfter && beAfter.afterResponse.length) || (feAfter && feAfter.afterResponse.length)) {
      const txn = this.makeTxn();
      if (beAfter) runHooks(beAfter.afterResponse, txn);
      if (feAfter) runHooks(feAfter.afterResponse, txn);
    }
    const out = this.buildResponseHead(head, false);
    rec.bytesOut += Buffer.byteLength(out, 'latin1');
    this.setClientIdle(this.fe.cfg.timeouts.client);
    if (upgrade) {
      this.sock.write(out, 'latin1');
      this.state = St.Tunnel;
      // One idle timer for the tunnel, on the client side (reads and writes both refresh it):
      // two timers of the same length raced, and HAProxy reports the client side (cD--).
      const tunnel = this.be!.cfg.timeouts.tunnel;
      this.setServerIdle(tunnel !== undefined ? 0 : this.be!.cfg.timeouts.server);
      this.setClientIdle(tunnel ?? this.fe.cfg.timeouts.client);
      this.reqDone = true;
      this.sock.resume();
      if (this.inBuf) {
        const b = this.inBuf;
        this.inBuf = null;
        this.srv!.write(b);
      }
      if (rest) { rec.bytesOut += rest.length; this.sock.write(rest); }
      return;
    }
    if (this.resBody === BodyKind.None) {
      this.toClient(out);
      this.responseDone(rest);
      return;
    }
    this.state = St.ResponseBody;
    if (rest && this.enc === null && this.resBody === BodyKind.Length && this.clientQueued === 0) {
      // The usual small response: head and body leave in one write.
      const n = Math.min(rest.length, this.resRemaining);
      const pair = PAIR;
      pair[0] = out;
      pair[1] = n === rest.length ? rest : rest.subarray(0, n);
      const w = directWrite(this.sock, pair, this, CLIENT_SIDE);
      pair[0] = pair[1] = EMPTY;
      if (w !== NOT_DONE) {
        this.resRemaining -= n;
        rec.bytesOut += n;
        if (w === QUEUED) { this.clientQueued++; this.srv?.pause(); }
        if (this.resRemaining === 0) this.responseDone(n < rest.length ? rest.subarray(n) : null);
        return;
      }
    }
    if (rest) {
      this.sock.cork();
      this.sock.write(out, 'latin1');
      this.forwardResponseBody(rest, 0);
      this.sock.uncork();
    } else if (!this.toClient(out)) {
      this.srv?.pause();
    }
  }

  /**
   * Writes to the client, straight to its handle when nothing is queued (direct-write.ts).
   * False when the caller should hold the server side back until the client drains.
   */
  private toClient(data: string | Buffer): boolean {
    const w = this.sendToClient(data);
    return w === WRITTEN || w === BUFFERED;
  }

  /**
   * toClient's result in detail: WRITTEN (the kernel took it), QUEUED (libuv holds the rest),
   * BUFFERED (the socket's Writable took it and has room), FULL (the Writable is full).
   */
  private sendToClient(data: string | Buffer): number {
    if (this.clientQueued === 0) {
      const one = ONE;
      one[0] = data;
      const w = directWrite(this.sock, one, this, CLIENT_SIDE);
      one[0] = EMPTY;
      if (w === WRITTEN) return WRITTEN;
      if (w === QUEUED) { this.clientQueued++; return QUEUED; }
    }
    return (typeof data === 'string' ? this.sock.write(data, 'latin1') : this.sock.write(data)) ? BUFFERED : FULL;
  }

  /** DirectWriteOwner: a queued direct write has left (status < 0: the socket is closing). */
  onDirectWriteDone(status: number, side: number): void {
    if (side === CLIENT_SIDE) {
      if (--this.clientQueued === 0 && status >= 0 && this.state !== St.Closed) this.onClientDrain();
    } else if (--this.serverQueued === 0 && status >= 0 && this.state !== St.Closed) this.onServerDrain();
  }

  /** Rebuilds a response head for the client. */
  private buildResponseHead(h: ParsedHead, interim: boolean): string {
    // HAProxy always writes the space after the status, even with an empty reason.
    let out = `${h.version} ${h.status} ${h.reason}\r\n`;
    const hs = h.headers;
    const upgrade = h.status === 101;
    const connect = !interim && this.req!.method === 'CONNECT' && h.status >= 200 && h.status < 300;
    let connTokens = '';
    for (let i = 0; i < hs.length; i += 2) {
      const name = hs[i].toLowerCase();
      if (name === 'connection') {
        connTokens = keepConnectionTokens(hs[i + 1], connTokens, upgrade);
        continue;
      }
      out += `${name}: ${hs[i + 1]}\r\n`;
    }
    if (connTokens) out += `connection: ${connTokens}\r\n`;
    if (!interim) {
      const req = this.req!;
      if (upgrade) out += 'connection: upgrade\r\n';
      else if (connect) { /* a tunnel follows: no connection header */ }
      else if (!this.keepClient) {
        out += 'connection: close\r\n';
      } else if (req.versionMinor === 0) out += 'connection: keep-alive\r\n';
    }
    out += '\r\n';
    return out;
  }

  /** Decides on compression for this response and rewrites its headers when it applies. */
  private setupCompression(head: ParsedHead): void {
    const comp = compressionOf(this.be!.cfg) ?? compressionOf(this.fe.cfg);
    if (!comp) return;
    const req = this.req!;
    const algo = chooseAlgorithm(comp, req);
    const fe = this.fe;
    const be = this.be!;
    if (!algo || !shouldCompress(comp, req, head, req.method)) {
      if (head.contentLength > 0) { fe.feCounters.compBypassed += head.contentLength; be.beCounters.compBypassed += head.contentLength; }
      return;
    }
    rewriteHeaders(head, algo);
    fe.feCounters.compResponses++;
    be.beCounters.compResponses++;
    if (!this.onEncData) {
      this.onEncData = (buf: Buffer, start: number, end: number): void => {
        if (!this.enc!.write(buf.subarray(start, end))) this.srv?.pause();
      };
    }
    this.enc = createEncoder(algo, (b) => {
      this.rec.bytesOut += b.length;
      if (!this.sock.write(b)) this.srv?.pause();
    }, () => this.srv?.resume());
  }

  private forwardResponseBody(chunk: Buffer, offset: number): void {
    if (this.enc) { this.forwardCompressed(chunk, offset); return; }
    let n: number;
    let done = false;
    const avail = chunk.length - offset;
    if (this.resBody === BodyKind.Length) {
      n = Math.min(avail, this.resRemaining);
      this.resRemaining -= n;
      done = this.resRemaining === 0;
    } else if (this.resBody === BodyKind.Chunked) {
      const sc = this.resChunks!;
      const out = this.chunkOut;
      out.length = 0;
      n = sc.feed(chunk, offset, chunk.length, undefined, out);
      if (sc.error) {
        out.length = 0;
        // Bad chunk from the server mid-body: nothing to do but cut both sides (SD--).
        this.server!.counters.errResp++;
        this.abort('S', 'D', this.rec.status);
        return;
      }
      done = sc.done;
      // Re-encoded in canonical chunked form, as HAProxy (a cut body ends on a whole chunk).
      let ok = true;
      if (out.length > 1) this.sock.cork();
      for (let k = 0; k < out.length; k++) {
        const p = out[k];
        this.rec.bytesOut += p.length;
        ok = (typeof p === 'string' ? this.sock.write(p, 'latin1') : this.sock.write(p)) && ok;
      }
      if (out.length > 1) this.sock.uncork();
      out.length = 0;
      if (!ok) this.srv?.pause();
      n = -n; // already forwarded
    } else {
      n = avail; // until close
    }
    if (n < 0) n = -n;
    else if (n > 0) {
      const slice = offset === 0 && n === chunk.length ? chunk : chunk.subarray(offset, offset + n);
      this.rec.bytesOut += n;
      const w = this.sendToClient(slice);
      // When the kernel took the whole chunk at once nothing keeps it: its buffer can take
      // the next large server read (raw-socket.ts).
      if (w === WRITTEN) { if (offset + n === chunk.length) releaseServerChunk(); }
      else if (w !== BUFFERED) this.srv?.pause();
    }
    if (done) {
      const rest = offset + n < chunk.length ? chunk.subarray(offset + n) : null;
      this.responseDone(rest);
    }
  }

  /** Body path when compressing: decoded body bytes go to the encoder. */
  private forwardCompressed(chunk: Buffer, offset: number): void {
    const enc = this.enc!;
    if (this.resBody === BodyKind.None) return; // flushing: the body already ended
    let n: number;
    let done = false;
    if (this.resBody === BodyKind.Length) {
      n = Math.min(chunk.length - offset, this.resRemaining);
      this.resRemaining -= n;
      done = this.resRemaining === 0;
      if (n > 0 && !enc.write(offset === 0 && n === chunk.length ? chunk : chunk.subarray(offset, offset + n))) this.srv?.pause();
    } else {
      const sc = this.resChunks!;
      n = sc.feed(chunk, offset, chunk.length, this.onEncData!);
      if (sc.error) {
        this.server!.counters.errResp++;
        this.abort('S', 'D', this.rec.status);
        return;
      }
      done = sc.done;
    }
    if (!done) return;
    const rest = offset + n < chunk.length ? chunk.subarray(offset + n) : null;
    const fe = this.fe;
    const be = this.be!;
    enc.end(() => {
      fe.feCounters.compIn += enc.bytesIn;
      be.beCounters.compIn += enc.bytesIn;
      fe.feCounters.compOut += enc.bytesOut;
      be.beCounters.compOut += enc.bytesOut;
      if (this.enc !== enc) return;
      this.enc = null;
      this.responseDone(rest);
    });
    // Until the encoder flushed, the transaction is still in its body phase.
    this.resBody = BodyKind.None;
  }

  onServerEnd(): void {
    if (this.state === St.ResponseBody && this.resBody === BodyKind.UntilClose) {
      this.keepServer = false;
      this.responseDone(null);
      return;
    }
    if (this.state === St.Tunnel) {
      // Server closed the tunnel: HAProxy 2.6.12 ends the stream at once (----) and closes
      // the client connection; it does not wait for the client's own FIN.
      if (!this.tunnelClosing) {
        this.tunnelClosing = true;
        if (this.srv) { this.srv.fcOwner = null; this.srv.destroy(); this.srv = null; }
        this.finishTxn();
        this.sock.end();
        this.state = St.Closed;
        this.destroySoon();
      }
      return;
    }
    if (this.state === St.WaitResponse) {
      // Server closed before sending a response: 502 SH-- (or a retry with retry-on empty-response).
      if (!this.resBuf && rt(this.be!).retryOnEmpty && this.retryL7()) return;
      this.server!.counters.srvAborts++;
      this.serverError('S', 'H');
      return;
    }
    if (this.state === St.ResponseBody) {
      this.server!.counters.srvAborts++;
      this.be!.beCounters.srvAborts++;
      this.abort('S', 'D', this.rec.status);
    }
  }

  onServerClose(): void {
    if (this.state === St.Closed) return;
    this.srv = null;
    if (this.state === St.WaitResponse) {
      if (!this.resBuf && rt(this.be!).retryOnEmpty && this.retryL7()) return;
      this.serverError('S', 'H');
    } else if (this.state === St.ResponseBody) {
      if (this.resBody === BodyKind.UntilClose) {
        this.keepServer = false;
        this.responseDone(null);
      } else {
        this.abort('S', 'D', this.rec.status);
      }
    } else if (this.state === St.Tunnel) {
      this.finishTxn();
      this.closeClient();
    }
  }

  onServerError(): void { /* 'close' follows */ }

  onServerTimeout(): void {
    if (this.state === St.WaitResponse) {
      // `timeout server` before the response head: 504 sH-- (or a retry with response-timeout).
      this.server!.counters.errResp++;
      this.be!.beCounters.errResp++;
      if (rt(this.be!).retryOnTimeout && this.retryL7()) return;
      this.srv?.destroy();
      this.srv = null;
      this.fail(504, 's', 'H');
    } else if (this.state === St.ResponseBody) {
      // The server is paused because the client does not read: `timeout server` does not
      // run while HAProxy's buffer is full; `timeout client` ends it (cD--, observed).
      if (this.sock.writableNeedDrain || this.clientQueued > 0) return;
      this.abort('s', 'D', this.rec.status);
    } else if (this.state === St.Tunnel) {
      this.abort('s', 'D', this.rec.status);
    }
  }

  onServerDrain(): void {
    if (this.srvIdleMs !== 0) this.srvSeen = nowHr();
    if (!this.reqDone || this.state === St.Tunnel) this.sock.resume();
  }

  // -------------------------------------------------------------------------------------
  // Endings
  // -------------------------------------------------------------------------------------

  /** The response is complete: log, release the server side, then next request or close. */
  private responseDone(extra: Buffer | null): void {
    const srv = this.srv;
    this.srv = null;
    this.srvIdleMs = 0;
    if (srv) {
      if (this.keepServer && this.reqDone && !extra && !this.instance.stopping) releaseIdle(srv);
      else { srv.fcOwner = null; srv.destroy(); }
    }
    this.finishTxn();
    if (!this.keepClient || this.clientEnded) {
      this.sock.end();
      this.state = St.Closed;
      this.destroySoon();
      return;
    }
    // Next request on the same connection.
    this.state = St.Idle;
    idleRegistry.add(this);
    this.newTxn();
    if (this.sock.isPaused()) this.sock.resume();
    if (this.inBuf) {
      // A pipelined request is already here.
      this.receiveHead(null);
    } else {
      this.armIdleTimer(false);
    }
  }

  /** Logs the transaction and updates counters (exactly once per request). */
  private finishTxn(): void {
    const rec = this.rec;
    if (rec.ta >= 0) return;
    const now = nowHr();
    rec.ta = Math.round(now - (this.tStart || now));
    rec.tt = Math.round(now - rec.acceptHr);
    const fe = this.fe;
    const be = this.be;
    const srv = this.server;
    if (rec.status > 0) {
      fe.feCounters.countStatus(rec.status);
      if (be) be.beCounters.countStatus(rec.status);
      if (srv) srv.counters.countStatus(rec.status);
    }
    fe.feCounters.bytesIn += rec.bytesIn;
    fe.feCounters.bytesOut += rec.bytesOut;
    if (be) {
      be.beCounters.bytesIn += rec.bytesIn;
      be.beCounters.bytesOut += rec.bytesOut;
      be.beCounters.addTimes(rec.tw, rec.tc, rec.tr, rec.ta);
      be.beCounters.leave();
    }
    if (srv) {
      srv.counters.bytesIn += rec.bytesIn;
      srv.counters.bytesOut += rec.bytesOut;
      srv.counters.addTimes(rec.tw, rec.tc, rec.tr, rec.ta);
      srv.counters.leave();
      srv.streams.delete(this);
      this.server = null;
      releaseServer(srv, be!);
    }
    this.leaveQueue();
    rec.actconn = this.instance.actconn;
    rec.feconn = fe.feCounters.cur;
    // Counted after this stream released the backend and server, as HAProxy logs them.
    rec.beconn = be ? be.beCounters.cur : 0;
    rec.srvconn = srv ? srv.curConns : 0;
    rec.srvQueue = srv ? srv.queueLength : 0;
    rec.backendQueue = be ? be.queueLength : 0;
    logStream(this.instance, fe, rec);
  }

  /** Sends a built-in error (HTX form) and ends the transaction with the given termination. */
  private fail(status: number, cause: TermCause, phase: TermPhase): void {
    const rec = this.rec;
    rec.status = status;
    rec.termCause = cause;
    rec.termPhase = phase;
    if (this.srv) {
      this.srv.fcOwner = null;
      this.srv.destroy();
      this.srv = null;
    }
    this.clearTimer();
    const close = !this.reqDone || this.instance.stopping || this.mode === HttpMode.Close || (this.req?.connClose ?? true);
    // errorfile / errorfiles / http-error of the proxy first (errors-config.ts).
    const page = afterResponseBytes(() => this.makeTxn(), this.fe, this.be ?? undefined, proxyErrorResponse(this.be ?? this.fe, status, close) ?? errorResponse(status, close));
    rec.bytesOut += page.length;
    this.sock.write(page);
    this.keepClient = !close;
    this.keepServer = false;
    this.responseDone(null);
  }

  private serverError(cause: TermCause, phase: TermPhase): void {
    // HAProxy answers 502 when the server fails before a complete response head.
    this.fail(502, cause, phase);
  }

  /**
   * An error answered by the HTTP/1 layer before any request was parsed (400, 408, a head cut
   * by the client, an empty connection): HAProxy 2.6.12's H1 mux counts it as a request and a
   * request error (req_tot, the request rate and ereq all grow; observed with `show stat`).
   */
  private countUnparsedRequest(): void {
    const c = this.fe.feCounters;
    c.reqTotal++;
    c.requestRate.add();
    c.errReq++;
  }

  /** Invalid request (PR--): raw 400 (422 for `gzip, chunked`, as HAProxy's H1 parser) and close. */
  private badRequest(_buf: Buffer | null, _why: string, status = 400): void {
    const rec = this.rec;
    if (!this.req) {
      rec.requestLine = '<BADREQ>';
      if (this.tStart) rec.tq = -1;
    }
    rec.status = status;
    if (!this.req) this.countUnparsedRequest();
    else this.fe.feCounters.errReq++;
    this.sendRawAndClose(rawErrorResponse(status), 'P', 'R');
  }

  private badRequestBody(_why: string): void {
    this.fe.feCounters.errReq++;
    if (this.srv) {
      // The server already got part of the request: cut both sides.
      this.abort('P', 'D', -1);
      return;
    }
    // Before any server got the request, HAProxy's H1 parser reports the bad chunk as a
    // parse error of the whole message: logged as <BADREQ>.
    this.rec.requestLine = '<BADREQ>';
    this.rec.status = 400;
    this.sendRawAndClose(rawErrorResponse(400), 'P', 'R');
  }

  private sendRawAndClose(page: Buffer, cause: TermCause, phase: TermPhase): void {
    const rec = this.rec;
    rec.termCause = cause;
    rec.termPhase = phase;
    // Pages sent by the HTTP/1 layer itself are not counted in %B (HAProxy logs 0 bytes).
    this.clearTimer();
    if (this.srv) { this.srv.fcOwner = null; this.srv.destroy(); this.srv = null; }
    this.sock.end(page);
    this.finishTxn();
    this.state = St.Closed;
    this.destroySoon();
  }

  /** Ends everything now (aborts, timeouts in data phase). */
  private abort(cause: TermCause, phase: TermPhase, status: number): void {
    if (this.state === St.Closed) return;
    const rec = this.rec;
    if (rec.termCause === '-') {
      rec.termCause = cause;
      rec.termPhase = phase;
    }
    rec.status = status;
    if (cause === 'C' || cause === 'c') {
      this.fe.feCounters.cliAborts++;
      if (this.be) this.be.beCounters.cliAborts++;
      if (this.server) this.server.counters.cliAborts++;
    } else if ((cause === 'S' || cause === 's') && this.be) {
      this.be.beCounters.srvAborts++;
    }
    if (this.srv) { this.srv.fcOwner = null; this.srv.destroy(); this.srv = null; }
    if (this.enc) { this.enc.destroy(); this.enc = null; }
    this.finishTxn();
    this.state = St.Closed;
    this.sock.destroy();
    this.destroy();
  }

  /** `shutdown session`, `on-marked-down shutdown-sessions`. */
  kill(_reason: string): void {
    this.abort('K', this.state === St.ResponseBody || this.state === St.Tunnel ? 'D' : 'C', this.rec.status);
  }

  /** Soft stop: an idle keep-alive connection is closed now. */
  closeIfIdle(): void {
    if (this.state === St.Idle) this.closeClient();
  }

  private closeClient(): void {
    if (this.state === St.Closed) return;
    this.state = St.Closed;
    this.clearTimer();
    this.sock.end();
    this.destroySoon();
  }

  private destroySoon(): void {
    // Give the kernel the last bytes, then make sure the socket goes even if the peer lingers.
    this.cancelTimers();
    const t = setTimeout(() => this.sock.destroy(), 2000);
    t.unref();
    this.sock.once('close', () => clearTimeout(t));
    this.destroy();
  }

  private destroyed = false;
  /** Id in the `show sess` registry. */
  private streamId = 0;

  private destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.state = St.Closed;
    this.cancelTimers();
    this.leaveQueue();
    if (this.server) {
      this.server.streams.delete(this);
      releaseServer(this.server, this.be!);
      this.server = null;
    }
    idleRegistry.delete(this);
    untrackStream(this.streamId);
    // Connection-level stick counters (tcp-request connection track-sc*): conn_cur--.
    untrackConnection(this.sample);
    activeStreams--;
    this.onDestroy?.();
  }

  /** Set by the listener to release its connection slot. */
  onDestroy?: () => void;

  private logExplanation(server: Server): void {
    explainPlacement(this.instance, this.fe, this.be!, this.rec, this.switchText, this.explain!, server);
  }
}

/**
 * The address without its IPv4-mapped prefix, as one shared string per address: Node returns
 * a new string for every socket, and an idle connection would keep two of them.
 */
function stripV4Mapped(a: string): string {
  const v = a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
  let shared = addressStrings.get(v);
  if (shared === undefined) {
    if (addressStrings.size >= 4096) addressStrings.clear();
    addressStrings.set(v, v);
    shared = v;
  }
  return shared;
}
const addressStrings = new Map<string, string>();

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/**
 * Checks and normalizes an absolute-form request target in place: `scheme://authority/path`.
 * Returns false when a Host header disagrees with the authority (HAProxy answers 400).
 * Drops the scheme's default port from the target and the Host header.
 */
export function normalizeAbsoluteForm(head: ParsedHead): boolean {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(head.uri);
  if (!m) return true;
  const scheme = m[1].toLowerCase();
  let authority = m[2];
  const def = DEFAULT_PORTS[scheme];
  if (def && authority.endsWith(':' + def)) authority = authority.slice(0, -(def.length + 1));
  if (head.hostCount > 0) {
    let host = head.host;
    if (def && host.endsWith(':' + def)) host = host.slice(0, -(def.length + 1));
    if (host.toLowerCase() !== authority.toLowerCase()) return false;
    const hs = head.headers;
    for (let i = 0; i < hs.length; i += 2) if (hs[i].toLowerCase() === 'host') hs[i + 1] = host;
    head.host = host;
  }
  head.uri = `${m[1]}://${authority}${m[3] || ''}`;
  return true;
}

/** A client socket that knows its stream (set once at accept). */
interface OwnedSocket extends Socket {
  fcStream: HttpStream;
}

function onSockData(this: OwnedSocket, d: Buffer): void { withClock(HttpStream.prototype.onClientData, this.fcStream, d); }
function onSockEnd(this: OwnedSocket): void { this.fcStream.onClientEnd(); }
function onSockClose(this: OwnedSocket): void { this.fcStream.onClientClose(); }
function onSockError(): void { /* reported through 'close' */ }
function onSockDrain(this: OwnedSocket): void { this.fcStream.onClientDrain(); }
function onSockTimeout(this: OwnedSocket): void { this.fcStream.onClientTimeout(); }
function fireStreamTimer(s: HttpStream): void { s.onTimerFired(); }

/** sendToClient results beyond direct-write's WRITTEN and QUEUED. */
const BUFFERED = 3;
const FULL = 4;
const CLIENT_SIDE = 0;
const SERVER_SIDE = 1;
const EMPTY = Buffer.alloc(0);
/** Scratch arrays for direct writes (direct-write.ts copies them when it keeps them). */
const ONE: (string | Buffer)[] = [EMPTY];
const PAIR: (string | Buffer)[] = [EMPTY, EMPTY];

/** What `show sess` sees of a connection: a small view reading the stream on demand. */
class SessionView {
  readonly startMs = nowMs();
  constructor(private readonly stream: HttpStream, readonly id: number, readonly proto: string) {}
  get src(): string { return `${this.stream.clientAddress}`; }
  get frontend(): string { return this.stream.fe.name; }
  get backend(): string | undefined { return this.stream.backendName; }
  get server(): string | undefined { return this.stream.serverName; }
  kill(reason: string): void { this.stream.kill(reason); }
}

/** Reads `Proxy-Connection` tokens as Connection tokens (close / keep-alive). */
function applyProxyConnection(head: ParsedHead): void {
  const v = getHeader(head, 'proxy-connection');
  if (v === undefined) return;
  for (const part of v.split(',')) {
    const t = part.trim().toLowerCase();
    if (t === 'close') head.connClose = true;
    else if (t === 'keep-alive') head.connKeepAlive = true;
  }
}
