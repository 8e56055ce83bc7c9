/**
 * Configuration diagnostics: every message a config run produces is collected here with its
 * origin, then printed in HAProxy's form by {@link formatDiagnostic}. Keyword handlers never
 * print and never throw for user errors: they call `ctx.error()` / `ctx.warning()`.
 */

export type Severity = 'alert' | 'warning' | 'notice' | 'diag';

/**
 * How the location is written. HAProxy 2.6 is not uniform and scripts grep these lines, so
 * each message keeps the form HAProxy uses for it:
 *  - `parsing`: `parsing [file:line] : msg` (keyword handlers, cfgparse.c's default);
 *  - `parsing-tight`: `parsing [file:line]: msg` (lexer errors, `.if` blocks, `setenv` ...);
 *  - `Parsing-tight`: `Parsing [file:line]: msg` (duplicate proxy names, proxy.c);
 *  - `bare`: `[file:line] : msg` (server lines, server.c's `parse_server`).
 */
export type DiagForm = 'parsing' | 'parsing-tight' | 'Parsing-tight' | 'bare';

export interface Diagnostic {
  severity: Severity;
  /** File the message refers to, or undefined for global messages ("config : ..."). */
  file?: string;
  line?: number;
  message: string;
  /** Location form (default `parsing`). */
  form?: DiagForm;
  /**
   * An alert that does not make the configuration invalid (HAProxy's ERR_ALERT without
   * ERR_FATAL, e.g. "'chroot' already specified. Continuing."): printed as [ALERT], neither an
   * error nor a warning for the verdict.
   */
  nonFatal?: boolean;
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];
  /**
   * Set when an error stopped parsing altogether (HAProxy's ERR_ABORT: a proxy section
   * without a name, a broken `.if`): `-c` then exits right after the per-file summary,
   * without the final "Fatal errors found" line, as HAProxy does.
   */
  aborted = false;
  /**
   * Index of the first item not to print: set by the global `quiet` keyword, after which
   * HAProxy prints nothing more (not even the closing alerts).
   */
  mutedFrom?: number;

  add(severity: Severity, message: string, file?: string, line?: number, form?: DiagForm): void {
    this.items.push(form ? { severity, message, file, line, form } : { severity, message, file, line });
  }
  alert(message: string, file?: string, line?: number, form?: DiagForm): void { this.add('alert', message, file, line, form); }
  warning(message: string, file?: string, line?: number, form?: DiagForm): void { this.add('warning', message, file, line, form); }
  notice(message: string, file?: string, line?: number, form?: DiagForm): void { this.add('notice', message, file, line, form); }
  /** Adds a non-fatal alert (see {@link Diagnostic.nonFatal}). */
  softAlert(message: string, file?: string, line?: number, form?: DiagForm): void {
    this.items.push({ severity: 'alert', message, file, line, form, nonFatal: true });
  }

  /** Fatal alerts: any makes the configuration invalid. */
  get errorCount(): number { return this.items.filter((d) => d.severity === 'alert' && !d.nonFatal).length; }
  /** Warnings (`-c` then prints "Warnings were found."; `-dW` fails). Non-fatal alerts are not warnings. */
  get warningCount(): number { return this.items.filter((d) => d.severity === 'warning').length; }
  /** Files with at least one alert located in them, in first-error order. */
  filesWithErrors(): string[] {
    const out: string[] = [];
    for (const d of this.items) if (d.severity === 'alert' && !d.nonFatal && d.file !== undefined && !out.includes(d.file)) out.push(d.file);
    return out;
  }
}

const LABEL: Record<Severity, string> = {
  alert: '[ALERT]   ',
  warning: '[WARNING] ',
  notice: '[NOTICE]  ',
  diag: '[DIAG]    ',
};

/**
 * HAProxy's stderr line prefix, e.g. `[WARNING]  (1234) : `. The label is padded to 10
 * characters then followed by a space, as in HAProxy's `ha_alert`/`ha_warning`.
 */
export function logPrefix(severity: Severity, pid: number = process.pid): string {
  return `${LABEL[severity]} (${pid}) : `;
}

const WHERE: Record<DiagForm, (loc: string) => string> = {
  parsing: (loc) => `parsing [${loc}] : `,
  'parsing-tight': (loc) => `parsing [${loc}]: `,
  'Parsing-tight': (loc) => `Parsing [${loc}]: `,
  bare: (loc) => `[${loc}] : `,
};

/**
 * Formats one diagnostic exactly as HAProxy 2.6 prints configuration messages:
 * `[ALERT]    (pid) : config : parsing [file:line] : message`.
 */
export function formatDiagnostic(d: Diagnostic, pid: number = process.pid): string {
  let where = '';
  if (d.file !== undefined) where = WHERE[d.form ?? 'parsing'](d.line !== undefined ? `${d.file}:${d.line}` : d.file);
  return `${logPrefix(d.severity, pid)}config : ${where}${d.message}`;
}
