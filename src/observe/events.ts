/**
 * Process-wide event log: the one place runtime code reports state changes and alerts.
 * log/ subscribes a sink that writes them to syslog targets and, when not daemonized, to
 * stderr in HAProxy's `[WARNING]  (pid) : message` form. Levels are syslog severities.
 */

export type Severity = 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug';

export const SEVERITY_CODE: Record<Severity, number> = {
  emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7,
};

export interface AdminEvent {
  severity: Severity;
  message: string;
  /** Name of the proxy the event is about; its `log` targets receive it (else global ones). */
  proxy?: string;
  /**
   * How the event appears on stderr when not daemonized (HAProxy prints ha_alert/ha_warning
   * independently of the syslog severity). Undefined: log/ derives it from the severity
   * (emerg/crit/err -> [ALERT], alert/warning/notice -> [WARNING], info/debug -> none).
   */
  stderr?: AdminEventStderr;
}

/** Stderr rendering of an event: a label and optionally a different text, or `false` for none. */
export type AdminEventStderr = false | { label: 'alert' | 'warning' | 'notice'; message?: string };

export type AdminEventSink = (ev: AdminEvent) => void;

const sinks: AdminEventSink[] = [];

/** Adds a sink; returns a function that removes it. */
export function subscribeAdminEvents(sink: AdminEventSink): () => void {
  sinks.push(sink);
  return () => {
    const i = sinks.indexOf(sink);
    if (i >= 0) sinks.splice(i, 1);
  };
}

/** Reports an event to every sink (no sink: nothing happens). */
export function emitAdminEvent(severity: Severity, message: string, proxy?: string, stderr?: AdminEventStderr): void {
  const ev: AdminEvent = stderr === undefined ? { severity, message, proxy } : { severity, message, proxy, stderr };
  for (const s of sinks) s(ev);
}
