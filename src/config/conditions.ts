/**
 * Conditional blocks (`.if/.elif/.else/.endif`) and their expressions, as HAProxy 2.6's
 * cfgcond.c (configuration.txt §2.4 "Conditional blocks"): terms are integers (0 is false,
 * `0x` hex and negative numbers accepted), or predicates `defined(VAR)`, `feature(NAME)`,
 * `streq(a,b)`, `strneq(a,b)`, `version_atleast(V)`, `version_before(V)`,
 * `openssl_version_atleast(V)`, `openssl_version_before(V)`, `ssllib_name_startswith(S)`;
 * combined with `!`, `&&`, `||` and parentheses. An empty condition is false.
 * Error messages and positions reproduce HAProxy's, since users compare them.
 */

/** The HAProxy version Fulcrum is compatible with; `.if version_atleast()` compares to it. */
export const COMPAT_VERSION = '2.6.12';

/**
 * Build features HAProxy 2.6 can report in `-vv`'s "Feature list", with whether Fulcrum has
 * an equivalent (`true` shows `+NAME` and makes `feature(NAME)` true).
 */
export const FEATURE_LIST: Readonly<Record<string, boolean>> = {
  '51DEGREES': false, ACCEPT4: true, BACKTRACE: false, CLOSEFROM: false, CPU_AFFINITY: false,
  CRYPT_H: false, DEVICEATLAS: false, DL: false, ENGINE: false, EPOLL: true, EVPORTS: false,
  GETADDRINFO: true, KQUEUE: false, LIBCRYPT: false, LINUX_SPLICE: false, LINUX_TPROXY: false,
  LUA: false, MEMORY_PROFILING: false, NETFILTER: false, NS: false, OBSOLETE_LINKER: false,
  OPENSSL: true, OT: false, PCRE: false, PCRE2: false, PCRE2_JIT: false, PCRE_JIT: false,
  POLL: true, PRCTL: false, PROCCTL: false, PROMEX: true, QUIC: false, RT: false, SLZ: false,
  STATIC_PCRE: false, STATIC_PCRE2: false, SYSTEMD: true, TFO: false, THREAD: true,
  THREAD_DUMP: false, TPROXY: false, WURFL: false, ZLIB: true,
};

/** Features reported as present by `feature()` and `-vv` (the `true` entries of FEATURE_LIST). */
export const FEATURES: string[] = Object.keys(FEATURE_LIST).filter((k) => FEATURE_LIST[k]);

/**
 * Result of evaluating a condition. On error, `position` is the 1-based character position
 * in the expression text (words joined by one space) that HAProxy's caret points at.
 */
export type CondResult =
  | { value: boolean; error?: undefined; position?: undefined }
  | { value?: undefined; error: string; position?: number };

/** Numeric comparison of dotted versions (`2.6.12` vs `2.4`); missing parts count as 0. */
export function versionCmp(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

type Env = (n: string) => string | undefined;

/** The predicates of HAProxy 2.6 (cfgcond.c cond_predicates[]), by name. */
const PREDICATES: Record<string, { args: number; fn: (a: string[], env: Env) => boolean }> = {
  defined: { args: 1, fn: (a, env) => a[0] !== '' && env(a[0]) !== undefined },
  feature: { args: 1, fn: (a) => FEATURE_LIST[a[0]] === true },
  streq: { args: 2, fn: (a) => a[0] === a[1] },
  strneq: { args: 2, fn: (a) => a[0] !== a[1] },
  version_atleast: { args: 1, fn: (a) => versionCmp(COMPAT_VERSION, a[0]) >= 0 },
  version_before: { args: 1, fn: (a) => versionCmp(COMPAT_VERSION, a[0]) < 0 },
  openssl_version_atleast: { args: 1, fn: (a) => versionCmp(process.versions.openssl ?? '0', a[0]) >= 0 },
  openssl_version_before: { args: 1, fn: (a) => versionCmp(process.versions.openssl ?? '0', a[0]) < 0 },
  ssllib_name_startswith: { args: 1, fn: (a) => 'OpenSSL'.toLowerCase().startsWith(a[0].toLowerCase()) },
};

/** Names of the predicates `.if` knows, for documentation and tests. */
export const PREDICATE_NAMES: readonly string[] = Object.keys(PREDICATES);

class CondError extends Error {
  constructor(message: string, readonly position: number) { super(message); }
}

/**
 * Evaluates a condition expression (the words after `.if`/`.elif`, or `-cc`'s argument).
 * Never throws: parse errors come back as `{ error, position }` with HAProxy's wording
 * (without the `in '.if' at position N` tail, which the caller adds).
 */
export function evaluateCondition(words: string[], env: Env = (n) => process.env[n]): CondResult {
  const text = words.join(' ');
  let pos = 0;
  const skip = (): void => { while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t')) pos++; };
  const fail = (msg: string, at: number): never => { throw new CondError(msg, at + 1); };

  function parseOr(): boolean {
    let v = parseAnd();
    skip();
    while (text.startsWith('||', pos)) {
      const op = pos;
      pos += 2;
      const r = parseAnd(op);
      v = v || r;
      skip();
    }
    return v;
  }
  /** `opStart`: position of the operator before this operand, blamed when the operand is missing. */
  function parseAnd(opStart?: number): boolean {
    let v = parseTerm(opStart);
    skip();
    while (text.startsWith('&&', pos)) {
      const op = pos;
      pos += 2;
      const r = parseTerm(op);
      v = v && r;
      skip();
    }
    return v;
  }
  function parseTerm(opStart?: number): boolean {
    skip();
    // A missing operand: HAProxy points at the dangling operator (`1 &&` -> '&&').
    const start = pos >= text.length && opStart !== undefined ? opStart : pos;
    let neg = false;
    while (text[pos] === '!') { neg = !neg; pos++; skip(); }
    if (text[pos] === '(') {
      const open = pos;
      pos++;
      let v: boolean;
      try {
        v = parseOr();
      } catch (e) {
        // HAProxy blames the whole parenthesised term when a term inside it is unparsable.
        if (e instanceof CondError && e.message.startsWith('unparsable')) fail(`unparsable conditional expression '${text.slice(start)}'`, start);
        throw e;
      }
      skip();
      if (text[pos] !== ')') fail(`expected ')' after conditional expression '${text.slice(open)}'`, open);
      pos++;
      return neg ? !v : v;
    }
    const num = /^-?(0[xX][0-9a-fA-F]+|\d+)/.exec(text.slice(pos));
    if (num) {
      pos += num[0].length;
      const v = Number(num[0].replace(/^-/, '')) !== 0;
      return neg ? !v : v;
    }
    const name = /^[a-z_0-9]+/.exec(text.slice(pos));
    const pred = name ? PREDICATES[name[0]] : undefined;
    if (!name || !pred || text[pos + name[0].length] !== '(') fail(`unparsable conditional expression '${text.slice(start)}'`, start);
    const pname = name![0];
    pos += pname.length + 1;
    // Arguments are plain strings separated by ',' and ended by ')', as make_arg_list() reads them.
    const args: string[] = [];
    let cur = '';
    for (;;) {
      if (pos >= text.length) fail(`expected ')' in argument ${args.length + 1} of predicate '${pname}' used in conditional expression`, pos);
      const c = text[pos];
      if (c === ')') { args.push(cur); break; }
      if (c === ',') {
        if (args.length + 1 >= pred!.args) fail(`expected ')' before '${text.slice(pos)}' in argument 1 of predicate '${pname}' used in conditional expression`, pos);
        args.push(cur);
        cur = '';
      } else cur += c;
      pos++;
    }
    if (args.length < pred!.args) fail(`missing arguments (got ${args.length}/${pred!.args}), type 'string' expected in argument ${args.length} of predicate '${pname}' used in conditional expression`, pos);
    pos++;
    const v = pred!.fn(args.map((a) => a.trim()), env);
    return neg ? !v : v;
  }

  try {
    skip();
    if (pos >= text.length) return { value: false };
    const v = parseOr();
    skip();
    if (pos < text.length) return { error: `unexpected character '${text[pos]}' at the end of conditional expression '${text}'`, position: pos + 1 };
    return { value: v };
  } catch (e) {
    if (e instanceof CondError) return { error: e.message, position: e.position };
    throw e;
  }
}
