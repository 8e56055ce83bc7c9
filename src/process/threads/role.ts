/**
 * Which part of a multi-threaded (`nbthread N`, N > 1) process this JavaScript realm is.
 * Each worker_thread has its own copy of every module, so this is per thread:
 *   'single'      nbthread 1 (or not started yet): the usual one-loop process;
 *   'coordinator' the main thread: checks, stats socket, resolvers, server-state, admin
 *                 logs; no listener;
 *   'worker'      a data-plane thread: listeners, streams, request logs.
 */
export const threadRole: { role: 'single' | 'coordinator' | 'worker'; tid: number } = { role: 'single', tid: 0 };
