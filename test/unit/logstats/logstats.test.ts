import test from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { parseHttpLog, isError } from '../../../src/logstats/parse';
import { LogStats, IntSeries } from '../../../src/logstats/stats';
import { feed, parseOptions, report, type Options } from '../../../src/logstats/main';

/** An httplog line as HAProxy 2.6 / Fulcrum write it. */
function line(i: number, o: { srv?: string; be?: string; st?: number; tr?: number; ta?: number; term?: string; uri?: string; caps?: string } = {}): string {
  const ms = String(i % 1000).padStart(3, '0');
  const tr = o.tr ?? i % 100;
  const ta = o.ta ?? tr + 1;
  return `127.0.0.1:${40000 + (i % 20000)} [26/Nov/2026:10:00:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}.${ms}] fe ${o.be ?? 'app'}/${o.srv ?? 'web1'} 0/0/1/${tr}/${ta} ${o.st ?? 200} 185 - - ${o.term ?? '----'} 1/1/0/0/0 0/0 ${o.caps ?? ''}"GET ${o.uri ?? '/'} HTTP/1.1"`;
}

test('parseHttpLog reads every field, with or without a syslog header and captures', () => {
  const l = parseHttpLog('<30>Nov 25 18:56:47 haproxy[11132]: 127.0.0.1:34520 [25/Nov/2026:18:56:47.466] main app/app1 0/0/0/14/14 200 185 - - ---- 1/1/0/0/+2 0/3 {h|a b} {x} "GET /p?q=1 HTTP/1.1"')!;
  assert.deepEqual(l, {
    client: '127.0.0.1:34520', date: '25/Nov/2026:18:56:47.466', frontend: 'main', backend: 'app', server: 'app1',
    tR: 0, tw: 0, tc: 0, tr: 14, ta: 14, status: 200, bytes: 185, term: '----', retries: 2, srvQueue: 0, beQueue: 3, method: 'GET', uri: '/p?q=1',
  });
  const bad = parseHttpLog('127.0.0.1:36890 [25/Nov/2026:18:59:00.803] main main/<NOSRV> -1/-1/-1/-1/0 400 0 - - PR-- 1/1/0/0/0 0/0 "<BADREQ>"')!;
  assert.equal(bad.method, '<BADREQ>');
  assert.equal(bad.tR, -1);
  assert.ok(isError(bad));
  assert.equal(parseHttpLog('Server app/s1 is DOWN, reason: Layer4 connection problem'), undefined);
  assert.equal(parseHttpLog('127.0.0.1:1 [25/Nov/2026:18:59:00.803] fe be/s 1/2 200'), undefined);
  assert.ok(!isError(parseHttpLog(line(1, { term: 'LR--' }))!));
  assert.ok(isError(parseHttpLog(line(1, { term: 'CD--' }))!));
  assert.ok(isError(parseHttpLog(line(1, { st: 502, term: 'SH--' }))!));
});

test('percentiles are nearest-rank over the values seen', () => {
  const s = new IntSeries();
  for (let i = 1; i <= 1000; i++) s.push(i);
  assert.equal(s.percentile(50), 500);
  assert.equal(s.percentile(90), 900);
  assert.equal(s.percentile(99), 990);
  assert.equal(s.percentile(99.9), 999);
  assert.equal(s.percentile(100), 1000);
  assert.equal(new IntSeries().percentile(50), -1);
});

test('aggregates servers, URLs, statuses, termination states and timers', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(line(i, { srv: i % 3 === 0 ? 'web2' : 'web1', tr: i % 100, uri: `/u${i % 5}` }));
  for (let i = 0; i < 30; i++) lines.push(line(i, { srv: '<NOSRV>', st: 503, tr: -1, ta: 0, term: 'SC--', uri: '/down' }));
  lines.push('noise');
  const s = new LogStats();
  // Arbitrary chunk boundaries and CRLF endings must not matter.
  const text = lines.join('\r\n') + '\r\n';
  const chunks: string[] = [];
  for (let k = 0; k < text.length; k += 777) chunks.push(text.slice(k, k + 777));
  await feed(Readable.from(chunks.map((c) => Buffer.from(c, 'latin1'))), s, Infinity);
  assert.equal(s.lines, 3031);
  assert.equal(s.unparsed, 1);
  assert.equal(s.matched, 3030);
  assert.equal(s.errors, 30);
  assert.equal(s.statuses.get(200), 3000);
  assert.equal(s.statuses.get(503), 30);
  assert.equal(s.terms.get('SC--'), 30);
  assert.equal(s.servers.get('app/web2')!.count, 1000);
  assert.equal(s.servers.get('app/web1')!.count, 2000);
  assert.equal(s.urls.get('/u0')!.count, 600);
  assert.equal(s.timers.Tr.n, 3000);
  assert.equal(s.timers.Tr.percentile(50), 49);
  assert.equal(s.timers.Tr.percentile(99), 98);
  assert.equal(s.timers.Ta.n, 3030);

  const o = parseOptions(['-srv']) as Options;
  const srv = report(s, o).split('\n');
  assert.match(srv[0], /^#srv_name\s+1xx\s+2xx\s+3xx\s+4xx\s+5xx\s+other\s+tot_req\s+req_ok\s+pct_ok\s+avg_ct\s+avg_rt\s+avg_ta$/);
  assert.match(srv[1], /^app\/web1\s+0\s+2000\s+0\s+0\s+0\s+0\s+2000\s+2000\s+100\.0\s+1\s+\d+\s+\d+$/);
  assert.match(report(s, parseOptions(['-st']) as Options), /^#status\s+count\n200\s+3000\n503\s+30\n$/);
  assert.match(report(s, parseOptions(['-tc']) as Options), /^#term\s+count\n----\s+3000\nSC--\s+30\n$/);
  const u = report(s, parseOptions(['-ue']) as Options).split('\n');
  assert.match(u[1], /^30\s+30\s.*\/down$/);
  const p = report(s, parseOptions(['-pct']) as Options).split('\n');
  assert.match(p[1], /^50%\s+0\s+0\s+1\s+49\s+\d+$/);
  const j = JSON.parse(report(s, parseOptions(['-json']) as Options)) as { timers: { Tr: { p99: number } }; servers: Record<string, { requests: number }> };
  assert.equal(j.timers.Tr.p99, 98);
  assert.equal(j.servers['app/web2'].requests, 1000);
});

test('-srv -pct: per-server Tr/Ta percentiles', async () => {
  const lines: string[] = [];
  for (let i = 1; i <= 100; i++) lines.push(line(i, { srv: 'fast', tr: i, ta: i + 1 }));
  for (let i = 1; i <= 100; i++) lines.push(line(i, { srv: 'slow', tr: i * 10, ta: i * 10 + 1 }));
  const o = parseOptions(['-pct', '-srv']) as Options;
  assert.equal(o.mode, 'srvpct');
  const s = new LogStats(o.filters, false, true);
  await feed(Readable.from([Buffer.from(lines.join('\n') + '\n')]), s, Infinity);
  const out = report(s, o).split('\n');
  assert.match(out[0], /^#srv_name\s+req\s+tr_p50\s+tr_p90\s+tr_p99\s+ta_p50\s+ta_p90\s+ta_p99$/);
  assert.match(out.find((l) => l.startsWith('app/fast'))!, /^app\/fast\s+100\s+50\s+90\s+99\s+51\s+91\s+100$/);
  assert.match(out.find((l) => l.startsWith('app/slow'))!, /^app\/slow\s+100\s+500\s+900\s+990\s+501\s+901\s+991$/);
});

test('filters and -m', async () => {
  const text = [line(1, { st: 404 }), line(2, { st: 500, term: 'SH--' }), line(3, { ta: 5000 }), line(4, { srv: 'web9' })].join('\n') + '\n';
  const run = async (args: string[]): Promise<string> => {
    const o = parseOptions(args) as Options;
    const s = new LogStats(o.filters);
    await feed(Readable.from([Buffer.from(text)]), s, o.maxLines);
    return report(s, o);
  };
  assert.equal(await run(['-c']), '4\n');
  assert.equal(await run(['-c', '-e']), '1\n');
  assert.equal(await run(['-c', '-E']), '3\n');
  assert.equal(await run(['-c', '-hs', '400', '-HS', '499']), '1\n');
  assert.equal(await run(['-c', '-rt', '1000']), '1\n');
  assert.equal(await run(['-c', '-srvname', 'app/web9']), '1\n');
  assert.equal(await run(['-c', '-m', '2']), '2\n');
  assert.match(parseOptions(['-x']) as string, /unknown option '-x'/);
});
