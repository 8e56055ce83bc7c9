/**
 * What a data-plane thread changes in its own copy of the runtime graph so that N threads
 * behave as one process (docs/internals/multi-core.md):
 *
 *  - `Server.curConns`, the frontends' current sessions and `Instance.actconn` become views
 *    of SharedArrayBuffer slots (every thread reads the process-wide value; `x++`/`x--`
 *    become Atomics.add), so maxconn/leastconn/first/dynamic maxconn see all threads.
 *  - `assignServer` reserves the server slot with a compare-and-swap before it answers, so a
 *    server `maxconn` holds exactly across threads (the increment that follows consumes it).
 *  - roundrobin / static-rr pick from a shared atomic position over a weighted table, and
 *    leastconn compares the shared counts, so balancing is the same as with one thread.
 *  - A released slot or connection wakes the other threads' queues and held connections
 *    (BroadcastChannel), with a 25 ms sweep as a backstop.
 */

import { BroadcastChannel } from 'node:worker_threads';
import type { Instance } from '../instance';
import type { Server } from '../../proxy/server';
import type { Proxy } from '../../proxy/proxy';
import type { PickContext, PickExplanation } from '../../lb/balancer';
import { eligibleServers, dynamicMaxconn } from '../../lb/usable';
import { processQueue } from '../../proxy/queue';
import { allListeners } from '../../proxy/build';
import { serverSlot, type SharedLayout } from './shared';

/** Accessor state of one shared number: the last value this thread read, and slots it reserved. */
interface SharedCell { last: number; reserved: number }

const cells = new WeakMap<object, Map<string, SharedCell>>();

/**
 * Replaces `obj[key]` (a plain number field) by a view of `arr[idx]`. Reading loads the
 * shared value; writing adds the difference with the value this thread read last (the
 * `x++` / `x--` / `if (x > 0) x--` patterns of the data plane read right before writing).
 * An increment first consumes a slot reserved by {@link reserve}. `onDrop` runs after a
 * decrement.
 */
export function shareNumber(obj: object, key: string, arr: Int32Array, idx: number, onDrop?: () => void): void {
  const cell: SharedCell = { last: 0, reserved: 0 };
  let m = cells.get(obj);
  if (!m) { m = new Map(); cells.set(obj, m); }
  m.set(key, cell);
  Object.defineProperty(obj, key, {
    configurable: true,
    enumerable: true,
    get(): number { cell.last = Atomics.load(arr, idx); return cell.last; },
    set(v: number): void {
      let d = v - cell.last;
      if (d > 0 && cell.reserved > 0) {
        const use = Math.min(d, cell.reserved);
        cell.reserved -= use;
        d -= use;
      }
      if (d !== 0) {
        const after = Atomics.add(arr, idx, d) + d;
        // Never below zero (a reset to 0 by a clear, or a stray decrement).
        if (after < 0) Atomics.add(arr, idx, -after);
        cell.last = Math.max(0, after);
      } else {
        cell.last = v;
      }
      if (d < 0) onDrop?.();
    },
  });
}

/**
 * Takes one slot of `srv` in the shared count if it is below `limit` (CAS loop). The
 * thread's next `srv.curConns++` consumes it; an unused reservation is returned at the end
 * of the current job.
 */
function reserve(srv: Server, arr: Int32Array, idx: number, limit: number): boolean {
  const cell = cells.get(srv)?.get('curConns');
  if (!cell) return true;
  for (let i = 0; i < 1000; i++) {
    const cur = Atomics.load(arr, idx);
    if (cur >= limit) return false;
    if (reserveAt(cell, arr, idx, cur)) return true;
  }
  return false;
}

/** CAS `expected` -> `expected + 1`; on success the slot is this thread's until the job ends. */
function reserveAt(cell: SharedCell, arr: Int32Array, idx: number, expected: number): boolean {
  if (Atomics.compareExchange(arr, idx, expected, expected + 1) !== expected) return false;
  cell.reserved++;
  queueMicrotask(() => {
    if (cell.reserved > 0) {
      cell.reserved--;
      Atomics.sub(arr, idx, 1);
    }
  });
  return true;
}

/** True when this thread already holds a reserved slot of `srv`. */
function hasReservation(srv: Server): boolean {
  return (cells.get(srv)?.get('curConns')?.reserved ?? 0) > 0;
}

type Pick = (ctx: PickContext, avoid?: Server, explain?: PickExplanation) => Server | undefined;

/** Smooth weighted round-robin order of `servers` (nginx's algorithm), at most 4096 entries. */
export function weightedTable(servers: Server[]): Server[] {
  if (servers.length === 0) return [];
  let w = servers.map((s) => Math.max(1, Math.round(s.eweight * 16)));
  const g = w.reduce((a, b) => gcd(a, b));
  w = w.map((x) => x / g);
  let total = w.reduce((a, b) => a + b, 0);
  if (total > 4096) {
    w = w.map((x) => Math.max(1, Math.round((x * 4096) / total)));
    total = w.reduce((a, b) => a + b, 0);
  }
  const cur = w.map(() => 0);
  const out: Server[] = [];
  for (let n = 0; n < total; n++) {
    let best = 0;
    for (let i = 0; i < w.length; i++) {
      cur[i] += w[i];
      if (cur[i] > cur[best]) best = i;
    }
    cur[best] -= total;
    out.push(servers[best]);
  }
  return out;
}

function gcd(a: number, b: number): number { return b === 0 ? a : gcd(b, a % b); }

function full(s: Server): boolean {
  const max = dynamicMaxconn(s);
  return max > 0 && s.curConns >= max;
}

/** roundrobin/static-rr: the next entry of the weighted table at the shared position. */
function sharedRoundRobin(be: Proxy, inner: Pick, arr: Int32Array, pos: number): Pick {
  let table: Server[] = [];
  let dirty = true;
  for (const s of be.servers) s.onChange(() => { dirty = true; });
  return (ctx, avoid, explain) => {
    if (explain) return inner(ctx, avoid, explain);
    if (dirty) { table = weightedTable(eligibleServers(be).servers); dirty = false; }
    const n = table.length;
    if (n === 0) return inner(ctx, avoid, explain);
    const t = ((Atomics.add(arr, pos, 1) % n) + n) % n;
    for (let k = 0; k < n; k++) {
      const s = table[(t + k) % n];
      if (s !== avoid && s.isUsable && !full(s)) return s;
    }
    const s = table[t];
    return s === avoid ? inner(ctx, avoid, explain) : s;
  };
}

/** leastconn: the usable server with the fewest connections of all threads per weight unit. */
function sharedLeastConn(be: Proxy, inner: Pick, arr: Int32Array, pos: number, slot: (s: Server) => number | undefined): Pick {
  return (ctx, avoid, explain) => {
    if (explain) return inner(ctx, avoid, explain);
    const list = eligibleServers(be).servers;
    const n = list.length;
    if (n === 0) return inner(ctx, avoid, explain);
    // Ties rotate from a shared position, so equal servers share the load as fwlc does.
    const start = ((Atomics.add(arr, pos, 1) % n) + n) % n;
    // Choice and increment are one atomic step (CAS on the count the choice was made on):
    // two threads choosing at the same instant cannot both take the least loaded server.
    for (let attempt = 0; attempt < 8; attempt++) {
      let best: Server | undefined;
      let bestCount = 0;
      let bestKey = Infinity;
      for (let k = 0; k < n; k++) {
        const s = list[(start + k) % n];
        if (s === avoid || full(s)) continue;
        const c = s.curConns;
        const key = (c + 1) / Math.max(s.eweight, 1e-6);
        if (key < bestKey) { best = s; bestKey = key; bestCount = c; }
      }
      if (!best) return inner(ctx, avoid, explain);
      const idx = slot(best);
      const cell = cells.get(best)?.get('curConns');
      // Servers with a maxconn are reserved by assignServer, after its hasRoom() test.
      if (idx === undefined || !cell || dynamicMaxconn(best) > 0 || hasReservation(best) || reserveAt(cell, arr, idx, bestCount)) return best;
    }
    return inner(ctx, avoid, explain);
  };
}

/** Installs the shared views and decisions in a data-plane thread. Returns a stop function. */
export function installDataPlane(instance: Instance, layout: SharedLayout, channelName: string): () => void {
  const arr = new Int32Array(layout.sab);
  const channel = new BroadcastChannel(channelName);
  let wakePending = false;
  const wakeOthers = (): void => {
    if (wakePending) return;
    wakePending = true;
    setImmediate(() => { wakePending = false; channel.postMessage(1); });
  };
  const sweep = (): void => {
    for (const px of instance.proxies) if (px.isBackend && px.queueLength > 0) processQueue(px);
    for (const l of allListeners(instance)) l.admitWaiting();
  };
  channel.onmessage = sweep;
  shareNumber(instance, 'actconn', arr, 0, wakeOthers);
  instance.proxies.forEach((px, pi) => {
    if (px.isFrontend) shareNumber(px.feCounters, 'cur', arr, layout.feBase + pi, wakeOthers);
    for (const s of px.servers) {
      const idx = serverSlot(layout, instance, s);
      if (idx !== undefined) shareNumber(s, 'curConns', arr, idx, () => { if (s.maxconn > 0) wakeOthers(); });
    }
    const b = px.balancer;
    if (!b) return;
    const pos = layout.rrBase + pi;
    const inner: Pick = b.pick.bind(b);
    let shared: Pick | undefined;
    if (b.name === 'roundrobin' || b.name === 'static-rr') shared = sharedRoundRobin(px, inner, arr, pos);
    else if (b.name === 'leastconn') shared = sharedLeastConn(px, inner, arr, pos, (s) => serverSlot(layout, instance, s));
    if (shared) (b as { pick: Pick }).pick = shared;
  });
  // assignServer with an exact slot reservation (module export replaced for this thread only:
  // the streams call it through the module object).
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const backendModule = require('../../proxy/backend') as typeof import('../../proxy/backend');
  const original = backendModule.assignServer;
  const assign: typeof original = (be, sample, avoid, explain, body) => {
    const r = original(be, sample, avoid, explain, body);
    if (r.kind !== 'server') return r;
    const s = r.server;
    const limit = dynamicMaxconn(s);
    if (limit <= 0) return r;
    const idx = serverSlot(layout, instance, s);
    if (idx === undefined || hasReservation(s) || reserve(s, arr, idx, limit)) return r;
    // Another thread took the last slot between the test and now: wait in the queue.
    s.counters.lbTotal--;
    be.beCounters.lbTotal--;
    return { kind: 'queue' };
  };
  (backendModule as { assignServer: typeof original }).assignServer = assign;
  const timer = setInterval(sweep, 25);
  timer.unref();
  return () => { clearInterval(timer); channel.close(); };
}
