/**
 * `fulcrum top -s SOCKET [-i SECONDS] [-n] [-f FILTER]`: a terminal dashboard over the stats
 * socket. A pure runtime-API client (`show info`, `show stat`, `disable|enable server`,
 * `set server B/S state drain|ready`, `set weight`): it works the same against HAProxy.
 * Server answers to actions (for example `Permission denied` on a socket below level admin)
 * are shown on the status line.
 */

import { CliClient, parseTarget } from './client';
import { Model } from './model';
import { render, visibleRows, SORT_KEYS, type UiState } from './view';

const USAGE = `Usage: fulcrum top -s <socket> [-i <seconds>] [-n] [-f <filter>]
  -s PATH|HOST:PORT  stats socket (unix path, unix@path, host:port)
  -i SECONDS         refresh interval (default 2)
  -n                 read-only: no actions
  -f TEXT            initial filter
Keys: q quit, j/k or arrows move, enter detail (why a server is DOWN), / filter, s sort,
      d disable (maint), e enable, n drain, r ready, + / - weight, w set weight.
`;

/** Splits terminal input into keys: CSI sequences (`ESC [ A`) or single characters. */
export function splitKeys(d: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < d.length;) {
    if (d[i] === '\x1b' && d[i + 1] === '[') {
      let j = i + 2;
      while (j < d.length && !/[A-Za-z~]/.test(d[j])) j++;
      keys.push(d.slice(i, j + 1));
      i = j + 1;
    } else { keys.push(d[i]); i++; }
  }
  return keys;
}

export async function run(argv: string[]): Promise<void> {
  let target: string | undefined;
  let interval = 2;
  let readOnly = false;
  let filter = '';
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '-s' || a === '-t') target = argv[++k];
    else if (a === '-i') interval = Math.max(0.2, Number(argv[++k]) || 2);
    else if (a === '-n') readOnly = true;
    else if (a === '-f') filter = argv[++k] ?? '';
    else if (a === '-h' || a === '--help') { process.stdout.write(USAGE); return; }
    else { process.stderr.write(`fulcrum top: unknown option '${a}'\n${USAGE}`); process.exitCode = 1; return; }
  }
  if (!target) { process.stderr.write(USAGE); process.exitCode = 1; return; }
  const client = new CliClient(parseTarget(target));
  try { await client.connect(); } catch (e) {
    process.stderr.write(`fulcrum top: cannot connect to ${target}: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const model = new Model();
  const ui: UiState = { selected: 0, filter, sort: 'config', detail: false, message: '', readOnly, color: process.stdout.isTTY === true, target };
  const out = process.stdout;
  let stopped = false;

  const draw = (): void => {
    if (stopped) return;
    const lines = render(model, ui, out.columns || 120, out.rows || 40);
    out.write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\r\n')}\x1b[J`);
  };
  const poll = async (): Promise<void> => {
    try {
      const info = await client.run('show info');
      const stat = await client.run('show stat');
      model.update(info, stat, Date.now());
    } catch (e) {
      ui.message = `error: ${(e as Error).message}`;
      if (/closed/.test((e as Error).message)) return quit(1);
    }
    draw();
  };
  const action = async (cmd: string): Promise<void> => {
    if (ui.readOnly) { ui.message = 'read-only (-n): no actions'; draw(); return; }
    try {
      const ans = (await client.run(cmd)).trim();
      ui.message = `${cmd}: ${ans === '' ? 'done' : ans.split('\n')[0]}`;
    } catch (e) {
      ui.message = `${cmd}: ${(e as Error).message}`;
    }
    await poll();
  };
  const selectedServer = (): { be: string; srv: string; weight: number } | undefined => {
    const r = visibleRows(model, ui)[ui.selected];
    if (!r || r.type !== 'S') { ui.message = 'select a server first'; draw(); return undefined; }
    return { be: r.proxy, srv: r.name, weight: Number(r.rec.weight) || 0 };
  };

  const timer = setInterval(() => { void poll(); }, interval * 1000);
  const quit = (code = 0): void => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    client.close();
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdin.pause();
    out.write('\x1b[?25h\x1b[?1049l');
    process.exitCode = code;
  };

  out.write('\x1b[?1049h\x1b[?25l\x1b[2J');
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.setEncoding('utf8');
  // Keys are handled one at a time, in order, even when several arrive in one read.
  let keyChain = Promise.resolve();
  process.stdin.on('data', (d: string) => {
    for (const k of splitKeys(d)) keyChain = keyChain.then(() => onKeys(k));
  });
  out.on('resize', draw);
  process.on('SIGTERM', () => quit(0));

  async function onKeys(d: string): Promise<void> {
    if (ui.input) {
      for (const ch of d) {
        if (ch === '\r' || ch === '\n') {
          const { prompt, text } = ui.input;
          ui.input = undefined;
          if (prompt.startsWith('filter')) { ui.filter = text; ui.selected = 0; }
          else {
            const s = selectedServer();
            if (s) await action(`set weight ${s.be}/${s.srv} ${text}`);
          }
        } else if (ch === '\x1b') ui.input = undefined;
        else if (ch === '\x7f' || ch === '\b') ui.input.text = ui.input.text.slice(0, -1);
        else if (ch >= ' ') ui.input.text += ch;
        if (!ui.input) break;
      }
      draw();
      return;
    }
    const n = visibleRows(model, ui).length;
    switch (d) {
      case 'q': case '\x03': return quit(0);
      case 'j': case '\x1b[B': ui.selected = Math.min(n - 1, ui.selected + 1); break;
      case 'k': case '\x1b[A': ui.selected = Math.max(0, ui.selected - 1); break;
      case 'g': ui.selected = 0; break;
      case 'G': ui.selected = Math.max(0, n - 1); break;
      case '\r': case '\n': ui.detail = !ui.detail; break;
      case '/': ui.input = { prompt: 'filter: ', text: ui.filter }; break;
      case 's': ui.sort = SORT_KEYS[(SORT_KEYS.indexOf(ui.sort) + 1) % SORT_KEYS.length]; break;
      case 'd': { const s = selectedServer(); if (s) await action(`disable server ${s.be}/${s.srv}`); return; }
      case 'e': { const s = selectedServer(); if (s) await action(`enable server ${s.be}/${s.srv}`); return; }
      case 'n': { const s = selectedServer(); if (s) await action(`set server ${s.be}/${s.srv} state drain`); return; }
      case 'r': { const s = selectedServer(); if (s) await action(`set server ${s.be}/${s.srv} state ready`); return; }
      case '+': { const s = selectedServer(); if (s) await action(`set weight ${s.be}/${s.srv} ${Math.min(256, s.weight + 1)}`); return; }
      case '-': { const s = selectedServer(); if (s) await action(`set weight ${s.be}/${s.srv} ${Math.max(0, s.weight - 1)}`); return; }
      case 'w': if (selectedServer()) ui.input = { prompt: 'weight (0..256 or N%): ', text: '' }; break;
      default: break;
    }
    draw();
  }

  await poll();
}
