/**
 * Backend queue (HAProxy: queue.c pendconn): requests that found no server with a free
 * connection slot wait here, in arrival order, until a slot frees or `timeout queue` expires.
 */

import type { Proxy } from './proxy';
import type { Server } from './server';

export interface QueuedRequest {
  /** Called when a slot may be free; returns true if the request took it (and left the queue). */
  tryDispatch(freed: Server | undefined): boolean;
  /** Set while queued. */
  queuedAt: number;
}

const queues = new Map<Proxy, QueuedRequest[]>();

export function enqueue(backend: Proxy, req: QueuedRequest): void {
  let q = queues.get(backend);
  if (!q) { q = []; queues.set(backend, q); }
  q.push(req);
  backend.queueLength = q.length;
  if (q.length > backend.queueMax) backend.queueMax = q.length;
}

export function dequeue(backend: Proxy, req: QueuedRequest): void {
  const q = queues.get(backend);
  if (!q) return;
  const i = q.indexOf(req);
  if (i >= 0) q.splice(i, 1);
  backend.queueLength = q.length;
}

/** A connection slot on `server` (or anywhere in the backend) was released: serve waiters in order. */
export function processQueue(backend: Proxy, freed?: Server): void {
  const q = queues.get(backend);
  if (!q || q.length === 0) return;
  while (q.length > 0) {
    const head = q[0];
    if (!head.tryDispatch(freed)) break;
    q.shift();
  }
  backend.queueLength = q.length;
}
