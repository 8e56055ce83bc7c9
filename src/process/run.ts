/**
 * Starts a server from a validated configuration: builds the runtime graph through the
 * registered services (log, proxies, checks, runtime socket ...), drops privileges
 * (chroot/group/user, src/process/privileges.ts) before any traffic is served, and wires
 * HAProxy's signals:
 *   SIGUSR1          soft stop: stop listening, finish in-flight work, exit 0; bounded by
 *                    `hard-stop-after` (then exit 0 as HAProxy does);
 *   SIGTERM, SIGINT  hard stop: close everything, exit 0;
 *   SIGTTOU/SIGTTIN  pause/resume listeners ("Paused frontend X." / "Resumed frontend X.");
 *   SIGHUP           dump every server's state to the logs.
 * With `-W`/`-Ws`/`master-worker` (outside a worker) the process becomes the master
 * instead (src/process/master.ts) and the same function runs again in each worker.
 */

import { basename } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Config } from '../config/model';
import { Instance, allServices, type InstanceOptions } from './instance';
import { emitAdminEvent } from '../observe/events';
import { logPrefix } from '../config/diagnostics';
import { allListeners } from '../proxy/build';
import { acceptGate, configureListenSockets } from './sockets';
import { dropPrivileges } from './privileges';
import { isWorkerProcess, openWorkerCli, runMaster, workerReady } from './master';

/** Program name for messages (`fulcrum`, or how it was invoked; workers use the master's). */
export const prog = (): string => {
  const b = basename(process.argv[1] ?? 'fulcrum');
  return b === 'worker-main.js' ? 'fulcrum' : b;
};

let pidfileDone = false;

/** True when runServer() already wrote the pidfile (before dropping privileges). */
export function pidfileWritten(): boolean { return pidfileDone; }

/** Runs the process until it is stopped. Resolves once every service started. */
export async function runServer(config: Config, options: InstanceOptions): Promise<Instance> {
  if ((options.masterWorker || config.global.masterWorker) && !isWorkerProcess()) return runMaster(config, options);
  const instance = new Instance(config, options);
  installCrashGuard();
  // Before anything listens: a signal that arrives once a port accepts must find its handler
  // (Node's defaults: SIGUSR1 opens the inspector, SIGTTOU stops the process).
  installSignals(instance);
  configureListenSockets(config.global);
  // Listeners accept but serve nothing until chroot/setuid are done.
  acceptGate.held = true;
  for (const s of allServices()) await s.start(instance);
  if (isWorkerProcess()) await openWorkerCli(instance);
  // The pidfile is written before chroot/setuid (HAProxy does the same): afterwards its path
  // would resolve inside the chroot and the process could no longer write /run.
  const pidfile = options.pidfile ?? config.global.pidfile;
  if (pidfile !== undefined && !isWorkerProcess() && (config.global.chroot !== undefined || config.global.uid !== undefined)) {
    try {
      writeFileSync(pidfile, `${process.pid}\n`);
      pidfileDone = true;
    } catch {
      process.stderr.write(`${logPrefix('alert')}[${prog()}.main()] Cannot create pidfile ${pidfile}\n`);
      process.exit(1);
    }
  }
  // The master already warned about running as root; -q silences warnings.
  const drop = await dropPrivileges(config.global, prog(), { warnRoot: !isWorkerProcess() && options.unprivileged !== true });
  if (!options.quiet) for (const w of drop.warnings) process.stderr.write(`${logPrefix('warning')}${w}\n`);
  if (drop.errors.length > 0) {
    for (const e of drop.errors) process.stderr.write(`${logPrefix('alert')}${e}\n`);
    process.exit(1);
  }
  acceptGate.held = false;
  for (const l of allListeners(instance)) l.admitWaiting();
  if (isWorkerProcess()) workerReady(instance);
  return instance;
}

/** Soft stop: services stop accepting; the process exits once no connection remains. */
const softStopping = new WeakSet<Instance>();

export async function softStop(instance: Instance): Promise<void> {
  if (instance.stopping || softStopping.has(instance)) return;
  softStopping.add(instance);
  const hardAfter = instance.config.global.hardStopAfter;
  const started = Date.now();
  // `grace`: keep accepting for this long after the signal (HAProxy's stop delay).
  const grace = instance.config.global.grace;
  if (grace) await new Promise((r) => setTimeout(r, grace));
  instance.stopping = true;
  // The exit condition is polled from now on: a service's softStop() may resolve only once
  // its connections are gone (a listener's close()), which must not delay hard-stop-after.
  const poll = setInterval(() => {
    if (instance.actconn <= 0) {
      clearInterval(poll);
      void hardStop(instance, 0);
    } else if (hardAfter !== undefined && Date.now() - started >= hardAfter) {
      clearInterval(poll);
      emitAdminEvent('warning', `Some tasks resisted to hard-stop, exiting now.`);
      void hardStop(instance, 0);
    }
  }, 20);
  for (const s of allServices()) {
    Promise.resolve()
      .then(() => s.softStop?.(instance))
      .catch((e: Error) => process.stderr.write(`${logPrefix('alert')}soft stop of ${s.name}: ${e.message}\n`));
  }
}

/** Hard stop: close everything now and exit with `code`. */
export async function hardStop(instance: Instance, code = 0): Promise<void> {
  // Services close what they own; none may hold the exit back (a listener's close()
  // resolves only when its connections are gone, which a hard stop does not wait for).
  for (const s of [...allServices()].reverse()) {
    try {
      await Promise.race([Promise.resolve(s.stop?.(instance)), new Promise((r) => setTimeout(r, 100))]);
    } catch { /* exiting anyway */ }
  }
  process.exit(code);
}

/** `SIGTTOU`: listeners stop taking connections (they wait in the kernel or unread). */
export function pauseListeners(instance: Instance): void {
  for (const px of instance.proxies) {
    const ls = allListeners(instance).filter((l) => l.frontend === px);
    if (ls.length === 0) continue;
    for (const l of ls) l.pause();
    emitAdminEvent('warning', `Paused ${capWord(px.cfg.cap)} ${px.name}.`, px.name);
  }
}

/** `SIGTTIN`: listeners take connections again, held ones first. */
export function resumeListeners(instance: Instance): void {
  for (const px of instance.proxies) {
    const ls = allListeners(instance).filter((l) => l.frontend === px);
    if (ls.length === 0) continue;
    for (const l of ls) l.resume();
    emitAdminEvent('warning', `Resumed ${capWord(px.cfg.cap)} ${px.name}.`, px.name);
  }
}

function capWord(cap: string): string {
  return cap === 'listen' ? 'proxy' : cap;
}

/**
 * `SIGHUP`: HAProxy's sig_dump_state(): every server, then its proxy, in config order; each
 * line on stderr as a warning and to the proxy's loggers at level notice. The first line
 * goes to stderr only.
 */
export function dumpServerStates(instance: Instance): void {
  if (!instance.options.quiet) process.stderr.write(`${logPrefix('warning')}SIGHUP received, dumping servers states.\n`);
  const say = (msg: string, proxy: string): void => emitAdminEvent('notice', msg, proxy, { label: 'warning' });
  for (const px of instance.proxies) {
    for (const s of px.servers) {
      say(`SIGHUP: Server ${px.name}/${s.name} is ${s.isRunning ? 'UP' : 'DOWN'}. Conn: ${s.curConns} act, ${s.queueLength} pend, ${s.counters.total} tot.`, px.name);
    }
    const conn = `Conn: act(FE+BE): ${px.feCounters.cur}+${px.beCounters.cur}, ${px.queueLength} pend (${px.queueLength} unass), tot(FE+BE): ${px.feCounters.total}+${px.beCounters.total}.`;
    if (px.servers.length === 0) {
      say(`SIGHUP: Proxy ${px.name} has no servers. ${conn}`, px.name);
    } else {
      const c = px.usableCounts();
      if (c.active === 0 && c.backup === 0) say(`SIGHUP: Proxy ${px.name} has no server available ! ${conn}`, px.name);
      else say(`SIGHUP: Proxy ${px.name} has ${c.active} active servers and ${c.backup} backup servers available. ${conn}`, px.name);
    }
  }
}

let signalsInstalled: Instance | undefined;

function installSignals(instance: Instance): void {
  if (signalsInstalled) return;
  signalsInstalled = instance;
  process.on('SIGUSR1', () => void softStop(instance));
  // A worker of a master exits 143 on SIGTERM: HAProxy 2.6.12's master then says 'Current
  // worker (N) exited with code 143 (Terminated)'; a standalone process exits 0.
  process.on('SIGTERM', () => void hardStop(instance, isWorkerProcess() ? 143 : 0));
  process.on('SIGINT', () => void hardStop(instance, 0));
  process.on('SIGTTOU', () => pauseListeners(instance));
  process.on('SIGTTIN', () => resumeListeners(instance));
  process.on('SIGHUP', () => dumpServerStates(instance));
  // SIGUSR2 reloads a master; a standalone process ignores it (no default exit).
  process.on('SIGUSR2', () => { /* nothing to reload without a master */ });
}

let guarded = false;

/**
 * A proxy must not die because one connection hit a bug: report the error the way HAProxy
 * reports internal errors and keep serving the others.
 */
function installCrashGuard(): void {
  if (guarded) return;
  guarded = true;
  process.on('uncaughtException', (e) => {
    process.stderr.write(`${logPrefix('alert')}internal error, please report: ${(e as Error).stack ?? String(e)}\n`);
  });
}
