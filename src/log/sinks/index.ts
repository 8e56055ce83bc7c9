/**
 * Opens the sink for a resolved target address (see ../targets.ts). Ring targets are opened
 * by runtime.ts, which owns the instance's rings.
 */

import type { TargetAddress } from '../targets';
import type { LogSink, SinkErrorHandler } from './types';
import { UdpSink } from './udp';
import { FdSink } from './fd';
import { UnixDgramSink } from './unix-dgram';

export type { LogSink, SinkErrorHandler } from './types';

/** A sink for `addr`; never throws (a sink that cannot open reports once and drops). */
export function openSink(addr: Exclude<TargetAddress, { kind: 'ring' }>, onError: SinkErrorHandler): LogSink {
  switch (addr.kind) {
    case 'udp': return new UdpSink(addr.host, addr.port, addr.family, onError);
    case 'fd': return new FdSink(addr.fd, onError);
    case 'unix': return new UnixDgramSink(addr.path, onError);
  }
}
