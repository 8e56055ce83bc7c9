/**
 * Map converters (HAProxy: map.c): `map_<match>[_<output>](file[,default])` looks the sample
 * up among the file's keys with the given matching method and returns the associated value
 * (as str, int or ip), or the default when nothing matches (no sample without a default).
 * `map(file)` is `map_str`. Files are loaded when the expression is compiled.
 */

import { registerConverters, type ConverterDef } from './registry';
import type { ArgValue } from './args';
import type { SampleType } from './types';
import { readMapFile } from './pattern-file';
import { findMatcher, type PatternSet } from '../acl/matchers';
import { fileRef, type PatternRef, type PatternUser } from '../acl/pattern-ref';
import { parseIp } from './ip';

/**
 * A map converter's compiled lookup over its file's pattern reference; rebuilt when the
 * runtime API changes the map (`add map`, `set map` ...).
 */
class MapLookup implements PatternUser {
  set!: PatternSet;
  values!: (string | number)[];
  keys!: string[];

  constructor(readonly ref: PatternRef, readonly match: string, readonly out: 'str' | 'int' | 'ip', readonly dflt: string | number | undefined) {}

  rebuild(): string | undefined {
    const values: (string | number)[] = [];
    for (const e of this.ref.entries) {
      const v = outValue(e.value ?? '', this.out);
      if (v === undefined) return `unable to parse value '${e.value}' as type '${this.out === 'str' ? 'string' : this.out === 'int' ? 'integer' : 'ip'}'`;
      values.push(v);
    }
    const keys = this.ref.entries.map((e) => e.key);
    const set = findMatcher(this.match)!.compile(keys, { icase: false });
    if ('error' in set) return set.error;
    this.set = set;
    this.values = values;
    this.keys = keys;
    return undefined;
  }

  /** `get map` line: `type=str, case=sensitive, found=yes, idx=tree, key="k", value="v", type="str"`. */
  lookup(sample: string): string {
    const i = this.set.find(sample);
    const tree = this.match === 'str' || this.match === 'beg' || this.match === 'ip';
    let out = `type=${this.match}, case=sensitive, found=${i >= 0 ? 'yes' : 'no'}`;
    if (i >= 0) out += `, idx=${tree ? 'tree' : 'list'}, key="${this.keys[i]}", value="${this.ref.entries[i].value ?? ''}", type="${this.out}"`;
    return out;
  }
}

/** Input type the lookup casts the sample to, per matching method. */
const MATCH_INPUT: Record<string, SampleType> = {
  str: 'str', beg: 'str', sub: 'str', dir: 'str', dom: 'str', end: 'str', reg: 'str', int: 'int', ip: 'ip',
};

function outValue(v: string, out: 'str' | 'int' | 'ip'): string | number | undefined {
  if (out === 'str') return v;
  if (out === 'int') return /^[-+]?\d+$/.test(v) ? Number(v) : undefined;
  return parseIp(v) ? v : undefined;
}

function mapConverter(name: string, match: string, out: 'str' | 'int' | 'ip'): ConverterDef {
  return {
    name, in: MATCH_INPUT[match], out, args: [{ type: 'str' }, { type: 'str', optional: true }],
    prepare(a: ArgValue[], env) {
      const file = String(a[0]);
      let dflt: string | number | undefined;
      if (a[1] !== undefined) {
        dflt = outValue(String(a[1]), out);
        if (dflt === undefined) return { error: `invalid default value '${a[1]}'` };
      }
      const r = readMapFile(file);
      if ('error' in r) return { error: r.error };
      const where = env.src ? `map at file '${env.src.file}' line ${env.src.line}` : 'map';
      const { ref, created } = fileRef('map', file, where);
      if (created) for (const e of r.entries) ref.push(e.key, e.value);
      const lookup = new MapLookup(ref, match, out, dflt);
      const err = lookup.rebuild();
      if (err !== undefined) return { error: `${err} in file ${file}` };
      ref.attach(lookup);
      return { state: lookup };
    },
    convert: (v, s: MapLookup) => {
      const i = s.set.find(v);
      return i >= 0 ? s.values[i] : s.dflt;
    },
  };
}

const list: ConverterDef[] = [mapConverter('map', 'str', 'str')];
for (const match of Object.keys(MATCH_INPUT)) {
  list.push(mapConverter(`map_${match}`, match, 'str'));
  for (const out of ['str', 'int', 'ip'] as const) list.push(mapConverter(`map_${match}_${out}`, match, out));
}

registerConverters(list);
