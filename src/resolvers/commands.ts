/** Runtime API: `show resolvers [<resolvers section id>]` (HAProxy 2.6 layout). */
import { registerCliCommands } from '../runtime/registry';
import { showResolvers } from './runtime';

registerCliCommands([
  {
    words: ['show', 'resolvers'], level: 'user',
    help: 'show resolvers [id]                     : dumps counters from all resolvers section and associated name servers',
    handler: (ctx) => showResolvers(ctx.args[2]),
  },
]);
