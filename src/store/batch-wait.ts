/**
 * A reader's wait for collector batches being applied (Store#beginBatch / endBatch), one step
 * at a time.
 *
 * The main thread ends a run's batch when it handles the run's result message, so a batch open
 * when a scrape starts usually ends on the event loop's next turn. The first millisecond of a
 * wait is therefore spent in turns (setImmediate runs after the poll that delivers the message:
 * tens of microseconds), and only then in 1 ms timers, for a writer descheduled mid-apply. A
 * timer from the start cost every scrape that met a hand-off one to two milliseconds (libuv's
 * timers have millisecond granularity), sometimes more: in the runtime bench's saturation
 * scenario ~1% of scrapes meet one, and their wait fell from 0.6–2.9 ms on average (at most
 * 15 ms) to 0.2–0.3 ms (at most 2.2 ms).
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
