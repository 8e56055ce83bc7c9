/**
 * Patroni's HAProxy example (examples/postgres-patroni.cfg, verbatim but for the ports):
 * `listen stats` in `mode http` with `stats enable` + `stats uri /` inside `defaults mode
 * tcp` serves the stats page, its CSV export, and reports the PostgreSQL servers' checks.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, pollUntil, ROOT, startFulcrum } from '../harness';
import { fetchHttp } from './helpers';

test("Patroni's listen stats serves the page and ;csv", async () => {
  const ports = await freePorts(6);
  const map = new Map([[7000, ports[0]], [5000, ports[1]], [5432, ports[2]], [5433, ports[3]], [8008, ports[4]], [8009, ports[5]]]);
  const cfg = readFileSync(join(ROOT, 'examples', 'postgres-patroni.cfg'), 'utf8')
    .replaceAll('*:', '127.0.0.1:')
    .replace(/127\.0\.0\.1:(\d+)/g, (_, p: string) => `127.0.0.1:${map.get(Number(p))}`)
    .replace(/check port (\d+)/g, (_, p: string) => `check port ${map.get(Number(p))}`);
  const f = await startFulcrum(cfg, { waitPort: ports[0] });
  try {
    const page = await fetchHttp(ports[0], '/');
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html');
    assert.match(page.body, /<a class=px href="#batman">batman<\/a>/);
    assert.match(page.body, /<a class=lfsb href="#batman\/postgresql_127\.0\.0\.1_5432">postgresql_127\.0\.0\.1_5432<\/a>/);
    // Nothing answers on the Patroni REST ports: both servers go DOWN (L4CON) after `fall 3`.
    await pollUntil(async () => ((await fetchHttp(ports[0], '/;csv')).body.match(/^batman,postgresql_[^,]+,(?:[^,]*,){15}DOWN,/gm) ?? []).length === 2, 'both servers DOWN in ;csv', 20000, 200);
    const csv = (await fetchHttp(ports[0], '/;csv')).body;
    assert.match(csv, /^# pxname,svname,/);
    assert.match(csv, /^stats,FRONTEND,/m);
    const html = (await fetchHttp(ports[0], '/')).body;
    assert.equal((html.match(/<tr class="active_down">/g) ?? []).length, 2);
  } finally {
    await f.stop();
  }
});
