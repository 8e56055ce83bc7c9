/**
 * `show events [<sink>] [-w] [-n]` (HAProxy sink.c): lists the event sinks, or dumps a ring.
 * Answers as HAProxy 2.6.12. `-n` shows only messages arriving from now on (none at the
 * time of the answer); `-w` (wait for new messages) is accepted but the answer ends after
 * the dump, because the CLI layer sends an answer once it is complete.
 */

import { registerCliCommands } from '../runtime/registry';
import { cliHelp } from '../runtime/usage';
import { logRuntime } from './runtime';

registerCliCommands([
  {
    words: ['show', 'events'],
    level: 'user',
    help: cliHelp('show events [<sink>] [-w] [-n]', 'show event sink state'),
    handler(ctx) {
      const rt = logRuntime(ctx.instance);
      const name = ctx.args[2];
      if (name === undefined) {
        let out = 'Supported events sinks are listed below. Add -w(wait), -n(new). Any key to stop\n';
        // HAProxy describes stderr as "standard output (fd#2)"; kept for identical output.
        out += `    ${'stdout'.padEnd(10)} : type=fd, 0 dropped, standard output (fd#1)\n`;
        out += `    ${'stderr'.padEnd(10)} : type=fd, 0 dropped, standard output (fd#2)\n`;
        for (const r of rt.rings.values()) out += `    ${r.cfg.name.padEnd(10)} : type=buffer, ${r.dropped} dropped, ${r.cfg.description ?? r.cfg.name}\n`;
        return out;
      }
      const ring = rt.rings.get(name);
      if (!ring) return 'No such event sink';
      let onlyNew = false;
      for (const opt of ctx.args.slice(3)) {
        if (opt === '-n') onlyNew = true;
        else if (opt !== '-w') return 'unknown option';
      }
      let out = '';
      for (const line of ring.since(onlyNew ? ring.mark : 0)) out += line + '\n';
      return out;
    },
  },
]);
