/**
 * Printing configuration diagnostics the way HAProxy 2.6 does on stderr: two NOTICE lines
 * (version, executable) before the first message, `.diag` messages only in diagnostic
 * mode, nothing at all in quiet mode.
 */

import { formatDiagnostic, logPrefix, type Diagnostics } from '../config/diagnostics';
import { COMPAT_VERSION } from '../config/conditions';
import { FULCRUM_VERSION } from './version';

export interface Reporter {
  /** Prints the diagnostics added since the last call. */
  flush(diag: Diagnostics): void;
  /** Prints one global alert line (`[ALERT]    (pid) : config : msg` when `config`). */
  alert(message: string, config?: boolean): void;
}

/** Creates a reporter writing to `out` (stderr by default). */
export function createReporter(opts: { quiet: boolean; diagnostic: boolean; out?: (s: string) => void }): Reporter {
  const out = opts.out ?? ((s: string) => { process.stderr.write(s); });
  let printed = 0;
  let headerDone = false;
  /** Set once the configuration asked for silence (global `quiet`): later alerts are dropped too. */
  let muted = false;
  const header = (): void => {
    if (headerDone) return;
    headerDone = true;
    out(`${logPrefix('notice')}haproxy version is ${COMPAT_VERSION} (Fulcrum ${FULCRUM_VERSION})\n`);
    out(`${logPrefix('notice')}path to executable is ${process.argv[1] ?? process.execPath}\n`);
  };
  return {
    flush(diag) {
      if (diag.mutedFrom !== undefined) muted = true;
      for (; printed < diag.items.length; printed++) {
        const d = diag.items[printed];
        if (opts.quiet || (diag.mutedFrom !== undefined && printed >= diag.mutedFrom)) continue;
        if (d.severity === 'diag' && !opts.diagnostic) continue;
        header();
        out(formatDiagnostic(d) + '\n');
      }
    },
    alert(message, config = true) {
      if (opts.quiet || muted) return;
      header();
      out(`${logPrefix('alert')}${config ? 'config : ' : ''}${message}\n`);
    },
  };
}
