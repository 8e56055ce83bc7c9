/**
 * Runtime DNS resolution of servers (HAProxy resolvers.c, behaviour checked against 2.6.12):
 * servers with `resolvers <name>` are grouped per backend and name (all slots of a
 * `server-template` share one group); each group is re-resolved every `hold valid` (at least
 * `timeout resolve`), queries are sent to every nameserver of the section over UDP and the
 * first answer wins; `timeout retry` and `resolve_retries` bound the attempts. A/AAAA answers
 * give each server of the group its own address (kept while still announced, or for
 * `hold obsolete` after it disappeared); SRV answers give each slot a target and a port.
 * Slots without an address are in MAINT (resolution). Also `init-addr` at start-up.
 */

import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import type { Instance } from '../process/instance';
import { registerService } from '../process/instance';
import type { Server } from '../proxy/server';
import { AdminFlag, MAINT_MASK } from '../proxy/server';
import { emitAdminEvent } from '../observe/events';
import { encodeQuery, decodeMessage, RRType, RCode, type DnsMessage, type SrvData } from './dns';
import { resolversSections, newResolvers, parseResolvConfText, type ResolversConfig, type NameserverConfig } from './config';
import { readFileSync } from 'node:fs';
import { serverStateExt, globalStateFile, localStateFile, parseStateFile, type StateLine } from '../process/server-state';

export interface NsCounters {
  sent: number; snd_error: number; valid: number; update: number; cname: number; cname_error: number;
  any_err: number; nx: number; timeout: number; refused: number; other: number; invalid: number;
  too_big: number; truncated: number; outdated: number;
}

const COUNTER_NAMES: (keyof NsCounters)[] = ['sent', 'snd_error', 'valid', 'update', 'cname', 'cname_error', 'any_err', 'nx', 'timeout', 'refused', 'other', 'invalid', 'too_big', 'truncated', 'outdated'];

function newCounters(): NsCounters {
  return { sent: 0, snd_error: 0, valid: 0, update: 0, cname: 0, cname_error: 0, any_err: 0, nx: 0, timeout: 0, refused: 0, other: 0, invalid: 0, too_big: 0, truncated: 0, outdated: 0 };
}

class Nameserver {
  readonly counters = newCounters();
  constructor(readonly cfg: NameserverConfig) {}
}

type ErrStatus = 'nx' | 'timeout' | 'refused' | 'other';
const ERR_CAUSE: Record<ErrStatus, string> = { nx: 'DNS NX status', timeout: 'DNS timeout status', refused: 'DNS refused status', other: 'unspecified DNS error' };

interface Pending { id: number; res: Resolution; type: number; name: string; answered: boolean }

/** Per-server resolution state. */
interface SrvState {
  hasIp: boolean;
  /** SRV: target host name and port given to this slot. */
  target?: string;
  /** Name set with `set server ... fqdn`. */
  fqdn?: string;
  targetSeen?: number;
}

const srvState = new WeakMap<Server, SrvState>();
function stateOf(s: Server): SrvState {
  let st = srvState.get(s);
  if (!st) { st = { hasIp: true }; srvState.set(s, st); }
  return st;
}

/** Whether a server currently has an address (false in MAINT (resolution) with no IP). */
export function serverHasAddress(s: Server): boolean { return stateOf(s).hasIp; }

export class ResolversSection {
  readonly ns: Nameserver[];
  private sock4: dgram.Socket | null = null;
  private sock6: dgram.Socket | null = null;
  readonly pending = new Map<number, Pending>();
  readonly resolutions: Resolution[] = [];
  stopped = false;

  constructor(readonly cfg: ResolversConfig) {
    this.ns = cfg.nameservers.map((n) => new Nameserver(n));
  }

  private socket(v6: boolean): dgram.Socket {
    let s = v6 ? this.sock6 : this.sock4;
    if (!s) {
      s = dgram.createSocket(v6 ? 'udp6' : 'udp4');
      s.on('message', (m, r) => this.onMessage(m, r));
      s.on('error', () => { /* send errors are counted per send */ });
      s.unref();
      if (v6) this.sock6 = s; else this.sock4 = s;
    }
    return s;
  }

  /** Sends a query for `res` to every nameserver; returns the pending entry. */
  send(res: Resolution, name: string, type: number): Pending {
    let id = Math.floor(Math.random() * 65536);
    for (let i = 0; i < 65536 && this.pending.has(id); i++) id = (id + 1) & 0xffff;
    const p: Pending = { id, res, type, name, answered: false };
    this.pending.set(id, p);
    let q: Buffer;
    try {
      q = encodeQuery(id, name, type, this.cfg.acceptedPayloadSize > 512 ? this.cfg.acceptedPayloadSize : undefined);
    } catch {
      return p;
    }
    for (const ns of this.ns) {
      ns.counters.sent++;
      this.socket(net.isIPv6(ns.cfg.host)).send(q, ns.cfg.port, ns.cfg.host, (err) => { if (err) ns.counters.snd_error++; });
    }
    return p;
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const ns = this.ns.find((n) => n.cfg.port === rinfo.port && (n.cfg.host === rinfo.address || n.cfg.host === rinfo.address.replace(/^::ffff:/, '')));
    if (!ns || this.stopped) return;
    const m = decodeMessage(msg);
    if (typeof m === 'string') { ns.counters.invalid++; return; }
    const p = this.pending.get(m.id);
    if (!p || p.answered) { ns.counters.outdated++; return; }
    const q = m.questions[0];
    if (!m.response || !q || q.name.toLowerCase() !== p.name.toLowerCase() || q.type !== p.type) { ns.counters.invalid++; return; }
    p.answered = true;
    this.pending.delete(m.id);
    p.res.onAnswer(p, m, ns);
  }

  start(): void {
    for (const r of this.resolutions) r.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    for (const r of this.resolutions) r.cancel();
    this.sock4?.close();
    this.sock6?.close();
    this.sock4 = this.sock6 = null;
  }
}

/** One name resolved for a group of servers of one backend. */
export class Resolution {
  private timer: NodeJS.Timeout | null = null;
  private current: Pending | null = null;
  private tries = 0;
  private triedOther = false;
  private queryType: number;
  lastValid = 0;
  /** Address -> last time it was announced (ms). */
  private readonly seen = new Map<string, number>();
  /** SRV target key (`host:port`) -> last time announced. */
  private readonly srvSeen = new Map<string, number>();

  /** `resolve-net`: networks whose addresses are preferred. */
  preferNets: net.BlockList | null = null;

  constructor(readonly section: ResolversSection, readonly fqdn: string, readonly servers: Server[], readonly prefer: 'ipv4' | 'ipv6', readonly srv: boolean, readonly allowDup: boolean, readonly ignoreWeight = false) {
    for (const s of servers) groupOf.set(s, this);
    const nets = servers[0]?.cfg.options['resolve-net'];
    if (Array.isArray(nets) && nets.length > 0) {
      const bl = new net.BlockList();
      for (const n of nets) {
        const [addr, len] = n.split('/');
        const fam = net.isIPv6(addr) ? 'ipv6' : net.isIPv4(addr) ? 'ipv4' : undefined;
        if (!fam) continue;
        try { bl.addSubnet(addr, len === undefined ? (fam === 'ipv4' ? 32 : 128) : Number(len), fam); } catch { /* ignored */ }
      }
      this.preferNets = bl;
    }
    this.queryType = srv ? RRType.SRV : prefer === 'ipv6' ? RRType.AAAA : RRType.A;
  }

  schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = null; this.start(); }, ms);
    this.timer.unref();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.current) this.section.pending.delete(this.current.id);
  }

  private start(): void {
    if (this.section.stopped) return;
    this.tries = 0;
    this.triedOther = false;
    this.queryType = this.srv ? RRType.SRV : this.prefer === 'ipv6' ? RRType.AAAA : RRType.A;
    this.query();
  }

  private query(): void {
    this.tries++;
    this.current = this.section.send(this, this.fqdn, this.queryType);
    const cur = this.current;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (cur.answered) return;
      this.section.pending.delete(cur.id);
      if (this.tries < this.section.cfg.resolveRetries) { this.query(); return; }
      // 2.6.12 leaves the nameservers' `timeout` counter at 0 here (observed).
      this.failed('timeout');
    }, this.section.cfg.timeoutRetry);
    this.timer.unref();
  }

  private nextPeriod(): number {
    return Math.max(this.section.cfg.hold.valid, this.section.cfg.timeoutResolve);
  }

  onAnswer(p: Pending, m: DnsMessage, ns: Nameserver): void {
    if (p !== this.current) { ns.counters.outdated++; return; }
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.current = null;
    if (m.truncated) { ns.counters.truncated++; this.failed('other'); return; }
    if (m.rcode === RCode.NXDomain) { ns.counters.nx++; this.fallbackOr('nx'); return; }
    if (m.rcode === RCode.Refused) { ns.counters.refused++; this.failed('refused'); return; }
    if (m.rcode !== RCode.NoError) { ns.counters.other++; this.failed('other'); return; }
    if (m.answers.some((a) => a.type === RRType.CNAME)) ns.counters.cname++;
    const records = m.answers.filter((a) => a.type === p.type);
    if (records.length === 0) { ns.counters.any_err++; this.fallbackOr('nx'); return; }
    ns.counters.valid++;
    this.lastValid = Date.now();
    const via = `${this.section.cfg.name}/${ns.cfg.name}`;
    const changed = this.srv
      ? this.applySrv(records.map((r) => r.data as SrvData), m, via)
      : this.applyAddresses(records.map((r) => r.data as string), via);
    if (changed) ns.counters.update++;
    this.schedule(this.nextPeriod());
  }

  /** An empty or NX answer for the preferred family: try the other one before failing. */
  private fallbackOr(status: ErrStatus): void {
    if (!this.srv && !this.triedOther) {
      this.triedOther = true;
      this.queryType = this.queryType === RRType.AAAA ? RRType.A : RRType.AAAA;
      this.tries = 0;
      this.query();
      return;
    }
    this.failed(status);
  }

  private failed(status: ErrStatus): void {
    const now = Date.now();
    const hold = this.section.cfg.hold[status];
    if (this.lastValid && now - this.lastValid > hold) {
      for (const s of this.servers) setNoAddress(s, ERR_CAUSE[status]);
    }
    this.schedule(this.section.cfg.timeoutResolve);
  }

  /** Spreads `ips` over the group's servers; true when an address changed. */
  private applyAddresses(ips: string[], via: string): boolean {
    const now = Date.now();
    const nets = this.preferNets;
    if (nets) {
      // Addresses in a `resolve-net` network first, answer order kept otherwise.
      const inNet = (ip: string): boolean => nets.check(ip, net.isIPv6(ip) ? 'ipv6' : 'ipv4');
      ips = [...ips.filter(inNet), ...ips.filter((ip) => !inNet(ip))];
    }
    for (const ip of ips) this.seen.set(ip, now);
    const obsolete = this.section.cfg.hold.obsolete;
    for (const [ip, t] of this.seen) if (!ips.includes(ip) && now - t > obsolete) this.seen.delete(ip);
    const avail = [...ips, ...[...this.seen.keys()].filter((ip) => !ips.includes(ip))];
    return assignAddresses(this.servers, avail, this.allowDup, via);
  }

  private applySrv(records: SrvData[], m: DnsMessage, via: string): boolean {
    const now = Date.now();
    const key = (r: SrvData): string => `${r.target.toLowerCase()}:${r.port}`;
    for (const r of records) this.srvSeen.set(key(r), now);
    const obsolete = this.section.cfg.hold.obsolete;
    let changed = false;
    const current = new Set(records.map(key));
    const used = new Set<Server>();
    // Slots keeping their target.
    for (const s of this.servers) {
      const st = stateOf(s);
      if (!st.target) continue;
      const k = `${st.target.toLowerCase()}:${s.port}`;
      const t = this.srvSeen.get(k);
      if (current.has(k) || (t !== undefined && now - t <= obsolete)) { used.add(s); continue; }
      this.srvSeen.delete(k);
      st.target = undefined;
      const sub = subResolutions.get(s);
      if (sub) { sub.cancel(); subResolutions.delete(s); }
      setNoAddress(s, 'entry removed from SRV record');
      changed = true;
    }
    for (const r of records) {
      let s = this.servers.find((x) => used.has(x) && stateOf(x).target?.toLowerCase() === r.target.toLowerCase() && x.port === r.port);
      if (!s) {
        s = this.servers.find((x) => !used.has(x) && !stateOf(x).target);
        if (!s) continue;
        const st = stateOf(s);
        emitAdminEvent('notice', `${s.backend.name}/${s.name} changed its FQDN from (null) to ${r.target} by 'SRV record'`, s.backend.name, false);
        st.target = r.target;
        s.port = r.port;
        changed = true;
      }
      used.add(s);
      // SRV weight -> server weight (weight / 256 + 1), unless `resolve-opts ignore-weight`.
      if (!this.ignoreWeight) {
        const w = Math.floor(r.weight / 256) + 1;
        if (s.uweight !== w) s.setWeight(w);
      }
      const add = m.additionals.find((a) => (a.type === RRType.A || a.type === RRType.AAAA) && a.name.toLowerCase() === r.target.toLowerCase());
      if (add) {
        if (assignAddresses([s], [add.data as string], true, via)) changed = true;
      } else {
        void this.resolveTarget(s, r.target, via);
      }
    }
    return changed;
  }

  /** A SRV target without an additional record: its own A/AAAA resolution, kept while the target stays. */
  private async resolveTarget(s: Server, target: string, via: string): Promise<void> {
    void via;
    const cur = subResolutions.get(s);
    if (cur && cur.fqdn === target) return;
    if (cur) {
      cur.cancel();
      const i = this.section.resolutions.indexOf(cur);
      if (i >= 0) this.section.resolutions.splice(i, 1);
    }
    const sub = new Resolution(this.section, target, [s], this.prefer, false, true);
    groupOf.set(s, this);
    subResolutions.set(s, sub);
    this.section.resolutions.push(sub);
    sub.schedule(0);
  }
}

const subResolutions = new WeakMap<Server, Resolution>();
/** The resolution a server belongs to. */
const groupOf = new WeakMap<Server, Resolution>();

/**
 * `set server <b>/<s> fqdn <name>` (answers as 2.6.12): the server leaves its group and the
 * new name is resolved at once. Undefined when the server
 * uses no resolvers (the caller then gives the "no resolution is configured" answer).
 */
export function setServerFqdn(s: Server, fqdn: string | undefined): string | undefined {
  const g = groupOf.get(s);
  if (!g) return undefined;
  if (g.srv) return 'set server <b>/<s> fqdn failed because SRV resolution is configured.\n';
  if (!fqdn) return 'set server <b>/<s> fqdn requires a FQDN.\n';
  if (!/^[A-Za-z0-9._-]+$/.test(fqdn) || fqdn.length > 255) return `invalid fqdn '${fqdn}' by 'stats socket command'\n`;
  const st = stateOf(s);
  const old = st.fqdn ?? g.fqdn;
  const i = g.servers.indexOf(s);
  if (i >= 0) g.servers.splice(i, 1);
  st.fqdn = fqdn;
  // The server keeps its address until the new name resolves (2.6.12); `show servers state`
  // reads the name from the server's own config record.
  if (s.cfg.address) s.cfg.address.host = fqdn;
  const r = new Resolution(g.section, fqdn, [s], g.prefer, false, g.allowDup, g.ignoreWeight);
  g.section.resolutions.push(r);
  r.schedule(0);
  return `${s.backend.name}/${s.name} changed its FQDN from ${old} to ${fqdn} by 'stats socket command'\n`;
}

function survivors(be: Server['backend']): { active: number; backup: number } {
  let active = 0;
  let backup = 0;
  for (const s of be.servers) {
    if (!s.isUsable) continue;
    if (s.isBackup) backup++; else active++;
  }
  return { active, backup };
}

/** Gives `ip` to `s`, logging HAProxy's line; leaves MAINT (resolution) when it was in it. */
function setAddress(s: Server, ip: string, via: string): boolean {
  const st = stateOf(s);
  const old = st.hasIp ? s.host : '(none)';
  let changed = false;
  if (!st.hasIp || s.host !== ip) {
    s.host = ip;
    st.hasIp = true;
    emitAdminEvent('notice', `${s.backend.name}/${s.name} changed its IP from ${old} to ${ip} by ${via}.`, s.backend.name);
    changed = true;
  }
  if (s.adminState & AdminFlag.RMAINT) {
    s.adminState &= ~AdminFlag.RMAINT;
    s.lastChange = Date.now();
    const fqdn = stateOf(s).target ?? stateOf(s).fqdn ?? s.cfg.address?.host ?? '';
    if (!(s.adminState & MAINT_MASK)) {
      emitAdminEvent('notice', `Server ${s.backend.name}/${s.name} ('${fqdn}') is ${s.isRunning ? 'UP/READY' : 'DOWN'} (resolves again).`, s.backend.name);
      emitAdminEvent('notice', `Server ${s.backend.name}/${s.name} administratively READY thanks to valid DNS answer.`, s.backend.name);
    }
    changed = true;
  }
  if (changed) s.notifyChange();
  return changed;
}

/** Puts `s` in MAINT (resolution) without an address. */
function setNoAddress(s: Server, cause: string): void {
  const st = stateOf(s);
  st.hasIp = false;
  // No address: `show servers state` prints '-', the stats addr column is empty (2.6.12).
  s.host = '';
  if (s.adminState & AdminFlag.RMAINT) return;
  const wasMaint = (s.adminState & MAINT_MASK) !== 0;
  s.adminState |= AdminFlag.RMAINT;
  s.lastChange = Date.now();
  if (!wasMaint && s.isRunning) {
    const { active, backup } = survivors(s.backend);
    emitAdminEvent('notice', `Server ${s.backend.name}/${s.name} is going DOWN for maintenance (${cause}). ${active} active and ${backup} backup servers left.${active === 0 && backup > 0 ? ' Running on backup.' : ''} ${s.curConns} sessions active, 0 requeued, ${s.queueLength} remaining in queue.`, s.backend.name);
    if (active === 0 && backup === 0) s.backend.reportNoServer();
  }
  s.notifyChange();
}

/** Assigns addresses to a group: a server keeps an address still available, others take free ones. */
export function assignAddresses(servers: Server[], avail: string[], allowDup: boolean, via: string): boolean {
  const used = new Set<string>();
  const need: Server[] = [];
  let changed = false;
  for (const s of servers) {
    const st = stateOf(s);
    if (st.hasIp && avail.includes(s.host) && (allowDup || !used.has(s.host))) used.add(s.host);
    else need.push(s);
  }
  let first = true;
  for (const s of need) {
    const ip = avail.find((a) => allowDup || !used.has(a));
    if (ip === undefined) {
      if (stateOf(s).hasIp || !(s.adminState & AdminFlag.RMAINT)) changed = true;
      setNoAddress(s, 'No IP for server ');
      continue;
    }
    used.add(ip);
    if (setAddress(s, ip, first ? via : 'DNS cache')) { changed = true; first = false; }
  }
  return changed;
}

/** Live sections of the running instance (for `show resolvers`). */
export const liveSections: ResolversSection[] = [];

function defaultSection(): ResolversConfig {
  const r = newResolvers('default', '', 0);
  r.implicit = true;
  try { r.nameservers = parseResolvConfText(readFileSync('/etc/resolv.conf', 'latin1')); } catch { /* none */ }
  return r;
}

/** `init-addr last`: the address this server had in the server-state file its backend loads. */
function lastAddress(instance: Instance, s: Server, cache: Map<string, StateLine[] | undefined>): string | undefined {
  const px = s.backend;
  const ext = serverStateExt(px.cfg);
  if (ext.load === 'none') return undefined;
  const path = ext.load === 'global' ? globalStateFile(instance.config) : localStateFile(instance.config, px.cfg);
  if (!path) return undefined;
  if (!cache.has(path)) {
    try { cache.set(path, parseStateFile(readFileSync(path, 'utf8'))); } catch { cache.set(path, undefined); }
  }
  const line = cache.get(path)?.find((l) => l.beName === px.name && l.srvName === s.name);
  return line && line.addr !== '-' && net.isIP(line.addr) !== 0 ? line.addr : undefined;
}

/** `init-addr` methods, in order; false when none succeeded. */
async function initAddress(s: Server, methods: string[], last: () => string | undefined): Promise<boolean> {
  const fqdn = s.cfg.address?.host ?? '';
  const st = stateOf(s);
  let failed = false;
  for (const m of methods) {
    if (m === 'last') {
      const ip = last();
      if (ip !== undefined) { s.host = ip; return true; }
      failed = true;
      continue;
    }
    if (m === 'none') {
      if (failed) {
        emitAdminEvent('warning', `config : [${s.cfg.src.file}:${s.cfg.src.line}] : 'server ${s.backend.name}/${s.name}' : could not resolve address '${fqdn}', disabling server.`, s.backend.name);
      }
      st.hasIp = false;
      s.host = '';
      s.adminState |= AdminFlag.RMAINT;
      s.notifyChange();
      return true;
    }
    if (m === 'libc') {
      if (s.cfg.address?.family !== 'hostname') return true;
      try {
        const prefer = s.cfg.options['resolve-prefer'];
        const r = await lookup(fqdn, prefer === 'ipv4' ? { family: 4 } : prefer === 'ipv6' ? { family: 6 } : {});
        s.host = r.address;
        return true;
      } catch { failed = true; continue; }
    }
    s.host = m;
    return true;
  }
  return false;
}

registerService({
  name: 'resolvers',
  order: 55,
  async start(instance: Instance) {
    const cfgs = [...resolversSections(instance.config)];
    if (!cfgs.some((c) => c.name === 'default')) cfgs.push(defaultSection());
    const sections = new Map<string, ResolversSection>();
    liveSections.length = 0;
    for (const c of cfgs) {
      const sec = new ResolversSection(c);
      sections.set(c.name, sec);
      liveSections.push(sec);
    }
    const jobs: Promise<void>[] = [];
    const stateCache = new Map<string, StateLine[] | undefined>();
    for (const px of instance.proxies) {
      const groups = new Map<string, Server[]>();
      for (const s of px.servers) {
        const init = s.cfg.options['init-addr'];
        if (Array.isArray(init)) {
          jobs.push(initAddress(s, init, () => lastAddress(instance, s, stateCache)).then((ok) => {
            if (!ok) emitAdminEvent('alert', `config : ${px.typeWord} '${px.name}', server '${s.name}': could not resolve address '${s.cfg.address?.host ?? ''}'.`, px.name);
          }));
        }
        const rname = s.cfg.options.resolvers;
        if (typeof rname !== 'string' || s.cfg.address?.family !== 'hostname') continue;
        const key = `${rname}\0${s.cfg.address.host}\0${String(s.cfg.options['resolve-prefer'] ?? 'ipv6')}`;
        const g = groups.get(key);
        if (g) g.push(s); else groups.set(key, [s]);
      }
      for (const [key, servers] of groups) {
        const [rname, fqdn, prefer] = key.split('\0');
        const sec = sections.get(rname);
        if (!sec) continue;
        const opts = servers[0].cfg.options['resolve-opts'];
        const allowDup = Array.isArray(opts) && opts.includes('allow-dup-ip');
        const ignoreWeight = Array.isArray(opts) && opts.includes('ignore-weight');
        sec.resolutions.push(new Resolution(sec, fqdn, servers, prefer === 'ipv4' ? 'ipv4' : 'ipv6', fqdn.startsWith('_'), allowDup, ignoreWeight));
      }
    }
    await Promise.all(jobs);
    for (const sec of sections.values()) sec.start();
  },
  stop() {
    for (const s of liveSections) s.stop();
  },
});

/** `show resolvers [<name>]` text, in HAProxy 2.6's layout. */
export function showResolvers(name?: string): string {
  const list = name === undefined ? liveSections : liveSections.filter((s) => s.cfg.name === name);
  if (name !== undefined && list.length === 0) return `Can't find that resolvers section\n`;
  let out = '';
  for (const sec of list) {
    out += `Resolvers section ${sec.cfg.name}\n`;
    for (const ns of sec.ns) {
      out += ` nameserver ${ns.cfg.name}:\n`;
      for (const k of COUNTER_NAMES) out += `  ${(k + ':').padEnd(13)}${ns.counters[k]}\n`;
    }
  }
  return out;
}
