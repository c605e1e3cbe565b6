/**
 * A reader's wait for collector batches being applied (Store#beginBatch / endBatch), one step
 * at a time.
 *
 * The main thread ends a run's batch when it handles the run's result message, so a batch open
 * when a scrape starts usually ends on the event loop's next turn. The first millisecond of a
 * wait is therefore spent in turns (setImmediate runs after the poll that delivers the message:
 * tens of microseconds), and only then in 1 ms timers, for a writer descheduled mid-apply. A
 * timer from the start cost every scrape that met a hand-off one to two milliseconds (libuv's
 * timers have millisecond granularity): about 3% of scrapes in the runtime bench, at the p99.
 */

/** How long a wait goes by event-loop turns before it sleeps in timers. */
const TURNS_MS = 1;

/** Waits one step; `since` is when the wait began (performance.now()). */
export function batchWaitStep(since: number): Promise<void> {
  return new Promise((resolve) => {
    if (performance.now() - since < TURNS_MS) setImmediate(resolve);
    else setTimeout(resolve, 1);
  });
}
