/**
 * Messages between the coordinator and the data-plane threads of an `nbthread` process:
 * counter snapshots (threads -> coordinator, summed there for `show stat`/`show info`) and
 * server state (coordinator -> threads, applied without logging: the coordinator already
 * logged the change once).
 */

import type { Instance } from '../instance';
import { RateCounter, TrafficCounters } from '../../stats/counters';

/** Numeric fields of TrafficCounters, and how the coordinator merges them. */
const FIELDS = Object.keys(new TrafficCounters()).filter((k) => typeof (new TrafficCounters() as unknown as Record<string, unknown>)[k] === 'number');
const MAX_FIELDS = new Set(['max', 'lastSession', 'qtimeMax', 'ctimeMax', 'rtimeMax', 'ttimeMax']);
const AVG_FIELDS = new Set(['qtime', 'ctime', 'rtime', 'ttime']);
/** Current values: shared slots already hold the process-wide value (not summed). */
const RATES = ['sessionRate', 'requestRate', 'connRate'] as const;

export interface CounterSnap { n: number[]; h: number[]; r: number[]; rm: number[] }

export function snapCounters(c: TrafficCounters, now: number): CounterSnap {
  const rec = c as unknown as Record<string, number>;
  return {
    n: FIELDS.map((k) => rec[k]),
    h: [...c.httpResponses],
    r: RATES.map((k) => c[k].read(now)),
    rm: RATES.map((k) => c[k].max),
  };
}

export interface ThreadSnap {
  tid: number;
  inst: { cumConns: number; cumReq: number; maxconnReached: number; rates: number[]; rateMax: number[] };
  fe: CounterSnap[];
  be: CounterSnap[];
  pxq: number[][];
  srv: { c: CounterSnap; q: number; qm: number }[][];
}

const INST_RATES = ['connRate', 'sessRate', 'reqRate'] as const;

export function snapThread(instance: Instance, tid: number): ThreadSnap {
  const now = Date.now();
  return {
    tid,
    inst: {
      cumConns: instance.cumConns, cumReq: instance.cumReq, maxconnReached: instance.maxconnReached,
      rates: INST_RATES.map((k) => instance[k].read(now)), rateMax: INST_RATES.map((k) => instance[k].max),
    },
    fe: instance.proxies.map((p) => snapCounters(p.feCounters, now)),
    be: instance.proxies.map((p) => snapCounters(p.beCounters, now)),
    pxq: instance.proxies.map((p) => [p.queueLength, p.queueMax]),
    srv: instance.proxies.map((p) => p.servers.map((s) => ({ c: snapCounters(s.counters, now), q: s.queueLength, qm: s.queueMax }))),
  };
}

/** Rate counters of the coordinator read the sum of the threads' last reports. */
const rateSums = new WeakMap<RateCounter, { sum: number }>();
function setRate(rc: RateCounter, value: number, max: number): void {
  let box = rateSums.get(rc);
  if (!box) {
    const b = { sum: 0 };
    rateSums.set(rc, b);
    box = b;
    (rc as { read: (now?: number) => number }).read = () => b.sum;
  }
  box.sum = value;
  if (max > rc.max) rc.max = max;
  if (value > rc.max) rc.max = value;
}

/**
 * Writes the sum of `snaps` into `c`. `keepCur`: `cur` is a shared slot (process-wide
 * already), so it is left alone.
 */
function merge(c: TrafficCounters, snaps: CounterSnap[], keepCur: boolean): void {
  if (snaps.length === 0) return;
  const rec = c as unknown as Record<string, number>;
  FIELDS.forEach((k, i) => {
    if (k === 'cur' && keepCur) return;
    let v = 0;
    if (MAX_FIELDS.has(k)) { v = rec[k]; for (const s of snaps) if (s.n[i] > v) v = s.n[i]; }
    else if (AVG_FIELDS.has(k)) {
      let n = 0;
      for (const s of snaps) if (s.n[i] > 0) { v += s.n[i]; n++; }
      v = n ? Math.round(v / n) : 0;
    } else for (const s of snaps) v += s.n[i];
    rec[k] = v;
  });
  for (let j = 0; j < c.httpResponses.length; j++) {
    let v = 0;
    for (const s of snaps) v += s.h[j] ?? 0;
    c.httpResponses[j] = v;
  }
  RATES.forEach((k, j) => {
    let v = 0;
    let m = 0;
    for (const s of snaps) { v += s.r[j]; m += s.rm[j]; }
    setRate(c[k], v, m);
  });
  if (keepCur && c.cur > c.max) c.max = c.cur;
}

/** Makes the coordinator's counters the sum of the threads' latest snapshots. */
export function mergeSnapshots(instance: Instance, snaps: ThreadSnap[]): void {
  if (snaps.length === 0) return;
  instance.cumConns = snaps.reduce((a, s) => a + s.inst.cumConns, 0);
  instance.cumReq = snaps.reduce((a, s) => a + s.inst.cumReq, 0);
  instance.maxconnReached = snaps.reduce((a, s) => a + s.inst.maxconnReached, 0);
  INST_RATES.forEach((k, j) => setRate(instance[k], snaps.reduce((a, s) => a + s.inst.rates[j], 0), snaps.reduce((a, s) => a + s.inst.rateMax[j], 0)));
  instance.proxies.forEach((px, pi) => {
    merge(px.feCounters, snaps.map((s) => s.fe[pi]).filter(Boolean), px.isFrontend);
    merge(px.beCounters, snaps.map((s) => s.be[pi]).filter(Boolean), false);
    px.queueLength = snaps.reduce((a, s) => a + (s.pxq[pi]?.[0] ?? 0), 0);
    px.queueMax = Math.max(px.queueMax, snaps.reduce((a, s) => a + (s.pxq[pi]?.[1] ?? 0), 0));
    // Only the servers of the configuration have the same index in every thread.
    const nCfg = instance.config.proxies[pi]?.servers.length ?? 0;
    px.servers.slice(0, nCfg).forEach((srv, si) => {
      const list = snaps.map((s) => s.srv[pi]?.[si]).filter(Boolean);
      merge(srv.counters, list.map((x) => x.c), false);
      srv.queueLength = list.reduce((a, x) => a + x.q, 0);
      srv.queueMax = Math.max(srv.queueMax, list.reduce((a, x) => a + x.qm, 0));
    });
  });
}

/** One server's state as the coordinator pushes it. */
export type ServerState = [pi: number, si: number, op: number, admin: number, uweight: number, eweight: number, maxconn: number, maxqueue: number, host: string, port: number];

export function serverStates(instance: Instance): ServerState[] {
  const out: ServerState[] = [];
  instance.proxies.forEach((px, pi) => {
    const nCfg = instance.config.proxies[pi]?.servers.length ?? 0;
    px.servers.slice(0, nCfg).forEach((s, si) => {
      out.push([pi, si, s.opState, s.adminState, s.uweight, s.eweight, s.maxconn, s.maxqueue, s.host, s.port]);
    });
  });
  return out;
}

/** Applies pushed states in a data-plane thread; the balancers hear of each change. */
export function applyServerStates(instance: Instance, states: ServerState[]): void {
  for (const [pi, si, op, admin, uw, ew, maxconn, maxqueue, host, port] of states) {
    const s = instance.proxies[pi]?.servers[si];
    if (!s) continue;
    if (s.opState === op && s.adminState === admin && s.uweight === uw && s.eweight === ew
      && s.maxconn === maxconn && s.maxqueue === maxqueue && s.host === host && s.port === port) continue;
    const was = s.opState;
    s.opState = op;
    s.adminState = admin;
    s.uweight = uw;
    s.eweight = ew;
    s.maxconn = maxconn;
    s.maxqueue = maxqueue;
    s.host = host;
    s.port = port;
    s.notifyChange();
    // The reactions checks/scheduler.ts applies in a one-thread process (markDown/markUp).
    if (was !== 0 && op === 0 && s.cfg.options['on-marked-down'] === 'shutdown-sessions') {
      for (const st of [...s.streams]) st.kill('server marked down');
    }
    if (was === 0 && op !== 0 && !s.isBackup && s.cfg.options['on-marked-up'] === 'shutdown-backup-sessions') {
      for (const b of s.backend.servers) if (b.isBackup) for (const st of [...b.streams]) st.kill('active server back up');
    }
  }
}

/** Limits and frontend states the coordinator pushes with the server states. */
export interface ProcState { maxconn: number; proxies: [maxconn: number, state: string][] }

export function procState(instance: Instance): ProcState {
  return { maxconn: instance.maxconn, proxies: instance.proxies.map((p) => [p.maxconn, p.state]) };
}

export function applyProcState(instance: Instance, st: ProcState): void {
  instance.maxconn = st.maxconn;
  st.proxies.forEach(([maxconn, state], pi) => {
    const px = instance.proxies[pi];
    if (!px) return;
    px.maxconn = maxconn;
    px.state = state as typeof px.state;
  });
}
