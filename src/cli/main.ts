/**
 * Command-line entry (haproxy-compatible flags, management.txt §3; every flag is listed in
 * docs/cli.md). Parses argv, loads and checks the configuration, reports like HAProxy 2.6
 * and hands over to process/run.ts, in the foreground or as a detached daemon. Exit codes
 * follow HAProxy: 0 ok, 1 configuration or usage error, 2 for `-c` without any listener
 * and for a `-cc` expression that cannot be parsed.
 */

import { basename } from 'node:path';
import { hostname } from 'node:os';
import { parseFiles, expandConfigPaths } from '../config/parser';
import { Diagnostics } from '../config/diagnostics';
import { validateConfig } from '../config/validate';
import { evaluateCondition } from '../config/conditions';
import { dumpKeywords } from '../config/registry';
import { allCliCommands } from '../runtime/registry';
import { converterNames, fetchNames } from '../sample/registry';
import { isFrontend, type Config } from '../config/model';
import type { InstanceOptions } from '../process/instance';
import { processExt } from '../process/keywords';
import { parseArgs, wantsDaemon, type CliOptions } from './args';
import { buildInfoLines, usageLines, versionLines } from './version';
import { createReporter, type Reporter } from './report';
import { daemonReady, isDaemonChild, spawnDaemon, writePidfile } from './daemon';

const print = (lines: string[]): void => { process.stdout.write(lines.map((l) => l + '\n').join('')); };

/** HAProxy prints its version on stdout then the usage on stderr, and exits 1. */
function usage(): never {
  print(versionLines());
  process.stderr.write(usageLines(basename(process.argv[1] ?? 'fulcrum')).map((l) => l + '\n').join(''));
  process.exit(1);
}

/** `-dK` classes (HAProxy's names): description and how to list that class's keywords. */
const KEYWORD_CLASSES: Record<string, { what: string; dump: () => string[] }> = {
  cfg: { what: 'configuration keywords', dump: () => ['# List of registered configuration keywords:', ...dumpKeywords()] },
  cli: { what: 'CLI keywords', dump: () => ['# List of registered CLI keywords:', ...allCliCommands().map((c) => `\t${c.words.join(' ')}`)] },
  cnv: { what: 'sample converter keywords', dump: () => ['# List of registered sample converter functions:', ...converterNames().sort().map((n) => `\t${n}`)] },
  smp: { what: 'sample fetch functions', dump: () => ['# List of registered sample fetch functions:', ...fetchNames().sort().map((n) => `\t${n}`)] },
};

function dumpKeywordClasses(classes: string[]): void {
  if (classes.includes('help')) {
    print(['# List of supported keyword classes:', 'all: list all keywords', ...Object.entries(KEYWORD_CLASSES).map(([k, v]) => `${k}: ${v.what}`)]);
    return;
  }
  for (const [name, c] of Object.entries(KEYWORD_CLASSES)) if (classes.includes('all') || classes.includes(name)) print(c.dump());
}

/** Number of listening sockets the configuration declares (binds of enabled frontends, stats sockets). */
function listenerCount(config: Config): number {
  let n = config.global.statsSockets.length;
  for (const p of config.proxies) if (isFrontend(p) && !p.disabled) n += p.binds.length;
  return n;
}

/** Applies command-line overrides onto the parsed configuration (they win over the file). */
function applyOverrides(config: Config, o: CliOptions): void {
  if (o.maxconn !== undefined) config.global.maxconn = o.maxconn;
  if (o.defaultMaxconn !== undefined) {
    // -N: default maxconn of frontends that set none (HAProxy's cfg_maxpconn).
    for (const p of config.proxies) if (isFrontend(p) && p.maxconn === 0) p.maxconn = o.defaultMaxconn;
  }
  if (o.pidfile !== undefined) config.global.pidfile = o.pidfile;
  if (o.masterWorker) config.global.masterWorker = true;
}

/**
 * Loads and checks the configuration; prints diagnostics; exits on errors and in `-c` mode.
 * Returns the validated config otherwise.
 */
function loadConfig(o: CliOptions, rep: Reporter, inDaemonChild: boolean): Config {
  const diag = new Diagnostics();
  const paths = expandConfigPaths(o.configPaths, diag);
  if (diag.errorCount > 0) {
    rep.flush(diag);
    process.exit(1);
  }
  // Only empty directories given: nothing to load, HAProxy prints the usage.
  if (paths.length === 0) usage();
  const { config } = parseFiles(paths, diag);
  // The daemon child's parent already printed the parse messages; print only new failures.
  const flush = (): void => { if (!inDaemonChild || diag.errorCount > 0) rep.flush(diag); };
  flush();
  if (diag.aborted) process.exit(1);
  if (diag.errorCount > 0) {
    rep.alert('Fatal errors found in configuration.');
    process.exit(1);
  }
  applyOverrides(config, o);
  if (o.masterCli.length > 0 && !config.global.masterWorker) {
    diag.warning('a master CLI socket was defined, but master-worker mode (-W) is not enabled.');
  }
  validateConfig(config, diag);
  flush();
  if (diag.errorCount > 0) {
    rep.alert('Fatal errors found in configuration.');
    process.exit(1);
  }
  const zeroWarning = o.zeroWarning || processExt(config.global).flags['zero-warning'] === true;
  if (zeroWarning && diag.warningCount > 0) {
    rep.alert(`Some warnings were found and 'zero-warning' is set. Aborting.`);
    process.exit(1);
  }
  if (o.checkOnly) {
    // -q or global `quiet` silence these stdout lines too (HAProxy's qfprintf).
    const quiet = o.quiet || processExt(config.global).flags.quiet === true;
    if (!quiet && diag.warningCount > 0) print(['Warnings were found.']);
    if (listenerCount(config) === 0) {
      if (!quiet) print(['Configuration file has no error but will not start (no listener) => exit(2).']);
      process.exit(2);
    }
    if (!quiet) print(['Configuration file is valid']);
    process.exit(0);
  }
  return config;
}

/** Signals the old processes named by -sf (SIGUSR1, soft stop) or -st (SIGTERM). */
function signalOld(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try { process.kill(pid, sig); } catch { /* already gone: nothing to stop */ }
  }
}

/** Entry point used by bin/fulcrum. */
export function main(argv: string[]): void {
  // Operator tools (not haproxy flags): the dashboard and the log analyser.
  if (argv[0] === 'top' || argv[0] === 'log-stats') {
    void (require(argv[0] === 'top' ? '../dashboard/top' : '../logstats/main') as { run(a: string[]): Promise<void> }).run(argv.slice(1));
    return;
  }
  const parsed = parseArgs(argv);
  if (parsed.error !== undefined) usage();
  const o = parsed.options;
  if (o.version === 2) { print(buildInfoLines()); process.exit(0); }
  if (o.version === 1) { print(versionLines()); process.exit(0); }
  const rep = createReporter({ quiet: o.quiet, diagnostic: o.diagnostic });

  if (o.checkCondition !== undefined) {
    // -cc: same evaluator as `.if`; 0 true, 1 false, 2 unparsable.
    const r = evaluateCondition([o.checkCondition]);
    if (r.error !== undefined) {
      rep.alert(`Failed to evaluate condition: ${r.error}`);
      process.exit(2);
    }
    process.exit(r.value ? 0 : 1);
  }
  // Registration modules (every subsystem's keywords) are loaded only past this point, so
  // -v, -vv, -cc and the usage work even when a subsystem fails to load.
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../modules');
  } catch (e) {
    // A broken build or install: say so in one line instead of a stack trace.
    rep.alert(`[${basename(process.argv[1] ?? 'fulcrum')}.main()] cannot load Fulcrum's modules: ${(e as Error).message.split('\n')[0]}`, false);
    if (o.debug || process.env.FULCRUM_DEBUG_LOAD) process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  }
  if (o.dumpKeywords) {
    dumpKeywordClasses(o.dumpKeywords);
    if (o.configPaths.length === 0) process.exit(0);
  }
  if (o.configPaths.length === 0) usage();
  if (o.chdir !== undefined) {
    try {
      process.chdir(o.chdir);
    } catch {
      rep.alert(`Could not change to directory ${o.chdir} : ${'No such file or directory'}`, false);
      process.exit(1);
    }
  }

  const child = isDaemonChild();
  // HAProxy exports these for "${...}" in the configuration (configuration.txt §2.3):
  // the local peer name before parsing, the list of files after.
  process.env.HAPROXY_LOCALPEER = o.localPeer ?? hostname();
  const config = loadConfig(o, rep, child);
  process.env.HAPROXY_CFGFILES = config.files.join(';');
  if (listenerCount(config) === 0) {
    rep.alert(`[${basename(process.argv[1] ?? 'fulcrum')}.main()] No enabled listener found (check for 'bind' directives) ! Exiting.`, false);
    process.exit(1);
  }
  const daemon = child || wantsDaemon(o, config.global.daemon);
  if (daemon && !child) {
    void spawnDaemon(process.argv.slice(1)).then((code) => process.exit(code));
    return;
  }
  void start(config, o, child, rep);
}

async function start(config: Config, o: CliOptions, child: boolean, rep: Reporter): Promise<void> {
  const options: InstanceOptions = {
    foreground: !child, quiet: o.quiet, debug: o.debug,
    localPeer: o.localPeer ?? processExt(config.global).localPeer ?? hostname(),
    configFiles: o.configPaths,
    daemon: child, pidfile: config.global.pidfile, masterWorker: config.global.masterWorker,
    softStopPids: o.softStopPids, hardStopPids: o.hardStopPids, diagnostic: o.diagnostic,
    ignoreResolveErrors: o.ignoreResolveErrors, noServerVerify: o.noServerVerify, memoryLimitMb: o.memoryLimitMb,
  };
  // -sf/-st: listeners bind next to the old process's (SO_REUSEPORT), so as in HAProxy
  // when binding succeeds, the old processes are only told to leave once this one serves.
  try {
    // Loaded only to serve: -v, -c, -cc and -dK never pull in the data plane. runServer
    // turns this process into the master in master-worker mode (-W, -Ws, `master-worker`).
    const { runServer } = await import('../process/run');
    await runServer(config, options);
  } catch (e) {
    rep.alert((e as Error).message, false);
    rep.alert(`[${basename(process.argv[1] ?? 'fulcrum')}.main()] Some protocols failed to start their listeners! Exiting.`, false);
    process.exit(1);
  }
  // runServer() writes it itself before a chroot/setuid (process/run.ts pidfileWritten).
  if (config.global.pidfile !== undefined && !(await import('../process/run')).pidfileWritten()) {
    const err = writePidfile(config.global.pidfile);
    if (err !== undefined) {
      rep.alert(`[${basename(process.argv[1] ?? 'fulcrum')}.main()] Cannot create pidfile ${config.global.pidfile}`, false);
      process.exit(1);
    }
  }
  signalOld(o.softStopPids, 'SIGUSR1');
  signalOld(o.hardStopPids, 'SIGTERM');
  if (child) daemonReady();
}
