'use strict';
// src/proxy/http/parser.ts: head end search and request/response head parsing.
const { loadDist, bench } = require('../../lib');

const p = loadDist('proxy/http/parser', ['findHeadEnd', 'parseRequestHead', 'parseResponseHead', 'getHeader']);
if (p) {
  const reqSmall = 'GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n';
  const reqBrowser = 'GET /static/js/app.3f2a1b.js?v=12 HTTP/1.1\r\n' +
    'Host: www.example.com\r\n' +
    'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n' +
    'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n' +
    'Accept-Language: en-US,en;q=0.5\r\n' +
    'Accept-Encoding: gzip, deflate, br\r\n' +
    'Referer: https://www.example.com/index.html\r\n' +
    'Cookie: session=0123456789abcdef0123456789abcdef; theme=dark; lang=en\r\n' +
    'Connection: keep-alive\r\n' +
    'Upgrade-Insecure-Requests: 1\r\n' +
    'Sec-Fetch-Dest: script\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Site: same-origin\r\n\r\n';
  const resNginx = 'HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Thu, 26 Nov 2026 21:00:00 GMT\r\n' +
    'Content-Type: text/plain\r\nContent-Length: 64\r\nConnection: keep-alive\r\n\r\n';
  const bufBrowser = Buffer.from(reqBrowser, 'latin1');
  const parsed = p.parseRequestHead(reqBrowser);
  if (parsed.error) throw new Error(`fixture does not parse: ${parsed.error}`);

  bench('findHeadEnd (browser request, 700 B)', () => p.findHeadEnd(bufBrowser));
  bench('parseRequestHead (GET /, Host only)', () => p.parseRequestHead(reqSmall));
  bench('parseRequestHead (browser request, 13 headers)', () => p.parseRequestHead(reqBrowser));
  bench('latin1 decode + parseRequestHead (browser request)', () => p.parseRequestHead(bufBrowser.latin1Slice(0, bufBrowser.length)));
  bench('parseResponseHead (nginx 200, 6 headers)', () => p.parseResponseHead(resNginx));
  bench('getHeader(cookie) on parsed browser request', () => p.getHeader(parsed, 'cookie'));
}
