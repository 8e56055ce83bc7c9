/**
 * A tiny UDP DNS responder for tests, on 127.0.0.1 and a free port: answers from a table the
 * test changes (`set`), NXDOMAIN for unknown names, and counts the queries it received.
 */

import dgram from 'node:dgram';
import { decodeMessage, encodeResponse, RRType, type AnswerSpec } from '../../../src/resolvers/dns';

export interface DnsServer {
  port: number;
  /** Queries received, as `name/type`. */
  queries: string[];
  /** Sets the answers for name/type ('A' | 'AAAA' | 'SRV'); an empty list answers NOERROR with no record. */
  set(name: string, type: 'A' | 'AAAA' | 'SRV', answers: AnswerSpec['data'][], ttl?: number): void;
  /** Forces an rcode for a name (e.g. 3 NXDOMAIN, 5 REFUSED); undefined clears it. */
  rcode(name: string, code: number | undefined): void;
  /** Stops answering queries for a name (true) or answers again (false). */
  drop(name: string, on: boolean): void;
  close(): Promise<void>;
}

const TYPES: Record<string, number> = { A: RRType.A, AAAA: RRType.AAAA, SRV: RRType.SRV };

export async function startDnsServer(): Promise<DnsServer> {
  const sock = dgram.createSocket('udp4');
  const table = new Map<string, AnswerSpec[]>();
  const rcodes = new Map<string, number>();
  const queries: string[] = [];
  const dropped = new Set<string>();
  sock.on('message', (msg, rinfo) => {
    const q = decodeMessage(msg);
    if (typeof q === 'string' || q.questions.length !== 1) return;
    const { name, type } = q.questions[0];
    const lname = name.toLowerCase();
    queries.push(`${lname}/${type}`);
    if (dropped.has(lname)) return;
    const forced = rcodes.get(lname);
    let out: Buffer;
    if (forced !== undefined) out = encodeResponse(q, [], forced);
    else {
      const answers = table.get(`${lname}/${type}`);
      const known = [...table.keys()].some((k) => k.startsWith(`${lname}/`));
      out = encodeResponse(q, answers ?? [], answers || known ? 0 : 3);
    }
    sock.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return {
    port: sock.address().port,
    queries,
    set(name, type, answers, ttl = 300) {
      const t = TYPES[type];
      table.set(`${name.toLowerCase()}/${t}`, answers.map((data) => ({ name, type: t, ttl, data })));
    },
    rcode(name, code) {
      if (code === undefined) rcodes.delete(name.toLowerCase()); else rcodes.set(name.toLowerCase(), code);
    },
    drop(name, on) {
      if (on) dropped.add(name.toLowerCase()); else dropped.delete(name.toLowerCase());
    },
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}
