/**
 * The runtime API command table (HAProxy: cli.c cli_register_kw). Each subsystem registers
 * the commands it owns from its own commands.ts; the stats socket (runtime/socket.ts) looks
 * commands up here by their leading words, checks the level, and calls the handler.
 */

import type { Instance } from '../process/instance';

/** Access levels of a stats socket (HAProxy ACCESS_LVL_USER/OPER/ADMIN). */
export type CliLevel = 'user' | 'operator' | 'admin';

/** Order of the levels, for "at least" comparisons. */
export const LEVEL_RANK: Record<CliLevel, number> = { user: 0, operator: 1, admin: 2 };

/** What a command handler receives. */
export interface CliContext {
  readonly instance: Instance;
  /** All words of the command line, e.g. ['show', 'stat', '-1', '4', '-1']. */
  readonly args: string[];
  /** Payload after `<<` (the lines up to the empty line), or undefined. */
  readonly payload?: string;
  /** The connection's level. */
  readonly level: CliLevel;
  /** Per-connection state a command may change (e.g. `set timeout cli`). */
  readonly session: CliSession;
}

/** Per-connection state. */
export interface CliSession {
  /** Idle timeout of this CLI connection in ms. */
  timeoutMs: number;
  interactive: boolean;
  level: CliLevel;
  /** Called by `set timeout cli` so the connection re-arms its idle timer. */
  onTimeoutChange?: (ms: number) => void;
}

/**
 * A handler returns the answer text (without the final empty line; the socket adds it), or
 * an async iterable of chunks for long dumps. Errors are returned as text, as HAProxy does.
 */
export type CliHandler = (ctx: CliContext) => string | Promise<string> | AsyncIterable<string>;

/** One entry of the command table. */
export interface CliCommand {
  /** Leading words that select the command, e.g. ['show', 'stat']. */
  words: string[];
  /** Minimum level (HAProxy: ACCESS_LVL_*). */
  level: CliLevel;
  /** Usage line as in HAProxy's `help` output, e.g. 'show stat [desc|json|no-maint|typed|up]*: report counters for each proxy and server'. */
  help?: string;
  handler: CliHandler;
}

const commands: CliCommand[] = [];

/** Adds commands to the table; the same words twice is an internal error. */
export function registerCliCommands(list: CliCommand[]): void {
  for (const c of list) {
    if (commands.some((x) => x.words.join(' ') === c.words.join(' '))) throw new Error(`internal: CLI command '${c.words.join(' ')}' registered twice`);
    commands.push(c);
  }
  // Longest match first so 'show servers state' wins over 'show servers'.
  commands.sort((a, b) => b.words.length - a.words.length);
}

/** Finds the command whose words prefix `args`. */
export function findCliCommand(args: string[]): CliCommand | undefined {
  return commands.find((c) => c.words.every((w, i) => args[i] === w));
}

/** Every registered command, longest words first (help and usage messages sort them). */
export function allCliCommands(): readonly CliCommand[] { return commands; }
