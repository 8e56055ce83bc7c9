/** StreamRecord builders for the log tests, shaped after HAProxy 2.6.12 observed lines. */

import { newStreamRecord, type StreamRecord } from '../../../src/proxy/stream-record';

/** Local-time epoch ms for `dd/Mon/yyyy:HH:MM:SS.mmm` pieces (log dates are local time). */
export function localMs(y: number, mon: number, d: number, h: number, mi: number, s: number, ms: number): number {
  return new Date(y, mon, d, h, mi, s, ms).getTime();
}

/** `127.0.0.1:34520 [25/Nov/2026:18:56:47.466] main app/app1 0/0/0/14/14 200 185 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"` */
export function ok200(): StreamRecord {
  const r = newStreamRecord('127.0.0.1', 34520, '127.0.0.1', 8080, 'main');
  const t = localMs(2026, 10, 25, 18, 56, 47, 466);
  Object.assign(r, {
    acceptDate: t, requestDate: t, backendName: 'app', serverName: 'app1', serverIp: '127.0.0.1', serverPort: 5001,
    th: 0, ti: 0, tq: 0, tw: 0, tc: 0, tr: 14, ta: 14, tt: 14, status: 200, bytesOut: 185, bytesIn: 78,
    actconn: 1, feconn: 1, beconn: 0, srvconn: 0, retries: 0,
    requestLine: 'GET / HTTP/1.1', method: 'GET', uri: '/', httpVersion: 'HTTP/1.1', isHttp: true,
  });
  return r;
}

/** `127.0.0.1:34526 [25/Nov/2026:18:56:47.509] main static/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 "GET /static/x.css HTTP/1.1"` */
export function noSrv503(): StreamRecord {
  const r = newStreamRecord('127.0.0.1', 34526, '127.0.0.1', 8080, 'main');
  const t = localMs(2026, 10, 25, 18, 56, 47, 509);
  Object.assign(r, {
    acceptDate: t, requestDate: t, backendName: 'static', serverName: '<NOSRV>',
    th: 0, ti: 0, tq: 0, tw: -1, tc: -1, tr: -1, ta: 0, tt: 0, status: 503, bytesOut: 217, bytesIn: 90,
    termCause: 'S', termPhase: 'C', actconn: 1, feconn: 1, beconn: 0, srvconn: 0,
    requestLine: 'GET /static/x.css HTTP/1.1', method: 'GET', uri: '/static/x.css', httpVersion: 'HTTP/1.1', isHttp: true,
  });
  return r;
}

/** `127.0.0.1:36890 [25/Nov/2026:18:59:00.803] main main/<NOSRV> -1/-1/-1/-1/0 400 0 - - PR-- 1/1/0/0/0 0/0 "<BADREQ>"` */
export function badReq400(): StreamRecord {
  const r = newStreamRecord('127.0.0.1', 36890, '127.0.0.1', 8080, 'main');
  const t = localMs(2026, 10, 25, 18, 59, 0, 803);
  Object.assign(r, {
    acceptDate: t, requestDate: t, backendName: 'main', serverName: '<NOSRV>',
    th: 0, ti: 0, tq: -1, tw: -1, tc: -1, tr: -1, ta: 0, tt: 0, status: 400, bytesOut: 0, bytesIn: 9,
    termCause: 'P', termPhase: 'R', actconn: 1, feconn: 1, requestLine: '<BADREQ>', isHttp: true,
  });
  return r;
}

/** `127.0.0.1:33714 [25/Nov/2026:18:57:11.839] pg pg/pg1 1/0/201 9 -- 1/1/0/0/0 0/0` */
export function tcpPg(): StreamRecord {
  const r = newStreamRecord('127.0.0.1', 33714, '127.0.0.1', 5432, 'pg');
  const t = localMs(2026, 10, 25, 18, 57, 11, 839);
  Object.assign(r, {
    acceptDate: t, requestDate: t, backendName: 'pg', serverName: 'pg1',
    tw: 1, tc: 0, tt: 201, bytesOut: 9, bytesIn: 41, actconn: 1, feconn: 1,
  });
  return r;
}
