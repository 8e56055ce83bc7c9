/**
 * Stats socket commands about streams, run where the streams are: the coordinator asks every
 * data-plane thread and combines the answers (`show sess`, `shutdown session`,
 * `shutdown sessions server`). Stream ids are unique across threads (each thread offsets
 * `allocStreamId`), so `shutdown session <id>` reaches the one thread that owns the stream.
 */

import type { Worker } from 'node:worker_threads';
import type { Instance } from '../instance';
import { findCliCommand, type CliContext, type CliHandler, type CliLevel } from '../../runtime/registry';

export interface CliRequest { type: 'cli'; id: number; args: string[]; level: CliLevel }
export interface CliReply { type: 'cli-reply'; id: number; text: string }

const NOT_FOUND = 'Session not found.\n';
const NO_SUCH = "No such session (use 'show sess').\n";

let nextReq = 1;
const waiting = new Map<number, (text: string) => void>();

/** Coordinator: a thread answered. */
export function onCliReply(m: CliReply): void {
  waiting.get(m.id)?.(m.text);
  waiting.delete(m.id);
}

async function askAll(workers: Worker[], args: string[], level: CliLevel): Promise<string[]> {
  return Promise.all(workers.map((w) => new Promise<string>((resolve) => {
    const id = nextReq++;
    const t = setTimeout(() => { waiting.delete(id); resolve(''); }, 2000);
    waiting.set(id, (text) => { clearTimeout(t); resolve(text); });
    w.postMessage({ type: 'cli', id, args, level } satisfies CliRequest);
  })));
}

async function text(r: ReturnType<CliHandler>): Promise<string> {
  const v = await r;
  if (typeof v === 'string') return v;
  let out = '';
  for await (const chunk of v) out += chunk;
  return out;
}

/** Coordinator: wraps the stream commands so that they cover every thread. */
export function forwardStreamCommands(workers: () => Worker[]): void {
  const wrap = (words: string[], combine: (own: string, parts: string[], ctx: CliContext) => string | undefined): void => {
    const cmd = findCliCommand(words);
    if (!cmd) return;
    const orig = cmd.handler;
    (cmd as { handler: CliHandler }).handler = async (ctx) => {
      const own = await text(orig(ctx));
      const pre = combine(own, [], ctx);
      if (pre !== undefined) return pre;
      return combine(own, await askAll(workers(), ctx.args, ctx.level), ctx) ?? own;
    };
  };
  // Without an id: the coordinator's own (CLI) sessions, then every thread's.
  wrap(['show', 'sess'], (own, parts, ctx) => {
    const arg = ctx.args[2];
    if (arg === undefined || arg === 'all') return parts.length ? own + parts.join('') : undefined;
    if (own !== NOT_FOUND) return own;
    if (!parts.length) return undefined;
    return parts.find((p) => p !== NOT_FOUND) ?? NOT_FOUND;
  });
  wrap(['shutdown', 'session'], (own, parts) => {
    if (own !== NO_SUCH) return own;
    if (!parts.length) return undefined;
    return parts.some((p) => p === '') ? '' : NO_SUCH;
  });
  // Stick tables: each thread holds a copy (stick-sync.ts); clearing must reach them all.
  wrap(['clear', 'table'], (own, parts) => (own !== '' ? own : parts.length ? '' : undefined));
  // Validation (permission, server name) answered by the coordinator; then every thread kills.
  wrap(['shutdown', 'sessions', 'server'], (own, parts) => (own !== '' ? own : parts.length ? '' : undefined));
}

/** Data-plane thread: runs a forwarded command on its own streams. */
export async function runForwarded(instance: Instance, m: CliRequest): Promise<CliReply> {
  const cmd = findCliCommand(m.args);
  if (!cmd) return { type: 'cli-reply', id: m.id, text: '' };
  const ctx = { instance, args: m.args, level: m.level, session: {} } as unknown as CliContext;
  try {
    return { type: 'cli-reply', id: m.id, text: await text(cmd.handler(ctx)) };
  } catch {
    return { type: 'cli-reply', id: m.id, text: '' };
  }
}
