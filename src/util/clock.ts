/**
 * A clock read once per I/O callback on the hot path.
 *
 * HAProxy reads the time once per poll loop (`now_ms`, `date`) and every timer and log
 * field of that loop uses it. A request here crosses two callbacks (client bytes, server
 * bytes) and used to read the clock about 17 times (timings, rate counters, dates). The
 * socket data handlers call {@link withClock}, which reads it once; code below reads
 * {@link nowHr}/{@link nowMs}, which return the frozen value inside such a callback and read
 * the real clock anywhere else, so a caller outside one never sees a stale time.
 */

let frozen = false;
let hr = 0;
let wall = 0;

/** performance.now(): frozen inside {@link withClock}, live elsewhere. */
export function nowHr(): number {
  return frozen ? hr : performance.now();
}

/** Date.now(): frozen inside {@link withClock}, live elsewhere. */
export function nowMs(): number {
  return frozen ? wall : Date.now();
}

/** Runs `fn(arg)` with the clock read once for its whole duration (nested calls keep the outer reading). */
export function withClock<T, A>(fn: (this: T, arg: A) => void, self: T, arg: A): void {
  if (frozen) { fn.call(self, arg); return; }
  hr = performance.now();
  wall = Date.now();
  frozen = true;
  try {
    fn.call(self, arg);
  } finally {
    frozen = false;
  }
}
