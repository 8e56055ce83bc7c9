/**
 * Prometheus exposition with HAProxy 2.6 exporter names, read from the same column table.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInstance, REF_CONFIG } from '../runtime/helpers';
import { renderPrometheus } from '../../../src/stats/prometheus';
import { AdminFlag } from '../../../src/proxy/server';

test('process, frontend, backend and server families with HELP/TYPE and labels', () => {
  const inst = buildInstance(REF_CONFIG, '/tmp/unused');
  inst.findBackend('tbe')!.findServer('t1')!.counters.bytesIn = 1234;
  inst.findBackend('app')!.findServer('app2')!.setAdmin(AdminFlag.FMAINT, true);
  const text = renderPrometheus(inst);
  assert.match(text, /^# HELP haproxy_process_nbthread /);
  assert.match(text, /\n# TYPE haproxy_process_connections_total counter\nhaproxy_process_connections_total 0\n/);
  assert.match(text, /\nhaproxy_process_build_info\{version="\d+\.\d+\.\d+"\} 1\n/);
  assert.match(text, /\nhaproxy_frontend_status\{proxy="main",state="UP"\} 1\n/);
  assert.match(text, /\nhaproxy_frontend_limit_sessions\{proxy="tfe"\} 50\n/);
  assert.match(text, /\nhaproxy_server_bytes_in_total\{proxy="tbe",server="t1"\} 1234\n/);
  assert.match(text, /\nhaproxy_server_status\{proxy="app",server="app2",state="MAINT"\} 1\n/);
  assert.match(text, /\nhaproxy_backend_http_responses_total\{proxy="app",code="5xx"\} 0\n/);
  // Every sample line belongs to the family announced just before it (contiguous families).
  let family = '';
  for (const line of text.trim().split('\n')) {
    const m = /^# TYPE (\S+) (counter|gauge)$/.exec(line);
    if (m) { family = m[1]; continue; }
    if (line.startsWith('#')) continue;
    assert.ok(line.startsWith(family), `${line} outside ${family}`);
  }
});
