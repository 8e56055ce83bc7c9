/**
 * Builders for lb unit tests: a backend Proxy with Server objects made directly from
 * ProxyConfig/ServerConfig (no parser, no sockets), its balancer, and the runtime-API
 * commands the HAProxy fixtures use, applied through the Server state methods.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newProxyConfig, newServerConfig, type ProxyConfig } from '../../../src/config/model';
import { Proxy } from '../../../src/proxy/proxy';
import { Server, AdminFlag } from '../../../src/proxy/server';
import type { Balancer, PickContext } from '../../../src/lb/balancer';
import { createBalancer } from '../../../src/lb/registry';
import type { SampleContext } from '../../../src/sample/context';
import '../../../src/lb/algorithms';
import { splitAlgorithm } from '../../../src/lb/keywords';

/** A server to build: name, weight, and optional flags. */
export interface ServerSpec {
  name: string;
  weight?: number;
  backup?: boolean;
  maxconn?: number;
  slowstart?: number;
  disabled?: boolean;
}

/** Options of {@link makeBackend}. */
export interface BackendSpec {
  algorithm?: string;
  args?: string[];
  paren?: string;
  hashType?: string[];
  hashBalanceFactor?: number;
  options?: Record<string, boolean>;
  servers: ServerSpec[];
  /** Also create the balancer (default true). */
  balancer?: boolean;
}

const SRC = { file: 'test', line: 1 };

/** Builds a backend and (by default) its balancer. */
export function makeBackend(spec: BackendSpec): { backend: Proxy; balancer: Balancer } {
  const cfg: ProxyConfig = newProxyConfig('be', 'backend', SRC);
  cfg.mode = 'http';
  cfg.balance = { algorithm: spec.algorithm ?? 'roundrobin', args: spec.args ?? [], paren: spec.paren, hashType: spec.hashType, hashBalanceFactor: spec.hashBalanceFactor };
  Object.assign(cfg.options, spec.options ?? {});
  const backend = new Proxy(cfg, 1);
  spec.servers.forEach((s, i) => {
    const sc = newServerConfig(s.name, SRC);
    sc.address = { host: '127.0.0.1', port: 8000 + i } as never;
    sc.weight = s.weight ?? 1;
    sc.backup = s.backup ?? false;
    sc.maxconn = s.maxconn ?? 0;
    sc.slowstart = s.slowstart ?? 0;
    sc.disabled = s.disabled ?? false;
    cfg.servers.push(sc);
    backend.servers.push(new Server(backend, sc, i + 1));
  });
  const balancer = spec.balancer === false ? (undefined as unknown as Balancer) : createBalancer(backend);
  return { backend, balancer };
}

/** A sample context for an HTTP request. */
export function sampleCtx(opts: { src?: string; uri?: string; method?: string; headers?: string[] } = {}): SampleContext {
  return {
    src: opts.src ?? '127.0.0.1', srcPort: 40000, dst: '127.0.0.1', dstPort: 80, frontend: 'fe',
    req: { method: opts.method ?? 'GET', uri: opts.uri ?? '/', version: 'HTTP/1.1', status: 0, headers: opts.headers ?? [] },
    vars: new Map(),
  };
}

/** A pick context around {@link sampleCtx}. */
export function pickCtx(opts: Parameters<typeof sampleCtx>[0] & { body?: Buffer } = {}): PickContext {
  return { sample: sampleCtx(opts), body: opts.body };
}

/**
 * Picks `n` times, each request's connection opened and closed right away (told to the
 * balancer as the data plane does), and returns the server names.
 */
export function sequence(balancer: Balancer, n: number, ctx: PickContext = pickCtx()): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = balancer.pick(ctx);
    if (s) {
      s.curConns++;
      balancer.takeConn?.(s);
      s.curConns--;
      balancer.dropConn?.(s);
    }
    out.push(s ? s.name : '-');
  }
  return out;
}

/**
 * `hold` step of a fixture: `n` requests whose connections stay open, then closed in the
 * order they were opened.
 */
export function hold(balancer: Balancer, n: number, ctx: PickContext = pickCtx()): string[] {
  const open: Server[] = [];
  for (let i = 0; i < n; i++) {
    const s = balancer.pick(ctx);
    if (!s) throw new Error('no server for a held request');
    s.curConns++;
    balancer.takeConn?.(s);
    open.push(s);
  }
  for (const s of open) {
    s.curConns--;
    balancer.dropConn?.(s);
  }
  return open.map((s) => s.name);
}

/**
 * Applies one runtime-API command of a fixture (`disable server be/x`, `enable server be/x`,
 * `set weight be/x N`, `set server be/x state drain|ready|maint`) to the backend.
 */
export function applyCli(backend: Proxy, cmd: string): void {
  const w = cmd.split(/\s+/);
  const srvName = (w[0] === 'set' && w[1] === 'weight') ? w[2] : w[0] === 'set' ? w[2] : w[2];
  const s = backend.findServer(srvName.split('/')[1]);
  if (!s) throw new Error(`no server in '${cmd}'`);
  if (w[0] === 'disable' && w[1] === 'server') s.setAdmin(AdminFlag.FMAINT, true);
  else if (w[0] === 'enable' && w[1] === 'server') s.setAdmin(AdminFlag.FMAINT, false);
  else if (w[0] === 'set' && w[1] === 'weight') s.setWeight(Number(w[3]));
  else if (w[0] === 'set' && w[1] === 'server' && w[3] === 'state') {
    if (w[4] === 'drain') { s.setAdmin(AdminFlag.FMAINT, false); s.setAdmin(AdminFlag.FDRAIN, true); }
    else if (w[4] === 'ready') { s.setAdmin(AdminFlag.FMAINT, false); s.setAdmin(AdminFlag.FDRAIN, false); }
    else if (w[4] === 'maint') s.setAdmin(AdminFlag.FMAINT, true);
    else throw new Error(`unsupported: ${cmd}`);
  } else throw new Error(`unsupported: ${cmd}`);
}

/** A recorded HAProxy scenario (see test/fixtures/lb/record-haproxy.ts). */
export interface FixtureScenario {
  name: string;
  balance: string;
  options?: string[];
  servers: { name: string; weight: number; backup?: boolean; maxconn?: number }[];
  steps: ({ requests: number } | { cli: string } | { hold: number } | { get: { path: string; headers?: Record<string, string>; from?: string }[] })[];
  sequence: string[];
}

/** Loads the recorded scenarios of test/fixtures/lb/<file>.json. */
export function loadFixtures(file: string): FixtureScenario[] {
  const path = join(__dirname, '../../../../test/fixtures/lb', `${file}.json`);
  return (JSON.parse(readFileSync(path, 'utf8')) as { scenarios: FixtureScenario[] }).scenarios;
}

/** Replays a recorded scenario on Fulcrum's balancer and returns the sequence it produces. */
export function replay(sc: FixtureScenario): string[] {
  const options: Record<string, boolean> = {};
  let hashType: string[] | undefined;
  let hashBalanceFactor: number | undefined;
  for (const o of sc.options ?? []) {
    const w = o.split(/\s+/);
    if (w[0] === 'hash-type') hashType = w.slice(1);
    else if (w[0] === 'hash-balance-factor') hashBalanceFactor = Number(w[1]);
    else options[w.slice(1).join(' ')] = true;
  }
  const words = sc.balance.split(/\s+/);
  const split = splitAlgorithm(words[0]);
  if ('error' in split) throw new Error(split.error);
  const { backend, balancer } = makeBackend({ algorithm: split.name, paren: split.paren, args: words.slice(1), hashType, hashBalanceFactor, options, servers: sc.servers });
  const out: string[] = [];
  for (const st of sc.steps) {
    if ('cli' in st) applyCli(backend, st.cli);
    else if ('hold' in st) out.push(...hold(balancer, st.hold));
    else if ('get' in st) {
      for (const r of st.get) {
        // What Node's http client sent to HAProxy: the given headers, then Host and Connection.
        const headers: string[] = [];
        for (const [k, v] of Object.entries(r.headers ?? {})) headers.push(k, v);
        if (!r.headers?.host) headers.push('Host', '127.0.0.1');
        headers.push('Connection', 'close');
        const s = balancer.pick(pickCtx({ uri: r.path, headers, src: r.from }));
        out.push(s ? s.name : '-');
      }
    } else out.push(...sequence(balancer, st.requests));
  }
  return out;
}
