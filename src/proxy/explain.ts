/**
 * Placement explanations: why a request went to a backend and a server. When Fulcrum runs
 * with `-d` (or the global `fulcrum.explain` keyword in the future), one line per request is
 * printed on stderr, and the last explanations are kept for the runtime API.
 */

import type { Instance } from '../process/instance';
import type { Proxy } from './proxy';
import type { Server } from './server';
import type { StreamRecord } from './stream-record';
import type { PickExplanation } from '../lb/balancer';

export interface PlacementRecord {
  date: number;
  client: string;
  request: string;
  frontend: string;
  backend: string;
  rule: string;
  server: string;
  algorithm: string;
  key?: string;
  detail?: string;
  skipped: { server: string; why: string }[];
}

const RING_SIZE = 100;
const ring: PlacementRecord[] = [];

/** True when explanations are collected (`-d`, or `set placement on`). */
export function placementRecording(instance: Instance): boolean {
  return instance.options.debug || instance.ext.placement === true;
}

/** Turns recording on or off at runtime. */
export function setPlacementRecording(instance: Instance, on: boolean): void {
  instance.ext.placement = on;
}

/** The last placement records, oldest first (for `show placement` / debugging). */
export function recentPlacements(): readonly PlacementRecord[] { return ring; }

/** Formats one placement as a single human-readable line. */
export function formatPlacement(p: PlacementRecord): string {
  const skipped = p.skipped.length ? `; skipped ${p.skipped.map((s) => `${s.server} (${s.why})`).join(', ')}` : '';
  return `placement: ${p.client} "${p.request}" -> frontend ${p.frontend} -> backend ${p.backend} by ${p.rule} -> server ${p.server} by ${p.algorithm}${p.key !== undefined ? ` key "${p.key}"` : ''}${p.detail ? ` (${p.detail})` : ''}${skipped}`;
}

/** Records (and in debug mode prints) why a request was placed on `server`. */
export function explainPlacement(instance: Instance, fe: Proxy, be: Proxy, rec: StreamRecord, rule: string, ex: PickExplanation, server: Server): void {
  const p: PlacementRecord = {
    date: Date.now(), client: `${rec.clientIp}:${rec.clientPort}`, request: rec.requestLine || '-',
    frontend: fe.name, backend: be.name, rule, server: server.name, algorithm: ex.algorithm,
    key: ex.key, detail: ex.detail, skipped: ex.skipped,
  };
  ring.push(p);
  if (ring.length > RING_SIZE) ring.shift();
  if (instance.options.debug) process.stderr.write(formatPlacement(p) + '\n');
}
