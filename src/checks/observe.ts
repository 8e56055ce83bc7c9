/**
 * Passive health analysis (`observe layer4|layer7`, `error-limit`, `on-error`): the data
 * plane reports what it saw on real traffic with {@link reportObservedError} /
 * {@link reportObservedSuccess}; after `error-limit` consecutive errors the `on-error`
 * action runs (HAProxy check.c __health_adjust).
 */

import type { Server } from '../proxy/server';
import { ANALYZE_STATUSES, type AnalyzeStatus } from './status';
import { serverChecks } from './scheduler';

/**
 * Reports one observed event for `server`. `kind` is a key of ANALYZE_STATUSES, e.g.
 * `L4_ERR` (connect failed/timed out), `L4_OK`, `HTTP_STS` (5xx), `HTTP_RSP` (invalid
 * response), `HTTP_READ_TIMEOUT`, `HTTP_BROKEN_PIPE`, `HTTP_OK`. Ignored unless the server
 * has `observe` and a health check. Safe to call on the hot path (a few comparisons).
 */
export function reportObservedError(server: Server, kind: AnalyzeStatus): void {
  const sc = serverChecks(server);
  if (!sc || !sc.reactions.observe) return;
  const verdict = ANALYZE_STATUSES[kind].lr[sc.reactions.observe === 'layer4' ? 0 : 1];
  if (verdict === 0) return;
  if (verdict === 2) { sc.consecutiveErrors = 0; return; }
  sc.consecutiveErrors++;
  if (sc.consecutiveErrors < sc.reactions.errorLimit) return;
  const desc = `Detected ${sc.consecutiveErrors} consecutive errors, last one was: ${ANALYZE_STATUSES[kind].desc}`;
  const hc = sc.health;
  sc.consecutiveErrors = 0;
  sc.failedHana++;
  if (!hc) return;
  // Every on-error mode forces fastinter for the next check.
  hc.fastinterOnce = true;
  const v = hc.view;
  switch (sc.reactions.onError) {
    case 'sudden-death':
      // A pre-fatal failed check: the next failure takes the server down.
      if (v.health > v.rise) v.health = v.rise + 1;
      hc.applyHealth('HANA', desc, undefined, undefined);
      break;
    case 'fail-check':
      hc.applyHealth('HANA', desc, undefined, undefined);
      break;
    case 'mark-down':
      v.health = v.rise;
      hc.applyHealth('HANA', desc, undefined, undefined);
      break;
    default:
      break;
  }
  hc.wakeForInterChange();
}

/** Reports a good event (same as reportObservedError with an OK kind). */
export function reportObservedSuccess(server: Server, layer: 'layer4' | 'layer7'): void {
  reportObservedError(server, layer === 'layer4' ? 'L4_OK' : 'HTTP_OK');
}
