/**
 * Master-worker mode (`-W`, `-Ws`, global `master-worker`), as HAProxy 2.6's mworker:
 *
 *  - The master parses the configuration, binds every `bind` address itself (as root, with
 *    Fulcrum's native helper so that it never accepts on them) and starts one worker: a
 *    Node process running src/process/worker-main.ts that inherits the listening sockets as
 *    file descriptors (stdio slots 4+, mapped by $FULCRUM_LISTEN_FDS) and then drops
 *    privileges and serves.
 *  - Reload (SIGUSR2 or SIGHUP to the master, `reload` on the master CLI): the master parses
 *    the files again; on errors it reports them, keeps the current worker and counts a
 *    failed reload. Otherwise it binds any new address, keeps the sockets it already has,
 *    starts a new worker on them and, once that worker is ready, sends SIGUSR1 (soft stop)
 *    to the previous ones, which stop accepting and finish their connections (bounded by
 *    their `hard-stop-after`). The listening sockets never close, so no connection is
 *    refused during the switch. A new worker that dies before it is ready is a failed
 *    reload too; the old one keeps serving.
 *  - `-S <addr>[,level L][,mode M]`: the master CLI (`show proc`, `reload`, `help`,
 *    `show version`, `prompt`, `quit`).
 *  - `-Ws`: systemd notify (READY=1 when the worker serves, RELOADING=1/READY=1 around a
 *    reload, STOPPING=1 on exit).
 *  - SIGTERM/SIGINT: hard stop of all workers then exit; SIGUSR1: soft stop of all workers,
 *    exit when they are gone; SIGTTOU/SIGTTIN: forwarded. When the current worker dies on
 *    its own, the master stops everything and exits with its status (exit-on-failure).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { chmodSync, lstatSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { constants as osConstants } from 'node:os';
import type { Config } from '../config/model';
import { isFrontend } from '../config/model';
import { Instance, type InstanceOptions } from './instance';
import { logPrefix, Diagnostics } from '../config/diagnostics';
import { parseFiles, expandConfigPaths } from '../config/parser';
import { validateConfig } from '../config/validate';
import { parseArgs, type CliOptions } from '../cli/args';
import { createReporter } from '../cli/report';
import { FULCRUM_VERSION } from '../cli/version';
import { bindForMaster, LISTEN_FDS_ENV } from './sockets';
import { loadNative, nativeLoadError } from './native';
import { sdNotifySafe } from './systemd';
import { rootWarning } from './privileges';
import { processExt } from './keywords';
import { dumpAllServerStates, stateFilesFor, writeStateFiles } from './server-state';

/** Set in a worker's environment to the master's PID. */
export const WORKER_ENV = 'FULCRUM_MWORKER';
/** Path of the worker's private admin CLI socket (for `@1 ...` on the master CLI). */
export const WORKER_CLI_ENV = 'FULCRUM_MWORKER_CLI';

/** Sends one command line to a CLI socket; resolves with everything it answered. */
function forwardCli(path: string, cmd: string, timeoutMs = 10000): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ path });
    let data = '';
    const t = setTimeout(() => { s.destroy(); resolve(data); }, timeoutMs);
    s.setEncoding('utf8');
    s.on('connect', () => s.write(cmd + '\n'));
    s.on('data', (d: string) => { data += d; });
    s.on('close', () => { clearTimeout(t); resolve(data); });
    s.on('error', () => { clearTimeout(t); resolve(data || "Can't connect to the target CLI!\n"); });
  });
}

/**
 * Worker side, before privileges are dropped: the private admin CLI the master forwards
 * `@1 <cmd>` to (a UNIX socket in the master's root-only directory, mode 600).
 */
export async function openWorkerCli(instance: Instance): Promise<void> {
  const path = process.env[WORKER_CLI_ENV];
  if (!path || !isWorkerProcess()) return;
  delete process.env[WORKER_CLI_ENV];
  const { openStatsSocket, CliSlots } = await import('../runtime/socket');
  try {
    await openStatsSocket(instance, {
      address: { family: 'unix', host: '', port: 0, portEnd: 0, hasPort: false, path, raw: path },
      level: 'admin', mode: 0o600, exposeFd: false, src: { file: 'master', line: 0 },
    }, new CliSlots(10));
  } catch (e) {
    process.stderr.write(`${logPrefix('warning')}master CLI forwarding unavailable: ${(e as Error).message}\n`);
  }
}

/** Message a worker sends once it serves. */
interface WorkerReadyMessage { type: 'fulcrum-worker-ready'; pid: number }
/** Master -> worker: send `show servers state` (for server-state-file); worker -> master: the dump. */
interface StateDumpRequest { type: 'fulcrum-dump-server-state' }
interface StateDumpReply { type: 'fulcrum-server-state'; text: string }

/** True in a worker started by a master. */
export function isWorkerProcess(): boolean {
  return !!process.env[WORKER_ENV] && typeof process.send === 'function';
}

/**
 * Worker side, once serving: tells the master. The worker exits (hard stop, through its
 * SIGTERM handler) when the master goes away, as HAProxy's workers do.
 */
export function workerReady(instance: Instance): void {
  const msg: WorkerReadyMessage = { type: 'fulcrum-worker-ready', pid: process.pid };
  process.send!(msg);
  process.on('message', (m: unknown) => {
    if ((m as StateDumpRequest)?.type !== 'fulcrum-dump-server-state') return;
    const reply: StateDumpReply = { type: 'fulcrum-server-state', text: dumpAllServerStates(instance) };
    process.send?.(reply);
  });
  process.on('disconnect', () => { try { process.kill(process.pid, 'SIGTERM'); } catch { /* exiting */ } });
}

interface Worker {
  child: ChildProcess;
  pid: number;
  started: number;
  /** Reloads this worker lived through. */
  reloads: number;
  ready: boolean;
  old: boolean;
  /** Private admin CLI socket of the worker (`@1 cmd` on the master CLI goes there). */
  cliPath?: string;
}

const out = (severity: 'notice' | 'warning' | 'alert', msg: string): void => {
  process.stderr.write(`${logPrefix(severity)}${msg}\n`);
};

/** Binds of enabled frontends, in the order the worker will open them. */
function configBinds(config: Config): { proxy: string; cap: string; bind: Config['proxies'][number]['binds'][number] }[] {
  const list = [];
  for (const p of config.proxies) {
    if (!isFrontend(p) || p.disabled) continue;
    for (const b of p.binds) list.push({ proxy: p.name, cap: p.cap, bind: b });
  }
  return list;
}

/** `0d00h00m05s` as in `show proc`. */
function uptime(ms: number): string {
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d}d${p(h)}h${p(m)}m${p(s)}s`;
}

function exitText(code: number | null, signal: NodeJS.Signals | null): { code: number; text: string } {
  const names: Record<string, string> = { SIGTERM: 'Terminated', SIGKILL: 'Killed', SIGINT: 'Interrupt', SIGSEGV: 'Segmentation fault', SIGABRT: 'Aborted', SIGUSR1: 'User defined signal 1', SIGUSR2: 'User defined signal 2', SIGHUP: 'Hangup' };
  if (signal) {
    const num = (osConstants.signals as Record<string, number>)[signal] ?? 0;
    return { code: 128 + num, text: names[signal] ?? signal };
  }
  // HAProxy names a status above 128 by its signal (a worker's SIGTERM exit is 143).
  if (code !== null && code > 128) {
    const sig = Object.entries(osConstants.signals as Record<string, number>).find(([, n]) => n === code - 128)?.[0];
    if (sig && names[sig]) return { code, text: names[sig] };
  }
  return { code: code ?? 0, text: 'Exit' };
}

export class Master {
  /** The configuration of the current worker (replaced by each successful reload). */
  config: Config;
  readonly options: InstanceOptions;
  readonly cli: CliOptions;
  readonly started = Date.now();
  workers: Worker[] = [];
  fds = new Map<string, number>();
  reloads = 0;
  failedReloads = 0;
  reloadFailed = false;
  private reloading: Promise<boolean> | undefined;
  private queuedReload: Promise<boolean> | undefined;
  private stopping = false;
  /** Set once the first worker serves. */
  private running = false;
  private exitCode = 0;
  private cliServers: { server: net.Server; path?: string }[] = [];
  /** Root-only directory for the workers' private CLI sockets. */
  private cliDir: string | undefined;
  private spawned = 0;

  constructor(config: Config, options: InstanceOptions, cli: CliOptions) {
    this.config = config;
    this.options = options;
    this.cli = cli;
  }

  get current(): Worker | undefined { return this.workers.find((w) => !w.old); }

  /** Starts the first worker; resolves false (after printing why) when it cannot. */
  async start(): Promise<boolean> {
    // Handlers first: once a port is bound, a client may already signal us.
    this.installSignals();
    if (!loadNative()) {
      out('alert', `[${basename(process.argv[1] ?? 'fulcrum')}.main()] master-worker mode needs Fulcrum's native helper: ${nativeLoadError()}`);
      return false;
    }
    const { fds, errors } = bindForMaster(configBinds(this.config), new Map());
    if (errors.length > 0) {
      for (const e of errors) out('alert', e);
      out('alert', `[${basename(process.argv[1] ?? 'fulcrum')}.main()] Some protocols failed to start their listeners! Exiting.`);
      this.closeFds(fds, new Map());
      return false;
    }
    this.fds = fds;
    for (const spec of this.cli.masterCli) {
      try {
        await this.openCli(spec);
      } catch (e) {
        out('alert', `Starting frontend MASTER: cannot bind socket (${(e as Error).message}) [${spec}]`);
        return false;
      }
    }
    try {
      this.cliDir = mkdtempSync(join(tmpdir(), 'fulcrum-master-'));
      chmodSync(this.cliDir, 0o700);
    } catch { /* no forwarding from the master CLI */ }
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (isRoot && !this.cli.quiet && (this.config.global.uid === undefined || this.config.global.uid === 0)) {
      out('warning', rootWarning(basename(process.argv[1] ?? 'fulcrum')));
    }
    const ok = await this.spawnWorker(this.fds);
    if (!ok) return false;
    sdNotifySafe(`READY=1\nMAINPID=${process.pid}`, (m) => out('warning', m));
    this.running = true;
    return true;
  }

  /** Starts a worker on `fds`; resolves true once it reports ready, false if it dies first. */
  private spawnWorker(fds: Map<string, number>): Promise<boolean> {
    const entries = [...fds.entries()];
    const map: Record<string, number> = {};
    entries.forEach(([k], i) => { map[k] = 4 + i; });
    const quiet = this.options.daemon === true;
    const cliPath = this.cliDir ? join(this.cliDir, `worker-${++this.spawned}.sock`) : undefined;
    const child = spawn(process.execPath, [...process.execArgv, join(__dirname, 'worker-main.js'), ...process.argv.slice(2)], {
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', quiet ? 'ignore' : 'inherit', 'ipc', ...entries.map(([, fd]) => fd)],
      env: { ...process.env, [WORKER_ENV]: String(process.pid), [LISTEN_FDS_ENV]: JSON.stringify(map), ...(cliPath ? { [WORKER_CLI_ENV]: cliPath } : {}) },
    });
    const w: Worker = { child, pid: child.pid ?? 0, started: Date.now(), reloads: 0, ready: false, old: false, cliPath };
    this.workers.push(w);
    out('notice', `New worker (${w.pid}) forked`);
    return new Promise((resolve) => {
      let settled = false;
      child.on('message', (m: unknown) => {
        if ((m as WorkerReadyMessage)?.type === 'fulcrum-worker-ready' && !settled) {
          settled = true;
          w.ready = true;
          out('notice', 'Loading success.');
          resolve(true);
        }
      });
      child.on('error', (e) => out('alert', `Cannot fork: ${e.message}`));
      child.on('exit', (code, signal) => {
        this.workers = this.workers.filter((x) => x !== w);
        if (cliPath) try { unlinkSync(cliPath); } catch { /* never created */ }
        const st = exitText(code, signal);
        if (!settled) {
          settled = true;
          out('alert', `Loading failure!`);
          resolve(false);
          this.maybeExit();
          return;
        }
        if (w.old) out('warning', `Former worker (${w.pid}) exited with code ${st.code} (${st.text})`);
        else {
          out('alert', `Current worker (${w.pid}) exited with code ${st.code} (${st.text})`);
          if (!this.stopping && !processExt(this.config.global).noExitOnFailure) {
            // exit-on-failure (the default): stop everything and leave with its status.
            out('alert', 'exit-on-failure: killing every processes with SIGTERM');
            this.exitCode = st.code;
            this.stopAll('SIGTERM');
          }
        }
        this.maybeExit();
      });
    });
  }

  /** Asks a worker for `show servers state`; undefined if it does not answer within 3 s. */
  private requestStateDump(w: Worker): Promise<string | undefined> {
    return new Promise((resolve) => {
      const onMsg = (m: unknown): void => {
        if ((m as StateDumpReply)?.type !== 'fulcrum-server-state') return;
        clearTimeout(timer);
        w.child.off('message', onMsg);
        resolve((m as StateDumpReply).text);
      };
      const timer = setTimeout(() => { w.child.off('message', onMsg); resolve(undefined); }, 3000);
      w.child.on('message', onMsg);
      try {
        w.child.send({ type: 'fulcrum-dump-server-state' } satisfies StateDumpRequest);
      } catch {
        clearTimeout(timer);
        w.child.off('message', onMsg);
        resolve(undefined);
      }
    });
  }

  /** Re-reads the configuration and replaces the workers. Resolves true on success. */
  reload(): Promise<boolean> {
    // Not before the first worker serves (the start is a load of its own).
    if (this.stopping || !this.running) return Promise.resolve(false);
    if (this.reloading) {
      // A reload asked for while one runs happens after it (the files may have changed
      // again since the running one read them), once, however many were asked for.
      this.queuedReload ??= this.reloading.then(() => {
        this.queuedReload = undefined;
        return this.reload();
      });
      return this.queuedReload;
    }
    this.reloading = this.doReload().finally(() => { this.reloading = undefined; });
    return this.reloading;
  }

  private async doReload(): Promise<boolean> {
    out('notice', 'Reloading HAProxy');
    this.reloads++;
    sdNotifySafe(`RELOADING=1\nMONOTONIC_USEC=${process.hrtime.bigint() / 1000n}`, (m) => out('warning', m));
    const done = (ok: boolean): boolean => {
      if (!ok) {
        this.failedReloads++;
        this.reloadFailed = true;
      } else this.reloadFailed = false;
      sdNotifySafe('READY=1', (m) => out('warning', m));
      return ok;
    };
    const config = this.loadConfig();
    if (!config) {
      out('alert', 'Loading failure!');
      return done(false);
    }
    const { fds, errors } = bindForMaster(configBinds(config), this.fds);
    if (errors.length > 0) {
      for (const e of errors) out('alert', e);
      this.closeFds(fds, this.fds);
      out('alert', 'Loading failure!');
      return done(false);
    }
    const previous = this.workers.filter((w) => !w.old);
    // server-state-file: save the current worker's runtime server states for the new one.
    const cur = previous.find((w) => w.ready);
    if (cur && stateFilesFor(config, '1\n').length > 0) {
      const dump = await this.requestStateDump(cur);
      if (dump !== undefined) for (const e of writeStateFiles(stateFilesFor(config, dump))) out('warning', e);
    }
    const ok = await this.spawnWorker(fds);
    if (!ok) {
      this.closeFds(fds, this.fds);
      return done(false);
    }
    for (const w of previous) {
      w.old = true;
      try { process.kill(w.pid, 'SIGUSR1'); } catch { /* already gone */ }
    }
    for (const w of this.workers) if (w.old) w.reloads++;
    this.config = config;
    // mworker-max-reloads: a worker still there after that many reloads gets SIGTERM.
    const max = processExt(config.global).numbers['mworker-max-reloads'];
    if (max !== undefined && max >= 0) {
      for (const w of this.workers) if (w.old && w.reloads > max) try { process.kill(w.pid, 'SIGTERM'); } catch { /* gone */ }
    }
    // Sockets the new configuration no longer binds: the old workers keep their own copies.
    this.closeFds(this.fds, fds);
    this.fds = fds;
    return done(true);
  }

  /** Parses and checks the files again; prints every message; undefined on errors. */
  private loadConfig(): Config | undefined {
    const rep = createReporter({ quiet: this.cli.quiet, diagnostic: this.cli.diagnostic });
    const diag = new Diagnostics();
    try {
      const paths = expandConfigPaths(this.cli.configPaths, diag);
      if (diag.errorCount > 0) { rep.flush(diag); return undefined; }
      const { config } = parseFiles(paths, diag);
      rep.flush(diag);
      if (diag.aborted || diag.errorCount > 0) {
        rep.alert('Fatal errors found in configuration.');
        return undefined;
      }
      validateConfig(config, diag);
      rep.flush(diag);
      if (diag.errorCount > 0) {
        rep.alert('Fatal errors found in configuration.');
        return undefined;
      }
      return config;
    } catch (e) {
      out('alert', `config : ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Closes fds of `from` that `keep` does not hold. */
  private closeFds(from: Map<string, number>, keep: Map<string, number>): void {
    const native = loadNative();
    const kept = new Set(keep.values());
    for (const fd of from.values()) if (!kept.has(fd)) try { native?.close(fd); } catch { /* closed */ }
  }

  private stopAll(sig: NodeJS.Signals): void {
    this.stopping = true;
    for (const w of this.workers) try { process.kill(w.pid, sig); } catch { /* gone */ }
    this.maybeExit();
  }

  private maybeExit(): void {
    if (!this.stopping || this.workers.length > 0) return;
    out('warning', `All workers exited. Exiting... (${this.exitCode})`);
    sdNotifySafe('STOPPING=1', () => { /* exiting anyway */ });
    for (const c of this.cliServers) {
      c.server.close();
      if (c.path) try { unlinkSync(c.path); } catch { /* gone */ }
    }
    if (this.cliDir) try { rmSync(this.cliDir, { recursive: true, force: true }); } catch { /* leave it */ }
    process.exit(this.exitCode);
  }

  private installSignals(): void {
    process.on('SIGUSR2', () => void this.reload());
    process.on('SIGHUP', () => void this.reload());
    process.on('SIGTERM', () => { out('warning', 'Exiting Master process...'); this.stopAll('SIGTERM'); });
    process.on('SIGINT', () => { out('warning', 'Exiting Master process...'); this.stopAll('SIGTERM'); });
    process.on('SIGUSR1', () => { out('warning', 'Exiting Master process...'); this.stopAll('SIGUSR1'); });
    for (const sig of ['SIGTTOU', 'SIGTTIN'] as const) {
      process.on(sig, () => { for (const w of this.workers) try { process.kill(w.pid, sig); } catch { /* gone */ } });
    }
  }

  // ---- master CLI ----------------------------------------------------------------------

  /** `-S unix@/path,mode 600,level admin` | `/path` | `ipv4@127.0.0.1:9999` | `127.0.0.1:9999`. */
  private openCli(spec: string): Promise<void> {
    const [addr, ...opts] = spec.split(',');
    let mode: number | undefined;
    for (const o of opts) {
      const [k, v] = o.trim().split(/\s+/);
      if (k === 'mode' && v) mode = parseInt(v, 8);
    }
    // allowHalfOpen: a client that shuts its side after the command (socat) still gets the answer.
    const server = net.createServer({ allowHalfOpen: true }, (sock) => this.cliSession(sock));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      let path: string | undefined;
      const done = (): void => {
        server.off('error', reject);
        if (path && mode !== undefined) try { chmodSync(path, mode); } catch { /* reported by use */ }
        this.cliServers.push({ server, path });
        resolve();
      };
      const m = /^(?:(ipv4|ipv6)@)?\[?([0-9a-fA-F:.]*)\]?:(\d+)$/.exec(addr);
      if (addr.startsWith('unix@') || addr.startsWith('/') || addr.startsWith('./')) {
        path = addr.replace(/^unix@/, '');
        try { if (lstatSync(path).isSocket()) unlinkSync(path); } catch { /* absent */ }
        server.listen(path, done);
      } else if (addr.startsWith('abns@')) {
        server.listen('\0' + addr.slice(5), done);
      } else if (m) {
        server.listen({ host: m[2] || '0.0.0.0', port: Number(m[3]) }, done);
      } else {
        reject(new Error('unsupported address'));
      }
    });
  }

  private cliSession(sock: net.Socket): void {
    let buf = '';
    let interactive = false;
    let busy = false;
    sock.setEncoding('utf8');
    sock.on('error', () => { /* client gone */ });
    // Lines are answered one at a time, in order (forwarded commands are asynchronous).
    const pump = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0 && !sock.destroyed) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        let quit = false;
        let reply = '';
        for (const cmd of line.split(';').map((c) => c.trim()).filter(Boolean)) {
          if (cmd === 'prompt') { interactive = !interactive; reply += '\n'; continue; }
          if (cmd === 'quit') { quit = true; break; }
          reply += await this.cliDispatch(cmd);
        }
        if (line.trim() === '') reply = interactive ? '\n' : '';
        if (quit || (!interactive && line.trim() !== '')) {
          sock.end(reply);
          return;
        }
        sock.write(reply + `master${this.reloadFailed ? '[ReloadFailed]' : ''}> `);
      }
      busy = false;
      if (ended && !sock.destroyed) sock.end();
    };
    let ended = false;
    sock.on('data', (d: string) => {
      buf += d;
      void pump();
    });
    sock.on('end', () => {
      ended = true;
      if (!busy) {
        if (buf.trim() !== '') { buf += '\n'; void pump(); } else sock.end();
      }
    });
  }

  /**
   * A master CLI command, or one for a worker: `@1 <cmd>` (the current worker), `@!<pid> <cmd>`
   * (any worker, old ones included), `@master <cmd>` / `@0 <cmd>` (the master).
   */
  async cliDispatch(cmd: string): Promise<string> {
    const m = /^@(!?)(\S+)\s*(.*)$/.exec(cmd);
    if (!m) return this.cliCommand(cmd);
    const [, bang, target, rest] = m;
    if (!bang && (target === 'master' || target === '0')) return rest ? this.cliCommand(rest) : '';
    let w: Worker | undefined;
    if (bang) w = this.workers.find((x) => x.pid === Number(target));
    else if (target === '1') w = this.current;
    if (!w || !w.cliPath) return "Can't find the target PID matching the prefix '" + cmd.split(/\s/)[0] + "'\n";
    if (!rest) return '';
    return forwardCli(w.cliPath, rest);
  }

  /** One master CLI command; the answer ends with the empty line that closes a command. */
  cliCommand(cmd: string): string {
    const words = cmd.split(/\s+/);
    if (words[0] === 'show' && words[1] === 'proc') return this.showProc() + '\n';
    if (words[0] === 'reload') {
      setImmediate(() => void this.reload());
      return '';
    }
    if (words[0] === 'show' && words[1] === 'version') return `${FULCRUM_VERSION}\n\n`;
    if (words[0] === 'help' || words[0] === 'show') {
      return [
        'The following commands are valid at this level:',
        '  @!<pid>                                 : send a command to the <pid> process',
        '  @<relative pid>                         : send a command to the <relative pid> process',
        '  @master                                 : send a command to the master process',
        '  reload                                  : reload haproxy',
        '  show proc                               : show processes status',
        '  show version                            : show version of the current process',
        '  help [<command>]                        : list matching or all commands',
        '  prompt                                  : toggle interactive mode with prompt',
        '  quit                                    : disconnect',
        '', '',
      ].join('\n');
    }
    return 'Unknown command, but maybe one of the following ones is a better match:\n  reload                                  : reload haproxy\n  show proc                               : show processes status\n\n';
  }

  /** `show proc`, columns as HAProxy 2.6 prints them. */
  showProc(now = Date.now()): string {
    const col = (s: string | number): string => String(s).padEnd(15) + ' ';
    const row = (...c: (string | number)[]): string => c.map(col).join('').trimEnd() + '\n';
    let s = `#${'<PID>'.padEnd(14)} ${col('<type>')}${col('<reloads>')}${col('<uptime>')}${col('<version>')}`.replace(/ $/, '') + '\n';
    s += row(process.pid, 'master', `${this.reloads} [failed: ${this.failedReloads}]`, uptime(now - this.started), FULCRUM_VERSION);
    s += '# workers\n';
    for (const w of this.workers.filter((x) => !x.old)) s += row(w.pid, 'worker', w.reloads, uptime(now - w.started), FULCRUM_VERSION);
    const old = this.workers.filter((x) => x.old);
    if (old.length) {
      s += '# old workers\n';
      for (const w of old) s += row(w.pid, 'worker', w.reloads, uptime(now - w.started), FULCRUM_VERSION);
    }
    s += '# programs\n';
    return s;
  }
}

let master: Master | undefined;

/** The master of this process, if it is one. */
export function currentMaster(): Master | undefined { return master; }

/**
 * Runs this process as the master: binds, starts the first worker and returns once it
 * serves (then the caller writes the pidfile and signals `-sf`/`-st` processes). Exits 1
 * when the first worker cannot start.
 */
export async function runMaster(config: Config, options: InstanceOptions): Promise<Instance> {
  const parsed = parseArgs(process.argv.slice(2));
  if (!parsed.options) throw new Error(parsed.error);
  const cli = parsed.options;
  master = new Master(config, options, cli);
  if (!(await master.start())) process.exit(1);
  return new Instance(config, options);
}
