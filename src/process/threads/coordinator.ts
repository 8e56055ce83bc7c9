/**
 * `nbthread N` (N > 1): the main thread becomes the coordinator and starts N data-plane
 * threads (worker_threads, src/process/threads/worker-thread.ts). See
 * docs/internals/multi-core.md for the design and its reasons.
 *
 * Hooked in as the 'threads' service (order 49, just before 'proxies'): in the coordinator
 * it replaces the 'proxies' service's start so that the proxies and servers are built (for
 * checks, the stats socket and the admin logs) but nothing listens here; the threads are
 * started instead and serve once privileges are dropped (acceptGate released).
 */

import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { lookup } from 'node:dns/promises';
import { registerService, allServices, type Instance, type Service } from '../instance';
import { acceptGate, bindForMaster, LISTEN_FDS_ENV } from '../sockets';
import { loadNative } from '../native';
import { isFrontend, type BindConfig } from '../../config/model';
import { buildProxies } from '../../proxy/build';
import { emitAdminEvent } from '../../observe/events';
import { logPrefix } from '../../config/diagnostics';
import { processExt } from '../keywords';
import { threadRole } from './role';
import { findCliCommand, type CliHandler } from '../../runtime/registry';
import { forwardStreamCommands, onCliReply, type CliReply } from './cli-forward';
import { installStickSync } from './stick-sync';
import { reportObservedError } from '../../checks/observe';
import { createLayout, serverSlot, type SharedLayout } from './shared';
import { shareNumber } from './data-plane';
import { mergeSnapshots, procState, serverStates, type ThreadSnap } from './sync';
import type { ThreadData, ToThread } from './worker-thread';

/** Captured before anything can consume it: the threads need the master's fds too. */
const inheritedListenFds = process.env[LISTEN_FDS_ENV];

export interface ThreadInfo {
  tid: number;
  threadId: number;
  worker: Worker;
  ready: boolean;
  exited: boolean;
  snap?: ThreadSnap;
}

/** Threads of this process (coordinator only; empty with nbthread 1). */
export const threads: ThreadInfo[] = [];

let layout: SharedLayout | undefined;

function post(m: ToThread): void {
  for (const t of threads) if (!t.exited) t.worker.postMessage(m);
}

/** Resolves host names as the 'proxies' service does (checks connect from here). */
async function resolveServers(instance: Instance): Promise<void> {
  const jobs: Promise<void>[] = [];
  for (const px of instance.proxies) {
    for (const s of px.servers) {
      if (s.cfg.address?.family !== 'hostname' || s.cfg.options['init-addr'] !== undefined) continue;
      jobs.push(lookup(s.host).then((r) => { s.host = r.address; }, () => { /* the threads report it */ }));
    }
  }
  await Promise.all(jobs);
}

async function startThreads(instance: Instance, n: number): Promise<void> {
  buildProxies(instance);
  await resolveServers(instance);
  layout = createLayout(instance.config);
  const arr = new Int32Array(layout.sab);
  // The coordinator's views read the shared slots (show stat scur, show info CurrConns ...).
  shareNumber(instance, 'actconn', arr, 0);
  instance.proxies.forEach((px, pi) => {
    if (px.isFrontend) shareNumber(px.feCounters, 'cur', arr, layout!.feBase + pi);
    for (const s of px.servers) {
      const idx = serverSlot(layout!, instance, s);
      if (idx !== undefined) shareNumber(s, 'curConns', arr, idx);
    }
  });
  const cpuMap = processExt(instance.config.global).cpuMap;
  if (cpuMap.length > 0 && !instance.options.quiet) {
    process.stderr.write(`${logPrefix('warning')}config : 'cpu-map' is accepted but not applied: Node.js cannot set the CPU affinity of its threads (docs/internals/multi-core.md).\n`);
  }
  const channel = `fulcrum-threads-${process.pid}-${Date.now()}`;
  const env: Record<string, string | undefined> = { ...process.env };
  const listenFds = inheritedListenFds ?? bindShared(instance);
  if (listenFds !== undefined) env[LISTEN_FDS_ENV] = listenFds;
  const states = serverStates(instance);
  const started: Promise<void>[] = [];
  let config: ThreadData['config'] = instance.config;
  try { structuredClone(config); } catch { config = undefined; /* each thread parses the files again */ }
  for (let tid = 1; tid <= n; tid++) {
    const data: ThreadData = { config, options: instance.options, tid, layout, channel, states };
    // A small young generation per thread, as bin/fulcrum sets for the main thread
    // (--max-semi-space-size=4: three 4 MiB semi-space-sized areas).
    const worker = new Worker(join(__dirname, 'worker-thread.js'), { workerData: data, env, stdout: false, stderr: false, resourceLimits: { maxYoungGenerationSizeMb: 12 } });
    const t: ThreadInfo = { tid, threadId: worker.threadId, worker, ready: false, exited: false };
    threads.push(t);
    started.push(new Promise<void>((resolve, reject) => {
      worker.on('message', (m: { type: string; snap?: ThreadSnap; message?: string; pi?: number; si?: number; kind?: string }) => {
        if (m.type === 'ready') { t.ready = true; resolve(); }
        else if (m.type === 'stats' && m.snap) { t.snap = m.snap; merge(instance); }
        else if (m.type === 'error') reject(new Error(m.message));
        else if (m.type === 'cli-reply') onCliReply(m as unknown as CliReply);
        else if (m.type === 'observe') {
          const srv = instance.proxies[m.pi ?? -1]?.servers[m.si ?? -1];
          if (srv) reportObservedError(srv, m.kind as Parameters<typeof reportObservedError>[1]);
        }
      });
      worker.on('error', (e) => reject(e));
      worker.on('exit', (code) => {
        t.exited = true;
        if (!t.ready) { reject(new Error(`thread ${tid} exited with code ${code} while starting`)); return; }
        if (!instance.stopping) {
          // A data-plane thread died: the process is no longer what the config asked for.
          emitAdminEvent('alert', `Thread ${tid} exited unexpectedly (code ${code}), exiting.`);
          process.exit(1);
        }
      });
    }));
  }
  try {
    await Promise.all(started);
  } catch (e) {
    // Bind errors were printed by the thread itself (with HAProxy's messages).
    if (!/exited with code/.test((e as Error).message)) process.stderr.write(`${logPrefix('alert')}${(e as Error).message}\n`);
    process.exit(1);
  }
  // Every state/weight/admin change reaches every thread at once; a periodic push covers
  // fields changed in place (set maxconn server, set server addr).
  let pending = false;
  const push = (): void => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => { pending = false; pushStates(instance); });
  };
  for (const px of instance.proxies) for (const s of px.servers) s.onChange(push);
  setInterval(() => pushStates(instance), 250).unref();
  installRemoteListeners(instance);
  // `clear counters [all]` clears the threads' counters too (the coordinator's are sums).
  const clear = findCliCommand(['clear', 'counters']);
  if (clear) {
    const orig = clear.handler;
    (clear as { handler: CliHandler }).handler = async (ctx) => {
      const r = await orig(ctx);
      if (r === '') post({ type: 'clear', all: ctx.args[2] === 'all' });
      return r as string;
    };
  }
  forwardStreamCommands(() => threads.filter((t) => !t.exited).map((t) => t.worker));
  // The coordinator keeps a copy of the stick tables too: `show table` and `set table`.
  installStickSync(channel);
  // Threads serve once the coordinator released the gate (privileges dropped in run.ts).
  let held = acceptGate.held;
  Object.defineProperty(acceptGate, 'held', {
    configurable: true,
    get: () => held,
    set: (v: boolean) => { held = v; if (!v) post({ type: 'go' }); },
  });
}

function pushStates(instance: Instance): void {
  post({ type: 'states', states: serverStates(instance), proc: procState(instance) });
}

/**
 * The coordinator's stand-in for each thread listener (same order as build.ts creates them):
 * `disable/enable/shutdown frontend`, `set maxconn`, SIGTTOU/SIGTTIN act on the listeners of
 * every thread through these.
 */
function installRemoteListeners(instance: Instance): void {
  instance.proxies.forEach((px, pi) => {
    if (!px.isFrontend || px.state === 'stopped') return;
    const list: RemoteListener[] = [];
    for (const b of px.cfg.binds) {
      for (let port = b.address.port; port <= b.address.portEnd; port++) {
        const li = list.length;
        const op = (o: 'pause' | 'resume' | 'close' | 'admit'): void => {
          // Limits first: `set maxconn` changed them just before asking for admission.
          pushStates(instance);
          post({ type: 'listener', pi, li, op: o });
        };
        list.push({
          frontend: px, bind: b, port, curConns: 0,
          pause: () => op('pause'),
          resume: () => op('resume'),
          admitWaiting: () => op('admit'),
          close: async () => op('close'),
        });
        if (b.address.family !== 'ipv4' && b.address.family !== 'ipv6') break;
      }
    }
    px.ext.listeners = list;
  });
}

/** What the runtime API and signals use of a Listener (src/proxy/listener.ts). */
interface RemoteListener {
  frontend: Instance['proxies'][number];
  bind: Instance['proxies'][number]['cfg']['binds'][number];
  port: number;
  curConns: number;
  pause(): void;
  resume(): void;
  admitWaiting(): void;
  close(): Promise<void>;
}

/** Bind options that make takeListenFd leave binding to Node.js (src/process/sockets.ts). */
const NODE_ONLY_OPTIONS = ['interface', 'namespace', 'transparent', 'tfo', 'mss', 'defer-accept'];

/**
 * Standalone: the binds that cannot be one SO_REUSEPORT socket per thread (unix/abns
 * sockets, `noreuseport`, no native helper, options only Node.js applies) are bound once
 * here, as the master does, and every thread dup()s them. Returns the $FULCRUM_LISTEN_FDS
 * value, or undefined when every bind is per thread.
 */
function bindShared(instance: Instance): string | undefined {
  const native = loadNative();
  const reuse = processExt(instance.config.global).flags.noreuseport !== true;
  const list: { proxy: string; cap: string; bind: BindConfig }[] = [];
  for (const p of instance.config.proxies) {
    if (!isFrontend(p) || p.disabled) continue;
    for (const b of p.binds) {
      const fam = b.address.family;
      const ip = fam === 'ipv4' || fam === 'ipv6';
      if (!ip && fam !== 'unix' && fam !== 'abns') continue;
      const perThread = native !== undefined && ip && reuse && b.options.noreuseport !== true && !NODE_ONLY_OPTIONS.some((o) => b.options[o] !== undefined);
      if (!perThread) list.push({ proxy: p.name, cap: p.cap, bind: b });
    }
  }
  if (list.length === 0) return undefined;
  const { fds, errors } = bindForMaster(list, new Map());
  if (errors.length > 0) {
    for (const e of errors) process.stderr.write(`${logPrefix('alert')}${e}\n`);
    process.stderr.write(`${logPrefix('alert')}[fulcrum.main()] Some protocols failed to start their listeners! Exiting.\n`);
    process.exit(1);
  }
  return JSON.stringify(Object.fromEntries(fds));
}

function merge(instance: Instance): void {
  mergeSnapshots(instance, threads.map((t) => t.snap).filter((s): s is ThreadSnap => s !== undefined));
}

function wrapProxiesService(instance: Instance, n: number): void {
  const svc = allServices().find((s) => s.name === 'proxies') as Service | undefined;
  if (!svc) return;
  svc.start = () => startThreads(instance, n);
  svc.softStop = async (inst) => {
    inst.stopping = true;
    for (const px of inst.proxies) {
      if (px.isFrontend && px.cfg.binds.length > 0 && px.state !== 'stopped') {
        emitAdminEvent('warning', `Proxy ${px.name} stopped (cumulated conns: FE: ${px.feCounters.total}, BE: ${px.beCounters.total}).`, px.name);
      }
    }
    post({ type: 'soft-stop' });
  };
  svc.stop = () => { post({ type: 'stop' }); };
}

registerService({
  name: 'threads',
  order: 49,
  start(instance) {
    const n = instance.config.global.nbthread;
    if (n <= 1 || threadRole.role !== 'single') return;
    threadRole.role = 'coordinator';
    wrapProxiesService(instance, n);
  },
});
