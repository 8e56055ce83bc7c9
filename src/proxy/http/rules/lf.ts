/**
 * Log-format values in rule arguments (`set-header X %[req.hdr(host),lower]`, `return
 * lf-string ...`, redirect locations). HAProxy builds these with the same engine as log lines
 * (build_logline), so Fulcrum reuses log/format.ts: compiled once at parse/build time,
 * rendered per request against the transaction's stream record and sample context.
 */

import { compileLogFormat, renderLogFormat, type CompiledFormat } from '../../../log/format';
import type { RenderEnv } from '../../../log/tags';
import type { HttpTxn } from '../hooks';

/** A compiled value: renders to a string for one transaction. */
export type LfValue = (txn: HttpTxn) => string;

const ENV: RenderEnv = { pid: process.pid, hostname: '', logCount: 0 };

/**
 * Compiles a log-format value. Constant strings (no `%`) skip the renderer entirely and
 * return the same string for every request. Returns the error text (HAProxy's wording,
 * without the final dot) when the format does not compile.
 */
export function compileLf(source: string): LfValue | string {
  if (!source.includes('%')) return () => source;
  let err = '';
  const f: CompiledFormat | undefined = compileLogFormat(source, (m) => { err = m; }, { http: true });
  if (!f) return err.endsWith('.') ? err.slice(0, -1) : err;
  if (f.nodes.length === 1 && (f.nodes[0] as { kind: number; text?: string }).text !== undefined) {
    const t = (f.nodes[0] as { text: string }).text;
    return () => t;
  }
  return (txn) => {
    // `%[...]` nodes read the sample context through the record (log/format.ts contract).
    const rec = txn.rec;
    if (rec.sample === undefined) rec.sample = txn.sample;
    return renderLogFormat(f, rec, ENV);
  };
}

/** True when a compile result is an error text. */
export function isLfError(v: LfValue | string): v is string { return typeof v === 'string'; }
