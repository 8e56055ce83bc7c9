/**
 * Cookie persistence (HAProxy http_ana.c client/server side cookie management, checked
 * against HAProxy 2.6.12 on loopback):
 * - request: the first `NAME=` cookie naming a server (`server ... cookie VALUE`) selects it
 *   when it accepts persistent traffic (UP or DRAIN; DOWN only with `option persist`); the
 *   3rd %tsc character tells what happened (N none, I invalid, D down, V valid, E expired by
 *   maxidle, O too old by maxlife). `insert indirect` removes the cookie from what the
 *   server sees; `prefix` removes the `VALUE~` prefix.
 * - response: the server's own `NAME` Set-Cookie is deleted (insert, or indirect on a direct
 *   hit), rewritten (rewrite) or prefixed (prefix); `insert` adds
 *   `NAME=VALUE[|last|first]; path=/[; domain=D]*[; HttpOnly][; Secure][; attr]*` when the
 *   client did not come with a valid cookie for this server (or its dates need refreshing),
 *   plus `Cache-control: private` for a cacheable response with `nocache`; 4th %tsc char:
 *   N, I, U (date refreshed), P (server cookie kept), R (rewritten/prefixed), D (deleted).
 * Everything per backend is compiled once at install time; the per-request state lives in
 * one object per stream (keyed by its SampleContext) reused across its requests.
 */

import type { Proxy } from '../proxy/proxy';
import type { Server } from '../proxy/server';
import type { SampleContext } from '../sample/context';
import { httpHooks, registerHookInstaller, type HttpTxn, type HttpReply } from '../proxy/http/hooks';
import { registerPersistence } from '../proxy/backend';
import net from 'node:net';
import { cookieConfig, persistRules, type CookieConfig } from './config';
import { xxh64 } from './xxh64';
import { ipv6Bytes } from '../resolvers/dns';
import { compileCondition, type CompiledCondition } from '../acl/compile';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64REV = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64REV[B64.charCodeAt(i)] = i;

/** The low 30 bits of `v` as 5 base64 characters, most significant first (s30tob64). */
export function s30tob64(v: number): string {
  let out = '';
  for (let i = 4; i >= 0; i--) out += B64[(v >>> (6 * i)) & 63];
  return out;
}

/** Decodes 5 characters written by {@link s30tob64}; -1 when malformed (b64tos30). */
export function b64tos30(s: string, at = 0): number {
  if (s.length < at + 5) return -1;
  let v = 0;
  for (let i = 0; i < 5; i++) {
    const c = s.charCodeAt(at + i);
    const d = c < 128 ? B64REV[c] : -1;
    if (d < 0) return -1;
    v = v * 64 + d;
  }
  return v;
}

/** A date as the cookie carries it: ((now + 3) >> 2), base64. */
export function cookieDate(nowSec: number): string {
  return s30tob64(Math.floor((nowSec + 3) / 4));
}

/** Per-backend compiled data. */
interface Compiled {
  cfg: CookieConfig;
  be: Proxy;
  persist: boolean;
  /** Cookie value -> servers (several servers may share one value). */
  byCookie: Map<string, Server[]>;
  /** Effective cookie value of each server. */
  cookies: Map<Server, string>;
  /** Dynamic cookies: enabled (`cookie ... dynamic` / CLI) and `dynamic-cookie-key`. */
  dyn: { enabled: boolean; key: string | undefined };
  /** Server count at the last rebuild (servers added at run time trigger one). */
  nServers: number;
  /** `; domain=..; HttpOnly; Secure; attrs` suffix of an inserted cookie. */
  suffix: string;
  lname: string;
  /** force-persist (true) / ignore-persist (false) rules. */
  rules: { force: boolean; test: CompiledCondition }[];
}

/** Per-stream persistence state, reset for each request. */
interface ReqState {
  c: Compiled | null;
  /** 0 none, 1 force-persist, 2 ignore-persist matched. */
  prst: 0 | 1 | 2;
  server: Server | undefined;
  direct: boolean;
  flag: string;
  lastDate: number;
  firstDate: number;
}

const states = new WeakMap<SampleContext, ReqState>();

/** Result of analysing one request's cookies (exported for unit tests). */
export interface RequestCookieResult {
  server: Server | undefined;
  flag: string;
  lastDate: number;
  firstDate: number;
  /** New Cookie header values (null = remove the header), by header index; null when none. */
  edits: Map<number, string | null> | null;
}

/** Dynamic cookie value of a server (HAProxy srv_set_dyncookie): XXH64(key + address + port). */
export function dynamicCookie(key: string, host: string, port: number): string | undefined {
  let addr: Buffer | undefined;
  if (net.isIPv4(host)) addr = Buffer.from(host.split('.').map(Number));
  else if (net.isIPv6(host)) addr = ipv6Bytes(host);
  if (!addr) return undefined;
  const p = Buffer.alloc(4);
  p.writeUInt32BE(port >>> 0);
  return xxh64(Buffer.concat([Buffer.from(key, 'latin1'), addr, p])).toString(16).padStart(16, '0');
}

/** Recomputes each server's effective cookie (configured, or dynamic) and the lookup map. */
function rebuild(c: Compiled): void {
  c.nServers = c.be.servers.length;
  c.cookies.clear();
  c.byCookie.clear();
  for (const s of c.be.servers) {
    let v = s.cfg.cookie;
    if (v === undefined && c.dyn.enabled && c.dyn.key !== undefined) v = dynamicCookie(c.dyn.key, s.host, s.port);
    if (!v) continue;
    c.cookies.set(s, v);
    const l = c.byCookie.get(v);
    if (l) l.push(s); else c.byCookie.set(v, [s]);
  }
}

function compile(be: Proxy, cfg: CookieConfig): Compiled {
  const byCookie = new Map<string, Server[]>();
  let suffix = '';
  for (const d of cfg.domains) suffix += `; domain=${d}`;
  if (cfg.httponly) suffix += '; HttpOnly';
  if (cfg.secure) suffix += '; Secure';
  for (const a of cfg.attrs) suffix += `; ${a}`;
  const rules: Compiled['rules'] = [];
  for (const r of persistRules(be.cfg)) {
    const test = compileCondition(r.cond, be.cfg, () => undefined);
    if (test) rules.push({ force: r.force, test });
  }
  const key = be.cfg.ext.dynCookieKey;
  const c: Compiled = {
    cfg, be, persist: be.cfg.options.persist === true, byCookie, cookies: new Map(), suffix, lname: cfg.name, rules,
    dyn: { enabled: cfg.dynamic, key: typeof key === 'string' ? key : undefined }, nServers: 0,
  };
  rebuild(c);
  return c;
}

/**
 * Analyses the Cookie headers of a request (flat header list) for backend `c`, at `nowSec`.
 * Pure apart from reading server states.
 */
function analyseRequest(c: Compiled, headers: string[], nowSec: number, prst: 0 | 1 | 2 = 0): RequestCookieResult {
  const cfg = c.cfg;
  const res: RequestCookieResult = { server: undefined, flag: 'N', lastDate: 0, firstDate: 0, edits: null };
  let done = false;
  const strip = cfg.mode === 'insert' && cfg.indirect;
  for (let h = 0; h < headers.length; h += 2) {
    const hn = headers[h];
    if (hn.length !== 6 || hn.toLowerCase() !== 'cookie') continue;
    const value = headers[h + 1];
    if (value.indexOf(c.lname) < 0) continue;
    const parts = value.split(';');
    let changed = false;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      if (part.slice(0, eq).trim() !== c.lname) continue;
      let val = part.slice(eq + 1).trim();
      const delimChar = cfg.mode === 'prefix' ? '~' : '|';
      const d = val.indexOf(delimChar);
      if (!done) {
        const id = d < 0 ? val : val.slice(0, d);
        let lastDate = 0;
        let firstDate = 0;
        if (d >= 0 && cfg.mode !== 'prefix') {
          const l = b64tos30(val, d + 1);
          lastDate = l > 0 ? l * 4 : 0;
          if (val.charCodeAt(d + 6) === 0x7c) {
            const f = b64tos30(val, d + 7);
            firstDate = f > 0 ? f * 4 : 0;
          }
        }
        res.lastDate = lastDate;
        res.firstDate = firstDate;
        let flag = '';
        if (cfg.maxidle && lastDate && (lastDate > nowSec + 86400 || lastDate + cfg.maxidle <= nowSec)) flag = 'E';
        if (cfg.maxlife && firstDate && (firstDate > nowSec + 86400 || firstDate + cfg.maxlife <= nowSec)) flag = 'O';
        if (!flag && prst === 2) flag = 'U';
        if (!flag) {
          const list = c.byCookie.get(id);
          if (list) {
            for (const s of list) {
              if (s.acceptsPersistent || (((c.persist && !s.inMaint) || prst === 1) && s.host !== '')) {
                res.server = s;
                flag = s.isRunning ? 'V' : 'D';
                done = true;
                break;
              }
              flag = 'D';
            }
          }
          if (!flag) flag = 'I';
        }
        res.flag = flag;
      }
      if (strip) {
        parts.splice(i, 1);
        i--;
        changed = true;
      } else if (cfg.mode === 'prefix' && d >= 0) {
        val = val.slice(d + 1);
        parts[i] = part.slice(0, eq + 1) + val;
        changed = true;
      }
    }
    if (changed) {
      res.edits ??= new Map();
      if (parts.length === 0) res.edits.set(h, null);
      else {
        parts[0] = parts[0].replace(/^\s+/, '');
        res.edits.set(h, parts.join(';'));
      }
    }
  }
  return res;
}

function applyEdits(headers: string[], edits: Map<number, string | null>): void {
  const idx = [...edits.keys()].sort((a, b) => b - a);
  for (const h of idx) {
    const v = edits.get(h);
    if (v === null || v === undefined) headers.splice(h, 2);
    else headers[h + 1] = v;
  }
}

const CACHEABLE_STATUS = new Set([200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501]);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Whether a response may be stored by a shared cache (HAProxy's TX_CACHEABLE). */
export function isCacheable(method: string, reqHeaders: string[], status: number, resHeaders: string[]): boolean {
  if (!SAFE_METHODS.has(method) || !CACHEABLE_STATUS.has(status)) return false;
  for (let i = 0; i < reqHeaders.length; i += 2) {
    const n = reqHeaders[i].toLowerCase();
    if (n === 'pragma' && /(^|,)\s*no-cache\s*(,|$)/i.test(reqHeaders[i + 1])) return false;
  }
  let fresh = false;
  for (let i = 0; i < resHeaders.length; i += 2) {
    const n = resHeaders[i].toLowerCase();
    const v = resHeaders[i + 1];
    if (n === 'cache-control') {
      for (const raw of v.split(',')) {
        const t = raw.trim().toLowerCase();
        if (t === 'private' || t === 'no-cache' || t === 'no-store' || t === 'max-age=0' || t === 's-maxage=0') return false;
        if (t.startsWith('max-age=') || t.startsWith('s-maxage=')) fresh = true;
      }
    } else if (n === 'pragma') {
      if (/(^|,)\s*no-cache\s*(,|$)/i.test(v)) return false;
    } else if (n === 'expires' || n === 'last-modified' || n === 'etag') {
      fresh = true;
    }
  }
  return fresh;
}

function stateOf(sample: SampleContext): ReqState {
  let st = states.get(sample);
  if (!st) {
    st = { c: null, prst: 0, server: undefined, direct: false, flag: 'N', lastDate: 0, firstDate: 0 };
    states.set(sample, st);
  }
  return st;
}

function requestHook(c: Compiled, txn: HttpTxn): void {
  const st = stateOf(txn.sample);
  if (c.nServers !== c.be.servers.length) rebuild(c);
  let prst: 0 | 1 | 2 = 0;
  for (let i = 0; i < c.rules.length; i++) {
    if (c.rules[i].test(txn.sample)) { prst = c.rules[i].force ? 1 : 2; break; }
  }
  st.prst = prst;
  const r = analyseRequest(c, txn.req.headers, Math.floor(Date.now() / 1000), prst);
  st.c = c;
  st.server = r.server;
  st.direct = r.server !== undefined;
  st.flag = r.flag;
  st.lastDate = r.lastDate;
  st.firstDate = r.firstDate;
  if (r.edits) applyEdits(txn.req.headers, r.edits);
  txn.rec.cookieReq = r.flag;
  txn.rec.cookieRes = 'N';
}

function currentServer(be: Proxy, name: string | undefined): Server | undefined {
  if (name === undefined) return undefined;
  const s = be.servers;
  for (let i = 0; i < s.length; i++) if (s[i].name === name) return s[i];
  return undefined;
}

function responseHook(c: Compiled, txn: HttpTxn): void {
  const st = states.get(txn.sample);
  const res = txn.res;
  if (!st || st.c !== c || !res) return;
  const cfg = c.cfg;
  const srv = currentServer(c.be, txn.sample.server);
  const srvCookie = srv ? c.cookies.get(srv) : undefined;
  const direct = st.direct && srv === st.server;
  // A persistent request redispatched elsewhere reports its cookie as pointing to a DOWN server.
  if (st.direct && !direct && st.flag === 'V') st.flag = 'D';
  txn.rec.cookieReq = st.flag;
  if (res.status < 200 && res.status !== 101) return;
  let flag = 'N';
  const h = res.headers;
  for (let i = 0; i < h.length; i += 2) {
    if (h[i].length !== 10 || h[i].toLowerCase() !== 'set-cookie') continue;
    const v = h[i + 1];
    const eq = v.indexOf('=');
    if (eq < 0 || v.slice(0, eq).trim() !== c.lname) continue;
    flag = 'P';
    if (cfg.preserve) continue;
    if ((srv && cfg.mode === 'insert') || (direct && cfg.indirect)) {
      h.splice(i, 2);
      i -= 2;
      flag = 'D';
    } else if (srvCookie && cfg.mode === 'rewrite') {
      let start = eq + 1;
      while (v.charCodeAt(start) === 0x20) start++;
      let end = v.indexOf(';', start);
      if (end < 0) end = v.length;
      while (end > start && v.charCodeAt(end - 1) === 0x20) end--;
      h[i + 1] = v.slice(0, start) + srvCookie + v.slice(end);
      flag = 'R';
    } else if (srvCookie && cfg.mode === 'prefix') {
      let start = eq + 1;
      while (v.charCodeAt(start) === 0x20) start++;
      h[i + 1] = v.slice(0, start) + srvCookie + '~' + v.slice(start);
      flag = 'R';
    }
  }
  if (srv && cfg.mode === 'insert' && !(flag === 'P' && cfg.preserve) && st.prst !== 2) {
    const now = Math.floor(Date.now() / 1000);
    const needDates = (cfg.maxidle || st.lastDate) && (!st.lastDate || st.lastDate - now < 0);
    const refresh = !direct || needDates || (cfg.maxlife && !st.firstDate) || (!cfg.maxlife && st.firstDate);
    if (refresh && (!cfg.postonly || txn.req.method === 'POST')) {
      let val: string;
      if (!srvCookie) {
        val = `${cfg.name}=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/`;
      } else {
        val = `${cfg.name}=${srvCookie}`;
        if (cfg.maxidle || cfg.maxlife) {
          val += '|' + cookieDate(now);
          if (cfg.maxlife) val += '|' + (st.firstDate ? s30tob64(Math.floor(st.firstDate / 4)) : cookieDate(now));
        }
        val += '; path=/';
      }
      h.push('Set-Cookie', val + c.suffix);
      flag = srvCookie && direct ? 'U' : 'I';
      if (cfg.nocache && isCacheable(txn.req.method, txn.req.headers, res.status, h)) h.push('Cache-control', 'private');
    }
  }
  txn.rec.cookieRes = flag;
}

registerHookInstaller((_instance, px) => {
  if (!px.isBackend) return;
  const cfg = cookieConfig(px.cfg);
  if (!cfg || px.cfg.mode !== 'http') return;
  const c = compile(px, cfg);
  compiledByProxy.set(px, c);
  // Dynamic cookies follow address changes (set server addr, DNS).
  if (c.dyn.enabled || c.dyn.key !== undefined) for (const s of px.servers) s.onChange(() => rebuild(c));
  const req = (txn: HttpTxn): HttpReply | undefined => {
    // A listen section's own hooks run as frontend hooks: only when it is its own backend.
    if (txn.backend !== undefined && txn.backend !== px) return undefined;
    requestHook(c, txn);
    return undefined;
  };
  const hooks = httpHooks(px);
  hooks.backendRequest.push(req);
  if (px.isFrontend) hooks.frontendRequest.push(req);
  hooks.backendResponse.push((txn) => { responseHook(c, txn); return undefined; });
});

const compiledByProxy = new WeakMap<Proxy, Compiled>();

/**
 * Runtime API changes: `enable|disable dynamic-cookie backend <b>`, `set dynamic-cookie-key
 * backend <b> <key>`. Returns false when the backend has no cookie persistence.
 */
export function setDynamicCookie(be: Proxy, change: { enabled?: boolean; key?: string }): boolean {
  const c = compiledByProxy.get(be);
  if (!c) return false;
  if (change.enabled !== undefined) c.dyn.enabled = change.enabled;
  if (change.key !== undefined) c.dyn.key = change.key;
  rebuild(c);
  return true;
}

registerPersistence('cookie', (be, sample) => {
  const st = states.get(sample);
  if (!st || !st.c || st.c.be !== be) return undefined;
  return st.server;
});

/** For unit tests: the request analysis on a backend-like object. */
export function testAnalyseRequest(be: Proxy, cfg: CookieConfig, headers: string[], nowSec: number): RequestCookieResult {
  const r = analyseRequest(compile(be, cfg), headers, nowSec);
  if (r.edits) applyEdits(headers, r.edits);
  return r;
}
