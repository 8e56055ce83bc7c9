/**
 * Body framing (RFC 9112 §6, §7): decides how a message body is delimited and scans chunked
 * bodies in place so they can be forwarded as they arrive, without copying or buffering
 * them whole. The scanner validates chunk sizes and finds the end of the message (after the
 * trailer section); the bytes themselves are forwarded unchanged.
 */

import type { ParsedHead } from './parser';

export const enum BodyKind {
  /** No body at all (GET without length, HEAD response, 1xx/204/304). */
  None = 0,
  /** Exactly `length` bytes. */
  Length = 1,
  /** Chunked transfer coding. */
  Chunked = 2,
  /** Until the sender closes (responses only). */
  UntilClose = 3,
}

/** How a request body is delimited (RFC 9112 §6.3: requests without length have none). */
export function requestBodyKind(h: ParsedHead): BodyKind {
  if (h.chunked) return BodyKind.Chunked;
  if (h.contentLength > 0) return BodyKind.Length;
  return BodyKind.None;
}

/** How a response body is delimited, given the request method (RFC 9112 §6.3 rules 1-7). */
export function responseBodyKind(h: ParsedHead, requestMethod: string): BodyKind {
  const s = h.status;
  // Below 200 (1xx, and the odd 2-digit status HAProxy accepts) there is no body.
  if (requestMethod === 'HEAD' || s < 200 || s === 204 || s === 304) return BodyKind.None;
  if (requestMethod === 'CONNECT' && s >= 200 && s < 300) return BodyKind.None;
  if (h.chunked) return BodyKind.Chunked;
  if (h.hasTransferEncoding) return BodyKind.UntilClose;
  if (h.contentLength >= 0) return h.contentLength === 0 ? BodyKind.None : BodyKind.Length;
  return BodyKind.UntilClose;
}

const enum CState { Size, Ext, SizeLf, Data, DataCr, DataLf, TrailerStart, Trailer, TrailerLf, LastLf, Done }

/** Maximum hex digits in a chunk size (HAProxy limits sizes to 32 bits... we allow up to 2^52). */
const MAX_SIZE_DIGITS = 13;

/**
 * Incremental chunked-body scanner. Feed it consecutive slices; it returns how many bytes
 * of the slice belong to the body and whether the body ended. Errors (bad size, missing CRLF)
 * are reported through `error`.
 */
export class ChunkedScanner {
  private state = CState.Size;
  private remaining = 0;
  private digits = 0;
  /** Set when the stream is malformed; the scanner then refuses further input. */
  error: string | undefined;
  /** Total payload bytes (chunk data only) seen so far. */
  dataBytes = 0;
  /** The size line just read was the last chunk's (its `0\r\n` is still to be emitted). */
  private lastChunk = false;
  /** A trailer line split across slices (re-encoding only). */
  private trailer = '';

  reset(): void {
    this.state = CState.Size;
    this.remaining = 0;
    this.digits = 0;
    this.error = undefined;
    this.dataBytes = 0;
    this.lastChunk = false;
    this.trailer = '';
  }

  get done(): boolean { return this.state === CState.Done; }

  /**
   * Scans buf[start..end). Returns the number of bytes consumed by the body (less than
   * end-start only when the body ends inside the slice, or on error). `onData`, when given,
   * receives the ranges of chunk payload (decoded body bytes) as they are found. `out`, when
   * given, receives the body re-encoded in canonical chunked form (what HAProxy forwards:
   * extensions dropped, CRLF line ends, trailer names lower-cased), payload not copied.
   */
  feed(buf: Buffer, start: number, end: number, onData?: (buf: Buffer, start: number, end: number) => void, out?: (Buffer | string)[]): number {
    let i = start;
    while (i < end) {
      switch (this.state) {
        case CState.Size: {
          const c = buf[i];
          const v = hexValue(c);
          if (v >= 0) {
            if (++this.digits > MAX_SIZE_DIGITS) return this.fail('chunk size too large', i, start);
            this.remaining = this.remaining * 16 + v;
            i++;
          } else if (this.digits === 0) {
            return this.fail('invalid chunk size', i, start);
          } else if (c === 59 /* ; */ || c === 32 || c === 9) {
            this.state = CState.Ext;
            i++;
          } else if (c === 13) {
            this.state = CState.SizeLf;
            i++;
          } else if (c === 10) {
            i++;
            this.endSizeLine();
          } else {
            return this.fail('invalid chunk size', i, start);
          }
          break;
        }
        case CState.Ext: {
          const c = buf[i];
          if (c === 13) { this.state = CState.SizeLf; i++; }
          else if (c === 10) { i++; this.endSizeLine(); }
          else i++; // HAProxy 2.6.12 skips extensions up to the CRLF, controls included
          break;
        }
        case CState.SizeLf:
          if (buf[i] !== 10) return this.fail('missing LF after chunk size', i, start);
          i++;
          this.endSizeLine();
          break;
        case CState.Data: {
          const n = Math.min(this.remaining, end - i);
          if (onData && n > 0) onData(buf, i, i + n);
          // Canonical re-encoding, as HAProxy's HTX output: each run of payload that is here
          // becomes one chunk (no extensions, CRLF line ends).
          if (out && n > 0) out.push(`${n.toString(16)}\r\n`, buf.subarray(i, i + n), '\r\n');
          i += n;
          this.remaining -= n;
          this.dataBytes += n;
          if (this.remaining === 0) this.state = CState.DataCr;
          break;
        }
        case CState.DataCr:
          if (buf[i] === 13) { this.state = CState.DataLf; i++; }
          else if (buf[i] === 10) { this.state = CState.Size; this.digits = 0; i++; }
          else return this.fail('missing CRLF after chunk data', i, start);
          break;
        case CState.DataLf:
          if (buf[i] !== 10) return this.fail('missing LF after chunk data', i, start);
          i++;
          this.state = CState.Size;
          this.digits = 0;
          break;
        case CState.TrailerStart:
          if (out && this.lastChunk) { out.push('0\r\n'); this.lastChunk = false; }
          if (buf[i] === 13) { this.state = CState.LastLf; i++; }
          else if (buf[i] === 10) { i++; this.state = CState.Done; if (out) out.push('\r\n'); return i - start; }
          else { this.state = CState.Trailer; this.trailer = ''; }
          break;
        case CState.Trailer: {
          const lf = buf.indexOf(10, i);
          if (lf < 0 || lf >= end) {
            if (out) this.trailer += buf.toString('latin1', i, end);
            i = end;
            break;
          }
          if (out) {
            let line = this.trailer + buf.toString('latin1', i, lf);
            if (line.endsWith('\r')) line = line.slice(0, -1);
            const colon = line.indexOf(':');
            // Trailer names go out lower-cased, as HTX stores them.
            out.push(colon > 0 ? `${line.slice(0, colon).toLowerCase()}${line.slice(colon)}\r\n` : `${line}\r\n`);
            this.trailer = '';
          }
          i = lf + 1;
          this.state = CState.TrailerStart;
          break;
        }
        case CState.LastLf:
          if (buf[i] !== 10) return this.fail('missing LF after last chunk', i, start);
          i++;
          this.state = CState.Done;
          if (out) out.push('\r\n');
          return i - start;
        case CState.TrailerLf:
        case CState.Done:
          return i - start;
      }
    }
    return i - start;
  }

  private endSizeLine(): void {
    if (this.remaining === 0) {
      this.lastChunk = true;
      this.state = CState.TrailerStart;
    } else {
      this.state = CState.Data;
    }
  }

  private fail(msg: string, i: number, start: number): number {
    this.error = msg;
    return i - start;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
