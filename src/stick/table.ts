/**
 * Stick tables (HAProxy: stick_table.c, freq_ctr.c): a keyed store of counters with expiry,
 * declared by `stick-table` in a proxy and named after it. Entries are created by tracking
 * (`track-sc*`), by `stick store-*` rules and by the runtime API (`set table`).
 *
 * The data types form one table ({@link DATA_TYPES}) in HAProxy's enum order, which is also
 * the order `show table` prints them. Each table lays its stored types out once in a
 * Float64Array per entry: counters take one slot, rates three (period start, current and
 * previous period counts), so touching an entry allocates nothing.
 */

/** Kinds of stored values. */
export type DataKind = 'sint' | 'uint' | 'ull' | 'rate' | 'dict';

/** One data type: name as written in `store`, kind, and HAProxy's enum position. */
export interface DataTypeDef { name: string; kind: DataKind }

/** HAProxy 2.6's data types in enum order (stktable_data_types[]). */
export const DATA_TYPES: readonly DataTypeDef[] = [
  { name: 'server_id', kind: 'sint' },
  { name: 'gpt0', kind: 'uint' },
  { name: 'gpc0', kind: 'uint' },
  { name: 'gpc0_rate', kind: 'rate' },
  { name: 'conn_cnt', kind: 'uint' },
  { name: 'conn_rate', kind: 'rate' },
  { name: 'conn_cur', kind: 'uint' },
  { name: 'sess_cnt', kind: 'uint' },
  { name: 'sess_rate', kind: 'rate' },
  { name: 'http_req_cnt', kind: 'uint' },
  { name: 'http_req_rate', kind: 'rate' },
  { name: 'http_err_cnt', kind: 'uint' },
  { name: 'http_err_rate', kind: 'rate' },
  { name: 'bytes_in_cnt', kind: 'ull' },
  { name: 'bytes_in_rate', kind: 'rate' },
  { name: 'bytes_out_cnt', kind: 'ull' },
  { name: 'bytes_out_rate', kind: 'rate' },
  { name: 'gpc1', kind: 'uint' },
  { name: 'gpc1_rate', kind: 'rate' },
  { name: 'server_key', kind: 'dict' },
  { name: 'http_fail_cnt', kind: 'uint' },
  { name: 'http_fail_rate', kind: 'rate' },
];

/** Index of a data type by name, -1 when unknown. */
export function dataTypeIndex(name: string): number { return DATA_TYPES.findIndex((d) => d.name === name); }

/** Key types of `stick-table type ...`. */
export type KeyType = 'ip' | 'ipv6' | 'integer' | 'string' | 'binary';

/** `stick-table` as parsed (plain data in `proxy.ext.stickTable`). */
export interface StickTableConfig {
  type: KeyType;
  /** Key length for string/binary (default 32). */
  keyLen: number;
  size: number;
  /** Entry lifetime in ms; undefined = entries never expire. */
  expire?: number;
  nopurge: boolean;
  peers?: string;
  /** Stored data types with the rate period in ms for rates. */
  store: { type: string; period?: number }[];
  src: { file: string; line: number };
}

/** One entry. `d` holds the table's stored values at the offsets of {@link StickTable.offsets}. */
export interface StickEntry {
  key: string;
  d: Float64Array;
  /** Absolute expiry date (ms, Date.now() clock); 0 when the table has no expire. */
  exp: number;
  /** Streams currently tracking the entry (HAProxy's ref_cnt, `use=` in show table). */
  use: number;
  /** server_key value, when stored. */
  serverKey?: string;
  /** Stable pseudo address for `show table` lines. */
  addr: number;
}

let nextAddr = 1;

/**
 * Reads a rate (HAProxy read_freq_ctr_period): the current period's count plus the previous
 * period's count weighted by the part of the period still to run.
 */
export function readRate(d: Float64Array, o: number, period: number, now: number): number {
  const tick = d[o];
  let curr = d[o + 1];
  let past = d[o + 2];
  let remain = tick + period - now;
  if (remain < 0) {
    past = curr;
    curr = 0;
    remain += period;
    if (remain < 0) past = 0;
  }
  return Math.floor((past * remain + curr * period) / period);
}

/** Adds `inc` to a rate (HAProxy update_freq_ctr_period), rotating periods as needed. */
export function addRate(d: Float64Array, o: number, period: number, now: number, inc: number): void {
  const elapsed = now - d[o];
  if (elapsed >= period) {
    if (elapsed >= 2 * period) { d[o + 2] = 0; d[o] = now; }
    else { d[o + 2] = d[o + 1]; d[o] += period; }
    d[o + 1] = 0;
  }
  d[o + 1] += inc;
}

/** A runtime stick table. */
export class StickTable {
  readonly name: string;
  readonly cfg: StickTableConfig;
  /** Offset in `d` per data type index, -1 when not stored. */
  readonly offsets: Int32Array;
  /** Rate period per data type index (ms), 0 when not a rate or not stored. */
  readonly periods: Float64Array;
  readonly width: number;
  /** `store server_key` was given. */
  readonly storesServerKey: boolean = false;
  /** Entries by key, least recently touched first (Map order; touch re-inserts). */
  readonly entries = new Map<string, StickEntry>();

  constructor(name: string, cfg: StickTableConfig) {
    this.name = name;
    this.cfg = cfg;
    this.offsets = new Int32Array(DATA_TYPES.length).fill(-1);
    this.periods = new Float64Array(DATA_TYPES.length);
    let w = 0;
    for (const s of cfg.store) {
      const i = dataTypeIndex(s.type);
      if (i < 0 || this.offsets[i] >= 0) continue;
      // server_key is a string, kept on the entry itself rather than in `d`.
      if (DATA_TYPES[i].kind === 'dict') { this.storesServerKey = true; continue; }
      this.offsets[i] = w;
      if (DATA_TYPES[i].kind === 'rate') { this.periods[i] = s.period ?? 1000; w += 3; }
      else w += 1;
    }
    this.width = w;
  }

  /** Whether the table stores data type `i`. */
  stores(i: number): boolean { return this.offsets[i] >= 0; }

  /** Number of live entries (expired ones are dropped first). */
  used(now = Date.now()): number {
    this.purgeExpired(now);
    return this.entries.size;
  }

  /** Drops expired entries that nobody tracks. */
  purgeExpired(now = Date.now()): void {
    if (this.cfg.expire === undefined) return;
    for (const e of this.entries.values()) {
      if (e.exp !== 0 && e.exp <= now && e.use === 0) this.entries.delete(e.key);
    }
  }

  /** Finds a live entry. */
  lookup(key: string, now = Date.now()): StickEntry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.exp !== 0 && e.exp <= now && e.use === 0) { this.entries.delete(key); return undefined; }
    return e;
  }

  /**
   * Finds or creates the entry for `key` and refreshes its expiry. When the table is full the
   * least recently touched untracked entry goes (HAProxy purges the oldest), unless `nopurge`
   * is set: then no entry is created and undefined is returned.
   */
  touch(key: string, now = Date.now()): StickEntry | undefined {
    let e = this.lookup(key, now);
    if (e) {
      // Re-insert to keep the Map in touch order (oldest first) for eviction.
      this.entries.delete(key);
      this.entries.set(key, e);
    } else {
      if (this.entries.size >= this.cfg.size) {
        this.purgeExpired(now);
        if (this.entries.size >= this.cfg.size) {
          if (this.cfg.nopurge) return undefined;
          for (const old of this.entries.values()) {
            if (old.use === 0) { this.entries.delete(old.key); break; }
          }
          if (this.entries.size >= this.cfg.size) return undefined;
        }
      }
      e = { key, d: new Float64Array(this.width), exp: 0, use: 0, addr: nextAddr++ };
      this.entries.set(key, e);
    }
    if (this.cfg.expire !== undefined) e.exp = now + this.cfg.expire;
    return e;
  }

  /** Reads data type `i` of an entry (rates at `now`), undefined when not stored. */
  get(e: StickEntry, i: number, now = Date.now()): number | undefined {
    const o = this.offsets[i];
    if (o < 0) return undefined;
    if (DATA_TYPES[i].kind === 'rate') return readRate(e.d, o, this.periods[i], now);
    return e.d[o];
  }

  /** Adds to a counter or rate (no-op when not stored). */
  add(e: StickEntry, i: number, inc: number, now = Date.now()): void {
    const o = this.offsets[i];
    if (o < 0) return;
    if (DATA_TYPES[i].kind === 'rate') addRate(e.d, o, this.periods[i], now, inc);
    else e.d[o] += inc;
  }

  /** Sets a counter; for a rate, sets the current period's count (as `set table` does). */
  set(e: StickEntry, i: number, v: number, now = Date.now()): void {
    const o = this.offsets[i];
    if (o < 0) return;
    if (DATA_TYPES[i].kind === 'rate') {
      addRate(e.d, o, this.periods[i], now, 0);
      e.d[o + 1] = v;
    } else e.d[o] = v;
  }

  /**
   * Converts a sample to this table's key text; undefined when it cannot be a key (an IPv6
   * address in an `ip` table, a non-number in an `integer` table).
   */
  keyOf(v: string | number | boolean | Buffer): string | undefined {
    const t = this.cfg.type;
    if (t === 'integer') {
      const n = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : Number(String(v));
      return Number.isFinite(n) ? String(Math.trunc(n)) : undefined;
    }
    let s = Buffer.isBuffer(v) ? v.toString('latin1') : String(v);
    if (t === 'ip') {
      if (s.startsWith('::ffff:') && s.includes('.')) s = s.slice(7);
      return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) ? s : undefined;
    }
    if (t === 'ipv6') {
      if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) return `::ffff:${s}`;
      return s.includes(':') ? s : undefined;
    }
    // string / binary: cut to the key length, as HAProxy stores a fixed-size key.
    return s.length > this.cfg.keyLen ? s.slice(0, this.cfg.keyLen) : s;
  }
}
