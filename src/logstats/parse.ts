/**
 * Parsing of HAProxy/Fulcrum `option httplog` lines (configuration.txt §8.2.3), with or
 * without a syslog header in front:
 *   [<syslog header>] ci:cp [accept date] fe be/srv TR/Tw/Tc/Tr/Ta ST B CC CS tsc
 *   ac/fc/bc/sc/rc sq/bq [{captured req hdrs}] [{captured res hdrs}] "request line"
 * The accept date `[dd/Mon/yyyy:HH:MM:SS.mmm]` anchors the line, so any prefix works.
 */

export interface HttpLogLine {
  client: string;
  date: string;
  frontend: string;
  backend: string;
  server: string;
  /** TR, Tw, Tc, Tr, Ta in ms; -1 = not reached. */
  tR: number; tw: number; tc: number; tr: number; ta: number;
  status: number;
  bytes: number;
  /** Termination state, 4 characters (`----`, `SC--` ...). */
  term: string;
  /** Retries (the `rc` counter; a `+` prefix marks a redispatch). */
  retries: number;
  srvQueue: number;
  beQueue: number;
  method: string;
  /** Request URI (path and query) as logged; '' for `<BADREQ>`. */
  uri: string;
}

const DATE_RE = /\[(\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2}(?:\.\d{3})?)\] /;

function int(s: string | undefined): number {
  if (s === undefined || s === '') return -1;
  const n = parseInt(s, 10);
  return Number.isNaN(n) ? -1 : n;
}

/** Parses one line; undefined when it is not an httplog line. */
export function parseHttpLog(line: string): HttpLogLine | undefined {
  const m = DATE_RE.exec(line);
  if (!m) return undefined;
  const before = line.slice(0, m.index).trimEnd();
  const client = before.slice(before.lastIndexOf(' ') + 1);
  let pos = m.index + m[0].length;
  const tokens: string[] = [];
  let request = '';
  while (pos < line.length && tokens.length < 12) {
    while (line.charCodeAt(pos) === 32) pos++;
    if (pos >= line.length) break;
    const ch = line[pos];
    if (ch === '"') { request = line.slice(pos + 1, line.endsWith('"') ? line.length - 1 : line.length); break; }
    let end: number;
    if (ch === '{') {
      end = line.indexOf('}', pos);
      end = end < 0 ? line.length : end + 1;
      pos = end; // captures are skipped
      continue;
    }
    end = line.indexOf(' ', pos);
    if (end < 0) end = line.length;
    tokens.push(line.slice(pos, end));
    pos = end;
  }
  if (tokens.length < 10) return undefined;
  const [frontend, besrv, timers, st, bytes, , , term, conns, queues] = tokens;
  const slash = besrv.indexOf('/');
  if (slash < 0) return undefined;
  const t = timers.split('/');
  if (t.length !== 5) return undefined;
  const c = conns.split('/');
  const q = queues.split('/');
  const sp = request.indexOf(' ');
  const method = sp < 0 ? request : request.slice(0, sp);
  let uri = '';
  if (sp >= 0) {
    const sp2 = request.lastIndexOf(' ');
    uri = sp2 > sp ? request.slice(sp + 1, sp2) : request.slice(sp + 1);
  }
  return {
    client, date: m[1], frontend, backend: besrv.slice(0, slash), server: besrv.slice(slash + 1),
    tR: int(t[0]), tw: int(t[1]), tc: int(t[2]), tr: int(t[3]), ta: int(t[4].replace(/^\+/, '')),
    status: int(st), bytes: int(bytes.replace(/^\+/, '')), term,
    retries: int((c[4] ?? '').replace(/^\+/, '')), srvQueue: int(q[0]), beQueue: int(q[1]),
    method, uri,
  };
}

/** halog's notion of an error: no status, a 5xx, or a termination caused by something else than a clean end or an intercept. */
export function isError(l: HttpLogLine): boolean {
  if (l.status <= 0 || l.status >= 500) return true;
  const c = l.term[0];
  return c !== '-' && c !== 'L' && c !== undefined;
}
