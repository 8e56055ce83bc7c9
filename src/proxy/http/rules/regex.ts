/**
 * Regular expressions of rule arguments (HAProxy compiles them with PCRE; JavaScript's
 * syntax covers the forms used in practice) and `\N` back-reference expansion in the
 * replacement format (HAProxy's exp_replace()).
 */

/** Compiles a rule regex; returns the error text when invalid. */
export function compileRegex(src: string, icase: boolean): RegExp | string {
  try {
    return new RegExp(src, icase ? 'i' : '');
  } catch (e) {
    return `regex '${src}' is invalid (error=${(e as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
}

/**
 * Expands `\0`..`\9` in `fmt` with the match groups (absent groups expand to nothing);
 * `\\` gives a backslash, other escapes stay as written.
 */
export function expandRefs(fmt: string, m: RegExpExecArray): string {
  if (!fmt.includes('\\')) return fmt;
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c === '\\' && i + 1 < fmt.length) {
      const d = fmt.charCodeAt(i + 1);
      if (d >= 48 && d <= 57) { out += m[d - 48] ?? ''; i++; continue; }
      if (fmt[i + 1] === '\\') { out += '\\'; i++; continue; }
    }
    out += c;
  }
  return out;
}
