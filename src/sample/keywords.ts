/**
 * Global keywords of the sample subsystem: `set-var proc.<name> <expr>` evaluates the
 * expression while the configuration is parsed (only constant and internal fetches can
 * yield a value then) and stores it as a process-wide variable, as HAProxy does. The value
 * is also kept in `global.ext.vars` so that a reload's new graph sees the same data.
 */

import { registerKeywords } from '../config/registry';
import { extSlice } from '../config/model';
import { compileSampleExpr } from './expr';
import { procVars } from './vars';
import type { SampleContext, SampleValue } from './context';

/** An empty stream context: parse-time evaluation has no connection or request. */
function parseTimeContext(): SampleContext {
  return { src: '', srcPort: 0, dst: '', dstPort: 0, frontend: '', vars: new Map() };
}

registerKeywords([
  {
    name: 'set-var', sections: ['global'], usage: 'set-var proc.<name> <expr>',
    parse(ctx) {
      const name = ctx.args[1];
      const expr = ctx.args[2];
      if (name === undefined || expr === undefined) {
        ctx.error(`'set-var' requires a process-wide variable name ('proc.<name>') and a sample expression.`);
        return;
      }
      if (!name.startsWith('proc.') || name.length === 5) {
        ctx.error(`'set-var': cannot set variable '${name}', only scope 'proc' is permitted in the global section.`);
        return;
      }
      const fn = compileSampleExpr(expr, (m) => ctx.error(m));
      if (!fn) return;
      const v = fn(parseTimeContext());
      if (v === undefined) return;
      procVars.set(name, v);
      extSlice(ctx.config.global, 'vars', () => ({} as Record<string, SampleValue>))[name] = v;
    },
  },
]);
