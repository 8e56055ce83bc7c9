/**
 * `http-request use-service prometheus-exporter`: the exposition is valid (promtool check
 * metrics when Debian's prometheus package is installed, plus a structural parse here) and
 * has HAProxy 2.6.12's metric families, types and label sets on the same configuration.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePorts, startFulcrum, tempDir } from '../harness';
import { fetchHttp, haveHaproxy, startHaproxy } from './helpers';

const PROMTOOL = '/usr/bin/promtool';

function config(port: number, s1: number, s2: number): string {
  return `defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    log stderr format raw local0
    option httplog
frontend fe
    bind 127.0.0.1:${port}
    http-request use-service prometheus-exporter if { path /metrics }
    default_backend app
backend app
    server s1 127.0.0.1:${s1} check inter 1s
    server s2 127.0.0.1:${s2}
    server s3 127.0.0.1:${s2} disabled
`;
}

interface Parsed { types: Map<string, string>; samples: string[] }

/** Parses the text format 0.0.4 strictly enough to catch malformed output. */
function parseExposition(text: string): Parsed {
  const types = new Map<string, string>();
  const samples: string[] = [];
  const metric = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*)?\})? (NaN|[+-]Inf|[-+]?[0-9.eE+-]+)$/;
  // An empty selection (`scope=`) is an empty page (Fulcrum sends a lone newline).
  if (text === '' || text === '\n') return { types, samples };
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('# HELP ')) continue;
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      assert.ok(!types.has(name), `TYPE ${name} once`);
      assert.ok(['counter', 'gauge', 'untyped', 'summary', 'histogram'].includes(type), line);
      types.set(name, type);
      continue;
    }
    const m = metric.exec(line);
    assert.ok(m, `sample line: ${line}`);
    assert.ok(types.has(m![1]), `TYPE before ${m![1]}`);
    samples.push(`${m![1]}${m![2] ?? ''}`);
  }
  return { types, samples };
}

test('prometheus-exporter output parses, passes promtool, answers 200 text/plain; version=0.0.4 and logs fe/<PROMEX> LR-- as HAProxy', async () => {
  const [port, s1, s2] = await freePorts(3);
  const f = await startFulcrum(config(port, s1, s2), { waitPort: port });
  try {
    const r = await fetchHttp(port, '/metrics');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4');
    const p = parseExposition(r.body);
    assert.equal(p.types.get('haproxy_server_status'), 'gauge');
    assert.ok(p.samples.includes('haproxy_server_status{proxy="app",server="s1",state="UP"}'));
    assert.ok(p.samples.includes('haproxy_backend_http_responses_total{proxy="app",code="2xx"}'));
    // Logged as HAProxy does: fe/<PROMEX>, 0/0/0 timers, LR--.
    await f.waitForOutput(/\] fe fe\/<PROMEX> \d+\/0\/0\/0\/\d+ 200 \d+ - - LR-- .* "GET \/metrics HTTP\/1\.1"/);
    if (existsSync(PROMTOOL)) {
      const res = spawnSync(PROMTOOL, ['check', 'metrics'], { input: r.body, encoding: 'utf8', timeout: 10000 });
      // promtool lints HAProxy's own `failed_resolutions` counter name too (no _total): that is the
      // exporter's naming, kept for compatibility; anything else is an error.
      const problems = `${res.stdout}${res.stderr}`.split('\n').filter((l) => l.trim() !== '' && !l.includes('haproxy_process_failed_resolutions counter metrics should have "_total" suffix'));
      assert.deepEqual(problems, [], 'promtool check metrics');
      assert.ok(res.status === 0 || res.status === 3, `promtool exit ${res.status}`);
    } else {
      test.skip?.('promtool not installed (apt-get install prometheus): structural parse only');
    }
  } finally {
    await f.stop();
  }
});

test('metric families, types and label sets are the ones HAProxy 2.6 exports (scope= and no-maint too)', { skip: haveHaproxy ? false : 'haproxy not installed' }, async () => {
  const [hp, fp, s1, s2] = await freePorts(4);
  const dir = tempDir();
  const h = await startHaproxy(dir, config(hp, s1, s2), hp);
  const f = await startFulcrum(config(fp, s1, s2), { waitPort: fp });
  try {
    const diff = (a: string[], b: string[]): { missing: string[]; extra: string[] } => {
      const sa = new Set(a), sb = new Set(b);
      return { missing: b.filter((x) => !sa.has(x)), extra: a.filter((x) => !sb.has(x)) };
    };
    const types = (p: Parsed): string[] => [...p.types.entries()].map(([n, t]) => `${n} ${t}`);
    const keys = (p: Parsed): string[] => p.samples.map((s) => s.replace(/version="[^"]*"/, 'version=""'));
    for (const path of ['/metrics', '/metrics?scope=server', '/metrics?scope=global&scope=backend', '/metrics?scope=', '/metrics?scope=*&no-maint', '/metrics?no-maint&scope=frontend']) {
      const hx = parseExposition((await fetchHttp(hp, path)).body);
      const fx = parseExposition((await fetchHttp(fp, path)).body);
      assert.deepEqual(diff(types(fx), types(hx)), { missing: [], extra: [] }, `families and types of ${path}`);
      assert.deepEqual(diff(keys(fx), keys(hx)), { missing: [], extra: [] }, `sample label sets of ${path}`);
    }
  } finally {
    await f.stop();
    await h.stop();
  }
});
