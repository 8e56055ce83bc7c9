/**
 * Conditional blocks (`.if/.elif/.else/.endif`) and their expressions, as HAProxy's cfgcond.c
 * (configuration.txt §2.4): terms are integers (0 is false), `defined(VAR)`, `feature(NAME)`,
 * `streq(a,b)`, `strneq(a,b)`, `strstr(a,b)`, `version_atleast(V)`, `version_before(V)`,
 * `openssl_version_atleast(V)`, `openssl_version_before(V)`, `ssllib_name_startswith(S)`,
 * `enabled(NAME)`; combined with `!`, `&&`, `||` and parentheses.
 */

/** The HAProxy version Fulcrum is compatible with; `.if version_atleast()` compares to it. */
export const COMPAT_VERSION = '2.6.12';

/** Build features reported by `feature()` and `-vv`. */
export const FEATURES = ['OPENSSL', 'TPROXY', 'LINUX_SPLICE', 'ZLIB', 'CPU_AFFINITY', 'PROMEX', 'GETADDRINFO', 'THREAD', 'BACKTRACE', 'POLL', 'EPOLL', 'PRCTL', 'ACCEPT4', 'SHM_OPEN'];

export type CondResult = { value: boolean; error?: undefined } | { value?: undefined; error: string };

function versionCmp(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const PREDICATES: Record<string, { args: number; fn: (a: string[], env: (n: string) => string | undefined) => boolean }> = {
  defined: { args: 1, fn: (a, env) => env(a[0]) !== undefined },
  feature: { args: 1, fn: (a) => FEATURES.includes(a[0].toUpperCase()) },
  streq: { args: 2, fn: (a) => a[0] === a[1] },
  strneq: { args: 2, fn: (a) => a[0] !== a[1] },
  strstr: { args: 2, fn: (a) => a[0].includes(a[1]) },
  version_atleast: { args: 1, fn: (a) => versionCmp(COMPAT_VERSION, a[0]) >= 0 },
  version_before: { args: 1, fn: (a) => versionCmp(COMPAT_VERSION, a[0]) < 0 },
  openssl_version_atleast: { args: 1, fn: (a) => versionCmp(process.versions.openssl ?? '0', a[0]) >= 0 },
  openssl_version_before: { args: 1, fn: (a) => versionCmp(process.versions.openssl ?? '0', a[0]) < 0 },
  ssllib_name_startswith: { args: 1, fn: (a) => 'OpenSSL'.toLowerCase().startsWith(a[0].toLowerCase()) },
  enabled: { args: 1, fn: (a) => ['POLL', 'EPOLL', 'THREADS', 'SPLICE', 'GETADDRINFO', 'REUSEPORT'].includes(a[0].toUpperCase()) },
};

/**
 * Evaluates a condition expression (the words after `.if`/`.elif`, or `-cc`'s argument).
 */
export function evaluateCondition(words: string[], env: (n: string) => string | undefined = (n) => process.env[n]): CondResult {
  const text = words.join(' ');
  let pos = 0;
  const skip = (): void => { while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t')) pos++; };
  const fail = (msg: string): never => { throw new CondError(msg); };

  function parseOr(): boolean {
    let v = parseAnd();
    skip();
    while (text.startsWith('||', pos)) {
      pos += 2;
      const r = parseAnd();
      v = v || r;
      skip();
    }
    return v;
  }
  function parseAnd(): boolean {
    let v = parseUnary();
    skip();
    while (text.startsWith('&&', pos)) {
      pos += 2;
      const r = parseUnary();
      v = v && r;
      skip();
    }
    return v;
  }
  function parseUnary(): boolean {
    skip();
    if (text[pos] === '!') { pos++; return !parseUnary(); }
    if (text[pos] === '(') {
      pos++;
      const v = parseOr();
      skip();
      if (text[pos] !== ')') fail(`expected ')' at position ${pos + 1}`);
      pos++;
      return v;
    }
    const num = /^-?\d+/.exec(text.slice(pos));
    if (num) { pos += num[0].length; return Number(num[0]) !== 0; }
    const name = /^[a-z_]+/.exec(text.slice(pos));
    if (!name) fail(`unparsable term at position ${pos + 1}: '${text.slice(pos)}'`);
    const pred = PREDICATES[name![0]];
    if (!pred) fail(`unknown term '${name![0]}' in condition`);
    pos += name![0].length;
    if (text[pos] !== '(') fail(`missing opening parenthesis after '${name![0]}'`);
    pos++;
    const args: string[] = [];
    let cur = '';
    while (pos < text.length && text[pos] !== ')') {
      if (text[pos] === ',') { args.push(cur.trim()); cur = ''; } else cur += text[pos];
      pos++;
    }
    if (text[pos] !== ')') fail(`missing closing parenthesis after '${name![0]}'`);
    pos++;
    if (cur.length > 0 || args.length > 0) args.push(cur.trim());
    if (args.length !== pred.args) fail(`'${name![0]}' expects ${pred.args} argument(s), got ${args.length}`);
    return pred.fn(args, env);
  }

  try {
    skip();
    if (pos >= text.length) return { error: 'empty condition' };
    const v = parseOr();
    skip();
    if (pos < text.length) return { error: `unexpected '${text.slice(pos)}' at end of condition` };
    return { value: v };
  } catch (e) {
    if (e instanceof CondError) return { error: e.message };
    throw e;
  }
}

class CondError extends Error {}
