/**
 * Entry point of a worker started by the master (src/process/master.ts): same command-line
 * arguments as the master, $FULCRUM_MWORKER set to the master's PID, the listening sockets
 * inherited ($FULCRUM_LISTEN_FDS). Loads the configuration again (the master already
 * printed its warnings: only errors are shown here), then runs the server; runServer()
 * drops privileges and tells the master when it serves. Master-only flags (-D, -p, -sf,
 * -st, -S, -x, -C) are the master's business and ignored here.
 */

import '../modules';
import { parseArgs } from '../cli/args';
import { createReporter } from '../cli/report';
import { Diagnostics } from '../config/diagnostics';
import { parseFiles, expandConfigPaths } from '../config/parser';
import { validateConfig } from '../config/validate';
import { isFrontend } from '../config/model';
import { runServer } from './run';
import { processExt } from './keywords';
import { hostname } from 'node:os';

async function workerMain(argv: string[]): Promise<void> {
  const parsed = parseArgs(argv);
  if (!parsed.options) throw new Error(parsed.error);
  const o = parsed.options;
  const rep = createReporter({ quiet: o.quiet, diagnostic: o.diagnostic });
  const diag = new Diagnostics();
  const paths = expandConfigPaths(o.configPaths, diag);
  const { config } = diag.errorCount > 0 ? { config: undefined } : parseFiles(paths, diag);
  if (config && diag.errorCount === 0 && !diag.aborted) validateConfig(config, diag);
  if (!config || diag.errorCount > 0 || diag.aborted) {
    rep.flush(diag);
    rep.alert('Fatal errors found in configuration.');
    process.exit(1);
  }
  if (o.maxconn !== undefined) config.global.maxconn = o.maxconn;
  if (o.defaultMaxconn !== undefined) {
    for (const p of config.proxies) if (isFrontend(p) && p.maxconn === 0) p.maxconn = o.defaultMaxconn;
  }
  await runServer(config, {
    foreground: true, quiet: o.quiet, debug: o.debug,
    localPeer: o.localPeer ?? processExt(config.global).localPeer ?? hostname(),
    configFiles: o.configPaths, masterWorker: true, pidfile: config.global.pidfile,
    diagnostic: o.diagnostic, ignoreResolveErrors: o.ignoreResolveErrors, noServerVerify: o.noServerVerify,
    memoryLimitMb: o.memoryLimitMb,
  });
}

workerMain(process.argv.slice(2)).catch((e: Error) => {
  process.stderr.write(`[ALERT]    (${process.pid}) : worker failed to start: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
