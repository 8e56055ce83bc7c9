/**
 * Entry point of one data-plane thread of an `nbthread N` process (started by
 * coordinator.ts with worker_threads). It builds its own runtime graph from the same
 * configuration and runs the listeners and streams only: checks, the stats socket,
 * resolvers and server-state belong to the coordinator (main thread). Listening sockets:
 * the master's inherited fds (dup'ed per thread) in master-worker mode, else one
 * SO_REUSEPORT socket per thread (src/process/sockets.ts takeListenFd), so the kernel
 * spreads new connections over the threads.
 */

import '../../modules';
import { parentPort, workerData, threadId } from 'node:worker_threads';
import type { Config } from '../../config/model';
import { Instance, allServices, type InstanceOptions } from '../instance';
import { acceptGate, configureListenSockets } from '../sockets';
import { allListeners, proxyListeners } from '../../proxy/build';
import { closeIdleStreams } from '../../proxy/http/stream';
import { purgeIdle } from '../../proxy/reuse';
import { threadRole } from './role';
import { logPrefix, Diagnostics } from '../../config/diagnostics';
import { parseFiles, expandConfigPaths } from '../../config/parser';
import { validateConfig } from '../../config/validate';
import { clearCounters } from '../../stats/commands';
import { runForwarded, type CliRequest } from './cli-forward';
import { installStickSync } from './stick-sync';
import { installDataPlane } from './data-plane';
import { applyProcState, applyServerStates, snapThread, type ProcState, type ServerState } from './sync';
import type { SharedLayout } from './shared';
import type { Server } from '../../proxy/server';

/** Services that only the coordinator runs. */
const COORDINATOR_ONLY = new Set(['checks', 'runtime', 'resolvers', 'server-state', 'threads']);

export interface ThreadData {
  /** The coordinator's config, or undefined when it could not be cloned (then parsed again here). */
  config: Config | undefined;
  options: InstanceOptions;
  tid: number;
  layout: SharedLayout;
  channel: string;
  states: ServerState[];
}

export type ToThread =
  | { type: 'go' }
  | { type: 'states'; states: ServerState[]; proc: ProcState }
  | { type: 'listener'; pi: number; li: number; op: 'pause' | 'resume' | 'close' | 'admit' }
  | { type: 'clear'; all: boolean }
  | CliRequest
  | { type: 'soft-stop' }
  | { type: 'stop' };

async function main(): Promise<void> {
  const data = workerData as ThreadData;
  const port = parentPort!;
  threadRole.role = 'worker';
  threadRole.tid = data.tid;
  // A bug in one connection must not take the thread (and the process) down: as run.ts does.
  process.on('uncaughtException', (e) => {
    process.stderr.write(`${logPrefix('alert')}internal error, please report: ${(e as Error).stack ?? String(e)}\n`);
  });
  const config = data.config ?? reparse(data.options.configFiles);
  const instance = new Instance(config, data.options);
  configureListenSockets(config.global);
  acceptGate.held = true;
  for (const s of allServices()) {
    if (COORDINATOR_ONLY.has(s.name)) continue;
    await s.start(instance);
  }
  // Stream ids unique in the process (ids are spaced by 0x400): `shutdown session` finds its thread.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const sessions = require('../../runtime/sessions') as { allocStreamId: () => number };
  const alloc = sessions.allocStreamId;
  sessions.allocStreamId = () => alloc() + data.tid * 0x10;
  applyServerStates(instance, data.states);
  const stopDataPlane = installDataPlane(instance, data.layout, data.channel);
  installStickSync(data.channel);
  forwardObservations(instance, port);
  const report = (): void => port.postMessage({ type: 'stats', snap: snapThread(instance, data.tid) });
  const timer = setInterval(report, 100);
  port.on('message', (m: ToThread) => {
    switch (m.type) {
      case 'go':
        acceptGate.held = false;
        for (const l of allListeners(instance)) l.admitWaiting();
        break;
      case 'states':
        applyServerStates(instance, m.states);
        applyProcState(instance, m.proc);
        break;
      case 'listener': {
        const l = proxyListeners(instance.proxies[m.pi])[m.li];
        if (!l) break;
        if (m.op === 'pause') l.pause();
        else if (m.op === 'resume') l.resume();
        else if (m.op === 'admit') l.admitWaiting();
        else void l.close();
        break;
      }
      case 'clear':
        clearCounters(instance, m.all);
        report();
        break;
      case 'cli':
        void runForwarded(instance, m).then((r) => port.postMessage(r));
        break;
      case 'soft-stop':
        void softStop(instance, () => { report(); clearInterval(timer); stopDataPlane(); process.exit(0); });
        break;
      case 'stop':
        process.exit(0);
    }
  });
  port.postMessage({ type: 'ready', tid: data.tid, threadId });
}

/**
 * Passive checks (`observe`): the data plane reports through checks/observe.ts, whose state
 * lives with the health checks in the coordinator; servers without `observe` cost nothing.
 */
function forwardObservations(instance: Instance, port: NonNullable<typeof parentPort>): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const obs = require('../../checks/observe') as Record<string, unknown>;
  const send = (server: Server, kind: string): void => {
    if (server.cfg.options.observe === undefined) return;
    const pi = instance.proxies.indexOf(server.backend);
    const si = server.backend.servers.indexOf(server);
    if (pi >= 0 && si >= 0) port.postMessage({ type: 'observe', pi, si, kind });
  };
  obs.reportObservedError = send;
  obs.reportObservedSuccess = (server: Server, layer: 'layer4' | 'layer7'): void => send(server, layer === 'layer4' ? 'L4_OK' : 'HTTP_OK');
}

/** The configuration read again from its files (the coordinator's copy was not cloneable). */
function reparse(files: string[]): Config {
  const diag = new Diagnostics();
  const { config } = parseFiles(expandConfigPaths(files, diag), diag);
  if (!config || diag.errorCount > 0) throw new Error('configuration could not be loaded in a thread');
  validateConfig(config, diag);
  return config;
}

/** Stops listening, lets in-flight work finish, then calls `done` (the coordinator bounds it). */
async function softStop(instance: Instance, done: () => void): Promise<void> {
  instance.stopping = true;
  for (const px of instance.proxies) await Promise.all(proxyListeners(px).map((l) => l.close()));
  closeIdleStreams();
  purgeIdle();
  // actconn is process-wide (shared slot): this thread waits for its own streams only.
  const poll = setInterval(() => {
    if (liveOwn(instance) <= 0) { clearInterval(poll); done(); }
  }, 20);
}

/** Connections of this thread: the listeners' own counts. */
function liveOwn(instance: Instance): number {
  return allListeners(instance).reduce((a, l) => a + l.curConns, 0);
}

main().catch((e: Error) => {
  parentPort?.postMessage({ type: 'error', message: e.stack ?? e.message });
});
