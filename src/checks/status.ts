/**
 * The one table of health-check statuses (HAProxy 2.6: check.c `check_statuses[]`).
 * Stats (`check_status`, `check_desc`), the `Server ... is DOWN, reason: ...` lines and the
 * `option log-health-checks` lines all read from here; nothing else spells these words.
 */

/** What a finished check means for the health counter (HAProxy CHK_RES_*). */
export type CheckResult = 'unknown' | 'neutral' | 'failed' | 'passed' | 'condpass';

/** One row of the table. */
export interface CheckStatusDef {
  /** HAProxy 2.6's enum value (HCHK_STATUS_*), printed by `show servers state` (srv_check_status). */
  readonly code: number;
  /** Short name shown in stats (`check_status`), e.g. `L4CON`. */
  readonly name: string;
  /** Long description used after `reason:` and in `check_desc`. */
  readonly desc: string;
  readonly result: CheckResult;
  /**
   * HAProxy prints `, code: N` only for statuses after HCHK_STATUS_L57DATA (layer 5-7
   * results that carry a protocol code: L7OK, L7OKC, L7STS and the external-check ones).
   */
  readonly hasCode: boolean;
}

/** Status keys, in HAProxy's enum order. */
export type CheckStatus =
  | 'UNK' | 'INI' | 'CHECKED' | 'HANA' | 'SOCKERR' | 'L4OK' | 'L4TOUT' | 'L4CON' | 'L6OK' | 'L6TOUT' | 'L6RSP'
  | 'L7TOUT' | 'L7RSP' | 'L7OK' | 'L7OKC' | 'L7STS' | 'PROCERR' | 'PROCTOUT' | 'PROCOK';

function row(code: number, name: string, result: CheckResult, desc: string, hasCode = false): CheckStatusDef {
  return { code, name, desc, result, hasCode };
}

/** The table itself, keyed by short name. */
export const CHECK_STATUSES: Readonly<Record<CheckStatus, CheckStatusDef>> = {
  UNK: row(0, 'UNK', 'unknown', 'Unknown'),
  INI: row(1, 'INI', 'unknown', 'Initializing'),
  // 2 is HCHK_STATUS_START, an internal marker with no row.
  CHECKED: row(3, 'CHECKED', 'neutral', 'No status change'),
  HANA: row(4, 'HANA', 'failed', 'Health analyze'),
  SOCKERR: row(5, 'SOCKERR', 'failed', 'Socket error'),
  L4OK: row(6, 'L4OK', 'passed', 'Layer4 check passed'),
  L4TOUT: row(7, 'L4TOUT', 'failed', 'Layer4 timeout'),
  L4CON: row(8, 'L4CON', 'failed', 'Layer4 connection problem'),
  L6OK: row(9, 'L6OK', 'passed', 'Layer6 check passed'),
  L6TOUT: row(10, 'L6TOUT', 'failed', 'Layer6 timeout'),
  L6RSP: row(11, 'L6RSP', 'failed', 'Layer6 invalid response'),
  L7TOUT: row(12, 'L7TOUT', 'failed', 'Layer7 timeout'),
  L7RSP: row(13, 'L7RSP', 'failed', 'Layer7 invalid response'),
  // --- 14 is HCHK_STATUS_L57DATA: the statuses below print `code: N` ---
  L7OK: row(15, 'L7OK', 'passed', 'Layer7 check passed', true),
  L7OKC: row(16, 'L7OKC', 'condpass', 'Layer7 check conditionally passed', true),
  L7STS: row(17, 'L7STS', 'failed', 'Layer7 wrong status', true),
  PROCERR: row(18, 'PROCERR', 'failed', 'External check error', true),
  PROCTOUT: row(19, 'PROCTOUT', 'failed', 'External check timeout', true),
  PROCOK: row(20, 'PROCOK', 'passed', 'External check passed', true),
};

/** HAProxy CHK_RES_* values (`show servers state` srv_check_result). */
export const CHECK_RESULT_CODE: Readonly<Record<CheckResult, number>> = {
  unknown: 0, neutral: 1, failed: 2, passed: 3, condpass: 4,
};

/** True when `s` names a row of the table (config values such as `error-status L7RSP`). */
export function isCheckStatus(s: string): s is CheckStatus {
  return Object.prototype.hasOwnProperty.call(CHECK_STATUSES, s);
}

/**
 * Descriptions of passive health analysis events (`observe layer4|layer7`), HAProxy's
 * `analyze_statuses[]`: which observe mode counts the event as an error (1), a success (2)
 * or ignores it (0), as [layer4, layer7].
 */
export const ANALYZE_STATUSES = {
  L4_OK: { desc: 'L4 successful connection', lr: [2, 0] },
  L4_ERR: { desc: 'L4 unsuccessful connection', lr: [1, 1] },
  HTTP_OK: { desc: 'Correct http response', lr: [0, 2] },
  HTTP_STS: { desc: 'Wrong http response', lr: [0, 1] },
  HTTP_HDRRSP: { desc: 'Invalid http response (headers)', lr: [0, 1] },
  HTTP_RSP: { desc: 'Invalid http response', lr: [0, 1] },
  HTTP_READ_ERROR: { desc: 'Read error (http)', lr: [0, 1] },
  HTTP_READ_TIMEOUT: { desc: 'Read timeout (http)', lr: [0, 1] },
  HTTP_BROKEN_PIPE: { desc: 'Close from server (http)', lr: [0, 1] },
} as const;

/** Kinds of passive events the data plane reports (keys of {@link ANALYZE_STATUSES}). */
export type AnalyzeStatus = keyof typeof ANALYZE_STATUSES;
