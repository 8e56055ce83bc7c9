/**
 * Helpers for rule unit tests: parse a configuration through the real keyword tables, build
 * the proxy's hooks against a minimal runtime graph, and run them on a request head parsed
 * by the real parser.
 */

import '../../../src/modules';
import { parseString } from '../../../src/config/parser';
import { validateConfig } from '../../../src/config/validate';
import { formatDiagnostic } from '../../../src/config/diagnostics';
import { installHooks, runHooks, type HttpHooks, type HttpReply, type HttpTxn } from '../../../src/proxy/http/hooks';
import { parseRequestHead, parseResponseHead, isHeadError, type ParsedHead } from '../../../src/proxy/http/parser';
import { newStreamRecord } from '../../../src/proxy/stream-record';
import type { Instance } from '../../../src/process/instance';
import type { Proxy } from '../../../src/proxy/proxy';
import type { SampleContext } from '../../../src/sample/context';
import type { Config } from '../../../src/config/model';

/** Parses and validates config text; messages formatted with pid 0. */
export function load(text: string): { config: Config; messages: string[]; errors: number } {
  const r = parseString(text, 't.cfg');
  validateConfig(r.config, r.diagnostics);
  return { config: r.config, messages: r.diagnostics.items.map((d) => formatDiagnostic(d, 0)), errors: r.diagnostics.errorCount };
}

/** The first alert text of a one-line frontend body (for message comparisons). */
export function alertsFor(body: string): string[] {
  const { messages } = load(`defaults\n  mode http\nfrontend f\n  bind 127.0.0.1:18091\n${body.split('\n').map((l) => `  ${l}`).join('\n')}\n`);
  return messages.filter((m) => m.includes('[ALERT]'));
}

/** A built graph: fake instance and proxies carrying their installed hooks. */
export interface Graph { instance: Instance; proxy(name: string): Proxy }

/** Builds minimal runtime proxies (name, cfg, ext, capabilities) and installs every hook. */
export function build(config: Config): Graph {
  const proxies = config.proxies.map((cfg) => ({
    name: cfg.name, cfg, ext: {} as Record<string, unknown>, mode: cfg.mode,
    isFrontend: cfg.cap === 'frontend' || cfg.cap === 'listen', isBackend: cfg.cap === 'backend' || cfg.cap === 'listen',
    servers: [], findServer: () => undefined,
  })) as unknown as Proxy[];
  const instance = { config, proxies } as unknown as Instance;
  installHooks(instance);
  return { instance, proxy: (n) => proxies.find((p) => p.name === n)! };
}

/** Parses a raw request head (`\n` line ends are fine). */
export function head(raw: string): ParsedHead {
  const h = parseRequestHead(raw.replace(/\r?\n/g, '\r\n') + (raw.endsWith('\n\n') ? '' : '\r\n\r\n'));
  if (isHeadError(h)) throw new Error(h.error);
  return h;
}

export function resHead(raw: string): ParsedHead {
  const h = parseResponseHead(raw.replace(/\r?\n/g, '\r\n') + '\r\n\r\n');
  if (isHeadError(h)) throw new Error(h.error);
  return h;
}

/** A transaction for `px` on request `raw` (and optional response). */
export function txnFor(g: Graph, px: Proxy, raw: string, res?: string, sample?: SampleContext): HttpTxn {
  const req = head(raw);
  const rs = res ? resHead(res) : undefined;
  const s: SampleContext = sample ?? { src: '10.0.0.1', srcPort: 40000, dst: '127.0.0.1', dstPort: 80, frontend: px.name, vars: new Map() };
  s.req = req as unknown as SampleContext['req'];
  if (rs) s.res = rs as unknown as SampleContext['res'];
  const rec = newStreamRecord(s.src, s.srcPort, s.dst, s.dstPort, px.name);
  rec.isHttp = true;
  return { instance: g.instance, frontend: px, sample: s, req, res: rs, rec };
}

/** Runs the frontend request hooks of `px`. */
export function runRequest(g: Graph, name: string, raw: string, sample?: SampleContext): { txn: HttpTxn; reply?: HttpReply } {
  const px = g.proxy(name);
  const txn = txnFor(g, px, raw, undefined, sample);
  const hooks = px.ext.httpHooks as HttpHooks | undefined;
  const reply = hooks ? runHooks(px.isFrontend ? hooks.frontendRequest : hooks.backendRequest, txn) : undefined;
  return { txn, reply };
}

/** Runs the response hooks of `px` (backend part then frontend part). */
export function runResponse(g: Graph, name: string, raw: string, res: string): { txn: HttpTxn; reply?: HttpReply } {
  const px = g.proxy(name);
  const txn = txnFor(g, px, raw, res);
  const hooks = px.ext.httpHooks as HttpHooks | undefined;
  const reply = hooks ? runHooks(hooks.backendResponse, txn) ?? runHooks(hooks.frontendResponse, txn) : undefined;
  return { txn, reply };
}

/** Standard config prologue. */
export const PROLOGUE = `defaults
  mode http
  timeout client 1s
  timeout server 1s
  timeout connect 1s
`;
