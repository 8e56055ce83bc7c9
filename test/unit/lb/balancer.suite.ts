/**
 * The conformance suite every balancing algorithm runs (hono's common.case.test idea):
 * usable servers only, backup rules, none usable -> undefined, reaction to state and
 * weight changes, `avoid`, weight-proportional distribution, explanations. An algorithm
 * file calls {@link runConformance} with how to vary requests (hash algorithms need
 * varied keys) and lists the cases it skips, each with the reason.
 */

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminFlag, OpState } from '../../../src/proxy/server';
import type { PickContext, PickExplanation } from '../../../src/lb/balancer';
import { makeBackend, pickCtx, type BackendSpec, type ServerSpec } from './helpers';

/** Case names, for `skip`. */
export type ConformanceCase =
  | 'usable-only' | 'none-usable' | 'backup-unused-while-active' | 'first-backup-only'
  | 'allbackups' | 'state-changes' | 'weight-zero' | 'weight-change' | 'avoid' | 'avoid-only-one'
  | 'proportional' | 'explain' | 'drain';

export interface ConformanceOptions {
  algorithm: string;
  args?: string[];
  paren?: string;
  hashType?: string[];
  /** The i-th request of a run (vary keys for hash algorithms). Default: always the same. */
  request?: (i: number) => PickContext;
  /** Relative tolerance of the proportional-distribution check (default 0: exact). */
  tolerance?: number;
  /** Picks to run in the proportional check (default 600). */
  picks?: number;
  /** Cases not applicable, with the reason (printed as the skip message). */
  skip?: Partial<Record<ConformanceCase, string>>;
  /** Extra backend options (e.g. none). */
  options?: Record<string, boolean>;
}

/** Runs the suite for one algorithm configuration. */
export function runConformance(o: ConformanceOptions): void {
  const request = o.request ?? (() => pickCtx());
  const build = (servers: ServerSpec[], extra: Partial<BackendSpec> = {}) => makeBackend({
    algorithm: o.algorithm, args: o.args, paren: o.paren, hashType: o.hashType, options: o.options, servers, ...extra,
  });
  const names = (bal: ReturnType<typeof build>['balancer'], n: number, avoid?: Parameters<typeof bal.pick>[1]) => {
    const out = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const s = bal.pick(request(i), avoid);
      // Each request opens and closes its connection, as the data plane reports it.
      if (s) {
        s.curConns++;
        bal.takeConn?.(s);
        s.curConns--;
        bal.dropConn?.(s);
      }
      const k = s ? s.name : '-';
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    return out;
  };
  const label = `${o.algorithm}${o.paren !== undefined ? `(${o.paren})` : ''}${o.args?.length ? ` ${o.args.join(' ')}` : ''}${o.hashType ? ` [hash-type ${o.hashType.join(' ')}]` : ''}`;
  const cases: Record<ConformanceCase, () => void> = {
    'usable-only': () => {
      const { backend, balancer } = build([{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }, { name: 'e' }]);
      backend.findServer('a')!.setStopped();
      backend.findServer('b')!.setAdmin(AdminFlag.FMAINT, true);
      backend.findServer('c')!.setWeight(0);
      const got = names(balancer, 60);
      assert.deepEqual([...got.keys()].sort(), ['d', 'e'].filter((n) => got.has(n)).sort());
      assert.ok(!got.has('a') && !got.has('b') && !got.has('c') && !got.has('-'), JSON.stringify([...got]));
    },
    drain: () => {
      const { backend, balancer } = build([{ name: 'a' }, { name: 'b' }]);
      backend.findServer('a')!.setAdmin(AdminFlag.FDRAIN, true);
      const got = names(balancer, 30);
      assert.deepEqual([...got.keys()], ['b']);
    },
    'none-usable': () => {
      const { backend, balancer } = build([{ name: 'a' }, { name: 'b', backup: true }]);
      backend.findServer('a')!.setStopped();
      backend.findServer('b')!.setAdmin(AdminFlag.FMAINT, true);
      for (let i = 0; i < 5; i++) assert.equal(balancer.pick(request(i)), undefined);
      const ex: PickExplanation = { algorithm: '', skipped: [] };
      assert.equal(balancer.pick(request(0), undefined, ex), undefined);
    },
    'backup-unused-while-active': () => {
      const { balancer } = build([{ name: 'a' }, { name: 'b1', backup: true }, { name: 'c' }]);
      const got = names(balancer, 40);
      assert.ok(!got.has('b1'), JSON.stringify([...got]));
    },
    'first-backup-only': () => {
      const { backend, balancer } = build([{ name: 'a' }, { name: 'b1', backup: true }, { name: 'b2', backup: true, weight: 5 }]);
      backend.findServer('a')!.setStopped();
      assert.deepEqual([...names(balancer, 30).keys()], ['b1']);
      // b1 gone: b2 takes over; b1 back: it is the first backup again.
      backend.findServer('b1')!.setStopped();
      assert.deepEqual([...names(balancer, 10).keys()], ['b2']);
      backend.findServer('b1')!.setRunning();
      assert.deepEqual([...names(balancer, 10).keys()], ['b1']);
      // An active server back: backups unused.
      backend.findServer('a')!.setRunning();
      assert.deepEqual([...names(balancer, 10).keys()], ['a']);
    },
    allbackups: () => {
      const { backend, balancer } = build([{ name: 'a' }, { name: 'b1', backup: true }, { name: 'b2', backup: true }], { options: { ...o.options, allbackups: true } });
      backend.findServer('a')!.setStopped();
      const got = names(balancer, 200);
      assert.deepEqual([...got.keys()].sort(), ['b1', 'b2'], JSON.stringify([...got]));
    },
    'state-changes': () => {
      const { backend, balancer } = build([{ name: 'a' }, { name: 'b' }]);
      const a = backend.findServer('a')!;
      a.setStopped();
      assert.deepEqual([...names(balancer, 20).keys()], ['b']);
      a.setRunning();
      assert.ok(names(balancer, 200).has('a'), 'a is used again once UP');
      a.setAdmin(AdminFlag.FMAINT, true);
      assert.deepEqual([...names(balancer, 20).keys()], ['b']);
      a.setAdmin(AdminFlag.FMAINT, false);
      assert.ok(names(balancer, 200).has('a'), 'a is used again after maintenance');
      // NOLB (stopping) takes no new traffic either.
      a.opState = OpState.Stopping;
      a.notifyChange();
      assert.deepEqual([...names(balancer, 20).keys()], ['b']);
    },
    'weight-zero': () => {
      const { backend, balancer } = build([{ name: 'a', weight: 0 }, { name: 'b' }]);
      assert.deepEqual([...names(balancer, 20).keys()], ['b']);
      backend.findServer('a')!.setWeight(1);
      assert.ok(names(balancer, 200).has('a'));
      backend.findServer('a')!.setWeight(0);
      assert.deepEqual([...names(balancer, 20).keys()], ['b']);
    },
    'weight-change': () => {
      const { backend, balancer } = build([{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }]);
      backend.findServer('a')!.setWeight(3);
      const n = o.picks ?? 600;
      const got = names(balancer, n);
      const a = got.get('a') ?? 0;
      const expect = n * 3 / 4;
      const tol = Math.max(o.tolerance ?? 0, 0.02);
      assert.ok(Math.abs(a - expect) <= expect * tol + 1, `a got ${a} of ${n}, expected ~${expect}`);
    },
    avoid: () => {
      const { backend, balancer } = build([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
      const b = backend.findServer('b')!;
      for (let i = 0; i < 60; i++) assert.notEqual(balancer.pick(request(i), b)?.name, 'b');
    },
    'avoid-only-one': () => {
      const { backend, balancer } = build([{ name: 'a' }, { name: 'b' }]);
      backend.findServer('a')!.setStopped();
      const b = backend.findServer('b')!;
      assert.equal(balancer.pick(request(0), b)?.name, 'b');
    },
    proportional: () => {
      const { balancer } = build([{ name: 'a', weight: 1 }, { name: 'b', weight: 2 }, { name: 'c', weight: 3 }]);
      const n = o.picks ?? 600;
      const got = names(balancer, n);
      const tol = o.tolerance ?? 0;
      for (const [name, w] of [['a', 1], ['b', 2], ['c', 3]] as const) {
        const expect = (n * w) / 6;
        const have = got.get(name) ?? 0;
        assert.ok(Math.abs(have - expect) <= expect * tol + 1, `${name}: ${have} of ${n}, expected ~${expect} (tolerance ${tol})`);
      }
    },
    explain: () => {
      const { backend, balancer } = build([{ name: 'a' }, { name: 'b' }, { name: 'k', backup: true }]);
      backend.findServer('a')!.setAdmin(AdminFlag.FMAINT, true);
      const ex: PickExplanation = { algorithm: '', skipped: [] };
      const s = balancer.pick(request(0), undefined, ex);
      assert.equal(s?.name, 'b');
      assert.equal(ex.algorithm, o.algorithm);
      assert.ok(ex.detail && ex.detail.length > 0);
      assert.deepEqual(ex.skipped, [{ server: 'a', why: 'MAINT' }, { server: 'k', why: 'BACKUP' }]);
    },
  };
  describe(`conformance: ${label}`, () => {
    for (const [name, fn] of Object.entries(cases) as [ConformanceCase, () => void][]) {
      const reason = o.skip?.[name];
      if (reason) test(name, { skip: reason }, () => undefined);
      else test(name, fn);
    }
  });
}
