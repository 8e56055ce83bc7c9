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
import { parseIp } from './ip';

interface MapState {
  set: PatternSet;
  values: (string | number)[];
  dflt?: string | number;
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
    prepare(a: ArgValue[]) {
      const file = String(a[0]);
      const r = readMapFile(file);
      if ('error' in r) return { error: r.error };
      const values: (string | number)[] = [];
      for (const e of r.entries) {
        const v = outValue(e.value, out);
        if (v === undefined) return { error: `unable to parse value '${e.value}' as type '${out === 'str' ? 'string' : out === 'int' ? 'integer' : 'ip'}' in file ${file}` };
        values.push(v);
      }
      const set = findMatcher(match)!.compile(r.entries.map((e) => e.key), { icase: false });
      if ('error' in set) return { error: set.error };
      let dflt: string | number | undefined;
      if (a[1] !== undefined) {
        dflt = outValue(String(a[1]), out);
        if (dflt === undefined) return { error: `invalid default value '${a[1]}'` };
      }
      return { state: { set, values, dflt } as MapState };
    },
    convert: (v, s: MapState) => {
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
