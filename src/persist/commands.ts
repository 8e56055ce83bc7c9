/**
 * Runtime API for dynamic cookies (HAProxy 2.6.12 answers):
 * `enable dynamic-cookie backend <b>`, `disable dynamic-cookie backend <b>`,
 * `set dynamic-cookie-key backend <b> <key>`.
 */

import { registerCliCommands, type CliContext } from '../runtime/registry';
import type { Proxy } from '../proxy/proxy';
import { setDynamicCookie } from './cookie';

function backendArg(ctx: CliContext, at: number): Proxy | string {
  const name = ctx.args[at];
  if (!name) return 'A backend name is expected.\n';
  return ctx.instance.findBackend(name) ?? 'No such backend.\n';
}

registerCliCommands([
  {
    words: ['enable', 'dynamic-cookie', 'backend'], level: 'admin',
    help: 'enable dynamic-cookie backend <bk>       : enable dynamic cookies on a specific backend',
    handler(ctx) {
      const be = backendArg(ctx, 3);
      if (typeof be === 'string') return be;
      setDynamicCookie(be, { enabled: true });
      return '';
    },
  },
  {
    words: ['disable', 'dynamic-cookie', 'backend'], level: 'admin',
    help: 'disable dynamic-cookie backend <bk>      : disable dynamic cookies on a specific backend',
    handler(ctx) {
      const be = backendArg(ctx, 3);
      if (typeof be === 'string') return be;
      setDynamicCookie(be, { enabled: false });
      return '';
    },
  },
  {
    words: ['set', 'dynamic-cookie-key', 'backend'], level: 'admin',
    help: 'set dynamic-cookie-key backend <bk> <k>  : change a backend secret key for dynamic cookies',
    handler(ctx) {
      const be = backendArg(ctx, 3);
      if (typeof be === 'string') return be;
      const key = ctx.args[4];
      if (!key) return 'String value expected.\n';
      setDynamicCookie(be, { key });
      return '';
    },
  },
]);
