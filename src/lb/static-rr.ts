/**
 * `balance static-rr`: each server in turn according to its weight, from a precomputed
 * table (HAProxy lb_map.c map_get_server_rr). Static: weight changes other than 0/100%
 * are refused by the runtime API (see `isStatic`), and slowstart does not apply.
 */

import { registerBalancer } from './registry';
import { ServerMap } from './hash/map';

registerBalancer({
  name: 'static-rr',
  isStatic: () => true,
  create: (backend) => new ServerMap(backend),
});
