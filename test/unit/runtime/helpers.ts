/**
 * Test helpers for the runtime API and stats: an Instance built by hand from config text
 * (proxies, servers and balancers, without the data plane), stats sockets opened in a temp
 * directory, and small CLI clients (one-shot and interactive).
 */

import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../src/proxy/keywords';
import '../../../src/process/keywords';
import '../../../src/lb/keywords';
import '../../../src/checks/keywords';
import '../../../src/runtime/commands';
import { parseString } from '../../../src/config/parser';
import { Diagnostics, formatDiagnostic } from '../../../src/config/diagnostics';
import { Instance } from '../../../src/process/instance';
import { Proxy } from '../../../src/proxy/proxy';
import { Server } from '../../../src/proxy/server';
import { createBalancer } from '../../../src/lb/registry';
import { CliSlots, openStatsSocket } from '../../../src/runtime/socket';

/** Builds an Instance from config text; `{{DIR}}` is replaced by `dir`. Throws on config errors. */
export function buildInstance(text: string, dir = ''): Instance {
  const diag = new Diagnostics();
  const { config } = parseString(text.replaceAll('{{DIR}}', dir), 'test.cfg', diag);
  if (diag.errorCount > 0) throw new Error(diag.items.map(formatDiagnostic).join('\n'));
  const inst = new Instance(config, { foreground: true, quiet: true, debug: false, localPeer: '', configFiles: [] });
  let pid = 2;
  for (const pc of config.proxies) {
    const px = new Proxy(pc, pc.id || pid++);
    let sid = 1;
    for (const sc of pc.servers) px.servers.push(new Server(px, sc, sc.id || sid++));
    inst.proxies.push(px);
  }
  for (const px of inst.proxies) {
    for (const s of px.servers) {
      if (!s.cfg.track) continue;
      const [be, sv] = s.cfg.track.split('/');
      const t = inst.findBackend(be)?.findServer(sv);
      if (t) { s.tracked = t; t.trackers.push(s); }
    }
    if (px.isBackend) createBalancer(px);
  }
  return inst;
}

/** An Instance with its stats sockets listening in a fresh temp dir. */
export interface CliFixture {
  instance: Instance;
  dir: string;
  servers: net.Server[];
  close(): Promise<void>;
}

export async function startCli(text: string): Promise<CliFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-rt-'));
  const instance = buildInstance(text, dir);
  const slots = new CliSlots(instance.config.global.statsMaxconn);
  const servers: net.Server[] = [];
  for (const s of instance.config.global.statsSockets) servers.push(await openStatsSocket(instance, s, slots));
  return {
    instance, dir, servers,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); })));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends `input` as is and returns everything received until the server closes (bounded). */
export function exchange(path: string, input: string, timeoutMs = 3000): Promise<string> {
  return new Promise((res, rej) => {
    const s = net.connect({ path });
    let data = '';
    const t = setTimeout(() => { s.destroy(); rej(new Error(`no close after ${timeoutMs} ms; got ${JSON.stringify(data)}`)); }, timeoutMs);
    s.on('connect', () => s.write(input));
    s.on('data', (d) => { data += d; });
    s.on('close', () => { clearTimeout(t); res(data); });
    s.on('error', (e) => { clearTimeout(t); rej(e); });
  });
}

/** One command, non-interactive. */
export function cli(path: string, command: string): Promise<string> { return exchange(path, command + '\n'); }

/** An interactive session: `send` resolves with the answer up to and including the prompt. */
export class Interactive {
  private data = '';
  private waiter?: () => void;
  closed = false;
  readonly sock: net.Socket;

  constructor(path: string) {
    this.sock = net.connect({ path });
    this.sock.setEncoding('utf8');
    this.sock.on('data', (d: string) => { this.data += d; this.waiter?.(); });
    this.sock.on('close', () => { this.closed = true; this.waiter?.(); });
    this.sock.on('error', () => { this.closed = true; });
  }

  /** Everything received and not yet consumed. */
  get pending(): string { return this.data; }

  /** Writes `line` + newline and waits (bounded) until the received data ends with `until`. */
  async send(line: string, until = '> ', timeoutMs = 3000): Promise<string> {
    this.sock.write(line + '\n');
    return this.read(until, timeoutMs);
  }

  async read(until = '> ', timeoutMs = 3000): Promise<string> {
    const end = Date.now() + timeoutMs;
    while (!this.data.endsWith(until) && !this.closed) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${JSON.stringify(until)}; got ${JSON.stringify(this.data)}`);
      await new Promise<void>((r) => { this.waiter = r; setTimeout(r, 50); });
    }
    const out = this.data;
    this.data = '';
    return out;
  }

  /** Waits (bounded) for the server to close the connection. */
  async waitClose(timeoutMs = 3000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > end) throw new Error('connection still open');
      await new Promise<void>((r) => { this.waiter = r; setTimeout(r, 50); });
    }
  }

  end(): void { this.sock.destroy(); }
}

/** The reference configuration used for HAProxy captures, with sockets in `{{DIR}}`. */
export const REF_CONFIG = `
global
    stats socket {{DIR}}/admin level admin
    stats socket {{DIR}}/oper
    stats socket {{DIR}}/user level user
    stats timeout 10s

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend main
    bind 127.0.0.1:28080
    default_backend app

backend app
    balance roundrobin
    server app1 127.0.0.1:28081 check
    server app2 127.0.0.1:28082
    server app3 127.0.0.1:28083 check backup

listen lst
    bind 127.0.0.1:28090
    server l1 127.0.0.1:28081

frontend tfe
    mode tcp
    bind 127.0.0.1:28091
    maxconn 50
    default_backend tbe

backend tbe
    mode tcp
    balance leastconn
    server t1 127.0.0.1:28081 maxconn 5 maxqueue 7 cookie c1 weight 20
    server t2 127.0.0.1:28081 track app/app1 disabled
`;
