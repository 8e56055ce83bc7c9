/**
 * Raw byte corpus (test/fixtures/raw-http): malformed and edge-case requests and invalid
 * server responses, replayed against bin/fulcrum and compared with what HAProxy 2.6.12
 * answered when the corpus was recorded (expectations.json, written by record.js): every
 * byte the client got, whether the connection was closed, and the httplog lines (status,
 * termination state, request) read through the UDP syslog receiver, and for the requests
 * that were forwarded, the bytes the server received.
 *
 * FULCRUM_COMPAT=1 (with /usr/sbin/haproxy present) also replays against haproxy, which
 * checks that the recorded expectations still describe the installed reference.
 * Cases listed in KNOWN_DIFFERENCES (record.js) are compared on what Fulcrum does match,
 * and the reason is kept next to the fixture.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, BIN } from '../harness';

interface Expect { response: string; closed: boolean; logs: { status: number; tsc: string; request: string }[]; serverReceived?: string }
interface Case { name: string; rule: string; req?: string; res?: string; resClose?: boolean; expect: Expect }
interface Corpus {
  CASES: Omit<Case, 'expect'>[];
  runCorpus(spawnProxy: (cfg: string) => ReturnType<typeof spawn>): Promise<Record<string, Expect>>;
  spawnHaproxy(bin?: string): (cfg: string) => ReturnType<typeof spawn>;
  KNOWN_DIFFERENCES: Record<string, { fields: (keyof Expect)[]; why: string }>;
}

const DIR = join(ROOT, 'test', 'fixtures', 'raw-http');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const corpus = require(join(DIR, 'record.js')) as Corpus;
const recorded = JSON.parse(readFileSync(join(DIR, 'expectations.json'), 'utf8')) as { cases: Case[] };

function compare(name: string, got: Record<string, Expect>, known: Corpus['KNOWN_DIFFERENCES']): string[] {
  const failures: string[] = [];
  for (const c of recorded.cases) {
    const g = got[c.name];
    const skip = new Set(known[c.name]?.fields ?? []);
    const diffs: string[] = [];
    if (!g) { failures.push(`${c.name}: no result`); continue; }
    if (!skip.has('response') && g.response !== c.expect.response) diffs.push(`response ${JSON.stringify(g.response.slice(0, 300))} != ${JSON.stringify(c.expect.response.slice(0, 300))}`);
    if (!skip.has('closed') && g.closed !== c.expect.closed) diffs.push(`closed ${g.closed} != ${c.expect.closed}`);
    if (!skip.has('logs') && JSON.stringify(g.logs) !== JSON.stringify(c.expect.logs)) diffs.push(`logs ${JSON.stringify(g.logs).slice(0, 300)} != ${JSON.stringify(c.expect.logs).slice(0, 300)}`);
    if (!skip.has('serverReceived') && g.serverReceived !== c.expect.serverReceived) diffs.push(`server received ${JSON.stringify(g.serverReceived?.slice(0, 300))} != ${JSON.stringify(c.expect.serverReceived?.slice(0, 300))}`);
    if (diffs.length) failures.push(`${name} ${c.name} (${c.rule}): ${diffs.join('; ')}`);
  }
  return failures;
}

test('the corpus has at least 40 cases and its expectations match the case list', () => {
  assert.ok(recorded.cases.length >= 40);
  assert.deepEqual(recorded.cases.map((c) => c.name), corpus.CASES.map((c) => c.name), 'expectations.json is stale: rerun record.js');
  for (const c of recorded.cases) {
    const src = corpus.CASES.find((x) => x.name === c.name)!;
    assert.equal(c.req, src.req, `${c.name}: request bytes changed since recording`);
    assert.equal(c.res, src.res, `${c.name}: response bytes changed since recording`);
  }
});

test('bin/fulcrum answers every corpus case as HAProxy 2.6.12 did', { timeout: 60000 }, async () => {
  const got = await corpus.runCorpus((cfg) => spawn(process.execPath, [BIN, '-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const failures = compare('fulcrum', got, corpus.KNOWN_DIFFERENCES);
  assert.deepEqual(failures, []);
});

test('compat: haproxy still answers as recorded', { timeout: 60000, skip: !(process.env.FULCRUM_COMPAT === '1' && existsSync('/usr/sbin/haproxy')) }, async () => {
  const got = await corpus.runCorpus(corpus.spawnHaproxy('/usr/sbin/haproxy'));
  assert.deepEqual(compare('haproxy', got, {}), []);
});
