/**
 * HAProxy 2.6's built-in error responses (src/http.c http_err_msgs), byte for byte. Two
 * forms exist on the wire: errors the HTTP/1 layer sends while parsing a request (400, 408,
 * and a few others) go out in the raw template form (capitalised header names and
 * `Connection: close`); errors produced later by the stream are re-encoded from HTX, which
 * lower-cases header names (observed on 2.6.12: the 503 and 504 pages).
 */

interface ErrorTemplate {
  reason: string;
  text: string;
  /** The raw template has `Connection: close` (400, 408). */
  close: boolean;
}

const TEMPLATES: Record<number, ErrorTemplate> = {
  200: { reason: 'OK', text: 'Service ready.', close: false },
  400: { reason: 'Bad request', text: 'Your browser sent an invalid request.', close: true },
  401: { reason: 'Unauthorized', text: 'You need a valid user and password to access this content.', close: false },
  403: { reason: 'Forbidden', text: 'Request forbidden by administrative rules.', close: false },
  404: { reason: 'Not Found', text: 'The resource could not be found.', close: false },
  405: { reason: 'Method Not Allowed', text: 'A request was made of a resource using a request method not supported by that resource', close: false },
  407: { reason: 'Unauthorized', text: 'You need a valid user and password to access this content.', close: false },
  408: { reason: 'Request Time-out', text: "Your browser didn't send a complete request in time.", close: true },
  410: { reason: 'Gone', text: 'The resource is no longer available and will not be available again.', close: false },
  413: { reason: 'Payload Too Large', text: 'The request entity exceeds the maximum allowed.', close: false },
  421: { reason: 'Misdirected Request', text: 'Request sent to a non-authoritative server.', close: false },
  422: { reason: 'Unprocessable Content', text: 'The server cannot process the contained instructions.', close: false },
  425: { reason: 'Too Early', text: 'Your browser sent early data.', close: false },
  429: { reason: 'Too Many Requests', text: 'You have sent too many requests in a given amount of time.', close: false },
  500: { reason: 'Internal Server Error', text: 'An internal server error occurred.', close: false },
  501: { reason: 'Not Implemented', text: '.The server does not support the functionality required to fulfill the request.', close: false },
  502: { reason: 'Bad Gateway', text: 'The server returned an invalid or incomplete response.', close: false },
  503: { reason: 'Service Unavailable', text: 'No server is available to handle this request.', close: false },
  504: { reason: 'Gateway Time-out', text: "The server didn't respond in time.", close: false },
};

/** Status codes that have a built-in page (and may be overridden by `errorfile`). */
export const ERROR_CODES = Object.keys(TEMPLATES).map(Number).filter((c) => c !== 200);

function body(status: number): string {
  const t = TEMPLATES[status];
  return `<html><body><h1>${status} ${t.reason}</h1>\n${t.text}\n</body></html>\n`;
}

const rawCache = new Map<number, Buffer>();
const htxCache = new Map<number, Buffer>();

/**
 * The raw template form, as the HTTP/1 layer sends parse-time errors (400, 408):
 * `HTTP/1.1 400 Bad request\r\nContent-length: 90\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n<html>...`
 */
export function rawErrorResponse(status: number): Buffer {
  let b = rawCache.get(status);
  if (!b) {
    const t = TEMPLATES[status] ?? TEMPLATES[500];
    const bd = body(TEMPLATES[status] ? status : 500);
    b = Buffer.from(`HTTP/1.1 ${status} ${t.reason}\r\nContent-length: ${Buffer.byteLength(bd)}\r\nCache-Control: no-cache\r\n${t.close ? 'Connection: close\r\n' : ''}Content-Type: text/html\r\n\r\n${bd}`, 'latin1');
    rawCache.set(status, b);
  }
  return b;
}

/**
 * The HTX-encoded form the stream sends (403, 502, 503, 504 ...): lower-case header names,
 * and `connection: close` only when `close` is asked (the client connection ends after it),
 * as the last header: the H1 mux appends it (observed on 2.6.12).
 */
export function errorResponse(status: number, close = false): Buffer {
  const key = close ? -status : status;
  let b = htxCache.get(key);
  if (!b) {
    const t = TEMPLATES[status] ?? TEMPLATES[500];
    const bd = body(TEMPLATES[status] ? status : 500);
    b = Buffer.from(`HTTP/1.1 ${status} ${t.reason}\r\ncontent-length: ${Buffer.byteLength(bd)}\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n${close ? 'connection: close\r\n' : ''}\r\n${bd}`, 'latin1');
    htxCache.set(key, b);
  }
  return b;
}

/** The body alone (for `errorfile`-less `http-error` and tests). */
export function errorBody(status: number): string { return body(status); }

/** Reason phrase HAProxy uses for a status (falls back to a generic one). */
export function reasonPhrase(status: number): string {
  return TEMPLATES[status]?.reason ?? REASONS[status] ?? 'Other';
}

const REASONS: Record<number, string> = {
  100: 'Continue', 101: 'Switching Protocols', 201: 'Created', 202: 'Accepted', 204: 'No Content',
  301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
};
