/**
 * Splits one configuration line into words as HAProxy's parse_line() does
 * (configuration.txt §2.2 "Quoting and escaping", §2.3 "Environment variables"):
 *  - words are separated by spaces or tabs; `#` outside quotes starts a comment;
 *  - backslash escapes one character (`\ `, `\#`, `\\`, `\'`, `\"`) and knows `\r \n \t \xNN`;
 *  - inside "double quotes" spaces are kept, escapes work and `$VAR`, `${VAR}` and
 *    `${VAR-default}` are replaced from the environment (`env`, which the parser extends
 *    with the pseudo-variables `.FILE`, `.LINE` and `.SECTION`);
 *  - inside 'single quotes' everything is literal;
 *  - `""` or `''` alone produce an empty word.
 * Pure function: no I/O.
 */

export interface LexResult {
  words: string[];
  /** Set when the line is malformed (unmatched quote, bad escape); words are then partial. */
  error?: string;
  /** 0-based index in the line of the character the error points at (HAProxy's caret). */
  errorIndex?: number;
  /** 0-based index in the line where each word starts (same length as `words`). */
  starts: number[];
}

export type EnvLookup = (name: string) => string | undefined;

const defaultEnv: EnvLookup = (name) => process.env[name];

function isNameChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_';
}

/** Splits `line` into words. See the module comment for the rules. */
export function lexLine(line: string, env: EnvLookup = defaultEnv): LexResult {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | '' = '';
  let quoteStart = 0;
  const starts: number[] = [];
  const begin = (at: number): void => { if (!inWord) starts.push(at); };
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") { quote = ''; i++; continue; }
      cur += c; i++; continue;
    }
    if (c === '\\') {
      // A trailing backslash has nothing to escape: HAProxy keeps it as is.
      if (i + 1 >= n) { begin(i); cur += c; inWord = true; i++; continue; }
      const e = line[i + 1];
      begin(i);
      inWord = true;
      if (e === 'r') { cur += '\r'; i += 2; continue; }
      if (e === 'n') { cur += '\n'; i += 2; continue; }
      if (e === 't') { cur += '\t'; i += 2; continue; }
      if (e === 'x') {
        const hex = line.slice(i + 2, i + 4);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) return { words, starts, error: 'truncated or invalid hexadecimal sequence', errorIndex: i };
        cur += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        continue;
      }
      if (e === ' ' || e === '#' || e === '\\' || e === "'" || e === '"' || e === '\t' || e === '$') { cur += e; i += 2; continue; }
      // HAProxy keeps unknown escapes verbatim (regexes rely on it: `\.`, `\d`).
      cur += c + e;
      i += 2;
      continue;
    }
    if (quote === '"') {
      if (c === '"') { quote = ''; i++; continue; }
      if (c === '$') {
        const r = expandVar(line, i, env);
        if (r.error) return { words, starts, error: r.error, errorIndex: r.errorIndex };
        if (r.consumed > 0) { cur += r.value; i += r.consumed; continue; }
      }
      cur += c; i++; continue;
    }
    if (c === '"' || c === "'") { begin(i); quote = c; quoteStart = i; inWord = true; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inWord) { words.push(cur); cur = ''; inWord = false; }
      i++;
      continue;
    }
    if (c === '#') break;
    begin(i);
    cur += c;
    inWord = true;
    i++;
  }
  if (quote) return { words, starts, error: 'unmatched quote', errorIndex: quoteStart };
  if (inWord) words.push(cur);
  return { words, starts };
}

/** Expands `$NAME`, `${NAME}` or `${NAME-default}` at line[i] (which is '$'). */
function expandVar(line: string, i: number, env: EnvLookup): { value: string; consumed: number; error?: string; errorIndex?: number } {
  if (line[i + 1] === '{') {
    // Messages and positions as HAProxy's parse_line() (PARSE_ERR_BRACE, PARSE_ERR_VARNAME).
    // `${.FILE}`, `${.LINE}`, `${.SECTION}` are the parser's pseudo-variables (§2.3).
    if (!/[A-Za-z_.]/.test(line[i + 2] ?? '')) return { value: '', consumed: 0, error: 'forbidden first char in environment variable name', errorIndex: i + 2 };
    const close = line.indexOf('}', i + 2);
    if (close < 0) return { value: '', consumed: 0, error: 'unmatched brace in environment variable name', errorIndex: i + 1 };
    const body = line.slice(i + 2, close);
    const dash = body.indexOf('-');
    const name = dash >= 0 ? body.slice(0, dash) : body;
    if (!/^\.?[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { value: '', consumed: 0, error: 'unmatched brace in environment variable name', errorIndex: i + 1 };
    let v = env(name);
    if (v === undefined && dash >= 0) v = body.slice(dash + 1);
    return { value: v ?? '', consumed: close - i + 1 };
  }
  // Inside double quotes a `$` must start a variable name (HAProxy: PARSE_ERR_VARNAME).
  if (!/[A-Za-z_]/.test(line[i + 1] ?? '')) return { value: '', consumed: 0, error: 'forbidden first char in environment variable name', errorIndex: i + 1 };
  let j = i + 1;
  while (j < line.length && isNameChar(line[j])) j++;
  return { value: env(line.slice(i + 1, j)) ?? '', consumed: j - i };
}
