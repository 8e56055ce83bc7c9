/**
 * Variables (HAProxy: vars.c). A name is `<scope>.<name>` with scope proc, sess, txn, req,
 * res or check. Stream-level scopes live in `SampleContext.vars` keyed by the full name;
 * `proc` variables are process-wide and live in {@link procVars} (the global `set-var`
 * keyword fills it while the configuration is parsed, as HAProxy does).
 */

import type { SampleContext, SampleValue } from './context';

const SCOPES = new Set(['proc', 'sess', 'txn', 'req', 'res', 'check']);

/** Process-wide variables (`proc.*`). */
export const procVars = new Map<string, SampleValue>();

/**
 * Validates a variable name; returns HAProxy's error text or undefined when valid.
 * @example checkVarName('txn.host') // undefined
 */
export function checkVarName(name: string): string | undefined {
  const dot = name.indexOf('.');
  const scope = dot > 0 ? name.slice(0, dot) : '';
  if (!SCOPES.has(scope)) {
    return `invalid variable name '${name}'. A variable name must be start by its scope. The scope can be 'proc', 'sess', 'txn', 'req', 'res' or 'check'`;
  }
  const rest = name.slice(dot + 1);
  if (rest.length === 0 || !/^[A-Za-z0-9._-]+$/.test(rest)) {
    return `invalid variable name '${name}'. Only alphanumeric characters, '.', '-' and '_' are allowed after the scope`;
  }
  return undefined;
}

/** Reads a variable (name already validated); undefined when unset. */
export function getVar(ctx: SampleContext, name: string): SampleValue | undefined {
  if (name.charCodeAt(0) === 112 /* p */ && name.startsWith('proc.')) return procVars.get(name);
  return ctx.vars.get(name) as SampleValue | undefined;
}

/** Sets a variable (name already validated). */
export function setVar(ctx: SampleContext, name: string, v: SampleValue): void {
  if (name.charCodeAt(0) === 112 /* p */ && name.startsWith('proc.')) procVars.set(name, v);
  else ctx.vars.set(name, v);
}

/** Removes a variable (`unset-var`). */
export function unsetVar(ctx: SampleContext, name: string): void {
  if (name.startsWith('proc.')) procVars.delete(name);
  else ctx.vars.delete(name);
}
