/**
 * The run-phase slots: one per collector in a SharedArrayBuffer that the main thread and the
 * worker running the collector both see. They settle the one race that matters: the main
 * thread cancelling a run (at its deadline) while the worker is about to apply the run's
 * staged writes to the store. Whoever moves the phase word first with compare-and-swap wins:
 *
 *   main:   Queued|Loading|Running → Aborted   (then aborts the task: piscina ends the thread)
 *   worker: Queued → Loading → Running → Applying → Applied   (writes land in the store)
 *           Loading|Running → Finished          (the run failed: nothing applied)
 *
 * Loading is the import of the collector module, the first time a thread runs it: it has a
 * deadline of its own, so that compiling a module on a busy machine does not eat the run's timeout.
 *
 * So a run is either applied in full or not at all, and the main thread never terminates a
 * thread in the middle of an apply (which could leave the store lock held or half a run written).
 *
 * The phase word also carries the run's sequence number, so a late worker from an earlier,
 * cancelled run cannot move the phase of the run that replaced it.
 */
export const enum Phase {
  Idle = 0,
  Queued = 1,
  Running = 2,
  Applying = 3,
  Applied = 4,
  Finished = 5,
  Aborted = 6,
  Loading = 7,
}

/** Int32 fields of one slot. */
export const enum Slot {
  /** `pack(run, phase)`. */
  Word = 0,
  /** threadId + 1 of the worker that started the run (0 before it starts). */
  Thread = 1,
}
export const SLOT_INTS = 4;

const PHASE_BITS = 3;
const RUN_MASK = (1 << (31 - PHASE_BITS)) - 1;

export function pack(run: number, phase: Phase): number {
  return ((run & RUN_MASK) << PHASE_BITS) | phase;
}

export function phaseOf(word: number): Phase {
  return (word & ((1 << PHASE_BITS) - 1)) as Phase;
}

/** The views over the shared slots buffer: Int32 words, then one Float64 start time per slot. */
export interface PhaseViews {
  readonly ints: Int32Array;
  /**
   * Wall-clock ms (`performance.timeOrigin + performance.now()`) at which the current phase
   * started: the import, written before Loading, then the run, written before Running.
   */
  readonly startedAt: Float64Array;
}

export function createPhaseBuffer(slots: number): SharedArrayBuffer {
  return new SharedArrayBuffer(slots * SLOT_INTS * 4 + slots * 8);
}

export function phaseViews(buffer: SharedArrayBuffer): PhaseViews {
  const slots = buffer.byteLength / (SLOT_INTS * 4 + 8);
  return { ints: new Int32Array(buffer, 0, slots * SLOT_INTS), startedAt: new Float64Array(buffer, slots * SLOT_INTS * 4, slots) };
}

/** Wall-clock milliseconds with sub-ms precision, comparable across threads. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
