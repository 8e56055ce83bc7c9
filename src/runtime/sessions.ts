/**
 * Registry of live streams for `show sess` and `shutdown session` (HAProxy walks its
 * streams list). The data plane calls {@link trackStream} when a stream starts and
 * {@link untrackStream} when it ends; CLI connections register themselves too, so
 * `show sess` lists the session asking, as HAProxy does (fe=GLOBAL).
 */

/** What `show sess` prints about one stream, plus the way to abort it. */
export interface StreamInfo {
  /** Unique id; printed as a pointer-like `0x…` and accepted by `shutdown session`. */
  readonly id: number;
  /** `tcpv4`, `tcpv6` or `unix_stream`. */
  proto: string;
  /** Client address as `ip:port` (`unix:N` for UNIX sockets). */
  src: string;
  /** Frontend name (`GLOBAL` for the CLI). */
  frontend: string;
  /** Backend and server once chosen. */
  backend?: string;
  server?: string;
  /** Unix ms when the stream started. */
  readonly startMs: number;
  /** Number of times the stream was processed (HAProxy `calls`), if counted. */
  calls?: number;
  /** Aborts the stream (termination cause: killed by admin). */
  kill(reason: string): void;
}

const streams = new Map<number, StreamInfo>();
let nextId = 1;

/**
 * Allocates an id for a new stream. Ids are spaced like heap pointers so they look and parse
 * like HAProxy's (`0x55d0c0a01000`).
 */
export function allocStreamId(): number {
  return 0x55d0c0a00000 + (nextId++) * 0x400;
}

/** Registers a live stream. */
export function trackStream(info: StreamInfo): void { streams.set(info.id, info); }

/** Forgets a stream (call once when it ends; unknown ids are ignored). */
export function untrackStream(id: number): void { streams.delete(id); }

/** Live streams, oldest first. */
export function liveStreams(): StreamInfo[] { return [...streams.values()]; }

/** The stream with this id, if live. */
export function findStream(id: number): StreamInfo | undefined { return streams.get(id); }

/** `0x…` form of a stream id. */
export function streamPtr(id: number): string { return `0x${id.toString(16)}`; }

/** Parses `0x…` (or decimal) as HAProxy's strtoul(…, 0) does; NaN when not a number. */
export function parseStreamPtr(text: string | undefined): number {
  if (!text) return NaN;
  if (/^0x[0-9a-f]+$/i.test(text)) return parseInt(text.slice(2), 16);
  if (/^\d+$/.test(text)) return Number(text);
  return NaN;
}

/** One `show sess` line in 2.6's layout; fields Fulcrum has no notion of print as HAProxy's idle values. */
export function formatSessLine(s: StreamInfo, now = Date.now()): string {
  const age = Math.max(0, Math.floor((now - s.startMs) / 1000));
  return `${streamPtr(s.id)}: proto=${s.proto} src=${s.src} fe=${s.frontend} be=${s.backend ?? '<NONE>'} srv=${s.server ?? '<none>'} ts=00 epoch=0 age=${formatAge(age)} calls=${s.calls ?? 1} rate=0 cpu=0 lat=0 rq[f=0h,i=0,an=00h,rx=,wx=,ax=] rp[f=0h,i=0,an=00h,rx=,wx=,ax=] scf=[8,0h,fd=-1] scb=[8,1h,fd=-1] exp= rc=0 c_exp=\n`;
}

/** HAProxy's human_time(): `1d2h`, `3h4m`, `5m6s`, `7s`. */
export function formatAge(sec: number): string {
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  if (d) return `${d}d${h}h`;
  if (h) return `${h}h${m}m`;
  if (m) return `${m}m${s}s`;
  return `${s}s`;
}
