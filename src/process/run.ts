/**
 * Starts a server from a validated configuration: builds the runtime graph through the
 * registered services (log, proxies, checks, runtime socket ...) and wires HAProxy's signals:
 * SIGUSR1 soft stop (stop listening, finish in-flight work, exit 0), SIGTERM/SIGINT hard stop,
 * SIGTTOU/SIGTTIN pause/resume listeners, SIGHUP dump server states to the logs.
 */

import type { Config } from '../config/model';
import { Instance, allServices, type InstanceOptions } from './instance';
import { emitAdminEvent } from '../observe/events';
import { logPrefix } from '../config/diagnostics';
import { allListeners } from '../proxy/build';

/** Runs the process until it is stopped. Resolves once every service started. */
export async function runServer(config: Config, options: InstanceOptions): Promise<Instance> {
  const instance = new Instance(config, options);
  installCrashGuard();
  for (const s of allServices()) await s.start(instance);
  installSignals(instance);
  return instance;
}

/** Soft stop: services stop accepting; the process exits once no connection remains. */
export async function softStop(instance: Instance): Promise<void> {
  if (instance.stopping) return;
  instance.stopping = true;
  emitAdminEvent('warning', 'Stopping frontends and waiting for connections to finish (soft stop).');
  for (const s of allServices()) await s.softStop?.(instance);
  const hardAfter = instance.config.global.hardStopAfter;
  const started = Date.now();
  const poll = setInterval(() => {
    if (instance.actconn <= 0 || (hardAfter !== undefined && Date.now() - started >= hardAfter)) {
      clearInterval(poll);
      void hardStop(instance, 0);
    }
  }, 50);
}

/** Hard stop: close everything now and exit with `code`. */
export async function hardStop(instance: Instance, code = 0): Promise<void> {
  for (const s of [...allServices()].reverse()) {
    try {
      await s.stop?.(instance);
    } catch { /* exiting anyway */ }
  }
  process.exit(code);
}

function installSignals(instance: Instance): void {
  process.on('SIGUSR1', () => void softStop(instance));
  process.on('SIGTERM', () => void hardStop(instance, 0));
  process.on('SIGINT', () => void hardStop(instance, 0));
  process.on('SIGTTOU', () => {
    for (const l of allListeners(instance)) l.pause();
    emitAdminEvent('notice', 'Pausing listeners (SIGTTOU).');
  });
  process.on('SIGTTIN', () => {
    for (const l of allListeners(instance)) l.resume();
    emitAdminEvent('notice', 'Resuming listeners (SIGTTIN).');
  });
  process.on('SIGHUP', () => {
    // HAProxy dumps the state of every server to the logs on SIGHUP.
    emitAdminEvent('notice', 'SIGHUP received, dumping servers states.');
    for (const px of instance.proxies) {
      for (const s of px.servers) {
        emitAdminEvent('notice', `SIGHUP: Server ${px.name}/${s.name} is ${s.statusText()}. Conn: ${s.curConns} act, ${s.queueLength} pend, ${s.counters.total} tot.`, px.name);
      }
      if (px.isBackend) {
        const c = px.usableCounts();
        emitAdminEvent('notice', `SIGHUP: ${px.typeWord === 'proxy' ? 'Proxy' : 'Backend'} ${px.name} has ${c.active} active servers and ${c.backup} backup servers available. Conn: act(FE+BE): ${px.feCounters.cur}+${px.beCounters.cur}, ${px.queueLength} pend (${px.queueMax} unass), tot(FE+BE): ${px.feCounters.total}+${px.beCounters.total}.`, px.name);
      }
    }
  });
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
