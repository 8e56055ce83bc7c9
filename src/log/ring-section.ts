/**
 * The `ring <name>` section (configuration.txt §3.10): description, format, maxlen, size.
 * Forwarding to servers (`server`, `timeout connect|server`) is not implemented and is
 * refused with a message saying so. Messages and defaults as HAProxy 2.6.12.
 */

import { findKeyword, registerKeywords, registerSectionType, type KeywordContext, type SectionName } from '../config/registry';
import type { Config } from '../config/model';
import { SYSLOG_FORMATS, type SyslogFormat } from './syslog';
import type { RingConfig } from './ring';

const DEFAULT_SIZE = 16384;

/** Every `ring` section of a configuration, in declaration order. */
export function ringConfigs(config: Config): RingConfig[] {
  return (config.sections.ring ?? []) as RingConfig[];
}

registerSectionType({
  name: 'ring',
  start(ctx) {
    const name = ctx.args[1];
    if (!name) {
      ctx.error(`missing ring name.`);
      return undefined;
    }
    const ring: RingConfig = { name, format: 'raw', maxLength: DEFAULT_SIZE, size: DEFAULT_SIZE, src: ctx.src };
    (ctx.config.sections.ring ??= []).push(ring);
    return ring;
  },
});

function ringOf(ctx: KeywordContext): RingConfig | undefined {
  return ctx.sectionState as RingConfig | undefined;
}

/** HAProxy's size parser: digits with an optional k/m/g suffix. */
function parseSize(v: string | undefined): number {
  const m = /^(\d+)([kKmMgG]?)$/.exec(v ?? '');
  if (!m) return NaN;
  const mult = { '': 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}

/**
 * Adds a `ring` handler to a keyword: `description` and `server` already exist for proxies,
 * so their entry is extended (as userlist.ts does for `user`); new names are registered.
 */
function ringKeyword(name: string, usage: string, handler: (ctx: KeywordContext, r: RingConfig) => void): void {
  const run = (ctx: KeywordContext): void => {
    const r = ringOf(ctx);
    if (r) handler(ctx, r);
  };
  const kw = findKeyword(name);
  if (!kw) {
    registerKeywords([{ name, sections: ['ring'], usage, parse: run }]);
    return;
  }
  const sections = kw.sections.concat(['ring' as SectionName]);
  const orig = kw.parse.bind(kw);
  Object.assign(kw, { sections, parse: (ctx: KeywordContext) => (ctx.section === 'ring' ? run(ctx) : orig(ctx)) });
}

ringKeyword('description', 'description <text>', (ctx, r) => {
  if (ctx.args.length < 2) { ctx.error(`missing ring description text.`); return; }
  r.description = ctx.args.slice(1).join(' ');
});

ringKeyword('format', 'format <fmt>', (ctx, r) => {
  const v = ctx.args[1] ?? '';
  if (!(SYSLOG_FORMATS as readonly string[]).includes(v)) { ctx.error(`unknown format '${v}'.`); return; }
  r.format = v as SyslogFormat;
});

ringKeyword('maxlen', 'maxlen <length>', (ctx, r) => {
  const n = parseSize(ctx.args[1]);
  if (!(n > 0)) { ctx.error(`invalid size '${ctx.args[1] ?? ''}' for new sink buffer.`); return; }
  r.maxLength = n;
});

ringKeyword('size', 'size <size>', (ctx, r) => {
  const n = parseSize(ctx.args[1]);
  if (!(n > 0)) { ctx.error(`invalid size '${ctx.args[1] ?? ''}' for new sink buffer.`); return; }
  if (n < r.size) { ctx.warning(`ignoring new size '${n}' that is smaller than current size '${r.size}' for ring '${r.name}'.`); return; }
  r.size = n;
});

ringKeyword('server', 'server <name> <address> [param*]', (ctx, r) => {
  ctx.error(`ring '${r.name}': forwarding a ring to servers is not supported by Fulcrum; send logs over UDP or to a unix socket instead.`);
});
