/**
 * The help and "Unknown command" messages of the runtime API, built as HAProxy 2.6 does
 * (cli.c cli_gen_usage_msg): find how many leading words exactly match some command, then
 * propose the commands whose remaining words look closest (bigram fingerprints), or list
 * every matching command; `help`, `prompt` and `quit` always close the list.
 */

import type { CliCommand } from './registry';

/** Width of the usage column in help lines (HAProxy pads usages to 40 characters). */
export const USAGE_WIDTH = 40;

/**
 * Formats one help line body as HAProxy prints it after the two-space indent:
 * `cliHelp('show backend', 'list backends in the current running config')`.
 */
export function cliHelp(usage: string, desc: string): string {
  return `${usage.padEnd(USAGE_WIDTH)}: ${desc}`;
}

/** The lines always appended to usage messages. */
const TRAILER =
  `  ${cliHelp('help [<command>]', 'list matching or all commands')}\n` +
  `  ${cliHelp('prompt', 'toggle interactive mode with prompt')}\n` +
  `  ${cliHelp('quit', 'disconnect')}\n`;

/** At most this many fuzzy candidates are proposed (HAProxy CLI_MAX_MATCHES). */
const MAX_MATCHES = 5;

/** Character class for fingerprints: letters 0..25, digits 26, anything else 27 (28 = word start, 29 = word end). */
function charClass(ch: string): number {
  const c = ch.toLowerCase().charCodeAt(0);
  if (c >= 97 && c <= 122) return c - 97;
  if (c >= 48 && c <= 57) return 26;
  return 27;
}

/**
 * Adds a word's bigrams to a 32x32 fingerprint (HAProxy tools.c update_word_fingerprint):
 * counts transitions between character classes, from the word start (28) to its end (29).
 */
export function updateFingerprint(fp: Uint8Array, word: string): void {
  let from = 28;
  for (const ch of word) {
    const to = charClass(ch);
    fp[32 * from + to]++;
    from = to;
  }
  fp[32 * from + 29]++;
}

/** Sum of absolute differences between two fingerprints. */
export function fingerprintDistance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < 1024; i++) d += Math.abs(a[i] - b[i]);
  return d;
}

/** How the message starts. */
export type UsageKind = 'help' | 'unknown';

/**
 * Builds the usage message for `args` (the words typed; for `help`, the words after it).
 * `commands` is the command table; only commands with a `help` line are listed, but all
 * count for the exact-prefix measure, as in HAProxy.
 */
export function usageMessage(commands: readonly CliCommand[], args: string[], kind: UsageKind): string {
  const words = args.filter((w) => w !== '');
  let length = 0;
  for (const c of commands) {
    for (let i = 0; i < c.words.length && i < words.length; i++) {
      if (c.words[i] !== words[i]) break;
      if (i + 1 > length) length = i + 1;
    }
  }
  let out: string;
  if (kind === 'help') out = 'The following commands are valid at this level:\n';
  else if (length === 0 && words.length === 0) out = 'Unknown command. Please enter one of the following commands only:\n';
  else out = 'Unknown command, but maybe one of the following ones is a better match:\n';

  const prefixMatches = (c: CliCommand): boolean => {
    for (let i = 0; i < length; i++) if (c.words[i] !== words[i]) return false;
    return c.words.length >= length;
  };

  const matches: { c: CliCommand; dist: number }[] = [];
  if (words[length] !== undefined) {
    for (const c of commands) {
      if (!c.help || !prefixMatches(c) || c.words.length < length) continue;
      const typed = new Uint8Array(1024);
      const known = new Uint8Array(1024);
      let totlen = 0;
      for (let i = length; i < words.length; i++) {
        updateFingerprint(typed, words[i]);
        totlen += words[i].length;
      }
      for (let i = length; i < c.words.length; i++) {
        updateFingerprint(known, c.words[i]);
        totlen += c.words[i].length;
      }
      const dist = fingerprintDistance(typed, known);
      // Same acceptance rule as HAProxy: closer than 2.5x the total length, kept sorted.
      if (dist < (5 * totlen) / 2) matches.push({ c, dist });
    }
    matches.sort((a, b) => a.dist - b.dist);
    matches.splice(MAX_MATCHES);
  }

  let entries: CliCommand[];
  if (matches.length > 0) {
    const best = matches[0].dist;
    entries = [];
    for (const m of matches) {
      // Stop at candidates much worse than the best one.
      if (m.dist > Math.floor((5 * best) / 2)) break;
      entries.push(m.c);
    }
  } else {
    entries = commands.filter((c) => c.help && prefixMatches(c));
  }
  const lines = entries.map((c) => c.help!).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const l of lines) out += `  ${l}\n`;
  return out + TRAILER;
}
