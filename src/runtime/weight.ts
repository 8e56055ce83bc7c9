/**
 * `set weight` / `set server B/S weight` (HAProxy server.c server_parse_weight_change_request):
 * absolute 0..256, or `N%` of the initial weight (capped at 256). Backends using a static
 * algorithm (static-rr, map-based hashing) only accept 0% and 100%.
 */

import type { Server } from '../proxy/server';
import { findBalancer } from '../lb/registry';
import { strtol } from './args';

/** Largest server weight (SRV_UWGHT_MAX). */
export const MAX_WEIGHT = 256;

/** True when the server's backend uses a static algorithm. */
function isStaticBackend(s: Server): boolean {
  const b = s.backend.cfg.balance;
  return findBalancer(b.algorithm)?.isStatic?.(b.args, b.hashType) ?? false;
}

/**
 * Parses and applies a weight change. Returns '' on success or HAProxy's message (some of
 * which, as in 2.6, have no trailing newline).
 */
export function changeWeight(s: Server, text: string | undefined): string {
  if (text === undefined || text === '') return 'Require <weight> or <weight%>.\n';
  const { value, rest } = strtol(text);
  if (value === undefined) return 'Empty weight string empty or preceded by garbage';
  let w: number;
  if (rest === '%') {
    if (value < 0) return 'Relative weight must be positive.\n';
    w = Math.floor((s.iweight * value) / 100);
    if (w > MAX_WEIGHT) w = MAX_WEIGHT;
  } else if (rest !== '') {
    return 'Trailing garbage in weight string';
  } else {
    if (value < 0 || value > MAX_WEIGHT) return 'Absolute weight can only be between 0 and 256 inclusive.\n';
    w = value;
  }
  if (w !== 0 && w !== s.iweight && isStaticBackend(s)) return "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n";
  s.setWeight(w);
  return '';
}
