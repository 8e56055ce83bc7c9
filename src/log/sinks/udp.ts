/**
 * UDP syslog sink (`log 127.0.0.1:514 local0`). One datagram per message, fire and forget:
 * send errors (ICMP port unreachable surfacing as ECONNREFUSED, no route) are reported
 * through onError and the message is dropped, as HAProxy does.
 */

import dgram from 'node:dgram';
import type { LogSink, SinkErrorHandler } from './types';
import { describeCode } from './errno';

export class UdpSink implements LogSink {
  private sock: dgram.Socket | undefined;

  constructor(private readonly host: string, private readonly port: number, family: 4 | 6, private readonly onError: SinkErrorHandler) {
    this.sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    this.sock.on('error', (e: NodeJS.ErrnoException) => this.report(e));
    // A log socket must not keep the process alive on its own.
    this.sock.unref();
  }

  private report(e: NodeJS.ErrnoException): void {
    const d = describeCode(e.code ?? 'EIO');
    this.onError(d.code, d.text, d.errno);
  }

  send(message: Buffer): void {
    const s = this.sock;
    if (!s) return;
    try {
      s.send(message, this.port, this.host, (e) => { if (e) this.report(e as NodeJS.ErrnoException); });
    } catch (e) {
      this.report(e as NodeJS.ErrnoException);
    }
  }

  close(): void {
    const s = this.sock;
    this.sock = undefined;
    try { s?.close(); } catch { /* already closed */ }
  }
}
