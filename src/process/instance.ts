/**
 * The running process's object graph: the validated config, the runtime proxies built from
 * it, and process-wide counters (`show info`). One Instance per loaded configuration; a
 * reload builds a new one. Subsystems hook in through {@link registerService}.
 */

import type { Config } from '../config/model';
import type { Proxy } from '../proxy/proxy';
import { RateCounter } from '../stats/counters';

export interface InstanceOptions {
  /** Foreground/debug flags from the command line. */
  foreground: boolean;
  quiet: boolean;
  /** `-d` debug mode: also print placement explanations and more. */
  debug: boolean;
  /** Local peer name (`-L`). */
  localPeer: string;
  /** Run with the unprivileged adaptation (npm start): no root warning. */
  unprivileged?: boolean;
  /** Paths given with -f, for messages. */
  configFiles: string[];
  // Optional fields below are set by src/cli/main.ts (additive; absent means "not given").
  /** Running as the detached daemon child (`-D` or global `daemon`). */
  daemon?: boolean;
  /** Pidfile written by the CLI once started (`-p` or global `pidfile`). */
  pidfile?: string;
  /** `-W`/`-Ws`/`master-worker`: requested; Fulcrum runs a single process (docs/cli.md). */
  masterWorker?: boolean;
  /** `-sf PID...`: old processes sent SIGUSR1 (soft stop) once this one has started. */
  softStopPids?: number[];
  /** `-st PID...`: old processes sent SIGTERM (hard stop) once this one has started. */
  hardStopPids?: number[];
  /** `-dD`: diagnostic mode. */
  diagnostic?: boolean;
  /** `-dr`: ignore server address resolution failures. */
  ignoreResolveErrors?: boolean;
  /** `-dV`: do not verify server certificates. */
  noServerVerify?: boolean;
  /** `-m`: memory limit in MB. */
  memoryLimitMb?: number;
}

export class Instance {
  readonly config: Config;
  readonly options: InstanceOptions;
  readonly proxies: Proxy[] = [];
  readonly startTime = Date.now();
  readonly pid = process.pid;
  /** Set once a soft stop began. */
  stopping = false;
  /** Global current connections (actconn) and totals for show info. */
  actconn = 0;
  cumConns = 0;
  cumReq = 0;
  maxconnReached = 0;
  readonly connRate = new RateCounter();
  readonly sessRate = new RateCounter();
  readonly reqRate = new RateCounter();
  /** Global maxconn (runtime-changeable with `set maxconn global`). */
  maxconn: number;
  /** Opaque per-subsystem runtime data (`ext.checks`, `ext.log` ...). */
  readonly ext: Record<string, unknown> = {};

  constructor(config: Config, options: InstanceOptions) {
    this.config = config;
    this.options = options;
    this.maxconn = config.global.maxconn || 4096;
  }

  findProxy(name: string): Proxy | undefined {
    if (name.startsWith('#')) {
      const id = Number(name.slice(1));
      return this.proxies.find((p) => p.id === id);
    }
    return this.proxies.find((p) => p.name === name);
  }

  findBackend(name: string): Proxy | undefined {
    return this.proxies.find((p) => p.isBackend && (p.name === name || (name.startsWith('#') && p.id === Number(name.slice(1)))));
  }

  findFrontend(name: string): Proxy | undefined {
    return this.proxies.find((p) => p.isFrontend && (p.name === name || (name.startsWith('#') && p.id === Number(name.slice(1)))));
  }

  uptimeSeconds(now = Date.now()): number { return Math.floor((now - this.startTime) / 1000); }
}

/** A subsystem's runtime part: started after the proxies are built, stopped on exit. */
export interface Service {
  name: string;
  /** Lower runs first (log 10, proxies/listeners 50, checks 60, runtime socket 70). */
  order: number;
  start(instance: Instance): void | Promise<void>;
  /** Soft stop: stop accepting new work (listeners, checks). */
  softStop?(instance: Instance): void | Promise<void>;
  /** Hard stop: close everything. */
  stop?(instance: Instance): void | Promise<void>;
}

const services: Service[] = [];

export function registerService(s: Service): void {
  services.push(s);
  services.sort((a, b) => a.order - b.order);
}

export function allServices(): readonly Service[] { return services; }
