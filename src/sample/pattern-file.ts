/**
 * Pattern and map files (HAProxy: pattern.c pat_ref_read_from_file[_smp]): one entry per
 * line, leading blanks skipped, lines starting with `#` and empty lines ignored, trailing
 * blanks and CR removed. A map line is `key<blanks>value` (the value is the rest of the line).
 * Files are read once, at configuration time.
 */

import { readFileSync } from 'node:fs';

/** One map entry. */
export interface MapEntry {
  key: string;
  value: string;
}

function lines(path: string): string[] | undefined {
  try {
    return readFileSync(path, 'latin1').split('\n');
  } catch {
    return undefined;
  }
}

function clean(line: string): string | undefined {
  const t = line.replace(/^[ \t]+/, '').replace(/[ \t\r]+$/, '');
  if (t === '' || t.startsWith('#')) return undefined;
  return t;
}

/**
 * Reads a pattern file. Returns the patterns, or HAProxy's error text
 * `failed to open pattern file <path>`.
 */
export function readPatternFile(path: string): { patterns: string[] } | { error: string } {
  const ls = lines(path);
  if (!ls) return { error: `failed to open pattern file <${path}>` };
  const patterns: string[] = [];
  for (const l of ls) {
    const t = clean(l);
    if (t !== undefined) patterns.push(t);
  }
  return { patterns };
}

/** Reads a map file; a line without a value maps its key to ''. */
export function readMapFile(path: string): { entries: MapEntry[] } | { error: string } {
  const ls = lines(path);
  if (!ls) return { error: `failed to open pattern file <${path}>` };
  const entries: MapEntry[] = [];
  for (const l of ls) {
    const t = clean(l);
    if (t === undefined) continue;
    const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(t)!;
    entries.push({ key: m[1], value: m[2] ?? '' });
  }
  return { entries };
}
