/**
 * Diagnostic commands: `show sess`, `shutdown session`, `show errors`, `show pools`,
 * `show activity`. Layouts are HAProxy 2.6.12's; fields that describe HAProxy internals
 * Fulcrum does not have (buffer flags, fds, pools) are filled from Node's equivalents where
 * one exists (V8 heap spaces for pools) and otherwise with HAProxy's idle values.
 */

import v8 from 'node:v8';
import { registerCliCommands } from './registry';
import { cliHelp } from './usage';
import { liveStreams, findStream, parseStreamPtr, formatSessLine, streamPtr } from './sessions';
import { renderErrors, captureDate, type ErrorSide } from './errors';

registerCliCommands([
  {
    words: ['show', 'sess'], level: 'operator',
    help: cliHelp('show sess [id]', 'report the list of current sessions or dump this exact session'),
    handler: (ctx) => {
      const now = Date.now();
      const arg = ctx.args[2];
      if (arg === undefined) return liveStreams().map((s) => formatSessLine(s, now)).join('');
      const list = arg === 'all' ? liveStreams() : [findStream(parseStreamPtr(arg))].filter((s) => s !== undefined);
      if (list.length === 0) return arg === 'all' ? '' : 'Session not found.\n';
      return list.map((s) => {
        const age = Math.floor((now - s.startMs) / 1000);
        return `${streamPtr(s.id)}: [${captureDate(s.startMs).slice(1, -1)}] id=${s.id} proto=${s.proto} source=${s.src}\n` +
          `  frontend=${s.frontend}\n` +
          `  backend=${s.backend ?? '<NONE>'}\n` +
          `  server=${s.server ?? '<NONE>'}\n` +
          `  age=${age}s calls=${s.calls ?? 1}\n`;
      }).join('');
    },
  },
  {
    words: ['shutdown', 'session'], level: 'admin',
    help: cliHelp('shutdown session [id]', 'kill a specific session'),
    handler: (ctx) => {
      if (ctx.args[2] === undefined) return "Session pointer expected (use 'show sess').\n";
      const s = findStream(parseStreamPtr(ctx.args[2]));
      if (!s) return "No such session (use 'show sess').\n";
      s.kill('shutdown session');
      return '';
    },
  },
  {
    words: ['show', 'errors'], level: 'operator',
    help: cliHelp('show errors [<px>] [request|response]', 'report last request and/or response errors for each proxy'),
    handler: (ctx) => {
      let proxyId: number | undefined;
      let side: ErrorSide | undefined;
      for (const a of ctx.args.slice(2)) {
        if (a === 'request' || a === 'response') side = a;
        else if (a === '-1') proxyId = undefined;
        else {
          const px = /^\d+$/.test(a) ? ctx.instance.proxies.find((p) => p.id === Number(a)) : ctx.instance.findProxy(a);
          if (!px) return 'No such proxy.\n';
          proxyId = px.id;
        }
      }
      return renderErrors({ proxyId, side });
    },
  },
  {
    words: ['show', 'pools'], level: 'user',
    help: cliHelp('show pools', 'report information about the memory pools usage'),
    handler: () => {
      // Node has no fixed-size pools; V8's heap spaces are the closest equivalent.
      const spaces = v8.getHeapSpaceStatistics();
      let out = 'Dumping pools usage. Use SIGQUIT to flush them.\n';
      let alloc = 0;
      let used = 0;
      for (const s of spaces) {
        alloc += s.space_size;
        used += s.space_used_size;
        out += `  - Pool ${s.space_name.slice(0, 11)} (1 bytes) : ${s.space_size} allocated (${s.space_size} bytes), ${s.space_used_size} used (~0 by thread caches), needed_avg 0, 0 failures, 1 users, @0x0 [SHARED]\n`;
      }
      return out + `Total: ${spaces.length} pools, ${alloc} bytes allocated, ${used} used (~0 by thread caches).\n`;
    },
  },
  {
    words: ['show', 'activity'], level: 'user',
    help: cliHelp('show activity', 'show per-thread activity stats (for support/developers)'),
    handler: (ctx) => {
      const now = Date.now();
      const row = (name: string, v: number): string => `${name}: ${v} [ ${v} ]\n`;
      let out = 'thread_id: 1 (1..1)\n';
      out += `date_now: ${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, '0')}\n`;
      for (const n of ['ctxsw', 'tasksw', 'empty_rq', 'long_rq', 'loops', 'wake_tasks', 'wake_signal', 'poll_io', 'poll_exp', 'poll_drop_fd', 'poll_skip_fd', 'conn_dead']) out += row(n, 0);
      out += row('stream_calls', 0);
      for (const n of ['pool_fail', 'buf_wait', 'cpust_ms_tot', 'cpust_ms_1s', 'cpust_ms_15s', 'avg_loop_us']) out += row(n, 0);
      out += row('accepted', ctx.instance.cumConns);
      out += row('accq_pushed', ctx.instance.cumConns);
      for (const n of ['accq_full', 'accq_ring', 'fd_takeover']) out += row(n, 0);
      return out;
    },
  },
]);
