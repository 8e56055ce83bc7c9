import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBackend, sequence, pickCtx } from './helpers';
import { newServerConfig } from '../../../src/config/model';
import { Server } from '../../../src/proxy/server';
import { attachServer } from '../../../src/lb/registry';

/** Adds a server as `add server` would: into backend.servers, then announced to lb. */
function addServer(backend: ReturnType<typeof makeBackend>['backend'], name: string, weight = 1): Server {
  const sc = newServerConfig(name, { file: 'cli', line: 0 });
  sc.weight = weight;
  const s = new Server(backend, sc, backend.servers.length + 1);
  backend.servers.push(s);
  attachServer(backend, s);
  return s;
}

for (const algorithm of ['roundrobin', 'static-rr', 'leastconn', 'first', 'uri', 'random']) {
  test(`${algorithm}: servers added and removed at runtime`, () => {
    const { backend, balancer } = makeBackend({ algorithm, hashType: algorithm === 'uri' ? ['consistent'] : undefined, servers: [{ name: 'a', maxconn: algorithm === 'first' ? 1 : 0 }] });
    const c = addServer(backend, 'c', 2);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const s = balancer.pick(pickCtx({ uri: `/k${i}` }))!;
      seen.add(s.name);
      s.curConns++;
      balancer.takeConn?.(s);
      // `first` needs connections held to move on; the others see each one close.
      if (algorithm !== 'first') { s.curConns--; balancer.dropConn?.(s); }
    }
    assert.ok(seen.has('c'), `${algorithm} never used the added server`);
    for (const s of backend.servers) { s.curConns = 0; balancer.dropConn?.(s); }
    balancer.removeServer!(c);
    backend.servers.splice(backend.servers.indexOf(c), 1);
    assert.deepEqual([...new Set(sequence(balancer, 20))], ['a']);
  });
}
