/**
 * Typed-output tags (management.txt §9.2, "show info typed"/"show stat typed"): three
 * letters, origin / nature / scope, and the long names the JSON output uses for them.
 */

const ORIGIN: Record<string, string> = { M: 'Metric', S: 'Status', K: 'Key', C: 'Config', P: 'Product' };
const NATURE: Record<string, string> = {
  A: 'Age', a: 'Avg', C: 'Counter', D: 'Duration', G: 'Gauge', L: 'Limit', M: 'Max', N: 'Name', O: 'Output', R: 'Rate', T: 'Time',
};
const SCOPE: Record<string, string> = { P: 'Process', S: 'Service', s: 'System', C: 'Cluster' };

/** JSON `tags` object for three tag letters, e.g. 'MGP' -> {origin:'Metric',nature:'Gauge',scope:'Process'}. */
export function jsonTags(tags: string): { origin: string; nature: string; scope: string } {
  return { origin: ORIGIN[tags[0]] ?? 'Unknown', nature: NATURE[tags[1]] ?? 'Unknown', scope: SCOPE[tags[2]] ?? 'Unknown' };
}

/**
 * JSON string escaping as HAProxy's stats JSON writer does it: quotes, backslashes and control
 * characters escaped; the rest is copied.
 */
export function jsonString(s: string): string {
  return JSON.stringify(s);
}
