/**
 * Response-buffer fetches for `tcp-response content` rules (HAProxy payload.c):
 * `res.len` and `res.payload(off,len)`, reading the server data held while the rules wait.
 * The data plane (stream.ts) records that buffer with {@link setResponsePayload}.
 */

import { registerFetches, findFetch, type FetchDef } from '../../sample/registry';
import type { SampleContext } from '../../sample/context';
import type { ArgValue } from '../../sample/args';

const buffers = new WeakMap<SampleContext, Buffer>();

/** Sets (or clears, with undefined) the response data `res.*` fetches read for `ctx`. */
export function setResponsePayload(ctx: SampleContext, b: Buffer | undefined): void {
  if (b) buffers.set(ctx, b); else buffers.delete(ctx);
}

function slice(b: Buffer | undefined, a: ArgValue[]): Buffer | undefined {
  if (!b) return undefined;
  const off = Number(a[0]);
  const len = Number(a[1]);
  if (off < 0 || len < 0) return undefined;
  if (len === 0) return off <= b.length ? b.subarray(off) : undefined;
  if (off + len > b.length) return undefined;
  return b.subarray(off, off + len);
}

const list: FetchDef[] = [
  { name: 'res.len', out: 'int', use: 'res', fetch: (ctx) => buffers.get(ctx)?.length ?? 0 },
  {
    name: 'res.payload', out: 'bin', use: 'res', args: [{ type: 'int' }, { type: 'int' }],
    fetch: (ctx, a: ArgValue[]) => slice(buffers.get(ctx), a),
  },
];

// Another subsystem may have registered them meanwhile: keep theirs.
registerFetches(list.filter((f) => !findFetch(f.name)));
