/** What every log sink provides. Sinks never throw: failures are reported through `onError`. */
export interface LogSink {
  /** Sends one framed message (a datagram, or one write on a file descriptor). */
  send(message: Buffer): void;
  /** Releases the socket; later sends are dropped. */
  close(): void;
}

/** Receives a sink failure: HAProxy's `errno` name and text, e.g. ENOENT / "No such file or directory". */
export type SinkErrorHandler = (code: string, text: string, errno: number) => void;
