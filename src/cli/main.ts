/**
 * Command-line entry (haproxy-compatible flags). Parses argv, loads and validates the
 * configuration, then hands over to process/run.ts. Exit codes follow HAProxy: 0 ok,
 * 1 configuration or usage error.
 */

import '../modules';
import { parseFiles, expandConfigPaths } from '../config/parser';
import { Diagnostics, formatDiagnostic } from '../config/diagnostics';
import { validateConfig } from '../config/validate';
import { runServer } from '../process/run';

export function main(argv: string[]): void {
  const files: string[] = [];
  let checkOnly = false;
  let foreground = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-f') files.push(argv[++i]);
    else if (a === '-c') checkOnly = true;
    else if (a === '-db' || a === '-d') foreground = true;
  }
  const diag = new Diagnostics();
  const paths = expandConfigPaths(files, diag);
  const { config } = parseFiles(paths, diag);
  if (diag.errorCount === 0) validateConfig(config, diag);
  for (const d of diag.items) process.stderr.write(formatDiagnostic(d) + '\n');
  if (diag.errorCount > 0) {
    process.stderr.write(`[ALERT]    (${process.pid}) : config : Fatal errors found in configuration.\n`);
    process.exit(1);
  }
  if (checkOnly) {
    process.stdout.write('Configuration file is valid\n');
    process.exit(0);
  }
  void runServer(config, { foreground, quiet: false, debug: false, localPeer: '', configFiles: paths });
}
