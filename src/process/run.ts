/**
 * Starts a server from a validated configuration: builds the runtime graph, starts every
 * registered service in order, and wires signals (SIGUSR1 soft stop, SIGTERM/SIGINT hard stop).
 */

import type { Config } from '../config/model';
import { Instance, allServices, type InstanceOptions } from './instance';

export async function runServer(config: Config, options: InstanceOptions): Promise<Instance> {
  const instance = new Instance(config, options);
  for (const s of allServices()) await s.start(instance);
  const hardStop = async (): Promise<void> => {
    for (const s of [...allServices()].reverse()) await s.stop?.(instance);
    process.exit(0);
  };
  process.on('SIGTERM', () => void hardStop());
  process.on('SIGINT', () => void hardStop());
  return instance;
}
