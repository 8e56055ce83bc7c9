'use strict';
// src/log/format.ts: rendering a compiled log-format for one finished stream
// (option httplog, option tcplog, and a custom format with sample expressions).
const { loadDist, bench, skip } = require('../lib');

const f = loadDist('log/format', ['compileLogFormat', 'renderLogFormat', 'HTTPLOG_FORMAT', 'TCPLOG_FORMAT'], 'log/render');
const sr = loadDist('proxy/stream-record', ['newStreamRecord'], 'log/render (proxy/stream-record)');
// Sample fetches used by %[...] expressions are registered by the sample keywords module.
loadDist('sample/keywords', [], 'log/render (sample/keywords)');

if (f && sr) {
  const env = { pid: 4242, hostname: 'bench', logCount: 1 };
  const t = Date.UTC(2026, 10, 26, 21, 0, 0, 123);
  // The fields of test/unit/log/fixtures.ts ok200(): a 200 through main -> app/app1.
  const rec = sr.newStreamRecord('127.0.0.1', 34520, '127.0.0.1', 8080, 'main');
  Object.assign(rec, {
    acceptDate: t, requestDate: t, backendName: 'app', serverName: 'app1', serverIp: '127.0.0.1', serverPort: 5001,
    th: 0, ti: 0, tq: 0, tw: 0, tc: 0, tr: 14, ta: 14, tt: 14, status: 200, bytesOut: 185, bytesIn: 78,
    actconn: 1, feconn: 1, beconn: 0, srvconn: 0, retries: 0,
    requestLine: 'GET /static/js/app.js?v=12 HTTP/1.1', method: 'GET', uri: '/static/js/app.js?v=12', httpVersion: 'HTTP/1.1', isHttp: true,
  });
  const compile = (src, http = true) => {
    let err = '';
    const c = f.compileLogFormat(src, (m) => { err = m; }, { http });
    if (!c) skip(`log/render ${src.slice(0, 30)}`, `does not compile: ${err}`);
    return c;
  };
  const http = compile(f.HTTPLOG_FORMAT);
  if (http) {
    process.stdout.write(`  sample: ${f.renderLogFormat(http, rec, env)}\n`);
    bench('option httplog line', () => f.renderLogFormat(http, rec, env));
  }
  const tcp = compile(f.TCPLOG_FORMAT, false);
  if (tcp) bench('option tcplog line', () => f.renderLogFormat(tcp, rec, env));
  const custom = compile('%ci:%cp %ft %b/%s %ST %B %Ta %{+Q}r');
  if (custom) bench('custom 8-tag format', () => f.renderLogFormat(custom, rec, env));
}
