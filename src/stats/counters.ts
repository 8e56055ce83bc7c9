/**
 * Counters owned by frontends, backends, servers and the process. Field names follow the
 * `show stat` columns (management.txt §9.1) so that stats/columns.ts maps them one to one.
 */

import { nowMs } from '../util/clock';

/**
 * Events per second over a sliding one-second window, like HAProxy's freq_ctr: the value is
 * this second's count plus the previous second's count weighted by what is left of the window.
 */
export class RateCounter {
  private currSec = 0;
  private curr = 0;
  private prev = 0;
  /** Highest rate observed (`*_max` columns). */
  max = 0;

  /** Adds `n` events now. */
  add(n = 1, now = nowMs()): void {
    this.rotate(now);
    this.curr += n;
    const r = this.read(now);
    if (r > this.max) this.max = r;
  }

  /** Current rate (events per second). */
  read(now = nowMs()): number {
    this.rotate(now);
    const elapsed = now % 1000;
    return this.curr + Math.floor((this.prev * (1000 - elapsed)) / 1000);
  }

  private rotate(nowMs: number): void {
    const sec = Math.floor(nowMs / 1000);
    if (sec === this.currSec) return;
    this.prev = sec === this.currSec + 1 ? this.curr : 0;
    this.curr = 0;
    this.currSec = sec;
  }

  reset(): void {
    this.curr = 0;
    this.prev = 0;
    this.max = 0;
  }
}

/** Window of the time averages (HAProxy TIME_STATS_SAMPLES). */
export const TIME_STATS_SAMPLES = 512;

/** Traffic counters shared by frontends, backends and servers (unused ones stay 0). */
export class TrafficCounters {
  /** Current sessions (scur) and its max (smax). */
  cur = 0;
  max = 0;
  /** Cumulative sessions (stot). */
  total = 0;
  bytesIn = 0;
  bytesOut = 0;
  deniedReq = 0;
  deniedResp = 0;
  errReq = 0;
  errConn = 0;
  errResp = 0;
  retries = 0;
  redispatches = 0;
  /** Times a server was selected by load balancing (lbtot). */
  lbTotal = 0;
  /** Client and server aborts during data transfer. */
  cliAborts = 0;
  srvAborts = 0;
  /** HTTP responses by class: index 0 = other, 1..5 = 1xx..5xx. */
  readonly httpResponses = [0, 0, 0, 0, 0, 0];
  /** HTTP requests (req_tot). */
  reqTotal = 0;
  /** Intercepted requests (stats page, monitor, redirect, return ...). */
  intercepted = 0;
  /** Denied connections/sessions by tcp-request rules. */
  deniedConn = 0;
  deniedSess = 0;
  /** Failed header rewrites. */
  failedRewrites = 0;
  internalErrors = 0;
  /** HTTP compression: bytes in/out of the compressor, bypassed bytes, compressed responses. */
  compIn = 0;
  compOut = 0;
  compBypassed = 0;
  compResponses = 0;
  /** Connection attempts made to servers (connect) and reused ones (reuse). */
  connects = 0;
  reuses = 0;
  /** Unix time (s) of last session, for `lastsess`; -1 if never. */
  lastSession = -1;
  /** Session rate and request rate. */
  readonly sessionRate = new RateCounter();
  readonly requestRate = new RateCounter();
  readonly connRate = new RateCounter();
  /**
   * Sliding averages (ms) of queue/connect/response/total times, as HAProxy's
   * swrate_add_dynamic()/swrate_avg() over the last min(samples, {@link TIME_STATS_SAMPLES})
   * requests; updated by {@link addTimes}.
   */
  qtime = 0;
  ctime = 0;
  rtime = 0;
  ttime = 0;
  qtimeMax = 0;
  ctimeMax = 0;
  rtimeMax = 0;
  ttimeMax = 0;

  /** Records one more current session. */
  enter(): void {
    this.cur++;
    this.total++;
    if (this.cur > this.max) this.max = this.cur;
    this.sessionRate.add();
    this.lastSession = Math.floor(nowMs() / 1000);
  }

  leave(): void {
    if (this.cur > 0) this.cur--;
  }

  /** Adds an HTTP status to the per-class counters. */
  countStatus(status: number): void {
    const cls = Math.floor(status / 100);
    this.httpResponses[cls >= 1 && cls <= 5 ? cls : 0]++;
  }

  /** Running sums behind the averages (HAProxy keeps sums) and the samples each one saw. */
  private readonly timeSums = [0, 0, 0, 0];
  private readonly timeSamples = [0, 0, 0, 0];

  /**
   * Feeds one request's times (ms; negative = not measured). As HAProxy 2.6 does, the sum
   * simply accumulates until TIME_STATS_SAMPLES samples were seen (the average is then the
   * plain mean, rounded up), and only then becomes a sliding sum over that window.
   */
  addTimes(q: number, c: number, r: number, t: number): void {
    if (q >= 0) { this.qtime = this.addTime(0, q); if (q > this.qtimeMax) this.qtimeMax = q; }
    if (c >= 0) { this.ctime = this.addTime(1, c); if (c > this.ctimeMax) this.ctimeMax = c; }
    if (r >= 0) { this.rtime = this.addTime(2, r); if (r > this.rtimeMax) this.rtimeMax = r; }
    if (t >= 0) { this.ttime = this.addTime(3, t); if (t > this.ttimeMax) this.ttimeMax = t; }
  }

  /** One sample into sum `i`; returns the new average. */
  private addTime(i: number, v: number): number {
    const n = ++this.timeSamples[i];
    let sum = this.timeSums[i];
    if (n > TIME_STATS_SAMPLES) sum -= Math.floor((sum + TIME_STATS_SAMPLES - 1) / TIME_STATS_SAMPLES);
    sum += Math.round(v);
    this.timeSums[i] = sum;
    const w = n < TIME_STATS_SAMPLES ? n : TIME_STATS_SAMPLES;
    return Math.floor((sum + w - 1) / w);
  }

  /** `clear counters`: only the max values. */
  clearMax(): void {
    this.max = 0;
    this.sessionRate.max = 0;
    this.requestRate.max = 0;
    this.connRate.max = 0;
    this.qtimeMax = this.ctimeMax = this.rtimeMax = this.ttimeMax = 0;
  }

  /** `clear counters all`: everything but current values. */
  clearAll(): void {
    const cur = this.cur;
    const fresh = new TrafficCounters();
    Object.assign(this, fresh);
    this.cur = cur;
  }
}
