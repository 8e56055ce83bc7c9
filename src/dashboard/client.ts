/**
 * A runtime API client for the dashboard: one connection to the stats socket (unix path or
 * host:port) in interactive mode, as hatop does: `prompt`, then `set timeout cli 60`, then one
 * command per line, each answer read up to the `\n> ` prompt. Commands are queued and run one
 * at a time. Nothing here knows about Fulcrum's internals: it speaks the HAProxy protocol only.
 */

import net from 'node:net';

export interface SocketTarget { path?: string; host?: string; port?: number }

/** `/run/haproxy.sock`, `unix@/path`, `host:port`, `tcp@host:port`, `ipv4@...`. */
export function parseTarget(text: string): SocketTarget {
  const t = text.replace(/^(unix|tcp|ipv4|ipv6)@/, '');
  const m = /^(\[[^\]]+\]|[^/:]+):(\d+)$/.exec(t);
  if (m && !text.startsWith('unix@')) return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  return { path: t };
}

export class CliClient {
  private sock: net.Socket | undefined;
  private buf = '';
  private waiting: { resolve: (s: string) => void; reject: (e: Error) => void } | undefined;
  private queue: { cmd: string; resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  private closed = false;

  constructor(private readonly target: SocketTarget, private readonly timeoutMs = 5000) {}

  /** Connects and enters interactive mode. */
  async connect(): Promise<void> {
    this.sock = await new Promise<net.Socket>((resolve, reject) => {
      const s = this.target.path !== undefined ? net.connect({ path: this.target.path }) : net.connect({ host: this.target.host, port: this.target.port! });
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    this.sock.setEncoding('latin1');
    this.sock.on('data', (d: string) => this.onData(d));
    this.sock.on('error', () => this.fail(new Error('connection error')));
    this.sock.on('close', () => { this.closed = true; this.fail(new Error('connection closed')); });
    await this.raw('prompt');
    await this.raw('set timeout cli 60');
  }

  private onData(d: string): void {
    this.buf += d;
    if (!this.waiting) return;
    if (this.buf === '> ' || this.buf.endsWith('\n> ')) {
      const out = this.buf.slice(0, -2);
      this.buf = '';
      const w = this.waiting;
      this.waiting = undefined;
      w.resolve(out);
      this.next();
    }
  }

  private fail(e: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(e);
    for (const q of this.queue.splice(0)) q.reject(e);
  }

  private next(): void {
    if (this.waiting || this.queue.length === 0 || !this.sock) return;
    const q = this.queue.shift()!;
    const timer = setTimeout(() => this.fail(new Error(`no answer to '${q.cmd}'`)), this.timeoutMs);
    this.waiting = {
      resolve: (s) => { clearTimeout(timer); q.resolve(s); },
      reject: (e) => { clearTimeout(timer); q.reject(e); },
    };
    this.sock.write(`${q.cmd}\n`);
  }

  private raw(cmd: string): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('connection closed'));
      this.queue.push({ cmd, resolve, reject });
      this.next();
    });
  }

  /** Runs one command; the answer without its terminating empty line. */
  async run(cmd: string): Promise<string> {
    const out = await this.raw(cmd);
    return out.endsWith('\n\n') ? out.slice(0, -1) : out;
  }

  close(): void {
    if (!this.sock) return;
    try { this.sock.end('quit\n'); } catch { /* closing anyway */ }
    this.sock.destroy();
  }
}
