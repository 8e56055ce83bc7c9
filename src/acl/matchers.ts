/**
 * Pattern matching methods, one table entry each (HAProxy: pattern.c pat_parse_* /
 * pat_match_*, selected with `-m`): found, bool, int, ip, bin, len, str, sub, reg, beg, end,
 * dir, dom. A matcher compiles a pattern list once into a {@link PatternSet}; lookups return
 * the index of the matching pattern so that maps (map_beg, map_ip ...) share the code and
 * return the associated value.
 */

import type { SampleValue } from '../sample/context';
import { toBin, toBool, toInt, toStr } from '../sample/types';
import { inNet, parseIp, parseNet, type IpNet } from '../sample/ip';
import { begins, contains, ends, equals, wordMatch, DIR_DELIMS, DOM_DELIMS } from './text-match';

/** Compiled patterns. */
export interface PatternSet {
  /**
   * Index of the matching pattern (maps return its value), or -1. With several matches:
   * the first in declaration order, except `ip` which returns the longest prefix as
   * HAProxy's tree lookup does.
   */
  find(v: SampleValue): number;
  readonly size: number;
}

export interface MatchOptions {
  /** `-i`: case-insensitive (str, sub, beg, end, dir, dom, reg). */
  icase: boolean;
  /** Integer patterns may be dotted versions `3.1` -> 3<<16|1 (req.ssl_ver). */
  dottedVersion?: boolean;
}

export interface MatcherDef {
  /** Name used with `-m`. */
  name: string;
  /**
   * Compiles patterns; returns the set or an error in HAProxy's wording (without the
   * "error detected while parsing ACL" prefix).
   */
  compile(patterns: readonly string[], opts: MatchOptions): PatternSet | { error: string };
}

const NONE = -1;

/** Builds a matcher that tests patterns in order with `test`. */
function listSet<P>(items: P[], test: (s: string, p: P) => boolean): PatternSet {
  return {
    size: items.length,
    find(v) {
      const s = toStr(v);
      for (let i = 0; i < items.length; i++) if (test(s, items[i])) return i;
      return NONE;
    },
  };
}

function textMatcher(name: string, test: (s: string, p: string, icase: boolean) => boolean): MatcherDef {
  return {
    name,
    compile(patterns, opts) {
      const pats = opts.icase ? patterns.map((p) => p.toLowerCase()) : [...patterns];
      return listSet(pats, (s, p) => test(s, p, opts.icase));
    },
  };
}

const OPS = new Set(['eq', 'ge', 'gt', 'le', 'lt']);

/** `A`, `A:B`, `:B`, `A:` and the operator forms, into inclusive [min, max] ranges. */
function parseRanges(patterns: readonly string[], dotted: boolean): { ranges: [number, number][] } | { error: string } {
  const ranges: [number, number][] = [];
  let op = 'eq';
  const num = (s: string): number | undefined => {
    if (dotted && /^\d+\.\d+$/.test(s)) {
      const [a, b] = s.split('.').map(Number);
      return a * 65536 + b;
    }
    return /^[-+]?\d+$/.test(s) ? Number(s) : undefined;
  };
  for (const p of patterns) {
    // An operator applies to the values after it until the next operator (acl.c compat layer).
    if (OPS.has(p)) { op = p; continue; }
    const colon = p.indexOf(':');
    if (colon >= 0) {
      const lo = p.slice(0, colon);
      const hi = p.slice(colon + 1);
      const a = lo === '' ? -Infinity : num(lo);
      const b = hi === '' ? Infinity : num(hi);
      if (a === undefined || b === undefined || a > b) return { error: `'${p}' is not a valid number range` };
      ranges.push([a, b]);
      continue;
    }
    const n = num(p);
    if (n === undefined) return { error: `'${p}' is not a number` };
    switch (op) {
      case 'eq': ranges.push([n, n]); break;
      case 'ge': ranges.push([n, Infinity]); break;
      case 'gt': ranges.push([n + 1, Infinity]); break;
      case 'le': ranges.push([-Infinity, n]); break;
      case 'lt': ranges.push([-Infinity, n - 1]); break;
    }
  }
  return { ranges };
}

function rangeSet(ranges: [number, number][], value: (v: SampleValue) => number | undefined): PatternSet {
  return {
    size: ranges.length,
    find(v) {
      const n = value(v);
      if (n === undefined) return NONE;
      for (let i = 0; i < ranges.length; i++) if (n >= ranges[i][0] && n <= ranges[i][1]) return i;
      return NONE;
    },
  };
}

/** One reusable address buffer: matching is synchronous, so a shared scratch is safe. */
const scratch = new Uint8Array(16);

export const MATCHERS: readonly MatcherDef[] = [
  {
    // Any sample found matches; patterns are ignored.
    name: 'found',
    compile: () => ({ size: 1, find: () => 0 }),
  },
  {
    // True booleans or non-zero integers match; patterns are ignored.
    name: 'bool',
    compile: () => ({ size: 1, find: (v) => (toBool(v) ? 0 : NONE) }),
  },
  {
    name: 'int',
    compile(patterns, opts) {
      const r = parseRanges(patterns, opts.dottedVersion === true);
      return 'error' in r ? r : rangeSet(r.ranges, toInt);
    },
  },
  {
    name: 'len',
    compile(patterns) {
      const r = parseRanges(patterns, false);
      return 'error' in r ? r : rangeSet(r.ranges, (v) => (Buffer.isBuffer(v) ? v.length : toStr(v).length));
    },
  },
  {
    name: 'ip',
    compile(patterns) {
      const nets: IpNet[] = [];
      for (const p of patterns) {
        const n = parseNet(p);
        if (!n) return { error: `'${p}' is not a valid IPv4 or IPv6 address` };
        nets.push(n);
      }
      return {
        size: nets.length,
        find(v) {
          const ip = parseIp(toStr(v), scratch);
          if (!ip) return NONE;
          let best = NONE;
          for (let i = 0; i < nets.length; i++) {
            if (inNet(ip.bytes, nets[i]) && (best === NONE || nets[i].prefix > nets[best].prefix)) best = i;
          }
          return best;
        },
      };
    },
  },
  {
    name: 'bin',
    compile(patterns) {
      const bins: Buffer[] = [];
      for (const p of patterns) {
        if (!/^([0-9a-fA-F]{2})*$/.test(p)) return { error: `'${p}' is not a valid hex string` };
        bins.push(Buffer.from(p, 'hex'));
      }
      return {
        size: bins.length,
        find(v) {
          const b = toBin(v);
          for (let i = 0; i < bins.length; i++) if (b.equals(bins[i])) return i;
          return NONE;
        },
      };
    },
  },
  {
    // Exact string: a hash lookup (first declaration wins), lowercased keys for -i.
    name: 'str',
    compile(patterns, opts) {
      const idx = new Map<string, number>();
      patterns.forEach((p, i) => {
        const k = opts.icase ? p.toLowerCase() : p;
        if (!idx.has(k)) idx.set(k, i);
      });
      if (patterns.length === 1) {
        const only = opts.icase ? patterns[0].toLowerCase() : patterns[0];
        return { size: 1, find: (v) => (equals(toStr(v), only, opts.icase) ? 0 : NONE) };
      }
      return {
        size: patterns.length,
        find(v) {
          const s = toStr(v);
          const i = idx.get(opts.icase ? s.toLowerCase() : s);
          return i === undefined ? NONE : i;
        },
      };
    },
  },
  textMatcher('beg', begins),
  textMatcher('end', ends),
  textMatcher('sub', contains),
  textMatcher('dir', (s, p, ic) => wordMatch(s, p, ic, DIR_DELIMS)),
  textMatcher('dom', (s, p, ic) => wordMatch(s, p, ic, DOM_DELIMS)),
  {
    name: 'reg',
    compile(patterns, opts) {
      const res: RegExp[] = [];
      for (const p of patterns) {
        try {
          res.push(new RegExp(p, opts.icase ? 'i' : ''));
        } catch (e) {
          return { error: `regex '${p}' is invalid (error=${regexError(e)})` };
        }
      }
      return listSet(res, (s, re) => re.test(s));
    },
  },
];

/** The JS engine's reason, without its "Invalid regular expression: /x/: " preamble. */
function regexError(e: unknown): string {
  const m = (e as Error).message;
  const i = m.lastIndexOf(': ');
  return i >= 0 ? m.slice(i + 2) : m;
}

const byName = new Map(MATCHERS.map((m) => [m.name, m]));

/** Finds a matcher by its `-m` name. */
export function findMatcher(name: string): MatcherDef | undefined { return byName.get(name); }
