/**
 * One stats socket connection, speaking HAProxy's CLI protocol (management.txt §9.3, checked
 * byte for byte against 2.6.12):
 *  - non-interactive (default): one line is read, its `;`-separated commands run in order,
 *    each answer is followed by an empty line, then the connection closes;
 *  - `prompt` toggles interactive mode: after each command's answer and empty line the
 *    prompt `> ` is sent, and lines are read until `quit`, EOF or the idle timeout;
 *  - a command line ending with the word `<<` carries a payload: the following lines up to
 *    an empty line (prompt `+ ` meanwhile);
 *  - `quit` closes without output; an unknown command gets the usage message.
 * Commands run one at a time; long answers are written with backpressure.
 */

import type { Socket } from 'node:net';
import type { Instance } from '../process/instance';
import { findCliCommand, allCliCommands, LEVEL_RANK, type CliLevel, type CliSession, type CliContext } from './registry';
import { splitCommands, PAYLOAD_PATTERN } from './parse';
import { usageMessage } from './usage';
import { allocStreamId, trackStream, untrackStream } from './sessions';

export const PERMISSION_DENIED = 'Permission denied\n';

/** Longest input line accepted (HAProxy's buffer is 16 kB; longer lines are cut off). */
const MAX_LINE = 16384;

export class CliConnection {
  readonly session: CliSession;
  private buf = '';
  private busy = false;
  private closed = false;
  /** Pending payload: the command line waiting for it, and the lines so far. */
  private payloadFor?: string[][];
  private payload = '';
  /** Set after the first line in non-interactive mode: nothing more is read. */
  private done = false;
  /** The client closed its sending side. */
  private eof = false;

  constructor(private readonly instance: Instance, private readonly socket: Socket, level: CliLevel, timeoutMs: number) {
    this.session = { level, interactive: false, timeoutMs, onTimeoutChange: (ms) => socket.setTimeout(ms) };
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs);
    socket.on('timeout', () => socket.destroy());
    socket.on('data', (d: string) => {
      if (this.done) return;
      this.buf += d;
      if (this.buf.length > MAX_LINE && !this.buf.includes('\n')) this.buf = this.buf.slice(0, MAX_LINE) + '\n';
      void this.pump();
    });
    // The listener allows half-open sockets: a client that shuts its side after sending
    // (`echo cmd | socat ...`) still gets the whole answer, even from slow handlers.
    socket.on('end', () => {
      this.eof = true;
      // An unterminated last line is dropped, as 2.6.12 does (observed: no answer).
      if (!this.busy) this.close();
    });
    // CLI sessions are streams too: `show sess` lists them with fe=GLOBAL, as HAProxy does.
    const id = allocStreamId();
    const tcp = socket.remoteAddress !== undefined;
    trackStream({
      id, proto: tcp ? (socket.remoteFamily === 'IPv6' ? 'tcpv6' : 'tcpv4') : 'unix_stream',
      src: tcp ? `${socket.remoteAddress}:${socket.remotePort}` : 'unix:1', frontend: 'GLOBAL', startMs: Date.now(),
      kill: () => socket.destroy(),
    });
    socket.on('close', () => {
      this.closed = true;
      untrackStream(id);
    });
    socket.on('error', () => { this.closed = true; });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
  }

  private async write(text: string): Promise<void> {
    if (this.closed || text === '') return;
    if (!this.socket.write(text)) {
      await new Promise<void>((res) => {
        const done = (): void => { this.socket.off('drain', done); this.socket.off('close', done); res(); };
        this.socket.on('drain', done);
        this.socket.on('close', done);
      });
    }
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      let nl: number;
      while (!this.closed && !this.done && (nl = this.buf.indexOf('\n')) >= 0) {
        let line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        await this.onLine(line);
      }
    } finally {
      this.busy = false;
      // Nothing more can come after EOF: close once the last answer is written.
      if (this.eof) this.close();
    }
  }

  private async onLine(line: string): Promise<void> {
    if (this.payloadFor) {
      if (line !== '') {
        this.payload += line + '\n';
        return;
      }
      const cmds = this.payloadFor;
      this.payloadFor = undefined;
      await this.runLine(cmds, this.payload);
      this.payload = '';
      return;
    }
    const cmds = splitCommands(line);
    const last = cmds[cmds.length - 1];
    if (last.length > 0 && last[last.length - 1] === PAYLOAD_PATTERN) {
      last.pop();
      this.payloadFor = cmds;
      this.payload = '';
      if (this.session.interactive) await this.write('+ ');
      return;
    }
    await this.runLine(cmds, undefined);
  }

  /** Runs the commands of one line; the payload goes to the last one. */
  private async runLine(cmds: string[][], payload: string | undefined): Promise<void> {
    for (let i = 0; i < cmds.length && !this.closed; i++) {
      const words = cmds[i];
      if (words[0] === 'quit') {
        this.close();
        return;
      }
      const out = await this.execute(words, i === cmds.length - 1 ? payload : undefined);
      // One write per answer: one-shot clients such as hapc do a single recv().
      await this.write(out + '\n' + (this.session.interactive ? '> ' : ''));
    }
    if (!this.session.interactive) {
      this.done = true;
      this.close();
    }
  }

  /** Runs one command and returns its whole answer (the caller adds the empty line). */
  async execute(words: string[], payload?: string): Promise<string> {
    if (words[0] === 'prompt') {
      this.session.interactive = !this.session.interactive;
      return '';
    }
    if (words[0] === 'help') return usageMessage(visibleCommands(), words.slice(1), 'help');
    const cmd = words.length > 0 ? findCliCommand(words) : undefined;
    if (!cmd) return usageMessage(visibleCommands(), words, 'unknown');
    if (LEVEL_RANK[this.session.level] < LEVEL_RANK[cmd.level]) return PERMISSION_DENIED;
    const ctx: CliContext = { instance: this.instance, args: words, payload, level: this.session.level, session: this.session };
    let result: Awaited<ReturnType<typeof cmd.handler>>;
    try {
      result = await cmd.handler(ctx);
    } catch (e) {
      // A failing handler answers like a refused command instead of killing the connection.
      return `Internal error: ${(e as Error).message}\n`;
    }
    if (typeof result === 'string') return result;
    let out = '';
    for await (const chunk of result) {
      out += chunk;
      if (out.length >= 65536) {
        await this.write(out);
        out = '';
      }
    }
    return out;
  }
}

/** Commands listed by help: HAProxy 2.6 lists them whatever the connection's level. */
function visibleCommands(): ReturnType<typeof allCliCommands> { return allCliCommands(); }
