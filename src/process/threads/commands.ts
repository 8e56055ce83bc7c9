/**
 * `show threads` on the stats socket: one line per data-plane thread of an `nbthread`
 * process (thread id, connections and requests it served, its current connections' share).
 * HAProxy's `show threads` dumps scheduler internals; Fulcrum's shows what an operator can
 * use: whether every thread takes its part of the traffic.
 */

import { registerCliCommands } from '../../runtime/registry';
import { cliHelp } from '../../runtime/usage';
import { threads } from './coordinator';

registerCliCommands([{
  words: ['show', 'threads'],
  level: 'operator',
  help: cliHelp('show threads', 'show data-plane threads (nbthread) and their traffic'),
  handler: (ctx) => {
    if (threads.length === 0) return `Thread 1 (main): pid=${ctx.instance.pid} conns=${ctx.instance.cumConns} reqs=${ctx.instance.cumReq}\n`;
    let out = '';
    for (const t of threads) {
      const s = t.snap;
      out += `Thread ${t.tid} (tid ${t.threadId}): pid=${process.pid} state=${t.exited ? 'exited' : t.ready ? 'running' : 'starting'} conns=${s?.inst.cumConns ?? 0} reqs=${s?.inst.cumReq ?? 0}\n`;
    }
    return out;
  },
}]);
