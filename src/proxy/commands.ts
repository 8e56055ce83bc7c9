/**
 * Runtime API commands owned by the data plane (Fulcrum extensions, not in HAProxy):
 *   `show placement [N]`      the last N placement explanations (why a request went where it went)
 *   `set placement on|off`    record explanations (also on with `-d`, where each is printed on stderr)
 */

import { registerCliCommands } from '../runtime/registry';
import { formatPlacement, recentPlacements, setPlacementRecording, placementRecording } from './explain';

registerCliCommands([
  {
    words: ['show', 'placement'], level: 'operator',
    help: 'show placement [N]                      : show the last placement explanations (Fulcrum)',
    handler(ctx) {
      const n = ctx.args[2] !== undefined ? Number(ctx.args[2]) : 20;
      if (!Number.isInteger(n) || n < 0) return 'Expects a number of entries.\n';
      const list = recentPlacements();
      const shown = list.slice(Math.max(0, list.length - n));
      const head = placementRecording(ctx.instance) ? '' : 'Placement recording is off (use "set placement on" or run with -d).\n';
      return head + shown.map((p) => `${new Date(p.date).toISOString()} ${formatPlacement(p)}\n`).join('');
    },
  },
  {
    words: ['set', 'placement'], level: 'operator',
    help: 'set placement on|off                    : record placement explanations (Fulcrum)',
    handler(ctx) {
      const v = ctx.args[2];
      if (v !== 'on' && v !== 'off') return "'set placement' expects 'on' or 'off'.\n";
      setPlacementRecording(ctx.instance, v === 'on');
      return '';
    },
  },
]);
