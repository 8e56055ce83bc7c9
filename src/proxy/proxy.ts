/**
 * Runtime proxy: a frontend, a backend or both (`listen`), built from a ProxyConfig. Holds
 * counters, the servers and their balancer, and the backend queue. Request handling lives in
 * stream.ts / http/txn.ts / backend.ts; this file is state only.
 */

import type { ProxyConfig, ProxyMode } from '../config/model';
import { TrafficCounters } from '../stats/counters';
import { emitAdminEvent } from '../observe/events';
import type { Server } from './server';
import type { Balancer } from '../lb/balancer';

export type ProxyState = 'ready' | 'paused' | 'stopped';

export class Proxy {
  readonly name: string;
  /** Proxy id (`iid` in stats); unique across the process. */
  id: number;
  readonly cfg: ProxyConfig;
  readonly mode: ProxyMode;
  readonly isFrontend: boolean;
  readonly isBackend: boolean;
  /** Frontend-side counters (FRONTEND row) and backend-side counters (BACKEND row). */
  readonly feCounters = new TrafficCounters();
  readonly beCounters = new TrafficCounters();
  /** Frontend maxconn (runtime-changeable); backend fullconn. */
  maxconn: number;
  state: ProxyState = 'ready';
  /** Servers in declaration order. */
  readonly servers: Server[] = [];
  balancer?: Balancer;
  /** Requests waiting for any server of this backend. */
  queueLength = 0;
  queueMax = 0;
  /** Unix ms of the last backend state change (lastchg of the BACKEND row), and downtime. */
  lastChange = Date.now();
  downtimeMs = 0;
  downTransitions = 0;
  /** Denied by frontend rate limit (`set rate-limit sessions`), 0 = none. */
  sessionRateLimit = 0;
  /** Opaque per-subsystem runtime data (compiled rules, capture slots ...). */
  readonly ext: Record<string, unknown> = {};

  constructor(cfg: ProxyConfig, id: number) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.id = id;
    this.mode = cfg.mode;
    this.isFrontend = cfg.cap === 'frontend' || cfg.cap === 'listen';
    this.isBackend = cfg.cap === 'backend' || cfg.cap === 'listen';
    this.maxconn = cfg.maxconn;
  }

  /** HAProxy's word for the proxy type in messages: "backend" or "proxy" (listen). */
  get typeWord(): string { return this.cfg.cap === 'listen' ? 'proxy' : this.cfg.cap; }

  /** Finds a server by name or by `#id`. */
  findServer(name: string): Server | undefined {
    if (name.startsWith('#')) {
      const id = Number(name.slice(1));
      return this.servers.find((s) => s.id === id);
    }
    return this.servers.find((s) => s.name === name);
  }

  /** Usable active and backup server counts (act / bck stats columns). */
  usableCounts(): { active: number; backup: number } {
    let active = 0;
    let backup = 0;
    for (const s of this.servers) {
      if (!s.isRunning || s.inMaint) continue;
      if (s.isBackup) backup++; else active++;
    }
    return { active, backup };
  }

  /** Sum of effective weights of running active (or, if none, backup) servers: BACKEND weight. */
  totalWeight(): { active: number; backup: number } {
    let active = 0;
    let backup = 0;
    for (const s of this.servers) {
      if (!s.isRunning || s.inMaint) continue;
      if (s.isBackup) backup += s.eweight; else active += s.eweight;
    }
    return { active, backup };
  }

  /** True while at least one server can take traffic. */
  get isUp(): boolean {
    const c = this.usableCounts();
    return c.active + c.backup > 0 || this.servers.length === 0 && false;
  }

  /** Logs `backend X has no server available!` (emerg) and updates the backend's down time. */
  reportNoServer(): void {
    this.lastChange = Date.now();
    this.downTransitions++;
    emitAdminEvent('emerg', `${this.typeWord} ${this.name} has no server available!`, this.name, { label: 'alert', message: `${this.typeWord} '${this.name}' has no server available!` });
  }
}
