/** What every log sink provides. Sinks never throw: failures are reported through `onError`. */
export interface LogSink {
  /** Sends one framed message (a datagram, or one write on a file descriptor). */
  send(message: Buffer): void;
  /** Releases the socket; later sends are dropped. */
  close(): void;
}

/**
 * Receives each failed send (the message was dropped): the errno name and strerror text,
 * e.g. ENOENT / "No such file or directory". EAGAIN means the receiver was full.
 */
export type SinkErrorHandler = (code: string, text: string, errno: number) => void;
