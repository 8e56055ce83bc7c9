/**
 * Shared conformance suite for check protocols: every protocol compiled into the rule engine
 * must behave the same way at the transport level. Each protocol test file (or the
 * conformance test) calls {@link protocolSuite}; skipped cases list a reason.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/proxy/keywords';
import '../../../src/checks/keywords';
import { parseString } from '../../../src/config/parser';
import { compileProxyChecks } from '../../../src/checks/config';
import { runRuleset, type Ruleset } from '../../../src/checks/rules';
import { CHECK_STATUSES, type CheckStatus } from '../../../src/checks/status';
import { scripted, closedPort, target } from './helpers';

export interface ProtocolSuiteOptions {
  /** Status when the server never answers (HAProxy: L7TOUT unless tout-status). */
  timeoutStatus: CheckStatus;
  /** The protocol's check passes on a bare connection (plain TCP). */
  passesOnConnect?: boolean;
  /** Cases that do not apply, with the reason. */
  skip?: Partial<Record<'silent' | 'close' | 'garbage', string>>;
}

/** Compiles the ruleset of a backend with the given check lines. */
export function rulesetOf(lines: string): Ruleset {
  const { config } = parseString(`backend b\n${lines}\n    server s 127.0.0.1:1 check\n`);
  return compileProxyChecks(config.proxies[0]);
}

/** Registers the conformance cases for one protocol. */
export function protocolSuite(name: string, lines: string, o: ProtocolSuiteOptions): void {
  test(`[${name}] refused connection: L4CON "Connection refused"`, async () => {
    const out = await runRuleset(rulesetOf(lines), target(await closedPort()));
    assert.equal(out.status, 'L4CON');
    assert.match(out.info, /^Connection refused/);
  });

  test(`[${name}] silent server: ${o.timeoutStatus} within the check time`, { skip: o.skip?.silent ?? (o.passesOnConnect ? 'a bare connection passes' : false) }, async () => {
    const srv = await scripted(() => { /* never answers */ });
    try {
      const out = await runRuleset(rulesetOf(lines), target(srv.port, { totalMs: 150 }));
      assert.equal(out.status, o.timeoutStatus);
    } finally {
      await srv.close();
    }
  });

  test(`[${name}] server closes at once: a failed check`, { skip: o.skip?.close ?? (o.passesOnConnect ? 'a bare connection passes' : false) }, async () => {
    const srv = await scripted((sock) => sock.end());
    try {
      const out = await runRuleset(rulesetOf(lines), target(srv.port));
      assert.equal(CHECK_STATUSES[out.status].result, 'failed', `${out.status} ${out.info}`);
    } finally {
      await srv.close();
    }
  });

  test(`[${name}] garbage answer: a failed check`, { skip: o.skip?.garbage ?? (o.passesOnConnect ? 'a bare connection passes' : false) }, async () => {
    const srv = await scripted((sock) => { sock.on('error', () => {}); sock.end(Buffer.from('\x00\x01garbage\r\n\r\n', 'latin1')); });
    try {
      const out = await runRuleset(rulesetOf(lines), target(srv.port));
      assert.equal(CHECK_STATUSES[out.status].result, 'failed', `${out.status} ${out.info}`);
    } finally {
      await srv.close();
    }
  });
}
