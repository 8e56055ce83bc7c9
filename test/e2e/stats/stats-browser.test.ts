/**
 * The stats page in a real browser: Debian's chromium, headless, driven by playwright-core
 * (no browser download). Loads the page, checks the server rows and their colour classes
 * (UP / DOWN / MAINT), ticks a server, applies "Set state to MAINT" through the page's form
 * and checks the new state through the runtime API; saves test-artifacts/stats-page.png.
 * Skipped with a message when /usr/bin/chromium or playwright-core is missing.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { cliCommand, freePorts, pollUntil, startFulcrum, ROOT } from '../harness';

const CHROMIUM = '/usr/bin/chromium';

function loadPlaywright(): typeof import('playwright-core') | undefined {
  try { return require('playwright-core') as typeof import('playwright-core'); } catch { return undefined; }
}
const pw = loadPlaywright();
const skip = !existsSync(CHROMIUM) ? 'chromium not installed (apt-get install -y chromium)' : !pw ? 'playwright-core not installed (npm install)' : false;

test('stats page in headless Chromium: rows, colours, admin action, screenshot', { skip, timeout: 60000 }, async () => {
  const [port, upPort, downPort, maintPort] = await freePorts(4);
  const up = http.createServer((_q, r) => r.end('ok')).listen(upPort, '127.0.0.1');
  const f = await startFulcrum(`global
    stats socket {{DIR}}/s.sock level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen stats
    bind 127.0.0.1:${port}
    stats enable
    stats uri /
    stats admin if TRUE
    stats show-legends
    stats show-node
backend app
    server web1 127.0.0.1:${upPort} check inter 500ms
    server web2 127.0.0.1:${downPort} check inter 500ms
    server web3 127.0.0.1:${maintPort} disabled
    server web4 127.0.0.1:${upPort} backup check inter 500ms
`, { waitPort: port });
  const sock = `${f.dir}/s.sock`;
  const profile = mkdtempSync(join(tmpdir(), 'fulcrum-chromium-'));
  let browser: import('playwright-core').BrowserContext | undefined;
  try {
    // A new empty profile directory (playwright passes it as --user-data-dir).
    browser = await pw!.chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, timeout: 30000, viewport: { width: 1400, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    await pollUntil(async () => (await cliCommand(sock, 'show stat')).includes('app,web2,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN'), 'web2 DOWN', 8000);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const classOf = (srv: string): Promise<string | null> => page.locator(`tr:has(a[name="app/${srv}"])`).getAttribute('class');
    assert.equal(await classOf('web1'), 'active_up');
    assert.equal(await classOf('web2'), 'active_down');
    assert.equal(await classOf('web3'), 'maintain');
    assert.equal(await classOf('web4'), 'backup_up');
    assert.equal(await page.locator('tr.backend a[name="app/Backend"]').count(), 1);
    assert.match(await page.title(), /^Statistics Report for pid \d+ on /);

    // Tick web1, choose MAINT, Apply: the browser follows the 303 to ;st=DONE.
    await page.locator('input.app-checkbox[value="web1"]').check();
    await page.locator('select[name="action"]').selectOption('maint');
    await Promise.all([page.waitForURL(/;st=DONE$/), page.locator('input[type="submit"][value="Apply"]').click()]);
    assert.match(await page.locator('div.active_up').first().innerText(), /Action processed successfully\./);
    const line = (await cliCommand(sock, 'show stat')).split('\n').find((l) => l.startsWith('app,web1,'))!;
    assert.equal(line.split(',')[17], 'MAINT');
    assert.equal(await classOf('web1'), 'maintain');

    // The weight form: tick web4, "Set weight to" 42.
    await page.locator('input.app-checkbox[value="web4"]').check();
    await page.locator('select[name="action"]').selectOption('weight');
    await page.locator('input[name="weight"]').fill('42');
    await Promise.all([page.waitForURL(/;st=DONE$/), page.locator('input[type="submit"][value="Apply"]').click()]);
    assert.equal((await cliCommand(sock, 'get weight app/web4')).trim(), '42 (initial 1)');

    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'stats-page.png'), fullPage: true });
  } finally {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    await f.stop();
    up.close();
  }
});
