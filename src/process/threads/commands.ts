/**
 * `show threads` on the stats socket: per data-plane thread of an `nbthread` process,
 * HAProxy's first line (`Thread N : id=0x<thread id> act=1`), then the connections and
 * requests that thread accepted. HAProxy's other lines (scheduler queues, stuck/harmless
 * flags, cpu_ns) have no Node.js equivalent; the counts show whether every thread takes its
 * part of the traffic.
 */

import { registerCliCommands } from '../../runtime/registry';
import { cliHelp } from '../../runtime/usage';
import { threads } from './coordinator';

registerCliCommands([{
  words: ['show', 'threads'],
  level: 'operator',
  help: cliHelp('show threads', 'show some threads debugging information'),
  handler: (ctx) => {
    // HAProxy's first line ("Thread N : id=0x... act=..."), then what Fulcrum knows.
    if (threads.length === 0) {
      const i = ctx.instance;
      return `Thread 1 : id=0x0 act=1\n             pid=${i.pid} state=running conns=${i.cumConns} reqs=${i.cumReq}\n`;
    }
    let out = '';
    for (const t of threads) {
      const s = t.snap;
      out += `Thread ${t.tid} : id=0x${t.threadId.toString(16)} act=${t.exited ? 0 : 1}\n`;
      out += `             pid=${process.pid} state=${t.exited ? 'exited' : t.ready ? 'running' : 'starting'} conns=${s?.inst.cumConns ?? 0} reqs=${s?.inst.cumReq ?? 0}\n`;
    }
    return out;
  },
}]);
