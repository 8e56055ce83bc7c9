/**
 * e2e harness: spawns the real bin/fulcrum with an inline config, stub servers, a CLI client
 * for the stats socket, a UDP syslog receiver, and polling with time limits. Every process
 * started here is tracked by PID and stopped by PID (never by name).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import http from 'node:http';
import dgram from 'node:dgram';

export const ROOT = resolve(__dirname, '../../../..');
export const BIN = join(ROOT, 'bin', 'fulcrum');

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.pid !== undefined && c.exitCode === null) try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
});

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'fulcrum-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A free TCP port on 127.0.0.1 (bind to 0, read, close). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => res(port));
    });
  });
}

/** Several distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
}

/**
 * A port on 127.0.0.1 where nothing listens, for "connection refused" servers. Taken below
 * the kernel's ephemeral range: a port from {@link freePort} left unbound can be handed to a
 * concurrent test's port-0 listener meanwhile (a checks test then saw another test's server
 * on its dead pgsql port).
 */
export async function deadPort(): Promise<number> {
  let low = 32768;
  try { low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low; } catch { /* not Linux */ }
  const from = Math.min(10000, Math.max(1024, low - 2000));
  for (let i = 0; i < 100 && low - from > 100; i++) {
    const p = from + Math.floor(Math.random() * (low - from));
    if (!(await canConnect(p))) return p;
  }
  return freePort();
}

/**
 * Polls `fn` until it returns a truthy value or `timeoutMs` passes (then throws with `what`).
 * The default is generous (10 s): it only costs time when the condition never comes, and a
 * busy 2-core machine made 5 s too short (a new master-worker worker serving, for one).
 */
export async function pollUntil<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/fulcrum to completion (e.g. `-c`), with a time limit. */
export function runFulcrum(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<RunResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...opts.env }, cwd: opts.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => { stdout += d; });
    child.stderr!.on('data', (d) => { stderr += d; });
    if (opts.input !== undefined) child.stdin!.end(opts.input); else child.stdin!.end();
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      rej(new Error(`fulcrum ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 10000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 10000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      res({ code, signal, stdout, stderr });
    });
  });
}

/** A running fulcrum process. */
export class FulcrumProcess {
  readonly child: ChildProcess;
  readonly dir: string;
  stdout = '';
  stderr = '';
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(child: ChildProcess, dir: string) {
    this.child = child;
    this.dir = dir;
    child.stdout!.on('data', (d) => { this.stdout += d; });
    child.stderr!.on('data', (d) => { this.stderr += d; });
    this.exited = new Promise((res) => child.on('exit', (code, signal) => { children.delete(child); res({ code, signal }); }));
  }

  get pid(): number { return this.child.pid!; }
  get running(): boolean { return this.child.exitCode === null && this.child.signalCode === null; }

  /** Waits until stderr (or stdout) matches `re`. */
  async waitForOutput(re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    // The output at the time limit (not at the call) goes into the error, stdout included.
    return pollUntil<RegExpMatchArray>(() => {
      const m = re.exec(this.stderr) ?? re.exec(this.stdout);
      if (!m) throw new Error(`\n--- stderr:\n${this.stderr}\n--- stdout:\n${this.stdout}`);
      return m;
    }, `output matching ${re}`, timeoutMs);
  }

  /** Sends a signal by PID. */
  signal(sig: NodeJS.Signals): void {
    if (this.running) process.kill(this.pid, sig);
  }

  /** Waits for exit, with a time limit (then SIGKILL by PID). */
  async waitExit(timeoutMs = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const t = setTimeout(() => this.signal('SIGKILL'), timeoutMs);
    const r = await this.exited;
    clearTimeout(t);
    return r;
  }

  /** Stops the process by PID (SIGTERM, then SIGKILL after 3 s) and removes its temp dir. */
  async stop(): Promise<void> {
    if (this.running) {
      this.signal('SIGTERM');
      await this.waitExit(3000);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface StartOptions {
  /** Extra command-line arguments (default: `-db`). */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Wait until this TCP port accepts connections. */
  waitPort?: number;
  /** Wait until this unix socket path accepts connections. */
  waitSocket?: string;
  /** Directory to use (default: a new temp dir); the config is written there as fulcrum.cfg. */
  dir?: string;
}

/**
 * Starts bin/fulcrum on an inline config in the foreground. `{{DIR}}` in the config is
 * replaced by the process's temp directory (handy for socket paths).
 */
export async function startFulcrum(config: string, opts: StartOptions = {}): Promise<FulcrumProcess> {
  const dir = opts.dir ?? tempDir();
  const cfgPath = join(dir, 'fulcrum.cfg');
  writeFileSync(cfgPath, config.replaceAll('{{DIR}}', dir));
  const child = spawn(process.execPath, [BIN, '-f', cfgPath, ...(opts.args ?? ['-db'])], {
    env: { ...process.env, ...opts.env }, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const fp = new FulcrumProcess(child, dir);
  try {
    if (opts.waitPort !== undefined) await pollUntil(() => fp.running && canConnect(opts.waitPort!), `port ${opts.waitPort}\n${fp.stderr}`, 8000);
    if (opts.waitSocket !== undefined) await pollUntil(() => fp.running && canConnectPath(opts.waitSocket!.replaceAll('{{DIR}}', dir)), `socket ${opts.waitSocket}\n${fp.stderr}`, 8000);
    // The frontends accept before the stats sockets are bound (services start in order), so a
    // test that waited for its port and then talks to the CLI raced the bind (ENOENT on a
    // busy machine). When the caller waits for readiness, wait for those sockets too.
    if (opts.waitPort !== undefined || opts.waitSocket !== undefined) {
      for (const m of config.matchAll(/^\s*stats socket \{\{DIR\}\}(\/\S+)/gm)) {
        const path = dir + m[1];
        await pollUntil(() => fp.running && canConnectPath(path), `stats socket ${path}`, 8000);
      }
    }
  } catch (e) {
    await fp.stop();
    throw e;
  }
  return fp;
}

/** True when something accepts on 127.0.0.1:port. */
export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((res) => {
    const s = net.connect({ port, host });
    s.once('connect', () => { s.destroy(); res(true); });
    s.once('error', () => res(false));
  });
}

export function canConnectPath(path: string): Promise<boolean> {
  return new Promise((res) => {
    const s = net.connect({ path });
    s.once('connect', () => { s.destroy(); res(true); });
    s.once('error', () => res(false));
  });
}

/** A stub HTTP backend answering `<h1>Hello from Fulcrum</h1><p>Server: NAME</p>` (or `handler`). */
export async function startHttpStub(name: string, port = 0, handler?: http.RequestListener): Promise<{ server: http.Server; port: number; requests: http.IncomingMessage[]; close(): Promise<void> }> {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    if (handler) return handler(req, res);
    const body = `<h1>Hello from Fulcrum</h1><p>Server: ${name}</p>\n`;
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const actual = (server.address() as net.AddressInfo).port;
  return {
    server, port: actual, requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  rawHead: string;
  body: string;
}

/** Sends `raw` bytes on a new connection and returns everything received until close or `timeoutMs`. */
export function rawExchange(port: number, raw: string | Buffer, timeoutMs = 3000, host = '127.0.0.1'): Promise<string> {
  return new Promise((res, rej) => {
    const s = net.connect({ port, host });
    let data = '';
    const t = setTimeout(() => { s.destroy(); res(data); }, timeoutMs);
    s.on('connect', () => s.write(raw));
    s.on('data', (d) => { data += d.toString('latin1'); });
    s.on('end', () => { clearTimeout(t); s.destroy(); res(data); });
    s.on('error', (e) => { clearTimeout(t); if (data) res(data); else rej(e); });
  });
}

/** Minimal HTTP GET using node:http (fresh connection each time). */
export function httpGet(port: number, path = '/', headers: Record<string, string> = {}, host = '127.0.0.1'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((res, rej) => {
    const req = http.request({ host, port, path, headers, agent: false }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d) => { body += d; });
      r.on('end', () => res({ status: r.statusCode!, headers: r.headers, body }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', rej);
    req.end();
  });
}

/** Sends one CLI command on a new connection to the stats socket; returns the full answer. */
export function cliCommand(target: string | number, command: string, timeoutMs = 3000): Promise<string> {
  return new Promise((res, rej) => {
    const s = typeof target === 'number' ? net.connect({ port: target, host: '127.0.0.1' }) : net.connect({ path: target });
    let data = '';
    const t = setTimeout(() => { s.destroy(); rej(new Error(`CLI '${command}' timed out; got: ${JSON.stringify(data)}`)); }, timeoutMs);
    s.on('connect', () => s.write(command + '\n'));
    s.on('data', (d) => { data += d; });
    s.on('close', () => { clearTimeout(t); res(data); });
    s.on('error', (e) => { clearTimeout(t); rej(e); });
  });
}

/** A UDP syslog receiver on 127.0.0.1; collects datagrams as strings. */
export async function startSyslogUdp(): Promise<{ port: number; messages: string[]; close(): void }> {
  const sock = dgram.createSocket('udp4');
  const messages: string[] = [];
  sock.on('message', (m) => messages.push(m.toString()));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { port: sock.address().port, messages, close: () => sock.close() };
}

/** Writes a file into dir and returns its path. */
export function writeFile(dir: string, name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
