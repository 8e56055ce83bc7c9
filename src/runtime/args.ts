/**
 * Argument helpers shared by runtime API commands: `backend/server` lookup and HAProxy's
 * C-style integer parsing. Answers are HAProxy 2.6.12's messages.
 */

import type { Instance } from '../process/instance';
import type { Proxy } from '../proxy/proxy';
import type { Server } from '../proxy/server';

/**
 * Resolves `backend/server` (either part may be `#id`), as HAProxy's cli_find_server does.
 * Returns the server, or the answer to print ("Require 'backend/server'.\n", "No such
 * backend.\n", "No such server.\n").
 */
export function findServerArg(instance: Instance, arg: string | undefined): Server | string {
  if (!arg || !arg.includes('/')) return "Require 'backend/server'.\n";
  const i = arg.indexOf('/');
  const be = instance.findBackend(arg.slice(0, i));
  if (!be) return 'No such backend.\n';
  const srv = be.findServer(arg.slice(i + 1));
  if (!srv) return 'No such server.\n';
  return srv;
}

/** Resolves a frontend by name or `#id`; the answer for unknown ones is "No such frontend.\n". */
export function findFrontendArg(instance: Instance, arg: string | undefined): Proxy | string {
  if (!arg) return 'A frontend name is expected.\n';
  return instance.findFrontend(arg) ?? 'No such frontend.\n';
}

/** C atoi(): optional sign and leading digits, else 0. */
export function atoi(s: string | undefined): number {
  const m = /^\s*([+-]?\d+)/.exec(s ?? '');
  return m ? Number(m[1]) : 0;
}

/** Splits `strtol`-style: the number and what follows it (undefined number when no digits). */
export function strtol(s: string): { value?: number; rest: string } {
  const m = /^\s*([+-]?\d+)(.*)$/.exec(s);
  if (!m) return { rest: s };
  return { value: Number(m[1]), rest: m[2] };
}
