'use strict';
// Peer: fastify + @fastify/http-proxy (reply-from over undici).
// Usage: node peers/fastify-http-proxy.js <listen-port> <upstream-url>[,<upstream-url>...] [keepalive|close] [acl-100]
// Several upstreams are used round-robin through replyOptions.getUpstream. "close" switches
// reply-from to node's http client with keepAlive: false (option http-server-close).
// "acl-100" evaluates the acl-100 routing table (peers/acl-100-router.js) for every request
// in replyOptions.getUpstream before forwarding.

const Fastify = require('fastify');
const proxy = require('@fastify/http-proxy');

const [port, upstreamList, mode = 'keepalive', routes] = process.argv.slice(2);
const route = routes === 'acl-100' ? require('./acl-100-router').makeRouter() : null;
const upstreams = upstreamList.split(',');
const app = Fastify({ logger: false, keepAliveTimeout: 300000, connectionTimeout: 0 });
let rr = 0;
const opts = { upstream: upstreams[0], http2: false };
if (route) {
  opts.replyOptions = { getUpstream: (req) => { req.backend = route(req.raw.url, req.headers.host); return upstreams[0]; } };
} else if (upstreams.length > 1) {
  opts.replyOptions = { getUpstream: () => { const u = upstreams[rr]; rr = (rr + 1) % upstreams.length; return u; } };
}
if (mode === 'close') opts.http = { agentOptions: { keepAlive: false } };
else opts.undici = { connections: 1024, pipelining: 1, keepAliveTimeout: 300000 };
app.register(proxy, opts);
app.listen({ port: Number(port), host: '127.0.0.1' }).catch((e) => { console.error(e); process.exit(1); });
process.on('SIGTERM', () => { app.close().then(() => process.exit(0)); setTimeout(() => process.exit(0), 1000).unref(); });
