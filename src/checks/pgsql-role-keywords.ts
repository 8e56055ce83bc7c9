/**
 * Registers `option pgsql-role-check user <name> [database <db>] [password <p> |
 * password-env <VAR> | password-file <file>] [role primary|replica|any] [max-lag <time>]`
 * (a Fulcrum extension, see docs/postgresql.md). Like the other check options, it selects the
 * proxy's check type (the last `option ...-check` wins) and `no option pgsql-role-check`
 * resets it.
 */

import { registerFamily, BACKEND_SECTIONS } from '../config/registry';
import { checksOf } from './config';
import { parsePgsqlRoleArgs, timeMs } from './pgsql-role';

registerFamily('option', [{
  name: 'pgsql-role-check', sections: BACKEND_SECTIONS, negatable: true,
  usage: 'option pgsql-role-check user <name> [database <db>] [password <p>|password-env <VAR>|password-file <file>] [role primary|replica|any] [max-lag <time>]',
  parse(ctx) {
    const c = checksOf(ctx.proxy!);
    if (ctx.negated || ctx.reset) {
      if (c.type === 'pgsql-role-check') { c.type = ''; c.args = []; }
      return;
    }
    const args = ctx.args.slice(2);
    const r = parsePgsqlRoleArgs(args, timeMs);
    if (typeof r === 'string') { ctx.error(r); return; }
    if (r.passwordEnv !== undefined && process.env[r.passwordEnv] === undefined) {
      ctx.warning(`'option pgsql-role-check' : environment variable '${r.passwordEnv}' is not set; checks needing a password will fail.`);
    }
    c.type = 'pgsql-role-check';
    c.args = args;
  },
}]);
