/**
 * File-descriptor sink (`log stdout`, `log stderr`, `log fd@N`): one write per message.
 * HAProxy uses non-blocking writev() and drops on EAGAIN; writeSync on a pipe that is full
 * reports EAGAIN the same way, so the message is dropped (and reported to onError, which
 * counts it) rather than queued without bound.
 */

import { writeSync } from 'node:fs';
import type { LogSink, SinkErrorHandler } from './types';
import { describeCode } from './errno';

/** Writes each message to a file descriptor the process already has. */
export class FdSink implements LogSink {
  private open = true;

  constructor(private readonly fd: number, private readonly onError: SinkErrorHandler) {}

  send(message: Buffer): void {
    if (!this.open) return;
    try {
      writeSync(this.fd, message);
    } catch (e) {
      const d = describeCode((e as NodeJS.ErrnoException).code ?? 'EIO');
      this.onError(d.code, d.text, d.errno);
    }
  }

  /** The descriptor belongs to the process (stdout/stderr or inherited): never closed here. */
  close(): void { this.open = false; }
}
