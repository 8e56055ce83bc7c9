/**
 * Runtime API commands over pattern references (HAProxy: map.c cli_kws): show/get/add/del/
 * clear acl and show/get/add/del/set/clear map, with HAProxy 2.6's messages. Versioned
 * updates (`prepare`/`commit`, `@<ver>`) are not supported.
 */

import { registerCliCommands, type CliCommand, type CliContext } from '../runtime/registry';
import { findPatternRef, patternRefs, PatternRef, type PatternKind } from './pattern-ref';

const WORD: Record<PatternKind, { id: string; Id: string }> = {
  acl: { id: 'ACL', Id: 'ACL' },
  map: { id: 'map', Id: 'Map' },
};

function unknown(kind: PatternKind): string { return `Unknown ${WORD[kind].id} identifier. Please use #<id> or <file>.\n`; }

/** `show acl|map [<id>]`: the list of references, or one reference's entries. */
function show(kind: PatternKind) {
  return (ctx: CliContext): string => {
    const ident = ctx.args[2];
    if (ident === undefined) {
      const lines = patternRefs().filter((r) => r.kind === kind).map((r) => `${r.listLine}\n`);
      return `# id (file) description\n${lines.join('')}`;
    }
    const ref = findPatternRef(kind, ident);
    if (!ref) return unknown(kind);
    return ref.entries.map((e) => `${PatternRef.address(e)} ${e.key}${kind === 'map' ? ` ${e.value ?? ''}` : ''}\n`).join('');
  };
}

/** `get acl|map <id> <value>`: one line per expression using the reference. */
function get(kind: PatternKind) {
  return (ctx: CliContext): string => {
    const [ident, value] = [ctx.args[2], ctx.args[3]];
    if (ident === undefined || value === undefined) return `Missing ${WORD[kind].id} identifier and/or key.\n`;
    const ref = findPatternRef(kind, ident);
    if (!ref) return unknown(kind);
    return ref.users.filter((u) => u.lookup).map((u) => `${u.lookup!(value)}\n`).join('');
  };
}

function add(kind: PatternKind) {
  return (ctx: CliContext): string => {
    const ident = ctx.args[2];
    if (kind === 'acl' && (ident === undefined || ctx.args[3] === undefined)) return `'add acl' expects two parameters: ACL identifier and pattern.\n`;
    if (kind === 'map' && (ident === undefined || (ctx.payload === undefined && (ctx.args[3] === undefined || ctx.args[4] === undefined)))) {
      return `'add map' expects three parameters (map identifier, key and value) or one parameter (map identifier) and a payload\n`;
    }
    const ref = findPatternRef(kind, ident);
    if (!ref) return unknown(kind);
    const items: [string, string | undefined][] = [];
    if (ctx.payload !== undefined) {
      for (const line of ctx.payload.split('\n')) {
        const t = line.trim();
        if (!t) continue;
        const m = /^(\S+)(?:\s+(.*))?$/.exec(t)!;
        if (kind === 'map' && m[2] === undefined) return `Missing value for key '${m[1]}'.\n`;
        items.push([m[1], kind === 'map' ? m[2] : undefined]);
      }
    } else items.push([ctx.args[3], kind === 'map' ? ctx.args[4] : undefined]);
    for (const [k, v] of items) {
      const err = ref.add(k, v);
      if (err !== undefined) return `${err}.\n`;
    }
    return '';
  };
}

function del(kind: PatternKind) {
  return (ctx: CliContext): string => {
    const [ident, key] = [ctx.args[2], ctx.args[3]];
    if (ident === undefined || key === undefined) return `This command expects two parameters: ${WORD[kind].id} identifier and key.\n`;
    const ref = findPatternRef(kind, ident);
    if (!ref) return unknown(kind);
    return ref.del(key) ? '' : 'Key not found.\n';
  };
}

function clear(kind: PatternKind) {
  return (ctx: CliContext): string => {
    const ident = ctx.args[2];
    if (ident === undefined) return `Missing ${WORD[kind].id} identifier.\n`;
    const ref = findPatternRef(kind, ident);
    if (!ref) return unknown(kind);
    ref.clear();
    return '';
  };
}

function setMap(ctx: CliContext): string {
  const [ident, key, value] = [ctx.args[2], ctx.args[3], ctx.args[4]];
  if (ident === undefined || key === undefined || value === undefined) return `'set map' expects three parameters: map identifier, key and value.\n`;
  const ref = findPatternRef('map', ident);
  if (!ref) return unknown('map');
  const r = ref.set(key, value);
  if (r.error !== undefined) return `${r.error}.\n`;
  return r.found ? '' : 'Failed to update an entry.\n';
}

const list: CliCommand[] = [
  { words: ['add', 'acl'], level: 'user', help: 'add acl [@<ver>] <acl> <pattern>        : add an acl entry', handler: add('acl') },
  { words: ['clear', 'acl'], level: 'user', help: 'clear acl [@<ver>] <acl>                : clear the contents of this acl', handler: clear('acl') },
  { words: ['del', 'acl'], level: 'user', help: 'del acl <acl> [<key>|#<ref>]            : delete acl entries matching <key>', handler: del('acl') },
  { words: ['get', 'acl'], level: 'user', help: 'get acl <acl> <value>                   : report the patterns matching a sample for an ACL', handler: get('acl') },
  { words: ['show', 'acl'], level: 'user', help: "show acl [@<ver>] <acl>]                : report available acls or dump an acl's contents", handler: show('acl') },
  { words: ['add', 'map'], level: 'user', help: 'add map [@<ver>] <map> <key> <val>      : add a map entry (payload supported instead of key/val)', handler: add('map') },
  { words: ['clear', 'map'], level: 'user', help: 'clear map [@<ver>] <map>                : clear the contents of this map', handler: clear('map') },
  { words: ['del', 'map'], level: 'user', help: 'del map <map> [<key>|#<ref>]            : delete map entries matching <key>', handler: del('map') },
  { words: ['get', 'map'], level: 'user', help: 'get map <acl> <value>                   : report the keys and values matching a sample for a map', handler: get('map') },
  { words: ['set', 'map'], level: 'user', help: 'set map <map> [<key>|#<ref>] <value>    : modify a map entry', handler: setMap },
  { words: ['show', 'map'], level: 'user', help: "show map [@ver] [map]                   : report available maps or dump a map's contents", handler: show('map') },
];

registerCliCommands(list);
