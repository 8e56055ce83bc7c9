/**
 * Stick tables across the threads of an `nbthread` process, the way HAProxy's peers keep
 * tables of different processes in step: every thread (and the coordinator, for `show table`
 * and `set table`) applies the others' updates. Each `StickTable.set` / `add` (server_id of
 * `stick on`, gpc/counters, rates of `track-sc`) is batched per event-loop turn and
 * broadcast; receivers apply it to their copy (creating or refreshing the entry). The view is
 * eventually consistent (one loop turn), not shared memory: two threads may store a
 * different server for the same new key in the same instant, and the last update wins.
 */

import { BroadcastChannel } from 'node:worker_threads';
import { StickTable, type StickEntry } from '../../stick/table';
import { findTable } from '../../stick/runtime';

/** [table, key, 0 = set | 1 = add, data type index, value]. */
type Op = [string, string, 0 | 1, number, number];

export function installStickSync(channelName: string): () => void {
  const ch = new BroadcastChannel(`${channelName}-stick`);
  const proto = StickTable.prototype;
  const origSet = proto.set;
  const origAdd = proto.add;
  let applying = false;
  let batch: Op[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (batch.length === 0) return;
    ch.postMessage(batch);
    batch = [];
  };
  const queue = (op: Op): void => {
    if (applying) return;
    batch.push(op);
    if (!scheduled) { scheduled = true; setImmediate(flush); }
  };
  proto.set = function set(this: StickTable, e: StickEntry, i: number, v: number, now?: number): void {
    origSet.call(this, e, i, v, now);
    if (this.offsets[i] >= 0) queue([this.name, e.key, 0, i, v]);
  };
  proto.add = function add(this: StickTable, e: StickEntry, i: number, inc: number, now?: number): void {
    origAdd.call(this, e, i, inc, now);
    if (this.offsets[i] >= 0) queue([this.name, e.key, 1, i, inc]);
  };
  ch.onmessage = (ev: unknown): void => {
    const ops = (ev as { data: Op[] }).data;
    applying = true;
    try {
      const now = Date.now();
      for (const [name, key, kind, i, v] of ops) {
        const t = findTable(name);
        const e = t?.touch(key, now);
        if (!t || !e) continue;
        if (kind === 0) origSet.call(t, e, i, v, now); else origAdd.call(t, e, i, v, now);
      }
    } finally {
      applying = false;
    }
  };
  return () => { ch.close(); proto.set = origSet; proto.add = origAdd; };
}
