/**
 * Runtime state of one server: operational state (driven by checks), administrative state
 * (driven by the runtime API and config), weights and connection counts. State changes go
 * through {@link Server.setRunning} / {@link Server.setStopped} / {@link Server.setAdmin} so
 * that the balancer is told, messages are logged in HAProxy's exact words, and `lastchg`
 * and `downtime` stay right.
 */

import type { ServerConfig } from '../config/model';
import { formatHostPort } from '../config/address';
import { TrafficCounters } from '../stats/counters';
import { emitAdminEvent } from '../observe/events';
import type { Proxy } from './proxy';

/** srv_op_state values of `show servers state`. */
export const enum OpState { Stopped = 0, Starting = 1, Running = 2, Stopping = 3 }

/** srv_admin_state bits (management.txt "show servers state"). */
export const AdminFlag = {
  FMAINT: 0x01, IMAINT: 0x02, CMAINT: 0x04, FDRAIN: 0x08, IDRAIN: 0x10, RMAINT: 0x20, HMAINT: 0x40,
} as const;
// CMAINT only records that `disabled` came from the config (HAProxy's SRV_ADMF_MAINT is
// FMAINT|IMAINT|RMAINT): `disabled` sets CMAINT|FMAINT and `enable server` clears FMAINT.
export const MAINT_MASK = AdminFlag.FMAINT | AdminFlag.IMAINT | AdminFlag.RMAINT | AdminFlag.HMAINT;
export const DRAIN_MASK = AdminFlag.FDRAIN | AdminFlag.IDRAIN;

/** What a check reports with a state change, for the log line (`reason: ...`). */
export interface CheckReport {
  /** Long description, e.g. "Layer4 connection problem". */
  desc: string;
  /** Status code for L5-7 results (printed as `code: N`), else undefined. */
  code?: number;
  /** Extra info, e.g. "Connection refused". */
  info?: string;
  /** Check duration in ms, or undefined when not applicable. */
  durationMs?: number;
  /**
   * Free-form cause printed instead of the `reason: ...` clause, e.g. `changed from CLI`
   * (HAProxy: op_st_chg.reason for CLI and agent-forced changes).
   */
  text?: string;
}

/** Health-check state visible to stats (owned and updated by checks/). */
export interface CheckView {
  /** Short status: L4OK, L4CON, L7STS, ... ("INI" before the first result). */
  status: string;
  /** Long description matching status (check_desc column). */
  desc: string;
  code?: number;
  info: string;
  durationMs: number;
  /** 0 .. rise+fall-1 ; server is UP when health >= rise. */
  health: number;
  rise: number;
  fall: number;
  /** Checks enabled (`disable health` clears it). */
  enabled: boolean;
  /** A check is in progress (shown with a `* ` prefix). */
  running: boolean;
  /** Unix time (s) of the last check. */
  lastCheck: number;
}

export type ServerListener = (srv: Server) => void;

export class Server {
  readonly backend: Proxy;
  readonly name: string;
  /** Numeric id (puid), unique in the backend: `sid` in stats. */
  id: number;
  readonly cfg: ServerConfig;
  /** Current address (changeable with `set server addr`). */
  host: string;
  /** 0 when the server has no port (use the client's destination port). */
  port: number;
  /** Initial (config) weight and current user weight. */
  readonly iweight: number;
  uweight: number;
  /** Effective weight considering slowstart; what the balancer uses. */
  eweight: number;
  opState: OpState;
  adminState = 0;
  /** Currently served requests/connections; max seen; queue. */
  curConns = 0;
  readonly counters = new TrafficCounters();
  /** Limits (0 = unlimited), changeable at runtime. */
  maxconn: number;
  maxqueue: number;
  /** Requests waiting for this server (pending queue length). */
  queueLength = 0;
  queueMax = 0;
  /** Unix ms of the last state change, and accumulated down time in ms. */
  lastChange: number;
  downtimeMs = 0;
  /** Number of UP->DOWN transitions (chkdown), failed checks (chkfail). */
  downTransitions = 0;
  failedChecks = 0;
  /** Check state, set by checks/ when the server has `check`. */
  check?: CheckView;
  agent?: CheckView;
  /** Servers that `track` this one. */
  readonly trackers: Server[] = [];
  tracked?: Server;
  private readonly listeners: ServerListener[] = [];
  /** Stopped only because `disabled` was in the config (never checked since). */
  private stoppedByConfig = false;
  /** Opaque per-algorithm data (lb/ implementations keep their node here). */
  lbData: unknown;
  /**
   * Streams currently attached to this server. `kill()` aborts one (used by
   * `on-marked-down shutdown-sessions` and `shutdown sessions server`).
   */
  readonly streams = new Set<{ kill(reason: string): void }>();

  constructor(backend: Proxy, cfg: ServerConfig, id: number) {
    this.backend = backend;
    this.cfg = cfg;
    this.name = cfg.name;
    this.id = id;
    this.host = cfg.address?.host ?? '';
    this.port = cfg.address?.port ?? 0;
    this.iweight = cfg.weight;
    this.uweight = cfg.weight;
    this.eweight = cfg.weight;
    this.maxconn = cfg.maxconn;
    this.maxqueue = cfg.maxqueue;
    this.opState = OpState.Running;
    if (cfg.disabled) {
      this.adminState |= AdminFlag.CMAINT | AdminFlag.FMAINT;
      // HAProxy reports a server disabled in the config as stopped (srv_op_state 0) until it
      // is enabled, then UP/READY (with or without checks; checks then decide).
      this.opState = OpState.Stopped;
      this.stoppedByConfig = true;
    }
    this.lastChange = Date.now();
  }

  get isBackup(): boolean { return this.cfg.backup; }
  get inMaint(): boolean { return (this.adminState & MAINT_MASK) !== 0; }
  get inDrain(): boolean { return (this.adminState & DRAIN_MASK) !== 0; }
  /** Operationally UP (running or stopping), whatever the admin state. */
  get isRunning(): boolean { return this.opState === OpState.Running || this.opState === OpState.Starting; }
  /** May receive new load-balanced traffic. */
  get isUsable(): boolean { return this.isRunning && !this.inMaint && !this.inDrain && this.eweight > 0; }
  /** May still receive persistent traffic (cookie/stick) although draining. */
  get acceptsPersistent(): boolean { return this.isRunning && !this.inMaint; }
  /** A free connection slot exists (maxconn not reached). */
  get hasFreeSlot(): boolean { return this.maxconn === 0 || this.curConns < this.maxconn; }
  /** `addr` column: `ip:port`. */
  get addressText(): string { return this.host === '' ? '' : formatHostPort(this.host, this.port); }

  /** Called on every state, weight or admin change (balancers and trackers subscribe). */
  onChange(l: ServerListener): void { this.listeners.push(l); }
  private changed(): void { for (const l of this.listeners) l(this); }

  /**
   * Stats `status` column: UP, DOWN, NOLB, MAINT, MAINT(via), DRAIN, `no check`, and a
   * transition in progress as `UP 1/3` / `DOWN 1/2`.
   */
  statusText(): string {
    if (this.adminState & (AdminFlag.IMAINT)) return 'MAINT(via)';
    if (this.adminState & AdminFlag.RMAINT) return 'MAINT (resolution)'; // as 2.6.12 prints it
    if (this.inMaint) return 'MAINT';
    const chk = this.check;
    if (this.opState === OpState.Stopping) return 'NOLB';
    if (this.inDrain && this.isRunning) return 'DRAIN';
    if (!chk || !chk.enabled) return this.isRunning ? (this.check ? 'UP' : 'no check') : 'DOWN';
    if (this.isRunning) {
      if (chk.health < chk.rise + chk.fall - 1) return `UP ${chk.health - chk.rise + 1}/${chk.fall}`;
      return 'UP';
    }
    if (chk.health > 0) return `DOWN ${chk.health}/${chk.rise}`;
    return 'DOWN';
  }

  /** Counts of usable active and backup servers of the backend, for messages. */
  private survivors(): { active: number; backup: number } {
    let active = 0;
    let backup = 0;
    for (const s of this.backend.servers) {
      // HAProxy counts "currently usable" servers: a draining one has no weight left.
      if (!s.isRunning || s.inMaint || s.inDrain) continue;
      if (s.isBackup) backup++; else active++;
    }
    return { active, backup };
  }

  private describe(report: CheckReport | undefined): string {
    if (!report) return '';
    if (report.text !== undefined) return `, ${report.text}`;
    let out = `, reason: ${report.desc}`;
    if (report.code !== undefined) out += `, code: ${report.code}`;
    if (report.info) out += `, info: "${report.info}"`;
    if (report.durationMs !== undefined) out += `, check duration: ${report.durationMs}ms`;
    return out;
  }

  private logPrefix(): string {
    return `${this.isBackup ? 'Backup Server' : 'Server'} ${this.backend.name}/${this.name}`;
  }

  /**
   * Marks the server operationally UP (checks passed, or `set server health up`), logs
   * HAProxy's `Server be/srv is UP, reason: ...` line at notice and notifies listeners.
   * No-op if already running.
   */
  setRunning(report?: CheckReport, via?: Server): void {
    this.stoppedByConfig = false;
    if (this.isRunning) return;
    const now = Date.now();
    this.downtimeMs += now - this.lastChange;
    this.lastChange = now;
    this.opState = OpState.Running;
    if (!this.inMaint) {
      const { active, backup } = this.survivors();
      const viaText = !report && via ? ` via ${via.backend.name}/${via.name}` : '';
      const msg = `${this.logPrefix()} is UP${this.describe(report)}${viaText}. ${active} active and ${backup} backup servers online.${active === 0 && backup > 0 ? ' Running on backup.' : ''} 0 sessions requeued, ${this.backend.queueLength} total in queue.`;
      emitAdminEvent('notice', msg, this.backend.name);
    }
    this.changed();
    for (const t of this.trackers) t.setRunning(undefined, this);
  }

  /**
   * Marks the server operationally DOWN, logs HAProxy's `is DOWN` line at alert, and the
   * `has no server available!` emergency when it was the last usable server.
   */
  setStopped(report?: CheckReport, via?: Server): void {
    if (this.opState === OpState.Stopped) return;
    const now = Date.now();
    this.lastChange = now;
    const wasUsable = !this.inMaint;
    this.opState = OpState.Stopped;
    this.downTransitions++;
    if (wasUsable) {
      const { active, backup } = this.survivors();
      const viaText = !report && via ? ` via ${via.backend.name}/${via.name}` : '';
      const msg = `${this.logPrefix()} is DOWN${this.describe(report)}${viaText}. ${active} active and ${backup} backup servers left.${active === 0 && backup > 0 ? ' Running on backup.' : ''} ${this.curConns} sessions active, 0 requeued, ${this.queueLength} remaining in queue.`;
      emitAdminEvent('alert', msg, this.backend.name);
      if (active === 0 && backup === 0) this.backend.reportNoServer();
    }
    this.changed();
    for (const t of this.trackers) t.setStopped(undefined, this);
  }

  /**
   * Sets or clears administrative flags (MAINT/DRAIN) and logs HAProxy's messages, e.g.
   * `Server app/app1 is going DOWN for maintenance. ...` or `... is UP/READY (leaving forced maintenance).`
   * `cause` is appended in parentheses where HAProxy does (e.g. "stats socket command").
   */
  setAdmin(flag: number, on: boolean): void {
    const before = this.adminState;
    const after = on ? before | flag : before & ~flag;
    if (after === before) return;
    const wasMaint = (before & MAINT_MASK) !== 0;
    const wasDrain = (before & DRAIN_MASK) !== 0;
    this.adminState = after;
    const nowMaint = (after & MAINT_MASK) !== 0;
    const nowDrain = (after & DRAIN_MASK) !== 0;
    const now = Date.now();
    const p = this.logPrefix();
    if (!wasMaint && nowMaint) {
      this.lastChange = now;
      if (this.isRunning) {
        // 2.6.12 counts it as a DOWN transition (chkdown 1 after disable/enable server).
        this.downTransitions++;
        const { active, backup } = this.survivors();
        emitAdminEvent('notice', `${p} is going DOWN for maintenance. ${active} active and ${backup} backup servers left.${active === 0 && backup > 0 ? ' Running on backup.' : ''} ${this.curConns} sessions active, 0 requeued, ${this.queueLength} remaining in queue.`, this.backend.name);
        if (active === 0 && backup === 0) this.backend.reportNoServer();
      } else {
        emitAdminEvent('notice', `${p} was DOWN and now enters maintenance.`, this.backend.name);
      }
    } else if (wasMaint && !nowMaint) {
      this.lastChange = now;
      const forced = (before & AdminFlag.FMAINT) !== 0 ? 'forced' : 'config';
      // A server that was only stopped because the config disabled it runs when it leaves
      // maintenance (observed on 2.6.12: "is UP/READY (leaving forced maintenance).").
      if (this.stoppedByConfig) this.opState = OpState.Running;
      this.stoppedByConfig = false;
      if (this.isRunning) {
        // Observed on 2.6.12: "is UP/DRAIN (leaving forced maintenance)." then "remains in forced drain mode."
        emitAdminEvent('notice', `${p} is ${nowDrain ? 'UP/DRAIN' : 'UP/READY'} (leaving ${forced} maintenance).`, this.backend.name);
        if (after & AdminFlag.FDRAIN) emitAdminEvent('notice', `${p} remains in forced drain mode.`, this.backend.name);
      } else {
        emitAdminEvent('notice', `${p} is DOWN (leaving ${forced} maintenance).`, this.backend.name);
      }
    } else if (!nowMaint && !wasDrain && nowDrain) {
      this.lastChange = now;
      const { active, backup } = this.survivors();
      // 2.6.12 uses the "online" form while the server is up, the "left" form when it is down.
      if (this.isRunning) emitAdminEvent('notice', `${p} enters drain state. ${active} active and ${backup} backup servers online.${active === 0 && backup > 0 ? ' Running on backup.' : ''} 0 sessions requeued, ${this.queueLength} total in queue.`, this.backend.name);
      else emitAdminEvent('notice', `${p} enters drain state. ${active} active and ${backup} backup servers left.${active === 0 && backup > 0 ? ' Running on backup.' : ''} ${this.curConns} sessions active, 0 requeued, ${this.queueLength} remaining in queue.`, this.backend.name);
      if (this.isRunning && active === 0 && backup === 0) this.backend.reportNoServer();
    } else if (!nowMaint && wasDrain && !nowDrain) {
      this.lastChange = now;
      emitAdminEvent('notice', `${p} is ${this.isRunning ? 'UP' : 'DOWN'} (leaving forced drain).`, this.backend.name);
    }
    this.changed();
    for (const t of this.trackers) {
      if (nowMaint) t.setAdmin(AdminFlag.IMAINT, true);
      else {
        t.setAdmin(AdminFlag.IMAINT, false);
        if (wasMaint && (t.adminState & AdminFlag.FMAINT)) emitAdminEvent('notice', `${t.logPrefix()} remains in forced maintenance.`, t.backend.name);
      }
    }
  }

  /** Sets the user weight (0..256) and recomputes the effective weight. */
  setWeight(w: number): void {
    const usable = (): number => this.backend.servers.reduce((n, s) => n + (s.isUsable ? 1 : 0), 0);
    const before = usable();
    this.uweight = w;
    this.eweight = w;
    // HAProxy 2.6.12: a weight change that leaves no usable server (e.g. `set weight b/s 0`
    // on the last one) logs `backend b has no server available!`.
    if (before > 0 && usable() === 0) this.backend.reportNoServer();
    this.changed();
  }

  /** Notifies listeners after an in-place change (slowstart ramps, address changes). */
  notifyChange(): void { this.changed(); }

  /** Seconds since the last state change (`lastchg`). */
  secondsSinceChange(now = Date.now()): number { return Math.floor((now - this.lastChange) / 1000); }

  /** Total downtime in seconds, including the current down period (`downtime`). */
  downtimeSeconds(now = Date.now()): number {
    const cur = this.opState === OpState.Stopped ? now - this.lastChange : 0;
    return Math.floor((this.downtimeMs + cur) / 1000);
  }
}
