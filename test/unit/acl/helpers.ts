/**
 * Test helpers for ACL/sample unit tests: build a SampleContext from a raw request line
 * and headers, and parse configuration text through the real keyword tables.
 */

// Only the keyword modules these tests need (not src/modules.ts, so neighbours' work in
// progress cannot break ACL tests).
import '../../../src/proxy/keywords';
import '../../../src/acl/keywords';
import { parseString } from '../../../src/config/parser';
import { validateConfig } from '../../../src/config/validate';
import type { SampleContext } from '../../../src/sample/context';
import { formatDiagnostic } from '../../../src/config/diagnostics';

/** A request context: `req('GET /a?b=1', { host: 'x' })`. */
export function req(line: string, headers: Record<string, string | string[]> = {}, extra: Partial<SampleContext> = {}): SampleContext {
  const [method, uri, version = 'HTTP/1.1'] = line.split(' ');
  const flat: string[] = [];
  for (const [k, v] of Object.entries(headers)) for (const x of Array.isArray(v) ? v : [v]) flat.push(k, x);
  return {
    src: '127.0.0.1', srcPort: 40000, dst: '127.0.0.1', dstPort: 80, frontend: 'fe', vars: new Map(),
    req: { method, uri, version, status: 0, headers: flat },
    ...extra,
  };
}

/** Parses and validates config text; returns the config and formatted messages (pid 0). */
export function load(text: string) {
  const r = parseString(text, 't.cfg');
  validateConfig(r.config, r.diagnostics);
  const messages = r.diagnostics.items.map((d) => formatDiagnostic(d, 0));
  return { config: r.config, messages, errors: r.diagnostics.errorCount };
}

/** A frontend config with the given body lines, a backend `b` and `static`. */
export function fe(body: string): string {
  return `defaults
  mode http
  timeout client 1s
  timeout server 1s
  timeout connect 1s
frontend f
  bind 127.0.0.1:18080
${body.split('\n').map((l) => `  ${l}`).join('\n')}
  default_backend b
backend b
  server s 127.0.0.1:1
backend static
  server s 127.0.0.1:2
`;
}
