/**
 * Aggregation for `fulcrum log-stats`: counts per server, per URL, per status and per
 * termination state, and the timer distributions (TR/Tw/Tc/Tr/Ta). Memory grows with the
 * number of distinct servers/URLs and with one 32-bit integer per timer per line.
 */

import { isError, parseHttpLog, type HttpLogLine } from './parse';

/** A growable Int32 array (timers, in ms). */
export class IntSeries {
  private a = new Int32Array(1024);
  n = 0;
  sum = 0;
  push(v: number): void {
    if (this.n === this.a.length) { const b = new Int32Array(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
    this.sum += v;
  }
  private sorted: Int32Array | undefined;
  /** Nearest-rank percentile (p in 0..100); -1 when empty. */
  percentile(p: number): number {
    if (this.n === 0) return -1;
    if (!this.sorted || this.sorted.length !== this.n) this.sorted = this.a.slice(0, this.n).sort();
    const rank = Math.max(1, Math.ceil((p * this.n) / 100 - 1e-9));
    return this.sorted[Math.min(this.n, rank) - 1];
  }
  avg(): number { return this.n ? this.sum / this.n : -1; }
}

export interface Bucket {
  count: number;
  errors: number;
  statusClass: number[]; // 1xx..5xx, other at index 0
  bytes: number;
  /** Tc and Tr over requests that reached them, Ta over all. */
  tcSum: number; tcN: number;
  trSum: number; trN: number;
  taSum: number; taN: number;
  okTaSum: number; okN: number;
}

function bucket(): Bucket {
  return { count: 0, errors: 0, statusClass: [0, 0, 0, 0, 0, 0], bytes: 0, tcSum: 0, tcN: 0, trSum: 0, trN: 0, taSum: 0, taN: 0, okTaSum: 0, okN: 0 };
}

export interface Filters {
  onlyErrors?: boolean;
  noErrors?: boolean;
  statusMin?: number;
  statusMax?: number;
  /** Minimum / maximum Ta (ms). */
  taMin?: number;
  taMax?: number;
  server?: string;
  backend?: string;
  frontend?: string;
}

export class LogStats {
  lines = 0;
  unparsed = 0;
  matched = 0;
  firstDate = '';
  lastDate = '';
  readonly servers = new Map<string, Bucket>();
  readonly urls = new Map<string, Bucket>();
  readonly statuses = new Map<number, number>();
  readonly terms = new Map<string, number>();
  readonly timers = { TR: new IntSeries(), Tw: new IntSeries(), Tc: new IntSeries(), Tr: new IntSeries(), Ta: new IntSeries() };
  /** Per-server Tr/Ta distributions (only when asked: `-srv -pct`). */
  readonly serverTimers = new Map<string, { Tr: IntSeries; Ta: IntSeries }>();
  errors = 0;

  constructor(private readonly f: Filters = {}, private readonly keepUrls = true, private readonly perServerTimers = false) {}

  /** Feeds one line of text. */
  addLine(text: string): void {
    if (text === '') return;
    this.lines++;
    const l = parseHttpLog(text);
    if (!l) { this.unparsed++; return; }
    this.add(l);
  }

  private accept(l: HttpLogLine, err: boolean): boolean {
    const f = this.f;
    if (f.onlyErrors && !err) return false;
    if (f.noErrors && err) return false;
    if (f.statusMin !== undefined && l.status < f.statusMin) return false;
    if (f.statusMax !== undefined && l.status > f.statusMax) return false;
    if (f.taMin !== undefined && l.ta < f.taMin) return false;
    if (f.taMax !== undefined && (l.ta < 0 || l.ta > f.taMax)) return false;
    if (f.server !== undefined && `${l.backend}/${l.server}` !== f.server && l.server !== f.server) return false;
    if (f.backend !== undefined && l.backend !== f.backend) return false;
    if (f.frontend !== undefined && l.frontend !== f.frontend) return false;
    return true;
  }

  /** Feeds one parsed line. */
  add(l: HttpLogLine): void {
    const err = isError(l);
    if (!this.accept(l, err)) return;
    this.matched++;
    if (!this.firstDate) this.firstDate = l.date;
    this.lastDate = l.date;
    if (err) this.errors++;
    this.statuses.set(l.status, (this.statuses.get(l.status) ?? 0) + 1);
    this.terms.set(l.term, (this.terms.get(l.term) ?? 0) + 1);
    const t = this.timers;
    if (l.tR >= 0) t.TR.push(l.tR);
    if (l.tw >= 0) t.Tw.push(l.tw);
    if (l.tc >= 0) t.Tc.push(l.tc);
    if (l.tr >= 0) t.Tr.push(l.tr);
    if (l.ta >= 0) t.Ta.push(l.ta);
    const sk = `${l.backend}/${l.server}`;
    this.fold(this.servers, sk, l, err);
    if (this.perServerTimers) {
      let st = this.serverTimers.get(sk);
      if (!st) { st = { Tr: new IntSeries(), Ta: new IntSeries() }; this.serverTimers.set(sk, st); }
      if (l.tr >= 0) st.Tr.push(l.tr);
      if (l.ta >= 0) st.Ta.push(l.ta);
    }
    if (this.keepUrls) this.fold(this.urls, l.uri === '' ? '<BADREQ>' : l.uri, l, err);
  }

  private fold(map: Map<string, Bucket>, key: string, l: HttpLogLine, err: boolean): void {
    let b = map.get(key);
    if (!b) { b = bucket(); map.set(key, b); }
    b.count++;
    if (err) b.errors++;
    const cls = Math.floor(l.status / 100);
    b.statusClass[cls >= 1 && cls <= 5 ? cls : 0]++;
    if (l.bytes > 0) b.bytes += l.bytes;
    if (l.tc >= 0) { b.tcSum += l.tc; b.tcN++; }
    if (l.tr >= 0) { b.trSum += l.tr; b.trN++; }
    if (l.ta >= 0) { b.taSum += l.ta; b.taN++; if (!err) { b.okTaSum += l.ta; b.okN++; } }
  }
}
