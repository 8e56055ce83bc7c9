'use strict';
// src/lb/: Balancer.pick() for each registered algorithm that needs no request data,
// over 4 and 50 servers, built as the unit tests build them (no parser, no sockets).
const { loadDist, bench, skip } = require('../lib');

const model = loadDist('config/model', ['newProxyConfig', 'newServerConfig'], 'lb/pick (config/model)');
const proxyMod = loadDist('proxy/proxy', ['Proxy'], 'lb/pick (proxy/proxy)');
const serverMod = loadDist('proxy/server', ['Server'], 'lb/pick (proxy/server)');
const registry = loadDist('lb/registry', ['createBalancer', 'balancerNames'], 'lb/pick (lb/registry)');
loadDist('lb/algorithms', [], 'lb/pick (lb/algorithms)');

if (model && proxyMod && serverMod && registry) {
  const SRC = { file: 'bench', line: 1 };
  const make = (algorithm, n, weights) => {
    const cfg = model.newProxyConfig('be', 'backend', SRC);
    cfg.mode = 'http';
    cfg.balance = { algorithm, args: [] };
    const backend = new proxyMod.Proxy(cfg, 1);
    for (let i = 0; i < n; i++) {
      const sc = model.newServerConfig(`s${i + 1}`, SRC);
      sc.address = { host: '127.0.0.1', port: 8000 + i };
      sc.weight = weights ? weights(i) : 1;
      cfg.servers.push(sc);
      backend.servers.push(new serverMod.Server(backend, sc, i + 1));
    }
    return registry.createBalancer(backend);
  };
  const ctx = {
    sample: { src: '127.0.0.1', srcPort: 40000, dst: '127.0.0.1', dstPort: 80, frontend: 'fe',
      req: { method: 'GET', uri: '/api/v1/items?id=42', version: 'HTTP/1.1', status: 0, headers: ['Host', 'example.com'] }, vars: new Map() },
  };
  const wanted = ['roundrobin', 'static-rr', 'leastconn', 'first', 'random', 'source', 'uri'];
  const names = registry.balancerNames();
  for (const algo of wanted) {
    if (!names.includes(algo)) { skip(`lb/pick ${algo}`, 'not registered yet'); continue; }
    for (const [n, w] of [[4, null], [50, (i) => 1 + (i % 7)]]) {
      let b;
      try { b = make(algo, n, w); } catch (e) { skip(`lb/pick ${algo}`, `cannot build: ${e.message}`); break; }
      if (!b.pick(ctx)) { skip(`lb/pick ${algo} x${n}`, 'pick() returned no server (servers not UP at creation?)'); continue; }
      bench(`${algo} pick, ${n} servers${w ? ' (mixed weights)' : ''}`, () => {
        const s = b.pick(ctx);
        if (b.takeConn) { b.takeConn(s); b.dropConn(s); }
        return s;
      });
    }
  }
}
