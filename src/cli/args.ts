/**
 * haproxy-compatible command-line parsing (management.txt §3 "Command line"). One table
 * describes every flag: how many values it takes and where they go; `docs/cli.md` lists the
 * same flags with what Fulcrum does with each. Pure: no I/O, no exit.
 */

/** Everything the command line can say. */
export interface CliOptions {
  /** `-f FILE|DIR` (repeatable) and files after `--`, in order. */
  configPaths: string[];
  /** `-c`: check the configuration and exit. */
  checkOnly: boolean;
  /** `-cc EXPR`: evaluate a condition and exit (0 true, 1 false, 2 error). */
  checkCondition?: string;
  /** `-v` (1) or `-vv` (2). */
  version: 0 | 1 | 2;
  /** `-d`: debug mode (foreground, verbose). */
  debug: boolean;
  /** `-db`: foreground, overriding `daemon` and `-D`. */
  noBackground: boolean;
  /** `-D`: daemon mode. */
  daemon: boolean;
  /** `-W` / `-Ws`: master-worker mode (`systemd` with -Ws). */
  masterWorker: boolean;
  systemdNotify: boolean;
  /** `-p PIDFILE`. */
  pidfile?: string;
  /** `-q` quiet, `-V` verbose (cancels -q). */
  quiet: boolean;
  verbose: boolean;
  /** `-L NAME`: local peer name. */
  localPeer?: string;
  /** `-n N` global maxconn, `-N N` default proxy maxconn, `-m MB` memory limit. */
  maxconn?: number;
  defaultMaxconn?: number;
  memoryLimitMb?: number;
  /** `-C DIR`: change directory before loading files. */
  chdir?: string;
  /** `-sf PID...` / `-st PID...`: old processes to finish (SIGUSR1) or terminate (SIGTERM). */
  softStopPids: number[];
  hardStopPids: number[];
  /** `-x SOCKET`: fetch listening sockets from an old process (accepted, not supported). */
  socketTransfer?: string;
  /** `-S BIND[,opts]`: master CLI (accepted, not supported). */
  masterCli: string[];
  /** `-dK[class,...]`: dump registered keywords. */
  dumpKeywords?: string[];
  /** `-dW`: fail if any warning is emitted. */
  zeroWarning: boolean;
  /** `-dD`: diagnostic mode (prints `.diag` and diagnostic messages). */
  diagnostic: boolean;
  /** `-dr`: ignore server address resolution failures. */
  ignoreResolveErrors: boolean;
  /** `-dV`: disable TLS verification towards servers. */
  noServerVerify: boolean;
  /** Flags accepted for compatibility whose behaviour Fulcrum does not have (-de, -dp, -dM ...). */
  ignoredFlags: string[];
}

export type ParseArgsResult = { options: CliOptions; error?: undefined } | { options?: undefined; error: string };

export function defaultCliOptions(): CliOptions {
  return {
    configPaths: [], checkOnly: false, version: 0, debug: false, noBackground: false, daemon: false,
    masterWorker: false, systemdNotify: false, quiet: false, verbose: false, softStopPids: [],
    hardStopPids: [], masterCli: [], zeroWarning: false, diagnostic: false, ignoreResolveErrors: false,
    noServerVerify: false, ignoredFlags: [],
  };
}

type Setter = (o: CliOptions, value: string) => string | void;

/** Flags taking no value. */
const SWITCHES: Record<string, (o: CliOptions) => void> = {
  '-c': (o) => { o.checkOnly = true; },
  '-v': (o) => { o.version = Math.max(o.version, 1) as 1 | 2; },
  '-vv': (o) => { o.version = 2; },
  '-d': (o) => { o.debug = true; },
  '-db': (o) => { o.noBackground = true; },
  '-D': (o) => { o.daemon = true; },
  '-W': (o) => { o.masterWorker = true; },
  '-Ws': (o) => { o.masterWorker = true; o.systemdNotify = true; },
  '-q': (o) => { o.quiet = true; },
  '-V': (o) => { o.verbose = true; },
  '-dW': (o) => { o.zeroWarning = true; },
  '-dD': (o) => { o.diagnostic = true; },
  '-dr': (o) => { o.ignoreResolveErrors = true; },
  '-dV': (o) => { o.noServerVerify = true; },
};

/**
 * Switches HAProxy has that change things Node does not expose (poller choice, splice,
 * SO_REUSEPORT, getaddrinfo, memory poisoning, object dumps): accepted so that existing
 * unit files keep working, recorded in `ignoredFlags`, documented in docs/cli.md.
 */
const IGNORED = new Set(['-de', '-dp', '-dS', '-dG', '-dR', '-dL', '-ds', '-dk', '-dt', '-dF', '-dZ', '-dC', '-dc', '-dH', '-dX', '-ds']);

function positiveInt(flag: string, v: string): number | string {
  if (!/^\d+$/.test(v)) return `${flag} expects a number`;
  return Number(v);
}

/** Flags taking exactly one value (the next word). */
const WITH_VALUE: Record<string, Setter> = {
  '-f': (o, v) => { o.configPaths.push(v); },
  '-cc': (o, v) => { o.checkCondition = v; },
  '-p': (o, v) => { o.pidfile = v; },
  '-L': (o, v) => { o.localPeer = v; },
  '-C': (o, v) => { o.chdir = v; },
  '-x': (o, v) => { o.socketTransfer = v; },
  '-S': (o, v) => { o.masterCli.push(v); },
  '-n': (o, v) => { const n = positiveInt('-n', v); if (typeof n === 'string') return n; o.maxconn = n; },
  '-N': (o, v) => { const n = positiveInt('-N', v); if (typeof n === 'string') return n; o.defaultMaxconn = n; },
  '-m': (o, v) => { const n = positiveInt('-m', v); if (typeof n === 'string') return n; o.memoryLimitMb = n; },
};

/**
 * Parses argv (without node and script). Returns `{ error }` for an unknown flag or a
 * missing value: the caller prints the usage and exits 1, as HAProxy does.
 */
export function parseArgs(argv: string[]): ParseArgsResult {
  const o = defaultCliOptions();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      // Everything after `--` is a configuration file (HAProxy: "[-- <cfgfile>*]").
      o.configPaths.push(...argv.slice(i + 1));
      break;
    }
    const sw = SWITCHES[a];
    if (sw) { sw(o); continue; }
    const setter = WITH_VALUE[a];
    if (setter) {
      const v = argv[i + 1];
      if (v === undefined) return { error: `option '${a}' expects an argument` };
      i++;
      const err = setter(o, v);
      if (err) return { error: err };
      continue;
    }
    if (a === '-sf' || a === '-st') {
      // Followed by any number of PIDs (the next word that is not a number ends the list).
      const list = a === '-sf' ? o.softStopPids : o.hardStopPids;
      while (i + 1 < argv.length && /^\d+$/.test(argv[i + 1])) list.push(Number(argv[++i]));
      continue;
    }
    if (a.startsWith('-dK')) {
      o.dumpKeywords = a.length > 3 ? a.slice(3).split(',') : ['all'];
      continue;
    }
    if (a.startsWith('-dM') || IGNORED.has(a)) {
      o.ignoredFlags.push(a);
      continue;
    }
    return { error: `unknown option '${a}'` };
  }
  if (o.verbose) o.quiet = false;
  return { options: o };
}

/**
 * True when the process should detach: `-D` or global `daemon`, unless `-d`/`-db`/`-c`, or
 * `-Ws` (systemd supervises the master in the foreground; HAProxy 2.6 ignores `daemon` then).
 */
export function wantsDaemon(o: CliOptions, configDaemon: boolean): boolean {
  if (o.noBackground || o.debug || o.checkOnly || o.systemdNotify) return false;
  return o.daemon || configDaemon;
}
