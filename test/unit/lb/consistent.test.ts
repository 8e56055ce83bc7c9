import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBackend, pickCtx } from './helpers';
import { AdminFlag } from '../../../src/proxy/server';

const N = 10;
const KEYS = 4000;
const servers = Array.from({ length: N }, (_, i) => ({ name: `s${i}` }));

function mapping(hashType: string[] | undefined, mutate?: (be: ReturnType<typeof makeBackend>['backend']) => void): { before: string[]; after: string[]; removed: string } {
  const { backend, balancer } = makeBackend({ algorithm: 'uri', hashType, servers });
  const run = () => Array.from({ length: KEYS }, (_, i) => balancer.pick(pickCtx({ uri: `/obj/${i}` }))!.name);
  const before = run();
  const removed = 's3';
  if (mutate) mutate(backend); else backend.findServer(removed)!.setStopped();
  return { before, after: run(), removed };
}

test('consistent hashing: when 1 of N servers leaves only its keys move (~1/N)', () => {
  const { before, after, removed } = mapping(['consistent']);
  let moved = 0;
  for (let i = 0; i < KEYS; i++) {
    if (before[i] === after[i]) continue;
    moved++;
    assert.equal(before[i], removed, `key ${i} moved from ${before[i]} although ${removed} left`);
    assert.notEqual(after[i], removed);
  }
  const share = moved / KEYS;
  assert.ok(share > 0.5 / N && share < 2 / N, `moved ${share}`);
});

test('consistent hashing: the server coming back gets exactly its keys back', () => {
  const { backend, balancer } = makeBackend({ algorithm: 'uri', hashType: ['consistent'], servers });
  const run = () => Array.from({ length: 500 }, (_, i) => balancer.pick(pickCtx({ uri: `/obj/${i}` }))!.name).join();
  const before = run();
  backend.findServer('s5')!.setAdmin(AdminFlag.FMAINT, true);
  assert.notEqual(run(), before);
  backend.findServer('s5')!.setAdmin(AdminFlag.FMAINT, false);
  assert.equal(run(), before);
});

test('consistent hashing: a weight change only moves keys to or from that server', () => {
  const { before, after } = mapping(['consistent'], (be) => be.findServer('s2')!.setWeight(3));
  for (let i = 0; i < KEYS; i++) if (before[i] !== after[i]) assert.equal(after[i], 's2', `key ${i}`);
  const gained = after.filter((s, i) => s === 's2' && before[i] !== 's2').length;
  assert.ok(gained > 0);
});

test('map-based hashing: one server leaving remaps most keys (why consistent exists)', () => {
  const { before, after } = mapping(undefined);
  const moved = before.filter((s, i) => s !== after[i]).length / KEYS;
  assert.ok(moved > 0.5, `moved ${moved}`);
});

test('hash-balance-factor bounds a hot key: no server exceeds factor x average', () => {
  const { backend, balancer } = makeBackend({ algorithm: 'uri', hashType: ['consistent'], hashBalanceFactor: 150, servers: servers.slice(0, 4) });
  // Every request has the same key and keeps its connection: without the factor one
  // server would get them all.
  for (let i = 0; i < 40; i++) {
    const s = balancer.pick(pickCtx({ uri: '/hot' }))!;
    s.curConns++;
    balancer.takeConn?.(s);
  }
  const loads = backend.servers.map((s) => s.curConns);
  assert.equal(loads.reduce((a, b) => a + b, 0), 40);
  // HAProxy's bound (chash_server_is_eligible): ceil((served + 1) * 150 / 100) slots
  // spread by weight, here 60 / 4 = 15 per server at the last pick.
  for (const l of loads) assert.ok(l <= 15, `loads ${loads}`);
  // The overflow walks the ring to the next servers: at least three were needed.
  assert.ok(loads.filter((l) => l > 0).length >= 3, `loads ${loads}`);
});

test('without hash-balance-factor the hot key stays on one server', () => {
  const { backend, balancer } = makeBackend({ algorithm: 'uri', hashType: ['consistent'], servers: servers.slice(0, 4) });
  for (let i = 0; i < 20; i++) {
    const s = balancer.pick(pickCtx({ uri: '/hot' }))!;
    s.curConns++;
  }
  assert.equal(backend.servers.filter((s) => s.curConns > 0).length, 1);
});
