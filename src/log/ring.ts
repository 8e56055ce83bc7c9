/**
 * In-memory event rings (HAProxy `ring` sections, `log ring@<name>`, `show events`): a
 * bounded byte budget of recent messages, oldest dropped first. Config data (`RingConfig`)
 * is plain; the runtime `Ring` lives in the instance's log runtime.
 */

import type { SourceRef } from '../config/model';
import type { SyslogFormat } from './syslog';

/** A `ring` section as parsed (config.sections.ring). */
export interface RingConfig {
  name: string;
  /** `description`; HAProxy shows the ring's name when unset. */
  description?: string;
  /** Framing of stored messages (HAProxy default: raw). */
  format: SyslogFormat;
  /** Longest message kept, header included (`maxlen`). */
  maxLength: number;
  /** Byte budget (`size`, HAProxy default 16384). */
  size: number;
  src: SourceRef;
}

/** One stored message. */
interface Entry {
  seq: number;
  text: string;
}

/** A ring buffer of text messages with a byte budget. */
export class Ring {
  private entries: Entry[] = [];
  private head = 0;
  private bytes = 0;
  private nextSeq = 0;
  /** Messages that could not be stored (bigger than the whole ring). */
  dropped = 0;

  constructor(readonly cfg: RingConfig) {}

  /** Stores a message (without its final newline), evicting the oldest ones to make room. */
  push(text: string): void {
    const len = Buffer.byteLength(text) + 1;
    if (len > this.cfg.size) {
      this.dropped++;
      return;
    }
    while (this.bytes + len > this.cfg.size && this.head < this.entries.length) {
      this.bytes -= Buffer.byteLength(this.entries[this.head].text) + 1;
      this.head++;
    }
    // Compact now and then so evicted entries do not accumulate.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    this.entries.push({ seq: this.nextSeq++, text });
    this.bytes += len;
  }

  /** Sequence number the next message will get (for "new messages only"). */
  get mark(): number { return this.nextSeq; }

  /** Messages with a sequence number >= `from`, oldest first. */
  since(from = 0): string[] {
    const out: string[] = [];
    for (let i = this.head; i < this.entries.length; i++) if (this.entries[i].seq >= from) out.push(this.entries[i].text);
    return out;
  }
}
