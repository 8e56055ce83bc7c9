/**
 * Logging entry points called by the rest of Fulcrum:
 *  - {@link logStream}: the data plane calls it at the end of every stream / HTTP transaction;
 *  - {@link sendAdminLog}: how admin events (src/observe/events.ts) reach syslog and stderr;
 *  - {@link printStderr}: HAProxy-style `[ALERT]    (pid) : ...` lines for startup messages.
 */

import type { Instance } from '../process/instance';
import type { Proxy } from '../proxy/proxy';
import type { StreamRecord } from '../proxy/stream-record';
import { SEVERITY_CODE, type AdminEvent } from '../observe/events';
import { levelCode } from './levels';
import { renderLogFormat } from './format';
import { dispatch, logRuntime, proxyLogState } from './runtime';
import { adminEventStderr } from './stderr';
import { dateMs } from './dates';

export { printStderr, formatStderr, type StderrLabel } from './stderr';
export { DEFAULT_LOG_TAG } from './runtime';

/** Log messages dropped since start (failed or refused sends): `show info` DroppedLogs. */
export function droppedLogs(instance: Instance): number {
  return (instance.ext.log as { dropped?: number } | undefined)?.dropped ?? 0;
}

const LOG_INFO = 6;
const LOG_ERR = 3;

/**
 * True when the stream counts as an error for `option dontlog-normal` and
 * `option log-separate-errors` (HAProxy stream.c strm_log): an abnormal termination other
 * than a local one, a redispatch, retries, or an HTTP status >= 500.
 */
export function isErrorStream(rec: StreamRecord): boolean {
  const c = rec.termCause;
  if (c !== '-' && c !== 'L') return true;
  if (rec.redispatched) return true;
  if (c === '-' && rec.retries > 0) return true;
  return rec.isHttp && rec.status >= 500;
}

/**
 * The request's unique id (`unique-id-format`, HAProxy's %ID and `unique-id` fetch):
 * rendered once per transaction from the frontend's format and stored in `rec.uniqueId`;
 * later calls return the stored value. Undefined when the frontend has no unique-id-format.
 * The data plane calls it once the request head is parsed and, when
 * {@link uniqueIdHeader} names a header, adds `<header>: <id>` to the request. Never throws.
 */
export function uniqueId(instance: Instance, frontend: Proxy, rec: StreamRecord): string | undefined {
  if (rec.uniqueId !== undefined) return rec.uniqueId;
  try {
    const st = proxyLogState(instance, frontend);
    if (!st.uniqueId) return undefined;
    rec.uniqueId = renderLogFormat(st.uniqueId, rec, logRuntime(instance).env);
    return rec.uniqueId;
  } catch {
    return undefined;
  }
}

/** The header `unique-id-header` names for this frontend, or undefined. */
export function uniqueIdHeader(instance: Instance, frontend: Proxy): string | undefined {
  try {
    return proxyLogState(instance, frontend).uniqueIdHeader;
  } catch {
    return undefined;
  }
}

/** HAProxy's legacy line, used when a frontend has no log format (no option httplog/tcplog). */
function legacyLine(frontend: Proxy, rec: StreamRecord): string {
  return `Connect from ${rec.clientIp}:${rec.clientPort} to ${rec.frontendIp}:${rec.frontendPort} (${frontend.name}/${frontend.mode === 'http' ? 'HTTP' : 'TCP'})`;
}

/**
 * Renders the frontend's log format for rec and sends it to the frontend's log targets
 * (respecting `log global`, `no log`, `option dontlognull` (no data exchanged:
 * rec.bytesIn === 0 and no request), `option dontlog-normal`, `option log-separate-errors`,
 * rec.logLevel — `silent` drops the line). Traffic is logged at `info` (`err` for errors
 * with log-separate-errors). Must never throw.
 */
export function logStream(instance: Instance, frontend: Proxy, rec: StreamRecord): void {
  try {
    const st = proxyLogState(instance, frontend);
    if (st.loggers.length === 0) return;
    const opts = frontend.cfg.options;
    if (opts.dontlognull && rec.bytesIn === 0 && !rec.method) return;
    const err = isErrorStream(rec);
    if (!err && opts['dontlog-normal']) return;
    let level = err && opts['log-separate-errors'] ? LOG_ERR : LOG_INFO;
    if (rec.logLevel !== undefined) {
      if (rec.logLevel === 'silent') return;
      const l = levelCode(rec.logLevel);
      if (l >= 0) level = l;
    }
    const rt = logRuntime(instance);
    // The data plane normally computed it at request time; otherwise %ID is built now.
    if (st.uniqueId && rec.uniqueId === undefined) rec.uniqueId = renderLogFormat(st.uniqueId, rec, rt.env);
    rt.env.logCount = st.count++;
    const line = st.format ? renderLogFormat(st.format, rec, rt.env) : legacyLine(frontend, rec);
    const sd = st.sd ? renderLogFormat(st.sd, rec, rt.env) || '-' : '-';
    dispatch(st.loggers, level, st.identity, line, sd);
  } catch {
    // Logging must never break a stream; a rendering bug loses one line, not the process.
  }
}

/**
 * A connection that failed before it became a stream (TLS handshake): HAProxy's embryonic
 * session line `src:port [accept date] frontend/listener: message` (session_build_err_string),
 * at `info` (`err` with log-separate-errors), only when the frontend has a log format, as
 * HAProxy. `dontlognull` hides the connections closed before the handshake ended (`empty`:
 * HAProxy's SSL_EMPTY/SSL_ABORT), not the failed handshakes. Never throws.
 */
export function logEmbryonic(instance: Instance, frontend: Proxy, src: string, srcPort: number, acceptMs: number, listenerName: string, message: string, empty: boolean): void {
  try {
    const st = proxyLogState(instance, frontend);
    if (st.loggers.length === 0 || !st.format) return;
    const opts = frontend.cfg.options;
    if (empty && opts.dontlognull) return;
    const level = opts['log-separate-errors'] ? LOG_ERR : LOG_INFO;
    dispatch(st.loggers, level, st.identity, `${src}:${srcPort} [${dateMs(acceptMs)}] ${frontend.name}/${listenerName}: ${message}`);
  } catch {
    // never throw into the listener
  }
}

/**
 * Sends an admin event to syslog — to the named proxy's loggers when the proxy exists
 * (HAProxy's send_log(px, ...): nothing when that proxy has no `log` line), else to the
 * global loggers — and prints it on stderr when the process is in the foreground and not
 * quiet. Never throws.
 */
export function sendAdminLog(instance: Instance, ev: AdminEvent): void {
  try {
    const rt = logRuntime(instance);
    const px = ev.proxy !== undefined ? instance.findProxy(ev.proxy) : undefined;
    if (px) {
      const st = proxyLogState(instance, px);
      dispatch(st.loggers, SEVERITY_CODE[ev.severity], st.identity, ev.message);
    } else {
      dispatch(rt.global, SEVERITY_CODE[ev.severity], rt.globalIdentity, ev.message);
    }
    if (rt.eventsToStderr) {
      const line = adminEventStderr(ev, instance.pid);
      if (line !== null) process.stderr.write(line);
    }
  } catch {
    // never throw into the caller (server state changes, CLI commands)
  }
}
