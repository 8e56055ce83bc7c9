/**
 * Syslog framing (HAProxy log.c): turns a rendered message into the datagram / line a log
 * target receives, for each `format` of the `log` keyword. Observed on HAProxy 2.6.12
 * (facility local0, level info, tag haproxy, pid 7590):
 *
 *   local     <134>Nov 26 21:19:18 haproxy[7590]: MSG\n           (default: RFC3164 without hostname)
 *   rfc3164   <134>Nov 26 21:19:18 localhost haproxy[7590]: MSG\n (hostname from log-send-hostname, else "localhost")
 *   rfc5424   <134>1 2026-11-26T21:19:18.103141+00:00 - haproxy 7590 - - MSG\n
 *   short     <6>MSG\n            priority  <134>MSG\n
 *   timed     <6>2026-11-26T21:19:18.103159+00:00 MSG\n
 *   iso       2026-11-26T21:19:18.103163+00:00 MSG\n            raw  MSG\n
 *
 * `len N` truncates everything before the final newline to N bytes (header included).
 */

import { monthAbbrev, pad2 } from './dates';

/** The `format` names accepted by `log ... format <fmt>`. */
export const SYSLOG_FORMATS = ['local', 'rfc3164', 'rfc5424', 'short', 'priority', 'timed', 'iso', 'raw'] as const;
/** One of {@link SYSLOG_FORMATS}. */
export type SyslogFormat = typeof SYSLOG_FORMATS[number];

/** Who is speaking: the syslog tag, the pid, and the hostname when `log-send-hostname` is set. */
export interface SyslogIdentity {
  tag: string;
  pid: number;
  /** Hostname to send (log-send-hostname), or undefined when not configured. */
  hostname?: string;
}

// Header date caches: the RFC3164 stamp changes once a second, so it is built once per second.
let bsdSecond = -1;
let bsdStamp = '';
let isoSecond = -1;
let isoPrefix = '';
let isoZone = '';

/** `Mmm dd HH:MM:SS` in local time, day space-padded (RFC3164 §4.1.2), cached per second. */
export function bsdTimestamp(nowMs: number): string {
  const sec = Math.floor(nowMs / 1000);
  if (sec !== bsdSecond) {
    const d = new Date(sec * 1000);
    const day = d.getDate();
    bsdStamp = `${monthAbbrev(d.getMonth())} ${day < 10 ? ' ' + day : day} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
    bsdSecond = sec;
  }
  return bsdStamp;
}

/** `yyyy-mm-ddTHH:MM:SS.uuuuuu+hh:mm` in local time (RFC5424 §6.2.3), microseconds from `nowUs`. */
export function isoTimestamp(nowUs: number): string {
  const sec = Math.floor(nowUs / 1e6);
  if (sec !== isoSecond) {
    const d = new Date(sec * 1000);
    isoPrefix = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.`;
    const off = -d.getTimezoneOffset();
    const a = Math.abs(off);
    isoZone = `${off < 0 ? '-' : '+'}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
    isoSecond = sec;
  }
  const us = Math.floor(nowUs - sec * 1e6);
  return isoPrefix + String(us).padStart(6, '0') + isoZone;
}

/** Wall-clock microseconds (Date.now() only has milliseconds). */
export function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/** Builds the text placed before the message; `pri` is facility * 8 + level. */
type HeaderBuilder = (pri: number, level: number, id: SyslogIdentity, nowUs: number, sd: string) => string;

/**
 * The header of each framing format (HAProxy log.c __send_log), one entry per `format`.
 * `local` with a configured hostname is sent as rfc3164, as HAProxy documents.
 */
const HEADERS: Readonly<Record<SyslogFormat, HeaderBuilder>> = {
  local: (pri, _l, id, us) => (id.hostname === undefined
    ? `<${pri}>${bsdTimestamp(us / 1000)} ${id.tag}[${id.pid}]: `
    : `<${pri}>${bsdTimestamp(us / 1000)} ${id.hostname} ${id.tag}[${id.pid}]: `),
  rfc3164: (pri, _l, id, us) => `<${pri}>${bsdTimestamp(us / 1000)} ${id.hostname ?? 'localhost'} ${id.tag}[${id.pid}]: `,
  rfc5424: (pri, _l, id, us, sd) => `<${pri}>1 ${isoTimestamp(us)} ${id.hostname || '-'} ${id.tag} ${id.pid} - ${sd} `,
  short: (_p, level) => `<${level}>`,
  priority: (pri) => `<${pri}>`,
  timed: (_p, level, _id, us) => `<${level}>${isoTimestamp(us)} `,
  iso: (_p, _l, _id, us) => `${isoTimestamp(us)} `,
  raw: () => '',
};

/**
 * The header placed before the message for `format` (everything up to the message).
 * @param facility facility code 0..23; @param level severity code 0..7; `sd` is the RFC5424
 * structured-data element (`-` when none).
 */
export function syslogHeader(format: SyslogFormat, facility: number, level: number, id: SyslogIdentity, nowUs: number, sd = '-'): string {
  return HEADERS[format](facility * 8 + level, level, id, nowUs, sd);
}

/**
 * The complete datagram: header + message, cut to `maxLength` bytes, then `\n`.
 * Never throws; a cut in the middle of a UTF-8 sequence is possible, as in HAProxy.
 */
export function frameMessage(format: SyslogFormat, facility: number, level: number, id: SyslogIdentity,
  message: string, maxLength: number, nowUs = nowMicros(), sd = '-'): Buffer {
  const text = syslogHeader(format, facility, level, id, nowUs, sd) + message;
  // Fast path: ASCII-only text of acceptable length needs no byte counting.
  if (text.length <= maxLength && Buffer.byteLength(text) <= maxLength) return Buffer.from(text + '\n');
  const b = Buffer.from(text);
  const out = Buffer.allocUnsafe(Math.min(b.length, maxLength) + 1);
  b.copy(out, 0, 0, out.length - 1);
  out[out.length - 1] = 0x0a;
  return out;
}
