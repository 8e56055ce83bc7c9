/**
 * The HTTP side of the stats page (HAProxy 2.6: http_ana.c http_stats_check_uri /
 * http_handle_stats, stats.c's HTTP dump and admin POST handling), installed as a frontend
 * (or backend) request hook on every proxy with `stats enable` / `stats uri`:
 *
 * - the URI matches when the path starts with `stats uri` (a prefix, as HAProxy compares);
 *   `;csv`, `;json`, `;up`, `;no-maint`, `;norefresh`, `;st=CODE` and `scope=NAME` anywhere
 *   after the prefix select the output;
 * - `stats http-request allow|deny|auth [realm R] [if|unless cond]` rules, else `stats auth
 *   user:pass`: without valid Basic credentials the proxy's 401 page with
 *   `www-authenticate: Basic realm="<stats realm or 'HAProxy Statistics'>"`; HAProxy 2.6.12
 *   logs these 401/403 refusals with status 400, and so does Fulcrum;
 * - answers are HTTP/1.1 200, `cache-control: no-cache`, the content type, `refresh: N`
 *   (`stats refresh`, unless `;norefresh`), chunked, as 2.6.12 sends them;
 * - POST with `stats admin` allowed: `s=<server>&...&action=<act>&b=<#iid|name>` applies the
 *   action to each server through Server.setAdmin / checks/control.ts (so HAProxy's log
 *   lines are written) and answers `303 See Other` to `<uri>;st=DONE|NONE|PART|ERRP|DENY`;
 * - every answer counts as intercepted and logs `<proxy>/<STATS>` with `LR--`.
 */

import { hostname } from 'node:os';
import type { Instance } from '../process/instance';
import type { Proxy } from '../proxy/proxy';
import { registerHookInstaller, httpHooks, type HttpReply, type HttpTxn } from '../proxy/http/hooks';
import { compileCondition, type CompiledCondition } from '../acl/compile';
import { pageSource } from '../proxy/http/errors-config';
import { AdminFlag, type Server } from '../proxy/server';
import { changeWeight } from '../runtime/weight';
import { setHealth, setAgent, enableHealth, disableHealth, enableAgent, disableAgent } from '../checks/control';
import { proxyStats, type ProxyStatsConfig } from './keywords';
import { renderStatsPage } from './html';
import { renderStatCsv, renderStatJson, csvHeader } from './render';
import { ALL_ROWS, type RowFilter } from './rows';

/** HAProxy's default realm (STATS_DEFAULT_REALM). */
export const DEFAULT_REALM = 'HAProxy Statistics';

/** Admin result codes carried in `;st=` (stats.c stat_status_codes). */
export type AdminStatus = 'DONE' | 'NONE' | 'PART' | 'ERRP' | 'EXCD' | 'DENY' | 'UNKN';

/** What a stats URI asks for (the part after the prefix). */
export interface StatsRequest {
  format: 'html' | 'csv' | 'json';
  up: boolean;
  noMaint: boolean;
  norefresh: boolean;
  st?: string;
  scope?: string;
}

/** Parses the options after the stats URI prefix (`;csv;norefresh`, `?scope=app` ...). */
export function parseStatsOptions(rest: string): StatsRequest {
  const r: StatsRequest = { format: 'html', up: false, noMaint: false, norefresh: false };
  for (const tok of rest.split(/[;?&]/)) {
    if (tok === 'csv') r.format = 'csv';
    else if (tok === 'json') r.format = 'json';
    else if (tok === 'up') r.up = true;
    else if (tok === 'no-maint') r.noMaint = true;
    else if (tok === 'norefresh') r.norefresh = true;
    else if (tok.startsWith('st=')) r.st = tok.slice(3, 7);
    else if (tok.startsWith('scope=')) {
      // `scope=%zz` must not throw (it reached the rules as an exception); haproxy 2.6.12
      // then shows every proxy, as without a scope.
      try { r.scope = decodeURIComponent(tok.slice(6).replace(/\+/g, ' ')).slice(0, 20); } catch { /* no scope */ }
    }
  }
  return r;
}

/** Parses an application/x-www-form-urlencoded body into ordered pairs. */
export function parseForm(body: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const dec = (s: string): string => { try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return s; } };
    out.push(eq < 0 ? [dec(part), ''] : [dec(part.slice(0, eq)), dec(part.slice(eq + 1))]);
  }
  return out;
}

/** The admin actions of the page's form and of scripts posting to it. */
const ACTIONS: Record<string, (s: Server) => boolean> = {
  // Legacy names (HAProxy keeps them for scripts): disable/enable = maint on/off, stop/start = drain on/off.
  disable: (s) => { s.setAdmin(AdminFlag.FMAINT, true); return true; },
  enable: (s) => { s.setAdmin(AdminFlag.FMAINT, false); return true; },
  stop: (s) => { s.setAdmin(AdminFlag.FDRAIN, true); return true; },
  start: (s) => { s.setAdmin(AdminFlag.FDRAIN, false); return true; },
  ready: (s) => { s.setAdmin(AdminFlag.FMAINT, false); s.setAdmin(AdminFlag.FDRAIN, false); return true; },
  drain: (s) => { s.setAdmin(AdminFlag.FDRAIN, true); s.setAdmin(AdminFlag.FMAINT, false); return true; },
  maint: (s) => { s.setAdmin(AdminFlag.FMAINT, true); s.setAdmin(AdminFlag.FDRAIN, false); return true; },
  dhlth: (s) => disableHealth(s) === '',
  ehlth: (s) => enableHealth(s) === '',
  hrunn: (s) => setHealth(s, 'up') === '',
  hnolb: (s) => setHealth(s, 'stopping') === '',
  hdown: (s) => setHealth(s, 'down') === '',
  dagent: (s) => disableAgent(s) === '',
  eagent: (s) => enableAgent(s) === '',
  arunn: (s) => setAgent(s, 'up') === '',
  adown: (s) => setAgent(s, 'down') === '',
  shutdown: (s) => { for (const st of [...s.streams]) st.kill('stats page'); return true; },
};

/** Names of the admin actions, in the page's select order first. */
export const ADMIN_ACTIONS = Object.keys(ACTIONS);

/**
 * Applies an admin form (`s`, `action`, `b`; `weight` for `action=weight`) and returns the
 * result code the redirect carries.
 */
export function applyAdminForm(instance: Instance, pairs: [string, string][]): AdminStatus {
  let backend: Proxy | undefined;
  let action: string | undefined;
  let weight: string | undefined;
  const names: string[] = [];
  for (const [k, v] of pairs) {
    if (k === 'b') {
      backend = v.startsWith('#') ? instance.proxies.find((p) => p.isBackend && p.id === Number(v.slice(1))) : instance.proxies.find((p) => p.isBackend && p.name === v);
      if (!backend) return 'ERRP';
    } else if (k === 'action') action = v;
    else if (k === 's') names.push(v);
    else if (k === 'weight') weight = v;
  }
  if (!backend || !action) return 'ERRP';
  const run = action === 'weight' ? (s: Server): boolean => changeWeight(s, weight) === '' : ACTIONS[action];
  if (!run) return 'ERRP';
  if (names.length === 0) return 'NONE';
  let altered = 0;
  for (const n of names) {
    const s = backend.findServer(n);
    if (s && run(s)) altered++;
  }
  if (altered === 0) return 'ERRP';
  return altered === names.length ? 'DONE' : 'PART';
}

function header(headers: string[], name: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) if (headers[i].toLowerCase() === name) return headers[i + 1];
  return undefined;
}

/** True when the request carries one of the `stats auth` accounts (Basic). */
export function authorized(accounts: string[], authHeader: string | undefined): boolean {
  if (accounts.length === 0) return true;
  if (!authHeader) return false;
  const m = /^\s*basic\s+(\S+)/i.exec(authHeader);
  if (!m) return false;
  const cred = Buffer.from(m[1], 'base64').toString('latin1');
  return accounts.includes(cred);
}

function insertHeader(resp: Buffer, line: string): Buffer {
  const end = resp.indexOf('\r\n\r\n');
  if (end < 0) return resp;
  return Buffer.concat([resp.subarray(0, end + 2), Buffer.from(line, 'latin1'), resp.subarray(end + 2)]);
}

function closes(txn: HttpTxn): boolean {
  const q = txn.req;
  return q.connClose || (q.versionMinor === 0 && !q.connKeepAlive);
}

/** One response in HAProxy's stats framing: headers, then the body as one chunk. */
function chunked(ctype: string, body: string, refreshSec: number | undefined, close: boolean, head: boolean, http10: boolean): Buffer {
  let h = `HTTP/1.1 200 OK\r\ncache-control: no-cache\r\ncontent-type: ${ctype}\r\n`;
  if (refreshSec !== undefined) h += `refresh: ${refreshSec}\r\n`;
  // 2.6.12 puts `connection: close` before transfer-encoding for HTTP/1.0 clients, after it otherwise.
  if (close && http10) h += 'connection: close\r\n';
  h += 'transfer-encoding: chunked\r\n';
  if (close && !http10) h += 'connection: close\r\n';
  h += '\r\n';
  if (head) return Buffer.from(h, 'latin1');
  const b = Buffer.from(body, 'latin1');
  return Buffer.concat([Buffer.from(h, 'latin1'), Buffer.from(b.length > 0 ? `${b.length.toString(16)}\r\n` : '', 'latin1'), b, Buffer.from(b.length > 0 ? '\r\n0\r\n\r\n' : '0\r\n\r\n', 'latin1')]);
}

function scopedCsv(instance: Instance, scope: string[] | undefined, f: RowFilter): string {
  if (!scope) return renderStatCsv(instance, f);
  let out = csvHeader() + '\n';
  for (const name of scope) {
    const lines = renderStatCsv(instance, { ...f, proxyName: name }).split('\n').slice(1);
    out += lines.filter((l) => l !== '').map((l) => l + '\n').join('');
  }
  return out;
}

function scopedJson(instance: Instance, scope: string[] | undefined, f: RowFilter): string {
  if (!scope) return renderStatJson(instance, f);
  const parts = scope.map((name) => renderStatJson(instance, { ...f, proxyName: name }).trim().slice(1, -1)).filter((p) => p !== '');
  return `[${parts.join(',')}]\n`;
}

interface StatsRule { action: 'allow' | 'deny' | 'auth'; realm?: string; cond?: CompiledCondition }

/** `stats http-request { allow | deny | auth [realm R] } [ { if | unless } cond ]`. */
export function compileStatsRules(list: string[][], px: Proxy, report: (m: string) => void): StatsRule[] {
  const out: StatsRule[] = [];
  for (const words of list) {
    const action = words[0];
    if (action !== 'allow' && action !== 'deny' && action !== 'auth') { report(`'stats http-request' only supports 'allow', 'deny' and 'auth' (got '${action}')`); continue; }
    let i = 1;
    let realm: string | undefined;
    if (action === 'auth' && words[i] === 'realm') { realm = words[i + 1]; i += 2; }
    let cond: CompiledCondition | undefined;
    if (words[i] === 'if' || words[i] === 'unless') {
      cond = compileCondition({ polarity: words[i] as 'if' | 'unless', words: words.slice(i + 1), src: { file: '', line: 0 } }, px.cfg, report);
      if (!cond) continue;
    }
    out.push({ action, realm, cond });
  }
  return out;
}

/** Builds the stats hook of one proxy. */
export function statsHook(instance: Instance, px: Proxy, st: ProxyStatsConfig): (txn: HttpTxn) => HttpReply | undefined {
  const uri = st.uri!;
  const report = (m: string): void => { process.stderr.write(`[ALERT]    (${process.pid}) : config : Proxy '${px.name}': ${m}.\n`); };
  let admin: CompiledCondition | undefined;
  if (st.admin) admin = compileCondition(st.admin, px.cfg, report);
  const pages = pageSource(instance.config, px);
  const realm = (st.realm ?? DEFAULT_REALM).replace(/\\(.)/g, '$1');
  const g = instance.config.global as { node?: string; description?: string };
  const node = st.showNode === true ? (g.node ?? hostname()) : st.showNode;
  const desc = st.showDesc === true ? g.description : st.showDesc;
  const refreshSec = st.refreshMs !== undefined ? Math.round(st.refreshMs / 1000) : undefined;
  const rules = compileStatsRules(st.httpRequest, px, report);
  const authReply = (txn: HttpTxn, r: string, close: boolean): HttpReply => {
    txn.rec.tr = -1;
    let b = insertHeader(pages.proxyPage(401, false), `www-authenticate: Basic realm="${r}"\r\n`);
    if (close) b = insertHeader(b, 'connection: close\r\n');
    // 2.6.12 logs these stats-page refusals with status 400 although it sends a 401.
    return { response: b, status: 400, close, termCause: 'L', termPhase: 'R' };
  };

  return (txn) => {
    const req = txn.req;
    if (!req.uri.startsWith(uri)) return undefined;
    const rec = txn.rec;
    rec.backendName = px.name;
    rec.serverName = '<STATS>';
    rec.tw = 0; rec.tc = 0;
    const close = closes(txn);
    // `stats http-request` rules first (the first matching one decides), then `stats auth`.
    let allowed = false;
    for (const rule of rules) {
      if (rule.cond && !rule.cond(txn.sample)) continue;
      if (rule.action === 'allow') { allowed = true; break; }
      if (rule.action === 'deny') {
        rec.tr = -1;
        // Sent as 403, logged as 400 (as 2.6.12 does).
        return { response: pages.proxyPage(403, close), status: 400, close, denied: true, termCause: 'P', termPhase: 'R' };
      }
      return authReply(txn, (rule.realm ?? realm).replace(/\\(.)/g, '$1'), close);
    }
    if (!allowed && !authorized(st.auth, header(req.headers, 'authorization'))) return authReply(txn, realm, close);
    rec.tr = 0;
    const opts = parseStatsOptions(req.uri.slice(uri.length));
    const isAdmin = admin ? admin(txn.sample) : false;
    if (req.method === 'POST') {
      let code: AdminStatus;
      if (!isAdmin) code = 'DENY';
      else {
        const body = txn.body;
        code = body ? applyAdminForm(instance, parseForm(body.toString('latin1'))) : 'EXCD';
      }
      const loc = `${uri};st=${code}${opts.norefresh ? ';norefresh' : ''}`;
      const head = `HTTP/1.1 303 See Other\r\ncache-control: no-cache\r\ncontent-type: text/plain\r\ncontent-length: 0\r\nlocation: ${loc}\r\n${close ? 'connection: close\r\n' : ''}\r\n`;
      return { response: Buffer.from(head, 'latin1'), status: 303, close, termCause: 'L', termPhase: 'R' };
    }
    // `stats scope .` is the proxy serving the page.
    const scope = opts.scope ? [opts.scope] : st.scope.length > 0 ? st.scope.map((n) => (n === '.' ? px.name : n)) : undefined;
    const refresh = opts.norefresh ? undefined : refreshSec;
    const filter: RowFilter = { ...ALL_ROWS, upOnly: opts.up, noMaint: opts.noMaint, legends: st.showLegends };
    const headOnly = req.method === 'HEAD';
    let body: string;
    let ctype: string;
    if (opts.format === 'csv') { ctype = 'text/plain'; body = scopedCsv(instance, scope, filter); }
    else if (opts.format === 'json') { ctype = 'application/json'; body = scopedJson(instance, scope, filter); }
    else {
      ctype = 'text/html';
      body = renderStatsPage(instance, {
        uri, hideVersion: st.hideVersion, showLegends: st.showLegends, node, desc, scope,
        upOnly: opts.up, admin: isAdmin, status: opts.st, norefresh: opts.norefresh, scopeInput: opts.scope,
      });
    }
    return { response: chunked(ctype, body, refresh, close, headOnly, req.versionMinor === 0), status: 200, close, termCause: 'L', termPhase: 'R' };
  };
}

registerHookInstaller((instance, px) => {
  const st = px.cfg.ext.stats as ProxyStatsConfig | undefined;
  if (!st || !st.enabled || !st.uri || px.mode !== 'http') return;
  const hook = statsHook(instance, px, proxyStats(px.cfg));
  const hooks = httpHooks(px);
  (px.isFrontend ? hooks.frontendRequest : hooks.backendRequest).push(hook);
});
