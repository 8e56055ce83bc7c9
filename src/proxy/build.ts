/**
 * Builds the runtime graph from a validated configuration (proxies, servers, balancers,
 * compiled switching rules) and registers the 'proxies' service that starts the listeners.
 * HAProxy numbers proxies from 2 (id 1 is its internal CLI proxy) and servers from 1 per
 * backend, skipping ids forced with `id`.
 */

import { lookup } from 'node:dns/promises';
import type { Instance } from '../process/instance';
import { registerService } from '../process/instance';
import { Proxy } from './proxy';
import { Server } from './server';
import { createBalancer } from '../lb/registry';
import { compileCondition } from '../acl/compile';
import { Listener } from './listener';
import { rt, parseForwardFor, compileRetryOn, type ProxyRuntime } from './runtime-config';
import { purgeIdle } from './reuse';
import { closeIdleStreams, liveHttpStreams } from './http/stream';
import { emitAdminEvent } from '../observe/events';
import { logPrefix } from '../config/diagnostics';
import { installHooks } from './http/hooks';

function nextId(used: Set<number>, from: number): number {
  let id = from;
  while (used.has(id)) id++;
  used.add(id);
  return id;
}

/** Creates Proxy/Server objects, balancers and compiled rules. Errors are reported on stderr. */
export function buildProxies(instance: Instance): void {
  const cfg = instance.config;
  const used = new Set<number>([1]);
  for (const p of cfg.proxies) if (p.id) used.add(p.id);
  for (const pc of cfg.proxies) {
    const px = new Proxy(pc, pc.id || nextId(used, 2));
    if (pc.disabled) px.state = 'stopped';
    const sids = new Set<number>();
    for (const s of pc.servers) if (s.id) sids.add(s.id);
    for (const sc of pc.servers) {
      const srv = new Server(px, sc, sc.id || nextId(sids, 1));
      px.servers.push(srv);
    }
    instance.proxies.push(px);
  }
  // Tracking: `track [be/]srv` mirrors the tracked server's state.
  for (const px of instance.proxies) {
    for (const s of px.servers) {
      if (!s.cfg.track) continue;
      const [beName, srvName] = s.cfg.track.includes('/') ? s.cfg.track.split('/') : [px.name, s.cfg.track];
      const target = instance.findBackend(beName)?.findServer(srvName);
      if (target) {
        s.tracked = target;
        target.trackers.push(s);
      }
    }
  }
  for (const px of instance.proxies) {
    if (px.isBackend) createBalancer(px);
    px.ext.rt = compileRuntime(instance, px);
  }
  installHooks(instance);
}

function compileRuntime(instance: Instance, px: Proxy): ProxyRuntime {
  const pc = px.cfg;
  const report = (m: string): void => { process.stderr.write(`${logPrefix('alert')}config : proxy '${px.name}': ${m}\n`); };
  const switching: ProxyRuntime['switching'] = [];
  pc.switchingRules.forEach((r, i) => {
    const be = instance.findBackend(r.backend);
    if (!be) return;
    const cond = r.cond ? compileCondition(r.cond, pc, report) : undefined;
    switching.push({ backend: be, cond, index: i + 1, text: `use_backend ${r.backend}${r.cond ? ` ${r.cond.polarity} ${r.cond.words.join(' ')}` : ''}` });
  });
  const redispatchArgs = pc.optionArgs.redispatch;
  const ot = pc.options.originalto ? parseForwardFor(pc.optionArgs.originalto, 'X-Original-To') : undefined;
  return {
    switching,
    defaultBackend: pc.defaultBackend !== undefined ? instance.findBackend(pc.defaultBackend) : undefined,
    forwardFor: pc.options.forwardfor ? parseForwardFor(pc.optionArgs.forwardfor, 'X-Forwarded-For') : undefined,
    originalTo: ot ? { header: ot.header, except: ot.except } : undefined,
    ...compileRetryOn(pc.optionArgs['retry-on']),
    reuse: (pc.optionArgs['http-reuse']?.[0] as ProxyRuntime['reuse'] | undefined) ?? 'safe',
    retries: pc.retries,
    redispatch: pc.options.redispatch === true,
    redispatchInterval: redispatchArgs ? Number(redispatchArgs[0]) : -1,
  };
}

/** Resolves server host names (init-addr libc) before traffic starts. */
async function resolveServers(instance: Instance): Promise<void> {
  const jobs: Promise<void>[] = [];
  for (const px of instance.proxies) {
    for (const s of px.servers) {
      if (s.cfg.address?.family !== 'hostname') continue;
      // `init-addr` servers are given their first address by resolvers/runtime.ts.
      if (s.cfg.options['init-addr'] !== undefined) continue;
      jobs.push(lookup(s.host).then((r) => { s.host = r.address; }, () => {
        process.stderr.write(`${logPrefix('alert')}config : ${px.typeWord} '${px.name}' : could not resolve address '${s.host}'.\n`);
      }));
    }
  }
  await Promise.all(jobs);
}

const LISTENERS = 'listeners';

/** Listeners of a proxy (for enable/disable frontend, soft stop). */
export function proxyListeners(px: Proxy): Listener[] {
  return (px.ext[LISTENERS] as Listener[] | undefined) ?? [];
}

/** All listeners of the instance. */
export function allListeners(instance: Instance): Listener[] {
  return instance.proxies.flatMap(proxyListeners);
}

registerService({
  name: 'proxies',
  order: 50,
  async start(instance) {
    buildProxies(instance);
    await resolveServers(instance);
    const errors: string[] = [];
    for (const px of instance.proxies) {
      if (!px.isFrontend || px.state === 'stopped') continue;
      const list: Listener[] = [];
      for (const b of px.cfg.binds) {
        for (let port = b.address.port; port <= b.address.portEnd; port++) {
          const l = new Listener(instance, px, b, port);
          const err = await l.start();
          if (err) errors.push(err);
          else list.push(l);
          if (b.address.family !== 'ipv4' && b.address.family !== 'ipv6') break;
        }
      }
      px.ext[LISTENERS] = list;
    }
    if (errors.length > 0) {
      for (const e of errors) process.stderr.write(`${logPrefix('alert')}${e}\n`);
      process.stderr.write(`${logPrefix('alert')}[${process.argv[1]?.split('/').pop() ?? 'fulcrum'}.main()] Some protocols failed to start their listeners! Exiting.\n`);
      process.exit(1);
    }
  },
  async softStop(instance) {
    instance.stopping = true;
    for (const px of instance.proxies) {
      const ls = proxyListeners(px);
      // HAProxy 2.6.12 prints the line for every proxy on soft stop, backends included
      // (observed: 'Proxy main stopped ...' then 'Proxy static stopped (... FE: 0, BE: 0).').
      if (px.isFrontend ? ls.length > 0 : px.state !== 'stopped') {
        emitAdminEvent('warning', `Proxy ${px.name} stopped (cumulated conns: FE: ${px.feCounters.total}, BE: ${px.beCounters.total}).`, px.name);
      }
      await Promise.all(ls.map((l) => l.close()));
    }
    closeIdleStreams();
    purgeIdle();
  },
  async stop(instance) {
    for (const px of instance.proxies) await Promise.all(proxyListeners(px).map((l) => l.close()));
    purgeIdle();
  },
});

/** Live client connections, for soft-stop completion. */
export function liveConnections(instance: Instance): number {
  return instance.actconn + liveHttpStreams() * 0;
}

export { rt };
