/**
 * UDP syslog sink (`log 127.0.0.1:514 local0`, `log syslog.example:514 local0`). One
 * datagram per message, fire and forget: send errors (ICMP port unreachable surfacing as
 * ECONNREFUSED, no route) are reported through onError and the message is dropped, as
 * HAProxy does. A host name is resolved once when the sink opens (HAProxy resolves it at
 * startup), not on every send; lines logged meanwhile wait in a small bounded queue.
 */

import dgram from 'node:dgram';
import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import type { LogSink, SinkErrorHandler } from './types';
import { describeCode } from './errno';

/** Messages kept while a host name resolves; beyond that they are dropped. */
const PENDING_MAX = 256;

/** Sends each message as one UDP datagram to host:port. */
export class UdpSink implements LogSink {
  private sock: dgram.Socket | undefined;
  private address: string | undefined;
  private pending: Buffer[] | undefined;

  constructor(host: string, private readonly port: number, family: 4 | 6, private readonly onError: SinkErrorHandler) {
    this.sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    this.sock.on('error', (e: NodeJS.ErrnoException) => this.report(e));
    // A log socket must not keep the process alive on its own.
    this.sock.unref();
    if (isIP(host)) {
      this.address = host;
      return;
    }
    this.pending = [];
    lookup(host, { family }, (err, addr) => {
      const queued = this.pending ?? [];
      this.pending = undefined;
      if (err) {
        this.report(err);
        this.close();
        return;
      }
      this.address = addr;
      for (const m of queued) this.send(m);
    });
  }

  private report(e: NodeJS.ErrnoException): void {
    const d = describeCode(e.code ?? 'EIO');
    this.onError(d.code, d.text, d.errno);
  }

  send(message: Buffer): void {
    const s = this.sock;
    if (!s) return;
    if (this.address === undefined) {
      if (this.pending && this.pending.length < PENDING_MAX) this.pending.push(message);
      return;
    }
    try {
      s.send(message, this.port, this.address, (e) => { if (e) this.report(e as NodeJS.ErrnoException); });
    } catch (e) {
      this.report(e as NodeJS.ErrnoException);
    }
  }

  close(): void {
    const s = this.sock;
    this.sock = undefined;
    this.pending = undefined;
    try { s?.close(); } catch { /* already closed */ }
  }
}
