/**
 * Captured protocol errors for `show errors` (HAProxy keeps the last invalid request and
 * response of each proxy). The data plane calls {@link recordProtocolError} when it rejects
 * a message; the capture keeps at most `tune.bufsize` bytes.
 */

export type ErrorSide = 'request' | 'response';

/** What the data plane reports about a rejected message. */
export interface ProtocolErrorInfo {
  /** Proxy that saw the error: the frontend for requests, the backend for responses. */
  proxyName: string;
  proxyId: number;
  /** 'frontend', 'backend' or 'proxy' (listen) as in HAProxy's message. */
  proxyType: string;
  side: ErrorSide;
  /** Client `ip:port`. */
  src: string;
  /** The other side, when known: backend and server names and ids. */
  backend?: { name: string; id: number };
  server?: { name: string; id: number };
  /** The bytes received (start of the message). */
  buffer: Buffer;
  /** Offset of the offending byte in `buffer`. */
  errorPos: number;
  /** Parser state name, e.g. `MSG_HDR_NAME`, for the dump. */
  state?: string;
  /** Unix ms; defaults to now. */
  when?: number;
}

interface Captured extends ProtocolErrorInfo {
  when: number;
  event: number;
}

/** Last error per proxy and side. */
const captured = new Map<string, Captured>();
let events = 0;

/** Records one rejected request/response (the latest per proxy and side is kept). */
export function recordProtocolError(info: ProtocolErrorInfo): void {
  const c: Captured = { ...info, buffer: Buffer.from(info.buffer.subarray(0, 16384)), when: info.when ?? Date.now(), event: events++ };
  captured.set(`${info.proxyId}/${info.side}`, c);
}

/** Forgets every capture (tests, reload). */
export function clearProtocolErrors(): void {
  captured.clear();
  events = 0;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `[26/Nov/2026:21:19:17.217]` in local time, as HAProxy prints capture dates. */
export function captureDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `[${p(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}]`;
}

/**
 * HAProxy's dump of a captured buffer: lines of `  NNNNN  text` where non-printable bytes
 * are escaped (`\r`, `\n`, `\t`, `\xHH`, and a literal backslash doubled); a line ends after
 * each `\n` or every 64 bytes.
 */
export function dumpBuffer(buf: Buffer): string {
  let out = '';
  let start = 0;
  while (start < buf.length) {
    let line = '';
    let i = start;
    for (; i < buf.length && i - start < 64; i++) {
      const b = buf[i];
      if (b === 0x0a) { line += '\\n'; i++; break; }
      if (b === 0x0d) line += '\\r';
      else if (b === 0x09) line += '\\t';
      else if (b === 0x5c) line += '\\\\';
      else if (b < 0x20 || b >= 0x7f) line += `\\x${b.toString(16).padStart(2, '0')}`;
      else line += String.fromCharCode(b);
    }
    out += `  ${String(start).padStart(5, '0')}  ${line}\n`;
    start = i;
  }
  return out;
}

/**
 * `show errors [<iid>|<proxy>] [request|response]`: the header line, then each captured
 * error matching the filters.
 */
export function renderErrors(filter: { proxyId?: number; side?: ErrorSide }, now = Date.now()): string {
  const list = [...captured.values()]
    .filter((c) => (filter.proxyId === undefined || c.proxyId === filter.proxyId) && (filter.side === undefined || c.side === filter.side))
    .sort((a, b) => a.proxyId - b.proxyId || (a.side === b.side ? 0 : a.side === 'request' ? -1 : 1));
  let out = `Total events captured on ${captureDate(now)} : ${events}\n`;
  for (const c of list) {
    const be = c.backend ? `${c.backend.name} (#${c.backend.id})` : '<NONE> (#-1)';
    const srv = c.server ? `${c.server.name} (#${c.server.id})` : '<NONE> (#-1)';
    out += ` \n${captureDate(c.when)} ${c.proxyType} ${c.proxyName} (#${c.proxyId}): invalid ${c.side}\n`;
    out += `  ${c.side === 'request' ? 'backend' : 'frontend'} ${be}, server ${srv}, event #${c.event}, src ${c.src}\n`;
    out += `  buffer starts at 0 (including 0 out), ${Math.max(0, 16384 - c.buffer.length)} free,\n`;
    out += `  len ${c.buffer.length}, wraps at 16336, error at position ${c.errorPos}\n`;
    if (c.state) out += `  H1 msg state ${c.state}\n`;
    out += '  \n';
    out += dumpBuffer(c.buffer);
  }
  return out;
}
