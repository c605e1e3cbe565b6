import { threadId } from 'node:worker_threads';
import { Meta } from './layout.js';

/**
 * The structural lock: held only to create or remove families and series, never to update a
 * value or to render. The word holds the owner's threadId + 1 so that the main thread can
 * break a lock left behind by a worker that was terminated while holding it.
 */
export function acquire(meta: Int32Array): void {
  const me = threadId + 1;
  for (let spins = 0; ; spins++) {
    const seen = Atomics.compareExchange(meta, Meta.Lock, 0, me);
    if (seen === 0) return;
    if (seen === me) throw new Error('atomic-exporter: store lock is not re-entrant');
    // Short spins first: the critical sections are a few microseconds long.
    if (spins > 64) Atomics.wait(meta, Meta.Lock, seen, 1);
  }
}

export function release(meta: Int32Array): void {
  Atomics.store(meta, Meta.Lock, 0);
  Atomics.notify(meta, Meta.Lock, 1);
}

export function withLock<T>(meta: Int32Array, fn: () => T): T {
  acquire(meta);
  try {
    return fn();
  } finally {
    release(meta);
  }
}

/** Frees the lock if the given (dead) thread holds it. Returns whether it did. */
export function breakLockOf(meta: Int32Array, deadThreadId: number): boolean {
  return Atomics.compareExchange(meta, Meta.Lock, deadThreadId + 1, 0) === deadThreadId + 1;
}
