/**
 * HAProxy's stderr messages: `[ALERT]    (pid) : msg`, `[WARNING]  (pid) : msg`,
 * `[NOTICE]   (pid) : msg` (ha_alert / ha_warning / ha_notice). Used for admin events when
 * the process is not daemonized, for log sink failures, and by any code that needs to print
 * a startup alert the HAProxy way.
 */

import { logPrefix } from '../config/diagnostics';
import type { AdminEvent, Severity } from '../observe/events';

/** HAProxy's stderr message kinds (ha_alert / ha_warning / ha_notice). */
export type StderrLabel = 'alert' | 'warning' | 'notice';

/** Default stderr label of an admin event by syslog severity (null: not printed). */
export const STDERR_LABEL_BY_SEVERITY: Readonly<Record<Severity, StderrLabel | null>> = {
  emerg: 'alert', // "backend X has no server available!"
  alert: 'warning', // server DOWN: HAProxy uses ha_warning() with send_log(LOG_ALERT)
  crit: 'alert',
  err: 'alert',
  warning: 'warning',
  notice: 'warning', // server UP / admin state changes: ha_warning() with send_log(LOG_NOTICE)
  info: null,
  debug: null,
};

/** The full stderr line (with `\n`) for a message. */
export function formatStderr(label: StderrLabel, message: string, pid: number = process.pid): string {
  return `${logPrefix(label, pid)}${message}\n`;
}

/**
 * Prints `[ALERT]    (pid) : message` (or WARNING/NOTICE) on stderr. Never throws (a closed
 * stderr in daemon mode is ignored).
 */
export function printStderr(label: StderrLabel, message: string, pid: number = process.pid): void {
  try {
    process.stderr.write(formatStderr(label, message, pid));
  } catch { /* stderr closed */ }
}

/** The stderr line for an admin event, or null when it is not printed. */
export function adminEventStderr(ev: AdminEvent, pid: number = process.pid): string | null {
  if (ev.stderr === false) return null;
  const label = ev.stderr ? ev.stderr.label : STDERR_LABEL_BY_SEVERITY[ev.severity];
  if (!label) return null;
  return formatStderr(label, ev.stderr?.message ?? ev.message, pid);
}
