/**
 * Syslog facilities and severities with HAProxy's names (log.c log_facilities[] /
 * log_levels[]): the index is the numeric code, so PRI = facility * 8 + severity.
 */

/** The 24 facilities in code order (`daemon` = 3, `local0` = 16, `local7` = 23). */
export const FACILITIES: readonly string[] = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news',
  'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit', 'alert', 'cron2',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];

/** The 8 severities in code order (`emerg` = 0 ... `debug` = 7). */
export const LEVELS: readonly string[] = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

/** Facility code for a name, or -1 when unknown. */
export function facilityCode(name: string): number { return FACILITIES.indexOf(name); }

/** Severity code for a name, or -1 when unknown. */
export function levelCode(name: string): number { return LEVELS.indexOf(name); }
