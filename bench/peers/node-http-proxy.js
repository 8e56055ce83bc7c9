'use strict';
// Peer: node-http-proxy (http-proxy on npm) with a keep-alive agent.
// Usage: node peers/node-http-proxy.js <listen-port> <upstream-url>[,<upstream-url>...] [keepalive|close] [acl-100]
// Several upstreams are used round-robin. "close" disables server-side keep-alive
// (the equivalent of HAProxy's option http-server-close). "acl-100" evaluates the acl-100
// routing table (peers/acl-100-router.js) for every request before forwarding.

const http = require('node:http');
const httpProxy = require('http-proxy');

const [port, upstreamList, mode = 'keepalive', routes] = process.argv.slice(2);
const route = routes === 'acl-100' ? require('./acl-100-router').makeRouter() : null;
const upstreams = upstreamList.split(',');
const agent = new http.Agent({ keepAlive: mode !== 'close', maxSockets: Infinity, maxFreeSockets: 1024 });
const proxy = httpProxy.createProxyServer({ agent, xfwd: false });
proxy.on('error', (err, req, res) => {
  if (res.writeHead && !res.headersSent) { res.writeHead(502); res.end(); } else if (res.destroy) res.destroy();
});
let rr = 0;
const server = http.createServer((req, res) => {
  if (route) req.backend = route(req.url, req.headers.host);
  const target = upstreams[rr];
  rr = (rr + 1) % upstreams.length;
  proxy.web(req, res, { target });
});
// Idle client connections stay open (the 10 000 idle connection scenario), like HAProxy's
// timeout http-keep-alive in the generated configs.
server.keepAliveTimeout = 300000;
server.headersTimeout = 310000;
server.requestTimeout = 0;
server.maxConnections = 100000;
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
