/** Ring sink (`log ring@name`): stores each framed message in an in-memory ring. */

import type { LogSink } from './types';
import type { Ring } from '../ring';

/** Keeps messages in a {@link Ring} for `show events`; the final newline is not stored. */
export class RingSink implements LogSink {
  private open = true;

  constructor(private readonly ring: Ring) {}

  send(message: Buffer): void {
    if (!this.open) return;
    const end = message.length > 0 && message[message.length - 1] === 0x0a ? message.length - 1 : message.length;
    this.ring.push(message.toString('utf8', 0, end));
  }

  /** The ring belongs to the instance; closing only stops this logger's writes. */
  close(): void { this.open = false; }
}
