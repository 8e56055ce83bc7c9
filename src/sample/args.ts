/**
 * Argument lists of fetches and converters: `hdr(host,1)`, `field(2,:)`,
 * `regsub("a,b",x,g)` (HAProxy: arg.c make_arg_list). Arguments are split on commas up to the
 * closing parenthesis; double or single quotes keep commas and parentheses; outside single
 * quotes a backslash escapes a backslash, a space or a quote (arg.c make_arg_list). Each argument is then checked against the keyword's
 * {@link ArgSpec} list, with HAProxy's error wording.
 */

/** Argument types, named as HAProxy names them in messages (arg_type_names). */
export type ArgType = 'int' | 'str' | 'reg' | 'be' | 'srv' | 'var';

const TYPE_NAMES: Record<ArgType, string> = {
  int: 'integer', str: 'string', reg: 'regex', be: 'backend', srv: 'server', var: 'string',
};

/** One declared argument. Optional arguments must come after mandatory ones. */
export interface ArgSpec {
  type: ArgType;
  optional?: boolean;
}

/** A parsed argument: integers are numbers; everything else is kept as text (compiled later). */
export type ArgValue = string | number;

export interface ParsedCall {
  /** Keyword name (before the parenthesis). */
  name: string;
  /** Raw argument words, unquoted; undefined when there were no parentheses. */
  raw?: string[];
  /** Index just after the closing parenthesis (or after the name). */
  end: number;
  error?: string;
  /** 1-based argument position the error refers to (HAProxy's "invalid arg N"). */
  errorPos?: number;
}

/**
 * Reads `name` or `name(args)` from `text` at `start`. The name ends at `(`, `,` or the end.
 * Returns the raw arguments; an unterminated list gives HAProxy's "expected ')'" message.
 */
export function readCall(text: string, start: number): ParsedCall {
  let i = start;
  while (i < text.length && text[i] !== '(' && text[i] !== ',') i++;
  const name = text.slice(start, i);
  if (text[i] !== '(') return { name, end: i };
  i++;
  const raw: string[] = [];
  let cur = '';
  let quote = '';
  for (; i < text.length; i++) {
    const c = text[i];
    // Outside single quotes a backslash escapes `\\`, space and quotes and knows \r \n \t;
    // any other backslash is kept (so regsub's `\1` reaches the substitution).
    if (c === '\\' && quote !== "'" && i + 1 < text.length) {
      const e = text[i + 1];
      if (e === '\\' || e === ' ' || e === '"' || e === "'") { cur += e; i++; continue; }
      if (e === 'r' || e === 'n' || e === 't') { cur += e === 'r' ? '\r' : e === 'n' ? '\n' : '\t'; i++; continue; }
      cur += c;
      continue;
    }
    if (quote) {
      if (c === quote) quote = '';
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") { quote = c; continue; }
    if (c === ',') { raw.push(cur); cur = ''; continue; }
    if (c === ')') {
      // `name()` is an empty list, not one empty argument.
      if (raw.length > 0 || cur.length > 0) raw.push(cur);
      return { name, raw, end: i + 1 };
    }
    cur += c;
  }
  return { name, raw, end: i, error: `expected ')'`, errorPos: raw.length + (cur.length > 0 ? 1 : 0) };
}

/**
 * Checks raw arguments against the specs. Returns the typed values or an error in HAProxy's
 * words: `failed to parse 'x' as type 'integer' at position 2`,
 * `missing arguments (got 1/2), type 'string' expected`,
 * `expected type 'integer' at position 1, but got nothing`, `expected ')' before ',2)'`.
 * `rest` is the text from the extra argument on, used for the "before" part.
 */
export function checkArgs(raw: string[] | undefined, specs: readonly ArgSpec[], rest: string): { values: ArgValue[]; error?: string; errorPos?: number } {
  const values: ArgValue[] = [];
  const given = raw ?? [];
  const mandatory = specs.filter((s) => !s.optional).length;
  if (given.length > specs.length) {
    // Point at the first extra argument as HAProxy does (the text from its comma on).
    let pos = 0;
    let depth = 0;
    for (let i = 0, n = 0; i < rest.length; i++) {
      if (rest[i] === '(') depth++;
      if (rest[i] === ',' && depth === 1) {
        n++;
        if (n === specs.length) { pos = i; break; }
      }
    }
    if (specs.length === 0) pos = rest.indexOf('(') + 1;
    return { values, error: `expected ')' before '${rest.slice(pos)}'`, errorPos: Math.max(1, specs.length) };
  }
  if (given.length < mandatory) {
    const spec = specs[given.length];
    if (given.length === 0) return { values, error: `expected type '${TYPE_NAMES[spec.type]}' at position 1, but got nothing`, errorPos: 1 };
    return { values, error: `missing arguments (got ${given.length}/${mandatory}), type '${TYPE_NAMES[spec.type]}' expected`, errorPos: given.length + 1 };
  }
  for (let i = 0; i < given.length; i++) {
    const spec = specs[i];
    const w = given[i];
    if (spec.type === 'int') {
      if (!/^[-+]?\d+$/.test(w)) return { values, error: `failed to parse '${w}' as type 'integer' at position ${i + 1}`, errorPos: i + 1 };
      values.push(Number(w));
    } else {
      values.push(w);
    }
  }
  return { values };
}
