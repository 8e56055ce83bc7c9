/**
 * Second pass over a parsed configuration (HAProxy: check_config_validity): cross references
 * and subsystem post-checks. Subsystems register checks with {@link registerPostCheck};
 * `-c` stops after this pass.
 */

import type { Config } from './model';
import type { Diagnostics } from './diagnostics';

export type PostCheck = (config: Config, diag: Diagnostics) => void;

const checks: { name: string; order: number; fn: PostCheck }[] = [];

/** Registers a post-parse check. Lower `order` runs first (references 10, subsystems 50). */
export function registerPostCheck(name: string, fn: PostCheck, order = 50): void {
  checks.push({ name, order, fn });
  checks.sort((a, b) => a.order - b.order);
}

/** Runs every registered post-check; errors and warnings land in `diag`. */
export function validateConfig(config: Config, diag: Diagnostics): void {
  for (const c of checks) c.fn(config, diag);
}
