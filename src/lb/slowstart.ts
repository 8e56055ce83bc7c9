/**
 * Slowstart (server keyword `slowstart T`): when a server comes back UP (from DOWN or from
 * maintenance) its effective weight ramps from about 1/16 of its weight to the full weight
 * over T, so that a cold server is not flooded. It does not apply at process start.
 *
 * HAProxy's formula (server.c server_recalc_eweight), with T rounded up to whole seconds and
 * `elapsed` the whole seconds since the server came UP:
 *   w = (16 * elapsed + T) / T        (integer division, 1..16)
 *   eweight = uweight * w / 16
 * and the ramp is re-evaluated every second (its warmup task). While ramping the server is
 * in the STARTING operational state. Fulcrum keeps `Server.eweight` in user-weight units,
 * so during the ramp it holds the fraction `uweight * w / 16`; balancers scale it by 16
 * (see {@link scaledWeight}) to get HAProxy's integer effective weight back.
 */

import { OpState, type Server } from '../proxy/server';

/** HAProxy's BE_WEIGHT_SCALE: effective weights are user weights times 16. */
export const WEIGHT_SCALE = 16;

/** The effective weight in HAProxy's scaled units (uweight * 16 at full throttle). */
export function scaledWeight(s: Server): number {
  return Math.round(s.eweight * WEIGHT_SCALE);
}

/** Slowstart ramp step: HAProxy re-evaluates the weight once a second. */
const STEP_MS = 1000;

const byServer = new WeakMap<Server, SlowStart>();

/** The slowstart follower of a server, if it has `slowstart` under a dynamic algorithm. */
export function slowStartOf(server: Server): SlowStart | undefined {
  return byServer.get(server);
}

/**
 * Follows one server's state and drives its ramp. {@link observe} must be called on every
 * change of the server before the balancer is told (lb/registry.ts does this).
 */
export class SlowStart {
  private readonly server: Server;
  /** Slowstart duration in whole seconds (HAProxy rounds the configured time up). */
  private readonly seconds: number;
  private wasUp: boolean;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Set while this object itself notifies, so the nested observe() does not recurse. */
  private notifying = false;
  /** Injectable clock for tests. */
  private readonly now: () => number;

  constructor(server: Server, now: () => number = Date.now) {
    this.server = server;
    this.seconds = Math.ceil(server.cfg.slowstart / 1000);
    this.now = now;
    this.wasUp = server.isRunning && !server.inMaint;
    byServer.set(server, this);
  }

  /**
   * Percentage of the ramp done (0..99) while ramping, else 100: HAProxy also limits the
   * server's dynamic maxconn by it (queue.c srv_dynamic_maxconn).
   */
  rampPercent(): number {
    if (!this.ramping) return 100;
    const elapsed = Math.floor((this.now() - this.startedAt) / 1000);
    if (elapsed < 0 || elapsed >= this.seconds) return 100;
    return Math.floor((100 * elapsed) / this.seconds);
  }

  /** True while the ramp is in progress. */
  get ramping(): boolean { return this.startedAt !== 0; }

  /**
   * Updates the ramp after a change of the server: starts it when the server has just come
   * UP or left maintenance, stops it when it went DOWN, and keeps `eweight` ramped when the
   * user weight changed meanwhile.
   */
  observe(): void {
    if (this.notifying || this.seconds <= 0) return;
    const s = this.server;
    const up = s.isRunning && !s.inMaint;
    if (up && !this.wasUp) {
      this.startedAt = this.now();
      s.opState = OpState.Starting;
      this.schedule();
    } else if (!up && this.wasUp) {
      this.end(false);
    }
    this.wasUp = up;
    if (this.ramping) this.recompute();
  }

  /** Advances the ramp by the clock; exposed for tests with a fake clock. */
  tick(): void {
    if (!this.ramping) return;
    this.recompute();
    this.notifying = true;
    try {
      this.server.notifyChange();
    } finally {
      this.notifying = false;
    }
    if (this.ramping) this.schedule();
  }

  /** Stops the timer (process stop). The weight stays where it is. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private recompute(): void {
    const s = this.server;
    const elapsed = Math.floor((this.now() - this.startedAt) / 1000);
    if (elapsed >= this.seconds || elapsed < 0) {
      this.end(true);
      return;
    }
    const w = Math.floor((WEIGHT_SCALE * elapsed + this.seconds) / this.seconds);
    s.eweight = (s.uweight * w) / WEIGHT_SCALE;
  }

  private end(full: boolean): void {
    this.startedAt = 0;
    this.dispose();
    const s = this.server;
    if (s.opState === OpState.Starting) s.opState = OpState.Running;
    if (full) s.eweight = s.uweight;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    // unref: a pending ramp must not keep the process alive on exit.
    this.timer = setTimeout(() => this.tick(), STEP_MS);
    this.timer.unref?.();
  }
}
