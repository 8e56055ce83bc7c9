/**
 * The `log` Service (order 10, before the proxies): opens every logger at start, forwards
 * admin events to syslog and stderr while running, and closes the sockets on stop.
 */

import { registerService, type Instance } from '../process/instance';
import { subscribeAdminEvents } from '../observe/events';
import { closeLogRuntime, logRuntime, proxyLogState } from './runtime';
import { sendAdminLog } from './index';

const unsubscribe = new WeakMap<Instance, () => void>();

registerService({
  name: 'log',
  order: 10,
  start(instance) {
    logRuntime(instance);
    // Proxies may not be built yet at order 10; their loggers open on first use otherwise.
    for (const px of instance.proxies) proxyLogState(instance, px);
    unsubscribe.set(instance, subscribeAdminEvents((ev) => sendAdminLog(instance, ev)));
  },
  stop(instance) {
    unsubscribe.get(instance)?.();
    unsubscribe.delete(instance);
    closeLogRuntime(instance);
  },
});
