/**
 * Configuration diagnostics: every message a config run produces is collected here with its
 * origin, then printed in HAProxy's form by {@link formatDiagnostic}. Keyword handlers never
 * print and never throw for user errors: they call `ctx.error()` / `ctx.warn()`.
 */

export type Severity = 'alert' | 'warning' | 'notice' | 'diag';

export interface Diagnostic {
  severity: Severity;
  /** File the message refers to, or undefined for global messages ("config : ..."). */
  file?: string;
  line?: number;
  message: string;
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];

  add(severity: Severity, message: string, file?: string, line?: number): void {
    this.items.push({ severity, message, file, line });
  }
  alert(message: string, file?: string, line?: number): void { this.add('alert', message, file, line); }
  warning(message: string, file?: string, line?: number): void { this.add('warning', message, file, line); }
  notice(message: string, file?: string, line?: number): void { this.add('notice', message, file, line); }

  get errorCount(): number { return this.items.filter((d) => d.severity === 'alert').length; }
  get warningCount(): number { return this.items.filter((d) => d.severity === 'warning').length; }
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

/**
 * Formats one diagnostic exactly as HAProxy 2.6 prints configuration messages:
 * `[ALERT]    (pid) : config : parsing [file:line] : message`.
 */
export function formatDiagnostic(d: Diagnostic, pid: number = process.pid): string {
  const where = d.file !== undefined
    ? (d.line !== undefined ? `parsing [${d.file}:${d.line}] : ` : `parsing [${d.file}] : `)
    : '';
  return `${logPrefix(d.severity, pid)}config : ${where}${d.message}`;
}
