/**
 * A small DNS message codec (RFC 1035 §4, AAAA RFC 3596, SRV RFC 2782, EDNS0 OPT RFC 6891):
 * queries for A / AAAA / SRV, and decoding of the answers (with name compression). Also an
 * answer encoder, used by the tests' DNS responder. Malformed input never throws out of
 * {@link decodeMessage}: it returns an error string.
 */

export const enum RRType { A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16, AAAA = 28, SRV = 33, OPT = 41, ANY = 255 }
export const enum RCode { NoError = 0, FormErr = 1, ServFail = 2, NXDomain = 3, NotImp = 4, Refused = 5 }

export interface SrvData { priority: number; weight: number; port: number; target: string }

export interface ResourceRecord {
  name: string;
  type: number;
  cls: number;
  ttl: number;
  /** A/AAAA: address text; CNAME/NS/PTR: name; SRV: SrvData; others: raw bytes. */
  data: string | SrvData | Buffer;
}

export interface DnsMessage {
  id: number;
  /** QR bit: true for a response. */
  response: boolean;
  opcode: number;
  /** Truncated (TC). */
  truncated: boolean;
  recursionDesired: boolean;
  rcode: number;
  questions: { name: string; type: number; cls: number }[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
}

/** Encodes a domain name (no compression). Returns an error for bad labels. */
function encodeName(name: string): Buffer | string {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n === '') return Buffer.from([0]);
  const parts: Buffer[] = [];
  let total = 1;
  for (const label of n.split('.')) {
    const b = Buffer.from(label, 'latin1');
    if (b.length === 0 || b.length > 63) return `invalid label '${label}'`;
    parts.push(Buffer.from([b.length]), b);
    total += b.length + 1;
  }
  if (total > 255) return 'name too long';
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** A query for `name`/`type` with recursion desired, and an EDNS0 OPT record when `payloadSize` is given. */
export function encodeQuery(id: number, name: string, type: number, payloadSize?: number): Buffer {
  const qn = encodeName(name);
  if (typeof qn === 'string') throw new Error(qn);
  const hdr = Buffer.alloc(12);
  hdr.writeUInt16BE(id & 0xffff, 0);
  hdr.writeUInt16BE(0x0100, 2); // RD
  hdr.writeUInt16BE(1, 4);
  hdr.writeUInt16BE(payloadSize ? 1 : 0, 10);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(type, 0);
  q.writeUInt16BE(1, 2);
  const parts = [hdr, qn, q];
  if (payloadSize) {
    const opt = Buffer.alloc(11);
    opt[0] = 0; // root name
    opt.writeUInt16BE(RRType.OPT, 1);
    opt.writeUInt16BE(payloadSize, 3);
    opt.writeUInt32BE(0, 5);
    opt.writeUInt16BE(0, 9);
    parts.push(opt);
  }
  return Buffer.concat(parts);
}

/** Reads a (possibly compressed) name at `off`; returns the name and the offset after it in the record. */
function readName(buf: Buffer, off: number): { name: string; next: number } | string {
  const labels: string[] = [];
  let pos = off;
  let next = -1;
  let jumps = 0;
  let len = 0;
  for (;;) {
    if (pos >= buf.length) return 'name runs past the end of the message';
    const l = buf[pos];
    if ((l & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) return 'truncated compression pointer';
      if (next < 0) next = pos + 2;
      pos = ((l & 0x3f) << 8) | buf[pos + 1];
      if (++jumps > 32) return 'compression loop';
      continue;
    }
    if ((l & 0xc0) !== 0) return 'bad label type';
    if (l === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    if (pos + 1 + l > buf.length) return 'label runs past the end of the message';
    labels.push(buf.toString('latin1', pos + 1, pos + 1 + l));
    len += l + 1;
    if (len > 255) return 'name too long';
    pos += 1 + l;
  }
  return { name: labels.join('.'), next };
}

function ipv6Text(b: Buffer): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(b.readUInt16BE(i).toString(16));
  // Compress the longest run of zero words (RFC 5952).
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return words.join(':');
  return `${words.slice(0, best).join(':')}::${words.slice(best + bestLen).join(':')}`;
}

function readRecords(buf: Buffer, off: number, count: number, out: ResourceRecord[]): number | string {
  for (let i = 0; i < count; i++) {
    const n = readName(buf, off);
    if (typeof n === 'string') return n;
    off = n.next;
    if (off + 10 > buf.length) return 'truncated resource record';
    const type = buf.readUInt16BE(off);
    const cls = buf.readUInt16BE(off + 2);
    const ttl = buf.readUInt32BE(off + 4);
    const rdlen = buf.readUInt16BE(off + 8);
    off += 10;
    if (off + rdlen > buf.length) return 'truncated record data';
    let data: ResourceRecord['data'];
    if (type === RRType.A) {
      if (rdlen !== 4) return 'bad A record length';
      data = `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
    } else if (type === RRType.AAAA) {
      if (rdlen !== 16) return 'bad AAAA record length';
      data = ipv6Text(buf.subarray(off, off + 16));
    } else if (type === RRType.SRV) {
      if (rdlen < 7) return 'bad SRV record length';
      const t = readName(buf, off + 6);
      if (typeof t === 'string') return t;
      data = { priority: buf.readUInt16BE(off), weight: buf.readUInt16BE(off + 2), port: buf.readUInt16BE(off + 4), target: t.name };
    } else if (type === RRType.CNAME || type === RRType.NS || type === RRType.PTR) {
      const t = readName(buf, off);
      if (typeof t === 'string') return t;
      data = t.name;
    } else {
      data = Buffer.from(buf.subarray(off, off + rdlen));
    }
    out.push({ name: n.name, type, cls, ttl, data });
    off += rdlen;
  }
  return off;
}

/** Decodes a DNS message; a string is an error description. */
export function decodeMessage(buf: Buffer): DnsMessage | string {
  if (buf.length < 12) return 'message shorter than a header';
  const flags = buf.readUInt16BE(2);
  const m: DnsMessage = {
    id: buf.readUInt16BE(0), response: (flags & 0x8000) !== 0, opcode: (flags >> 11) & 15,
    truncated: (flags & 0x0200) !== 0, recursionDesired: (flags & 0x0100) !== 0, rcode: flags & 15,
    questions: [], answers: [], authorities: [], additionals: [],
  };
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  const ns = buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  let off = 12;
  for (let i = 0; i < qd; i++) {
    const n = readName(buf, off);
    if (typeof n === 'string') return n;
    off = n.next;
    if (off + 4 > buf.length) return 'truncated question';
    m.questions.push({ name: n.name, type: buf.readUInt16BE(off), cls: buf.readUInt16BE(off + 2) });
    off += 4;
  }
  for (const [count, list] of [[an, m.answers], [ns, m.authorities], [ar, m.additionals]] as const) {
    const r = readRecords(buf, off, count, list);
    if (typeof r === 'string') return r;
    off = r;
  }
  return m;
}

/** An answer record for {@link encodeResponse}. */
export interface AnswerSpec {
  name: string;
  type: number;
  ttl?: number;
  /** A: dotted quad; AAAA: IPv6 text; SRV: SrvData; CNAME: name. */
  data: string | SrvData;
}

/** IPv6 text (no embedded IPv4 form) to its 16 bytes, or undefined. */
export function ipv6Bytes(text: string): Buffer | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const words = [...head, ...new Array<number>(fill).fill(0), ...tail];
  const b = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) {
    if (!(words[i] >= 0 && words[i] <= 0xffff)) return undefined;
    b.writeUInt16BE(words[i], i * 2);
  }
  return b;
}

/** Builds a response to `query` (a decoded message) with the given answers and rcode. */
export function encodeResponse(query: DnsMessage, answers: AnswerSpec[], rcode = 0, additionals: AnswerSpec[] = []): Buffer {
  const hdr = Buffer.alloc(12);
  hdr.writeUInt16BE(query.id, 0);
  hdr.writeUInt16BE(0x8000 | 0x0400 | (query.recursionDesired ? 0x0100 : 0) | 0x0080 | (rcode & 15), 2);
  hdr.writeUInt16BE(query.questions.length, 4);
  hdr.writeUInt16BE(answers.length, 6);
  hdr.writeUInt16BE(additionals.length, 10);
  const parts: Buffer[] = [hdr];
  for (const q of query.questions) {
    parts.push(encodeName(q.name) as Buffer);
    const t = Buffer.alloc(4);
    t.writeUInt16BE(q.type, 0);
    t.writeUInt16BE(q.cls, 2);
    parts.push(t);
  }
  for (const a of [...answers, ...additionals]) {
    const name = encodeName(a.name);
    if (typeof name === 'string') throw new Error(name);
    let rdata: Buffer;
    if (a.type === RRType.A) rdata = Buffer.from((a.data as string).split('.').map(Number));
    else if (a.type === RRType.AAAA) rdata = ipv6Bytes(a.data as string) ?? Buffer.alloc(16);
    else if (a.type === RRType.SRV) {
      const s = a.data as SrvData;
      const fixed = Buffer.alloc(6);
      fixed.writeUInt16BE(s.priority, 0);
      fixed.writeUInt16BE(s.weight, 2);
      fixed.writeUInt16BE(s.port, 4);
      rdata = Buffer.concat([fixed, encodeName(s.target) as Buffer]);
    } else rdata = encodeName(a.data as string) as Buffer;
    const rr = Buffer.alloc(10);
    rr.writeUInt16BE(a.type, 0);
    rr.writeUInt16BE(1, 2);
    rr.writeUInt32BE(a.ttl ?? 300, 4);
    rr.writeUInt16BE(rdata.length, 8);
    parts.push(name, rr, rdata);
  }
  return Buffer.concat(parts);
}
