/**
 * The check rule engine (HAProxy: tcpcheck.c). Every check kind — plain TCP, `tcp-check`,
 * `option httpchk`/`http-check`, pgsql, redis, mysql, smtp, ldap, ssl-hello, agent — is
 * compiled into one list of connect / send / expect rules, and this file runs such a list
 * against a server. Protocol files add expectation kinds with {@link registerExpect}.
 *
 * Rules are plain data (they live in `ProxyConfig.ext.checks`), so regexes are kept as
 * source text and binary payloads as hex.
 */

import net from 'node:net';
import tls from 'node:tls';
import { CHECK_STATUSES, type CheckStatus } from './status';

/** `tcp-check connect` / `http-check connect` (and the implicit first connect). */
export interface ConnectRule {
  type: 'connect';
  port?: number;
  addr?: string;
  ssl?: boolean;
  sni?: string;
  sendProxy?: boolean;
  /** Inserted because the ruleset did not start with a connect (HAProxy TCPCHK_OPT_IMPLICIT). */
  implicit?: boolean;
  comment?: string;
}

/** `tcp-check send|send-binary|send-lf`. `lf` only expands `%[var(check.NAME)]`. */
export interface SendRule {
  type: 'send';
  data: string;
  encoding: 'text' | 'hex' | 'lf';
  comment?: string;
}

/** `http-check send` merged with `option httpchk` (one HTTP request). */
export interface HttpSendRule {
  type: 'http-send';
  meth: string;
  uri: string;
  ver: string;
  headers: [string, string][];
  body: string;
  comment?: string;
}

/**
 * `tcp-check expect` / `http-check expect` and the protocol expectations. `kind` selects an
 * evaluator registered with {@link registerExpect} (`string`, `rstring`, `binary`, `rbinary`,
 * `status`, `rstatus`, `hdr`, `agent`, `mysql`, `ldap` ...).
 */
export interface ExpectRule {
  type: 'expect';
  kind: string;
  /** Pattern text (regex source for r-kinds, hex for binary kinds). */
  pattern: string;
  inverse: boolean;
  /** Wait for at least this many bytes before evaluating (`min-recv`). */
  minRecv?: number;
  /** Message templates (literal text with `%[res.payload(o,l)[,cut_crlf][,ltrim(c)]]`). */
  onSuccess?: string;
  onError?: string;
  okStatus?: CheckStatus;
  errorStatus?: CheckStatus;
  toutStatus?: CheckStatus;
  /** `status-code` template giving the check code (e.g. `res.payload(0,3)`). */
  statusCode?: string;
  /** Extra arguments of some kinds (e.g. `hdr name`). */
  extra?: Record<string, string>;
  comment?: string;
}

export interface CommentRule { type: 'comment'; text: string }

export type Rule = ConnectRule | SendRule | HttpSendRule | ExpectRule | CommentRule;

/** Which family a ruleset comes from: decides message wording (tcp-check adds step info). */
export type RulesetProto = 'tcp' | 'tcp-check' | 'http' | 'pgsql' | 'redis' | 'mysql' | 'smtp' | 'ldap' | 'ssl3' | 'agent';

/** A compiled check program. */
export interface Ruleset {
  proto: RulesetProto;
  rules: Rule[];
}

/** Where and how to check: resolved per server by the scheduler. */
export interface CheckTarget {
  host: string;
  port: number;
  /** check-ssl */
  ssl?: boolean;
  sni?: string;
  /** check-send-proxy */
  sendProxy?: 'v1' | 'v2';
  /** Time allowed to connect (ms). */
  connectTimeoutMs: number;
  /** `timeout check`: read time after the connection is up; undefined = the rest of `totalMs`. */
  readTimeoutMs?: number;
  /** Whole-check limit when `timeout check` is not set (HAProxy: `inter`). */
  totalMs: number;
  /** Check variables for `send-lf` (`check.agent_string`, `check.smtp_cmd` ...). */
  vars?: Record<string, string>;
  /** Headers added to HTTP check requests (`http-check send-state`). */
  extraHeaders?: [string, string][];
}

/** What a check run found. */
export interface CheckOutcome {
  status: CheckStatus;
  info: string;
  /** Protocol code (HTTP status, ...); meaningful for statuses with hasCode. */
  code?: number;
  durationMs: number;
  /** Set by the agent evaluator: the reply words, applied by agent.ts. */
  agentReply?: string;
}

/** Data an evaluator sees. */
export interface ExpectInput {
  /** Everything received on the current connection. */
  readonly data: Buffer;
  /** The peer closed, errored, or the buffer is full: no more data will come. */
  readonly lastRead: boolean;
  readonly proto: RulesetProto;
  /** 1-based step id of the rule (for messages). */
  readonly step: number;
  /** Scratch space shared by the rules of one run (e.g. the parsed HTTP response). */
  readonly scratch: Record<string, unknown>;
  /**
   * Writes to the server during the expectation (conversational protocols such as the
   * authenticating pgsql-role check); received data keeps accumulating in `data`.
   */
  readonly write?: (data: Buffer) => void;
}

/** An evaluator's answer: wait for more data, or whether the pattern matched. */
export type ExpectVerdict = 'wait' | {
  match: boolean;
  /** Default messages when the rule has no on-success / on-error. */
  successInfo?: string;
  errorInfo?: string;
  /** Default statuses (the rule's own ok-status / error-status win). */
  okStatus?: CheckStatus;
  errorStatus?: CheckStatus;
  code?: number;
  /** Do not let the rule's `!` invert this verdict (custom protocol evaluators). */
  final?: boolean;
  /** A mismatch is already conclusive: do not wait for more data (HTTP, parsed protocols). */
  conclusive?: boolean;
  agentReply?: string;
};

export type ExpectEvaluator = (rule: ExpectRule, input: ExpectInput) => ExpectVerdict;

const evaluators = new Map<string, ExpectEvaluator>();

/** Registers the evaluator of an expect kind (one per protocol file). */
export function registerExpect(kind: string, fn: ExpectEvaluator): void {
  if (evaluators.has(kind)) throw new Error(`internal: expect kind '${kind}' registered twice`);
  evaluators.set(kind, fn);
}

/** Largest response kept for matching (HAProxy: one buffer, tune.bufsize). */
export const CHECK_BUFSIZE = 16384;

/** errno texts as strerror() words them, for `info: "Connection refused"`. */
const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
  EPIPE: 'Broken pipe',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENOTFOUND: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
};

/** strerror()-style text for a Node socket error. */
export function errnoText(err: NodeJS.ErrnoException): string {
  return (err.code && ERRNO_TEXT[err.code]) || err.message;
}

/**
 * Renders an `on-success` / `on-error` / `status-code` template against received data.
 * Supports literal text and `%[res.payload(off,len)]` with the `cut_crlf` and `ltrim(c)`
 * converters, which is what HAProxy's built-in rulesets use. A bare `res.payload(o,l)`
 * (status-code form) is accepted too.
 */
export function renderTemplate(tpl: string, data: Buffer): string {
  const fetch = (expr: string): string => {
    // Split the converter chain on commas outside parentheses: `res.payload(0,3),cut_crlf`.
    const parts: string[] = [''];
    let depth = 0;
    for (const ch of expr) {
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      if (ch === ',' && depth === 0) parts.push('');
      else parts[parts.length - 1] += ch;
    }
    let m = /^res\.payload\((\d+),(\d+)\)$/.exec(parts[0].trim());
    let v = '';
    if (m) {
      const off = Number(m[1]);
      const len = Number(m[2]);
      v = data.subarray(off, len === 0 ? data.length : off + len).toString('latin1');
    }
    for (const conv of parts.slice(1)) {
      const c = conv.trim();
      if (c === 'cut_crlf') v = v.split(/[\r\n]/)[0];
      else if ((m = /^ltrim\((.)\)$/.exec(c) ?? /^ltrim\('(.)'\)$/.exec(c))) {
        const ch = m[1];
        while (v.startsWith(ch)) v = v.slice(1);
      }
    }
    return v;
  };
  if (/^res\.payload\(/.test(tpl)) return fetch(tpl);
  return tpl.replace(/%\[([^\]]*)\]/g, (_, expr: string) => fetch(expr));
}

function lf(text: string, vars: Record<string, string>): string {
  return text.replace(/%\[var\(check\.([a-z_]+)\)\]/g, (_, n: string) => vars[n] ?? '');
}

/** PROXY protocol header a check sends (no client: v1 `UNKNOWN`, v2 `LOCAL`). */
function proxyHeader(v: 'v1' | 'v2'): Buffer {
  if (v === 'v1') return Buffer.from('PROXY UNKNOWN\r\n');
  return Buffer.concat([Buffer.from('0d0a0d0a000d0a515549540a', 'hex'), Buffer.from([0x20, 0x00, 0x00, 0x00])]);
}

/**
 * Serialises an HTTP check request as HAProxy 2.6 does (observed): header names in lower
 * case, `connection: close` added for HTTP/1.1, `content-length` when a body is set.
 */
export function buildHttpRequest(r: HttpSendRule, extra: [string, string][] = []): Buffer {
  let head = `${r.meth} ${r.uri} ${r.ver}\r\n`;
  const all = [...r.headers, ...extra];
  const names = new Set(all.map(([n]) => n.toLowerCase()));
  for (const [n, v] of all) head += `${n.toLowerCase()}: ${v}\r\n`;
  if (r.body && !names.has('content-length')) head += `content-length: ${Buffer.byteLength(r.body)}\r\n`;
  if (r.ver === 'HTTP/1.1' && !names.has('connection')) head += 'connection: close\r\n';
  head += '\r\n';
  return Buffer.from(head + r.body, 'latin1');
}

type Phase = 'connecting' | 'handshake' | 'connected';

/**
 * One run of a ruleset against a target. Internal: use {@link runRuleset}. It owns at most
 * one socket at a time and never throws: every failure ends as a CheckOutcome.
 */
class CheckRun {
  private sock?: net.Socket;
  private data = Buffer.alloc(0);
  private closed = false;
  private sockErr?: NodeJS.ErrnoException;
  private phase: Phase = 'connecting';
  private wake?: () => void;
  private deadline = 0;
  private timer?: NodeJS.Timeout;
  private readonly start = Date.now();
  private readonly scratch: Record<string, unknown> = {};
  /** Connection generation: events of a socket closed by a later connect are ignored. */
  private gen = 0;

  constructor(private readonly rs: Ruleset, private readonly t: CheckTarget, private readonly signal?: AbortSignal) {}

  async run(): Promise<CheckOutcome> {
    const rules = this.rs.rules;
    const first = rules.find((r) => r.type !== 'comment');
    const list: { rule: Rule; step: number }[] = [];
    if (!first || first.type !== 'connect') list.push({ rule: { type: 'connect', implicit: true }, step: 0 });
    rules.forEach((rule, i) => { if (rule.type !== 'comment') list.push({ rule, step: i + 1 }); });
    let last: { rule: Rule; step: number } | undefined;
    try {
      for (const item of list) {
        last = item;
        const r = item.rule;
        if (r.type === 'connect') {
          const bad = await this.connect(r, item.step);
          if (bad) return bad;
        } else if (r.type === 'send' || r.type === 'http-send') {
          const bad = this.send(r, item.step);
          if (bad) return bad;
        } else if (r.type === 'expect') {
          const res = await this.expect(r, item.step);
          if (res.done) return res.done;
        }
      }
      return this.success(last);
    } finally {
      this.close();
    }
  }

  private elapsed(): number { return Date.now() - this.start; }

  /** Read through a method: socket callbacks change it behind TypeScript's narrowing. */
  private currentPhase(): Phase { return this.phase; }

  private outcome(status: CheckStatus, info = '', code?: number, agentReply?: string): CheckOutcome {
    // HAProxy keeps check descriptions as C strings: binary payloads end at the first NUL.
    const text = info.split('\0')[0];
    return { status, info: text, code: code ?? (CHECK_STATUSES[status].hasCode ? 0 : undefined), durationMs: this.elapsed(), agentReply };
  }

  /** Final status when every rule passed (HAProxy tcpcheck_main's epilogue). */
  private success(last: { rule: Rule; step: number } | undefined): CheckOutcome {
    const r = last?.rule;
    if (r?.type === 'connect') {
      return this.outcome(this.t.ssl || r.ssl ? 'L6OK' : 'L4OK', r.implicit ? '' : '(tcp-check)');
    }
    const v = this.scratch.lastVerdict as { status: CheckStatus; info: string; code?: number; agentReply?: string } | undefined;
    if (v) return this.outcome(v.status, v.info, v.code, v.agentReply);
    return this.outcome('L7OK', '(tcp-check)');
  }

  /** Suffix HAProxy adds to errors of `option tcp-check` rulesets (chk_report_conn_err). */
  private stepSuffix(step: number, rule?: Rule): string {
    if (this.rs.proto !== 'tcp-check') return '';
    if (step === 0) return ' at initial connection step of tcp-check';
    let s = ` at step ${step} of tcp-check`;
    if (rule?.type === 'connect') s += rule.port ? ` (connect port ${rule.port})` : ' (connect)';
    else if (rule?.type === 'send') s += ' (send)';
    else if (rule?.type === 'expect') {
      if (rule.kind === 'string' || rule.kind === 'binary') s += ` (expect ${rule.kind} '${rule.pattern}')`;
      else if (rule.kind === 'rstring') s += ' (expect regex)';
      else if (rule.kind === 'rbinary') s += ' (expect binary regex)';
    }
    if (rule && 'comment' in rule && rule.comment) s += ` comment: '${rule.comment}'`;
    return s;
  }

  private armTimer(ms: number): void {
    this.deadline = Date.now() + ms;
    if (this.timer) clearTimeout(this.timer);
    // setTimeout runs on the loop's monotonic clock and can fire up to ~1 ms before
    // Date.now() reaches the deadline; waking then found expired() false and nothing left to
    // wake the check again (a silent server hung the check forever). Re-arm for the rest.
    const fire = (): void => {
      const left = this.deadline - Date.now();
      if (left > 0) { this.timer = setTimeout(fire, left); return; }
      this.wake?.();
    };
    this.timer = setTimeout(fire, Math.max(0, ms));
  }

  private expired(): boolean { return Date.now() >= this.deadline; }

  private waitEvent(): Promise<void> {
    return new Promise((res) => { this.wake = () => { this.wake = undefined; res(); }; });
  }

  private close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sock) {
      this.sock.removeAllListeners('data');
      this.sock.on('error', () => { /* late errors after a finished check are irrelevant */ });
      this.sock.destroy();
      this.sock = undefined;
    }
  }

  private async connect(r: ConnectRule, step: number): Promise<CheckOutcome | undefined> {
    this.close();
    this.data = Buffer.alloc(0);
    this.closed = false;
    this.sockErr = undefined;
    this.phase = 'connecting';
    const host = r.addr ?? this.t.host;
    const port = r.port ?? this.t.port;
    const useSsl = r.ssl ?? this.t.ssl ?? false;
    const sendProxy = r.sendProxy ? 'v1' : this.t.sendProxy;
    this.armTimer(this.t.connectTimeoutMs);
    const gen = ++this.gen;
    const sock = net.connect({ host, port });
    this.sock = sock;
    const onAbort = (): void => this.wake?.();
    this.signal?.addEventListener('abort', onAbort, { once: true });
    const attach = (s: net.Socket): void => {
      s.on('data', (d: Buffer) => {
        if (gen !== this.gen) return;
        if (this.data.length < CHECK_BUFSIZE) this.data = Buffer.concat([this.data, d]).subarray(0, CHECK_BUFSIZE);
        this.wake?.();
      });
      s.on('end', () => { if (gen === this.gen) { this.closed = true; this.wake?.(); } });
      s.on('close', () => { if (gen === this.gen) { this.closed = true; this.wake?.(); } });
      s.on('error', (e: NodeJS.ErrnoException) => { if (gen === this.gen) { this.sockErr ??= e; this.closed = true; this.wake?.(); } });
    };
    sock.on('error', (e: NodeJS.ErrnoException) => { if (gen === this.gen) { this.sockErr ??= e; this.closed = true; this.wake?.(); } });
    sock.once('connect', () => {
      if (gen !== this.gen) return;
      if (sendProxy) sock.write(proxyHeader(sendProxy));
      if (useSsl) {
        this.phase = 'handshake';
        const ts = tls.connect({ socket: sock, servername: r.sni ?? this.t.sni ?? (net.isIP(host) ? undefined : host), rejectUnauthorized: false });
        this.sock = ts;
        ts.once('secureConnect', () => { if (gen === this.gen) { this.phase = 'connected'; this.wake?.(); } });
        attach(ts);
      } else {
        this.phase = 'connected';
        attach(sock);
        this.wake?.();
      }
    });
    while (this.currentPhase() !== 'connected') {
      if (this.sockErr) {
        const info = errnoText(this.sockErr) + this.stepSuffix(step, r);
        this.signal?.removeEventListener('abort', onAbort);
        return this.outcome(this.currentPhase() === 'handshake' ? 'L6RSP' : 'L4CON', info);
      }
      if (this.expired() || this.signal?.aborted) {
        this.signal?.removeEventListener('abort', onAbort);
        return this.outcome(this.currentPhase() === 'handshake' ? 'L6TOUT' : 'L4TOUT', this.stepSuffix(step, r).trimStart());
      }
      await this.waitEvent();
    }
    this.signal?.removeEventListener('abort', onAbort);
    // Connected: `timeout check` (if set) now bounds the rest, else the check keeps `inter`.
    const left = this.t.readTimeoutMs ?? Math.max(0, this.t.totalMs - this.elapsed());
    this.armTimer(left);
    return undefined;
  }

  private send(r: SendRule | HttpSendRule, step: number): CheckOutcome | undefined {
    const s = this.sock;
    if (!s || this.closed) return this.outcome('SOCKERR', (this.sockErr ? errnoText(this.sockErr) : '') + this.stepSuffix(step, r));
    let buf: Buffer;
    if (r.type === 'http-send') buf = buildHttpRequest(r, this.t.extraHeaders);
    else if (r.encoding === 'hex') buf = Buffer.from(r.data, 'hex');
    else if (r.encoding === 'lf') buf = Buffer.from(lf(r.data, this.t.vars ?? {}), 'latin1');
    else buf = Buffer.from(r.data, 'latin1');
    // Each send starts a new exchange: expectations after it only see the new answer.
    this.data = Buffer.alloc(0);
    if (buf.length) s.write(buf);
    return undefined;
  }

  private async expect(r: ExpectRule, step: number): Promise<{ done?: CheckOutcome }> {
    const ev = evaluators.get(r.kind);
    if (!ev) return { done: this.outcome('SOCKERR', `unknown expect kind '${r.kind}'`) };
    for (;;) {
      const lastRead = this.closed || this.data.length >= CHECK_BUFSIZE;
      if (!lastRead && this.data.length < (r.minRecv ?? 0)) {
        if (this.expired() || this.signal?.aborted) return { done: this.timeout(r, step) };
        await this.waitEvent();
        continue;
      }
      if (lastRead && this.data.length === 0) {
        // Nothing came back at all (HAProxy: "got an empty response").
        if (this.sockErr) return { done: this.outcome('SOCKERR', errnoText(this.sockErr) + this.stepSuffix(step, r)) };
        const info = r.onError ? renderTemplate(r.onError, this.data)
          : this.rs.proto === 'tcp-check' ? `TCPCHK got an empty response at step ${step}${r.comment ? ` comment: '${r.comment}'` : ''}` : '';
        return { done: this.outcome(r.errorStatus ?? 'L7RSP', info) };
      }
      const v = ev(r, { data: this.data, lastRead, proto: this.rs.proto, step, scratch: this.scratch, write: (b) => { if (!this.closed) this.sock?.write(b); } });
      if (v === 'wait') {
        if (lastRead) return { done: this.outcome(r.errorStatus ?? 'L7RSP', r.onError ? renderTemplate(r.onError, this.data) : '') };
        if (this.expired() || this.signal?.aborted) return { done: this.timeout(r, step) };
        await this.waitEvent();
        continue;
      }
      // HAProxy waits for more data on a mismatch unless min-recv made the answer conclusive.
      if (!v.match && !lastRead && r.minRecv === undefined && !v.final && !v.conclusive) {
        if (this.expired() || this.signal?.aborted) return { done: this.timeout(r, step) };
        await this.waitEvent();
        continue;
      }
      const pass = v.final ? v.match : v.match !== r.inverse;
      const code = r.statusCode ? Number.parseInt(renderTemplate(r.statusCode, this.data), 10) || 0 : v.code;
      if (pass) {
        const info = r.onSuccess ? renderTemplate(r.onSuccess, this.data)
          : v.successInfo ?? (this.rs.proto === 'tcp-check' ? '(tcp-check)' : '');
        this.scratch.lastVerdict = { status: r.okStatus ?? v.okStatus ?? 'L7OK', info, code, agentReply: v.agentReply };
        return {};
      }
      let info = r.onError ? renderTemplate(r.onError, this.data) : v.errorInfo ?? '';
      if (!r.onError && !v.errorInfo && this.rs.proto === 'tcp-check') info = defaultTcpError(r, v.match, step);
      return { done: this.outcome(r.errorStatus ?? v.errorStatus ?? 'L7RSP', info, code, v.agentReply) };
    }
  }

  private timeout(r: ExpectRule, step: number): CheckOutcome {
    return this.outcome(r.toutStatus ?? 'L7TOUT', this.stepSuffix(step, r).trimStart());
  }
}

/**
 * HAProxy's built message for a failed tcp-check expect without `on-error` (observed on
 * 2.6.12: only `string` quotes its pattern, and this comment is not quoted).
 */
function defaultTcpError(r: ExpectRule, matched: boolean, step: number): string {
  const what = matched ? 'matched unwanted content' : 'did not match content';
  let s: string;
  if (r.kind === 'string') s = `TCPCHK ${what} '${r.pattern}' at step ${step}`;
  else if (r.kind === 'binary') s = `TCPCHK ${what} (binary) at step ${step}`;
  else if (r.kind === 'rstring') s = `TCPCHK ${what} (regex) at step ${step}`;
  else if (r.kind === 'rbinary') s = `TCPCHK ${what} (binary regex) at step ${step}`;
  else s = `TCPCHK ${what} at step ${step}`;
  if (r.comment) s += ` comment: ${r.comment}`;
  return s;
}

/**
 * Runs `rs` against `target` and resolves with the outcome; never rejects. `signal`
 * aborts a run in progress (it then ends as a timeout of the current phase).
 */
export function runRuleset(rs: Ruleset, target: CheckTarget, signal?: AbortSignal): Promise<CheckOutcome> {
  return new CheckRun(rs, target, signal).run().catch((e: unknown) => ({
    status: 'SOCKERR' as CheckStatus, info: String((e as Error)?.message ?? e), durationMs: 0,
  }));
}
