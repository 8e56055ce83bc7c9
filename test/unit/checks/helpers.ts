/**
 * Test helpers for checks/: tiny in-process TCP servers on 127.0.0.1 with scripted replies,
 * a free port that refuses connections, and check targets.
 */

import net from 'node:net';
import type { CheckTarget } from '../../../src/checks/rules';

export interface ScriptedServer {
  port: number;
  /** Bytes received per connection, in order. */
  received: Buffer[];
  close(): Promise<void>;
}

/**
 * Starts a TCP server; `onConn` gets each socket and a getter of everything received so far
 * on it. Connections are tracked and destroyed on close().
 */
export async function scripted(onConn: (sock: net.Socket, rx: () => Buffer, index: number) => void): Promise<ScriptedServer> {
  const received: Buffer[] = [];
  const socks = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    socks.add(sock);
    const idx = received.length;
    received.push(Buffer.alloc(0));
    sock.on('data', (d) => { received[idx] = Buffer.concat([received[idx], d]); });
    sock.on('error', () => { /* peers may reset */ });
    sock.on('close', () => socks.delete(sock));
    onConn(sock, () => received[idx], idx);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    close: () => new Promise<void>((r) => { for (const s of socks) s.destroy(); server.close(() => r()); }),
  };
}

/** Replies `reply` once `want` bytes (or a `\n`) arrived; `reply` may be a function of the request. */
export function replyWhen(want: (rx: Buffer) => boolean, reply: Buffer | string | ((rx: Buffer) => Buffer | string), end = false) {
  return (sock: net.Socket, rx: () => Buffer): void => {
    let done = false;
    sock.on('data', () => {
      if (done || !want(rx())) return;
      done = true;
      const r = typeof reply === 'function' ? reply(rx()) : reply;
      if (end) sock.end(r); else sock.write(r);
    });
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then closed). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A check target on 127.0.0.1 with short, bounded timeouts. */
export function target(port: number, over: Partial<CheckTarget> = {}): CheckTarget {
  return { host: '127.0.0.1', port, connectTimeoutMs: 2000, totalMs: 2000, ...over };
}

/** Waits (bounded) until `fn` is truthy. */
export async function until(fn: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

import '../../../src/proxy/keywords';
import '../../../src/checks/keywords';
import { parseString } from '../../../src/config/parser';
import { Proxy } from '../../../src/proxy/proxy';
import { Server } from '../../../src/proxy/server';
import { compileProxyChecks } from '../../../src/checks/config';
import { buildServerChecks } from '../../../src/checks/service';
import type { CheckTask } from '../../../src/checks/scheduler';
import { subscribeAdminEvents, type AdminEvent } from '../../../src/observe/events';

/** A backend built from config text, with its (not yet started) check tasks. */
export function buildBackend(text: string, name = 'app'): { px: Proxy; tasks: CheckTask[]; server(n: string): Server } {
  const { config } = parseString(text);
  const pc = config.proxies.find((p) => p.name === name)!;
  const px = new Proxy(pc, 2);
  pc.servers.forEach((sc, i) => px.servers.push(new Server(px, sc, i + 1)));
  const rs = compileProxyChecks(pc);
  const tasks = px.servers.flatMap((s) => buildServerChecks(px, s, rs, config.global.spreadChecks));
  return { px, tasks, server: (n) => px.servers.find((s) => s.name === n)! };
}

/** Collects admin events until stop() is called. */
export function collectEvents(): { events: AdminEvent[]; messages(): string[]; stop(): void } {
  const events: AdminEvent[] = [];
  const stop = subscribeAdminEvents((e) => events.push(e));
  return { events, messages: () => events.map((e) => e.message), stop };
}
