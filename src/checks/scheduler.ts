/**
 * Check tasks: one per server for the health check and one for the agent check. A task runs
 * its ruleset every `inter` (`fastinter` while the health is changing, `downinter` while
 * DOWN), keeps the rise/fall health counter and moves the server UP or DOWN through
 * Server.setRunning / setStopped, exactly as HAProxy 2.6 (check.c set_server_check_status,
 * check_notify_failure/success, process_chk_conn, srv_getinter).
 */

import type { Server, CheckView, CheckReport } from '../proxy/server';
import { OpState } from '../proxy/server';
import { emitAdminEvent } from '../observe/events';
import { CHECK_STATUSES, type CheckStatus } from './status';
import { runRuleset, type CheckOutcome, type CheckTarget, type Ruleset } from './rules';
import { applyAgentReply, parseAgentReply } from './agent';

/** Per-server check settings resolved from ServerConfig (+ its `options`) and the proxy. */
export interface CheckSettings {
  inter: number;
  fastinter?: number;
  downinter?: number;
  rise: number;
  fall: number;
  /** `option log-health-checks` on the backend. */
  logHealthChecks: boolean;
  /** global `spread-checks` percentage (0 = off). */
  spreadChecks: number;
}

/** What `on-marked-down` / `on-marked-up` / `on-error` / `observe` / `error-limit` set. */
export interface ServerReactions {
  onMarkedDown?: 'shutdown-sessions';
  onMarkedUp?: 'shutdown-backup-sessions';
  onError: 'fastinter' | 'fail-check' | 'sudden-death' | 'mark-down';
  observe?: 'layer4' | 'layer7';
  errorLimit: number;
}

/** Everything checks/ keeps for one server. */
export interface ServerChecks {
  health?: CheckTask;
  agent?: CheckTask;
  reactions: ServerReactions;
  /** Consecutive passive errors (observe), reset by a good event or a passed check. */
  consecutiveErrors: number;
  /** Failed passive analyses (stats `hanafail`). */
  failedHana: number;
  /** Runtime changes (`set server B/S check-addr|check-port|agent-addr|agent-port|agent-send`). */
  overrides?: { checkAddr?: string; checkPort?: number; agentAddr?: string; agentPort?: number; agentSend?: string };
}

const registry = new WeakMap<Server, ServerChecks>();

/** The checks state of `server`, if checks/ manages it. */
export function serverChecks(server: Server): ServerChecks | undefined { return registry.get(server); }

/** Attaches check state to a server (done by the service, or by tests). */
export function attachServerChecks(server: Server, sc: ServerChecks): void { registry.set(server, sc); }

/** HAProxy CHK_ST_* bits shown by `show servers state` (srv_check_state / srv_agent_state). */
export const CHK_ST = { INPROGRESS: 0x01, CONFIGURED: 0x02, ENABLED: 0x04, PAUSED: 0x08, AGENT: 0x10 } as const;

/**
 * The srv_check_state / srv_agent_state value of a server's health or agent check
 * (0 when not configured), e.g. 6 for an enabled idle health check, 22 for an agent.
 */
export function checkStateBits(server: Server, kind: 'health' | 'agent'): number {
  const sc = serverChecks(server);
  const t = kind === 'health' ? sc?.health : sc?.agent;
  if (!t) return 0;
  let bits = CHK_ST.CONFIGURED;
  if (t.view.enabled) bits |= CHK_ST.ENABLED;
  if (t.view.running) bits |= CHK_ST.INPROGRESS;
  if (kind === 'health' && server.inMaint) bits |= CHK_ST.PAUSED;
  if (kind === 'agent') bits |= CHK_ST.AGENT;
  return bits;
}

/** Kills every stream attached to `server` (on-marked-down shutdown-sessions). */
export function shutdownSessions(server: Server, reason: string): void {
  for (const s of [...server.streams]) s.kill(reason);
}

/**
 * One periodic check of one kind on one server. Created stopped; {@link CheckTask.start}
 * arms the first run, {@link CheckTask.stop} cancels the timer and aborts a run in progress.
 */
export class CheckTask {
  readonly view: CheckView;
  private timer?: NodeJS.Timeout;
  private abort?: AbortController;
  private stopped = true;
  /** When the armed timer fires (ms since epoch). */
  private nextAt = 0;
  /** Forces fastinter for the next interval (observe errors), HAProxy CHK_ST_FASTINTER. */
  fastinterOnce = false;
  /** Called after each completed run (tests and stats may wait on it). */
  onResult?: (o: CheckOutcome) => void;

  constructor(
    readonly server: Server,
    readonly kind: 'health' | 'agent',
    readonly ruleset: Ruleset,
    readonly settings: CheckSettings,
    private readonly target: () => CheckTarget,
  ) {
    this.view = {
      status: 'INI', desc: CHECK_STATUSES.INI.desc, info: '', durationMs: -1,
      // HAProxy starts servers UP with health = rise: the first failure takes them DOWN.
      health: settings.rise, rise: settings.rise, fall: settings.fall,
      enabled: true, running: false, lastCheck: 0,
    };
  }

  /** Current interval (HAProxy srv_getinter). */
  currentInter(): number {
    const s = this.settings;
    const v = this.view;
    if (!this.fastinterOnce && v.health === v.rise + v.fall - 1) return s.inter;
    if (this.server.opState === OpState.Stopped && v.health === 0) return s.downinter ?? s.inter;
    return s.fastinter ?? s.inter;
  }

  /** Arms the first run `delayMs` from now. */
  start(delayMs: number): void {
    this.stopped = false;
    this.arm(delayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort();
  }

  get isStarted(): boolean { return !this.stopped; }

  /** Advances the timer if the new interval ends sooner (state changed to fastinter). */
  wakeForInterChange(): void {
    if (this.stopped || this.view.running) return;
    const inter = this.currentInter();
    if (Date.now() + inter < this.nextAt) this.arm(inter);
  }

  private arm(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.nextAt = Date.now() + Math.max(0, ms);
    this.timer = setTimeout(() => void this.tick(), Math.max(0, ms));
  }

  private nextDelay(): number {
    const inter = this.currentInter();
    let rv = 0;
    if (this.settings.spreadChecks > 0) {
      rv = Math.floor((inter * this.settings.spreadChecks) / 100);
      rv -= Math.floor(2 * rv * Math.random());
    }
    this.fastinterOnce = false;
    return inter + rv;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const srv = this.server;
    // Paused: checks disabled, server in maintenance, or backend stopped (HAProxy: reschedule).
    if (!this.view.enabled || srv.inMaint || srv.backend.state === 'stopped') {
      this.arm(this.settings.inter);
      return;
    }
    this.view.running = true;
    this.abort = new AbortController();
    const outcome = await runRuleset(this.ruleset, this.target(), this.abort.signal);
    this.abort = undefined;
    this.view.running = false;
    if (this.stopped) return;
    this.view.lastCheck = Math.floor(Date.now() / 1000);
    if (this.view.enabled && !srv.inMaint) {
      if (this.kind === 'agent') this.applyAgent(outcome);
      else this.applyHealth(outcome.status, outcome.info, outcome.code, outcome.durationMs);
    }
    this.onResult?.(outcome);
    if (!this.stopped) this.arm(this.nextDelay());
  }

  /**
   * Records a check status and moves the health counter (HAProxy set_server_check_status).
   * Returns the result class. `durationMs` undefined = none (passive analysis).
   */
  recordStatus(status: CheckStatus, info: string, code: number | undefined, durationMs: number | undefined): void {
    const def = CHECK_STATUSES[status];
    const v = this.view;
    const srv = this.server;
    const prev = v.status;
    v.status = def.name;
    v.desc = def.desc;
    v.info = info;
    v.code = def.hasCode ? code ?? 0 : undefined;
    v.durationMs = durationMs ?? -1;
    // A neutral result (agent reply without a health word) changes nothing else.
    if (def.result === 'neutral') return;
    let report = false;
    if (def.result === 'failed') {
      // An agent that cannot be reached never counts against the server (only L5-7 replies).
      if ((this.kind !== 'agent' || def.hasCode) && v.health > 0) {
        srv.failedChecks++;
        report = true;
        v.health--;
        if (v.health < v.rise) v.health = 0;
      }
    } else if (def.result === 'passed' || def.result === 'condpass') {
      if (v.health < v.rise + v.fall - 1) {
        report = true;
        v.health++;
        if (v.health >= v.rise) v.health = v.rise + v.fall - 1;
      }
      const sc = serverChecks(srv);
      if (sc) sc.consecutiveErrors = 0;
    }
    if (this.settings.logHealthChecks && (report || prev !== def.name)) {
      const up = v.health >= v.rise;
      const msg = `${this.kind === 'agent' ? 'Agent' : 'Health'} check for ${srv.isBackup ? 'backup ' : ''}server ${srv.backend.name}/${srv.name} `
        + `${def.result === 'condpass' ? 'conditionally ' : ''}${def.result === 'passed' || def.result === 'condpass' ? 'succeeded' : 'failed'}`
        + describe(status, info, code, durationMs)
        + `, status: ${up ? v.health - v.rise + 1 : v.health}/${up ? v.fall : v.rise} ${up ? (srv.uweight ? 'UP' : 'DRAIN') : 'DOWN'}.`;
      // HAProxy 2.6 check.c calls both ha_warning() and send_log(LOG_NOTICE): observed on
      // 2.6.12 as `[WARNING]  (pid) : Health check for server lh/b1 failed, ...` on stderr.
      emitAdminEvent('notice', msg, srv.backend.name);
    }
  }

  /** The report passed to Server.setStopped/setRunning, or undefined when HAProxy omits it. */
  stateReport(): CheckReport | undefined {
    // HAProxy reports the reason only once: not again when log-health-checks already did.
    if (this.server.tracked || this.settings.logHealthChecks) return undefined;
    const v = this.view;
    return { desc: v.desc, code: v.code, info: v.info || undefined, durationMs: v.durationMs >= 0 ? v.durationMs : undefined };
  }

  /** Applies a finished health check (status + server state). */
  applyHealth(status: CheckStatus, info: string, code: number | undefined, durationMs: number | undefined): void {
    this.recordStatus(status, info, code, durationMs);
    const result = CHECK_STATUSES[status].result;
    if (result === 'failed') notifyFailure(this);
    else if (result === 'passed') notifySuccess(this);
    else if (result === 'condpass') notifyStopping(this);
  }

  private applyAgent(o: CheckOutcome): void {
    let status = o.status;
    let info = o.info;
    const sc = serverChecks(this.server);
    if (o.agentReply !== undefined) {
      const r = applyAgentReply(this.server, parseAgentReply(o.agentReply));
      status = r.status;
      info = r.info;
      const hc = sc?.health;
      if (r.forceHealth && hc) hc.view.health = r.forceHealth === 'up' ? hc.view.rise + hc.view.fall - 1 : 0;
    }
    this.recordStatus(status, info, o.code, o.durationMs);
    const result = CHECK_STATUSES[status].result;
    if (result === 'failed') notifyFailure(this);
    else if (result === 'passed') notifySuccess(this);
  }
}

/** `, reason: ...[, code: N][, info: "..."][, check duration: Nms]` (check_append_info). */
function describe(status: CheckStatus, info: string, code: number | undefined, durationMs: number | undefined): string {
  const def = CHECK_STATUSES[status];
  let s = `, reason: ${def.desc}`;
  if (def.hasCode) s += `, code: ${code ?? 0}`;
  if (info) s += `, info: "${info}"`;
  if (durationMs !== undefined && durationMs >= 0) s += `, check duration: ${durationMs}ms`;
  return s;
}

/** check_notify_failure: DOWN once health reached 0. */
function notifyFailure(t: CheckTask): void {
  const srv = t.server;
  if (t.kind === 'agent' && t.view.status !== 'L7STS') return;
  if (t.view.health > 0) return;
  markDown(srv, t.stateReport());
}

/** check_notify_success: UP when every enabled check is at or above rise. */
function notifySuccess(t: CheckTask): void {
  const srv = t.server;
  if (srv.inMaint) return;
  if (srv.tracked && srv.tracked.opState === OpState.Stopped) return;
  const sc = serverChecks(srv);
  const hc = sc?.health;
  const ag = sc?.agent;
  if (hc && hc.view.enabled && hc.view.health < hc.view.rise) return;
  if (ag && ag.view.enabled && ag.view.health < ag.view.rise) return;
  if (t.kind === 'agent' && srv.opState === OpState.Stopping) return;
  markUp(srv, t.stateReport());
}

/** check_notify_stopping: `disable-on-404` answers put a running server in NOLB. */
function notifyStopping(t: CheckTask): void {
  const srv = t.server;
  if (srv.inMaint || t.kind === 'agent') return;
  const sc = serverChecks(srv);
  if (sc?.health && sc.health.view.health < sc.health.view.rise) return;
  const r = t.stateReport();
  markStopping(srv, r ? describe(t.view.status as CheckStatus, t.view.info, t.view.code, r.durationMs).slice(2) : undefined);
}

/**
 * Puts a server in the `stopping` (NOLB) state and logs HAProxy's
 * `Server be/srv is stopping, <cause>. N active and M backup servers online. ...` line.
 */
export function markStopping(srv: Server, cause?: string): void {
  if (srv.opState === OpState.Stopping) return;
  srv.opState = OpState.Stopping;
  srv.lastChange = Date.now();
  if (!srv.inMaint) {
    const { active, backup } = srv.backend.usableCounts();
    emitAdminEvent('notice', `${srv.isBackup ? 'Backup Server' : 'Server'} ${srv.backend.name}/${srv.name} is stopping${cause ? `, ${cause}` : ''}. `
      + `${active} active and ${backup} backup servers online.${active === 0 && backup > 0 ? ' Running on backup.' : ''} 0 sessions requeued, ${srv.backend.queueLength} total in queue.`, srv.backend.name);
  }
  srv.notifyChange();
}

/** Sets the server DOWN and applies `on-marked-down`. */
export function markDown(srv: Server, report?: CheckReport): void {
  const was = srv.opState;
  srv.setStopped(report);
  if (was !== OpState.Stopped && serverChecks(srv)?.reactions.onMarkedDown === 'shutdown-sessions') {
    shutdownSessions(srv, 'server marked down');
  }
}

/** Sets the server UP and applies `on-marked-up shutdown-backup-sessions`. */
export function markUp(srv: Server, report?: CheckReport): void {
  const was = srv.opState;
  if (was === OpState.Stopping) {
    srv.opState = OpState.Running;
    srv.notifyChange();
    return;
  }
  srv.setRunning(report);
  if (was === OpState.Stopped && !srv.isBackup && serverChecks(srv)?.reactions.onMarkedUp === 'shutdown-backup-sessions') {
    for (const b of srv.backend.servers) if (b.isBackup) shutdownSessions(b, 'active server back up');
  }
}

/**
 * HAProxy start_checks/start_check_task: the first run of the n-th of N checks happens at
 * `mininter * n / N`, where mininter is the smallest interval >= 1 s among all checks (or
 * this check's own when larger), optionally moved by spread-checks.
 */
export function firstDelays(tasks: CheckTask[], spreadChecks: number): number[] {
  const THRESHOLD = 1000;
  let mininter = 0;
  for (const t of tasks) {
    const i = t.currentInter();
    if (i >= THRESHOLD && (!mininter || mininter > i)) mininter = i;
  }
  return tasks.map((t, pos) => {
    let m = Math.max(mininter, t.currentInter());
    if (spreadChecks > 0) {
      let rnd = Math.floor((t.currentInter() * spreadChecks) / 100);
      rnd -= Math.floor(2 * rnd * Math.random());
      m += rnd;
    }
    return Math.floor((m * pos) / tasks.length);
  });
}
