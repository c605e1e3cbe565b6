/**
 * Scheduling, on the main thread: one timer chain per collector. (Not in the workers: a pool
 * thread may be busy with another collector, or be replaced, and must not own a schedule.)
 *
 * - Fixed rate: run k is due at `t0 + k × interval`, t0 being the end of the first run. A run never overlaps the previous run of
 *   the same collector: if a run ends after the next due time, the due times that passed are
 *   skipped and counted (`atomic_exporter_collector_missed_runs_total`).
 * - Back-off: after consecutive runs that ended their thread (timeout, crash), the next due
 *   times are skipped: 1, 3, 7, 15 of them (at most 5 minutes' worth). A collector that hangs or
 *   exits on every run would otherwise hold a thread, or make the pool start a new one, on every
 *   tick, at the expense of the healthy collectors. The first such failure is retried at the
 *   next tick; any other outcome (ok, error, nodata) ends the back-off.
 * - Deadline: a run is cancelled `timeout + grace` after it started in its thread. Time spent
 *   waiting for a thread (start-up, or every thread busy) does not count; a collector waiting
 *   for a thread shows as missed runs, not timeouts. The worker aborts `ctx.signal` at `timeout` itself, so
 *   a collector that listens to it ends cleanly and keeps its thread; the grace is the time it
 *   gets to do so before the main thread aborts the task and piscina ends the thread.
 */
import type { HostPaths } from '../collector/define.js';
import { Phase, Slot, SLOT_INTS, nowMs, pack, type PhaseViews } from './phase.js';
import type { CollectorPool } from './pool.js';
import type { RunOutcome } from './self-metrics.js';
import type { DynamicOutput } from './dynamic.js';
import type { TaskRequest, TaskResult } from './task.js';

/** How long past its timeout a run may take to notice `ctx.signal` before its thread is ended. */
export function killGraceMs(timeoutMs: number): number {
  return Math.min(1000, 100 + timeoutMs / 10);
}

export interface RunResult {
  readonly collector: string;
  readonly outcome: RunOutcome;
  readonly message?: string;
  /** What the run took: time in `collect` (and applying) when the thread reported it, else as seen by the main thread. */
  readonly durationMs: number;
  /** Series the run reported (outcome ok). */
  readonly series?: number;
  /** Const families and warnings the run gave (outcome ok; see dynamic.ts). */
  readonly dynamic?: DynamicOutput;
  /** Unix ms at which the run ended. */
  readonly finishedAt: number;
  /** How long the run waited before `collect` started: for a pool thread, and for the import of the module in a new thread. */
  readonly queuedMs: number;
}

export interface CollectorPlan {
  readonly name: string;
  readonly url: string;
  readonly slot: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly options: Readonly<Record<string, unknown>>;
  /** Metric key → family id. */
  readonly families: Readonly<Record<string, number>>;
  /** Family ids of the collector's gauges (removed after a failed run). */
  readonly gaugeFamilies: readonly number[];
}

export interface SchedulerContext {
  readonly pool: CollectorPool;
  readonly views: PhaseViews;
  readonly paths: HostPaths;
  /** Whether collectors whose runs end their thread back off (see above). */
  readonly backoff: boolean;
  readonly onResult: (c: ScheduledCollector, r: RunResult) => void;
  /**
   * Ends the store batch a worker begins when it claims a run's apply (Store#endBatch).
   * `abandoned`: the families of a run whose thread ended in the middle of its apply, one of
   * which it may have left marked as being applied (Store#beginFamilyApply).
   */
  readonly endApplyBatch: (abandoned: readonly number[]) => void;
  readonly onMissed: (c: ScheduledCollector, n: number) => void;
}

type AbortCause = 'loading' | 'hung' | 'stopping';

/** How long the import of a collector module may take in a thread (compiling it under tsx, say). */
const LOAD_TIMEOUT_MS = 10_000;

/** The most due times a back-off skips, and the longest it lasts. */
const MAX_BACKOFF_SKIPS = 15;
const MAX_BACKOFF_MS = 5 * 60_000;

/** Due times to skip after `streak` consecutive runs that ended their thread (0 for the first). */
export function backoffSkips(streak: number, intervalMs: number): number {
  if (streak <= 1) return 0;
  const skips = Math.min(2 ** Math.min(streak - 1, 30) - 1, MAX_BACKOFF_SKIPS);
  return Math.max(0, Math.min(skips, Math.floor(MAX_BACKOFF_MS / intervalMs) - 1));
}

/** How often a deadline looks again at a run that has not started in a thread yet. */
const QUEUED_POLL_MS = 20;

/** One collector's schedule and runs. */
export class ScheduledCollector {
  readonly plan: CollectorPlan;
  readonly #ctx: SchedulerContext;
  #run = 0;
  #inFlight: Promise<RunResult> | null = null;
  #abort: ((cause: AbortCause) => void) | null = null;
  #timer: NodeJS.Timeout | undefined;
  #nextAt = 0;
  #stopped = true;
  #anchored = false;
  /** Runs finished (any outcome). */
  runs = 0;
  /** Consecutive runs that ended their thread (timeout, crash): drives the back-off. */
  failStreak = 0;
  lastResult: RunResult | undefined;

  constructor(plan: CollectorPlan, ctx: SchedulerContext) {
    this.plan = plan;
    this.#ctx = ctx;
  }

  get running(): boolean {
    return this.#inFlight !== null;
  }

  /** Starts the schedule: a first run now, then one per interval. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#nextAt = nowMs();
    this.#arm();
  }

  #arm(): void {
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, this.#nextAt - nowMs()));
    this.#timer.unref();
  }

  #tick(): void {
    if (this.#stopped) return;
    const p = this.#inFlight ?? this.run();
    const next = (): void => {
      if (this.#stopped) return;
      const now = nowMs();
      if (!this.#anchored) {
        // The first run also starts its thread and imports the collector: the schedule starts
        // when it ends, so that start-up is not counted as missed runs.
        this.#anchored = true;
        this.#nextAt = now;
      }
      const skips = this.#ctx.backoff ? backoffSkips(this.failStreak, this.plan.intervalMs) : 0;
      this.#nextAt += this.plan.intervalMs * (1 + skips);
      if (this.#nextAt <= now) {
        const missed = Math.floor((now - this.#nextAt) / this.plan.intervalMs) + 1;
        this.#nextAt += missed * this.plan.intervalMs;
        this.#ctx.onMissed(this, missed);
      }
      this.#arm();
    };
    // A run never rejects (every outcome is a result); if it ever did, the schedule goes on.
    p.then(next, next);
  }

  /** Runs once now, or returns the run in flight (a collector never overlaps itself). */
  run(): Promise<RunResult> {
    if (this.#inFlight) return this.#inFlight;
    const p = this.#execute().finally(() => {
      this.#inFlight = null;
      this.#abort = null;
    });
    this.#inFlight = p;
    return p;
  }

  /** A fresh run: waits for the one in flight, if any, then runs again. */
  async runFresh(): Promise<RunResult> {
    if (this.#inFlight) await this.#inFlight;
    return this.run();
  }

  /** Stops the schedule and cancels the run in flight (its result is not recorded). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#abort?.('stopping');
    await this.#inFlight?.catch(() => undefined);
  }

  async #execute(): Promise<RunResult> {
    const { plan } = this;
    const { pool, views } = this.#ctx;
    const run = ++this.#run;
    const base = plan.slot * SLOT_INTS;
    const word = base + Slot.Word;
    Atomics.store(views.ints, base + Slot.Thread, 0);
    Atomics.store(views.ints, word, pack(run, Phase.Queued));
    const submitted = nowMs();
    const grace = killGraceMs(plan.timeoutMs);
    const controller = new AbortController();
    let cause: AbortCause | undefined;
    let deadline: NodeJS.Timeout | undefined;

    const abortIf = (from: Phase, why: AbortCause): boolean => {
      if (Atomics.compareExchange(views.ints, word, pack(run, from), pack(run, Phase.Aborted)) !== pack(run, from)) return false;
      cause = why;
      if (from !== Phase.Queued) pool.markKilled(Atomics.load(views.ints, base + Slot.Thread) - 1);
      controller.abort(new Error(why));
      return true;
    };
    this.#abort = (why) => void (abortIf(Phase.Queued, why) || abortIf(Phase.Loading, why) || abortIf(Phase.Running, why));
    const check = (): void => {
      const w = Atomics.load(views.ints, word);
      if (w === pack(run, Phase.Queued)) {
        // Not started yet (threads starting, or all busy): the timeout counts from the start in
        // a thread, so look again soon. A collector waiting here is not run twice; its ticks
        // that pass meanwhile are counted as missed.
        deadline = setTimeout(check, QUEUED_POLL_MS);
      } else if (w === pack(run, Phase.Loading) || w === pack(run, Phase.Running)) {
        const phase = w === pack(run, Phase.Loading) ? Phase.Loading : Phase.Running;
        const due = views.startedAt[plan.slot]! + (phase === Phase.Loading ? LOAD_TIMEOUT_MS : plan.timeoutMs + grace);
        const now = nowMs();
        // While loading, look again soon: the run's own (shorter) deadline starts when it does.
        if (now < due) deadline = setTimeout(check, phase === Phase.Loading ? Math.min(due - now, QUEUED_POLL_MS) : due - now);
        else if (!abortIf(phase, phase === Phase.Loading ? 'loading' : 'hung')) check();
      } else if (w === pack(run, Phase.Applying)) {
        // Never end a thread in the middle of an apply: it is short and bounded; look again soon.
        deadline = setTimeout(check, 5);
      }
    };
    deadline = setTimeout(check, plan.timeoutMs + grace);

    const req: TaskRequest = {
      slot: plan.slot,
      run,
      name: plan.name,
      url: plan.url,
      families: plan.families,
      options: plan.options,
      paths: this.#ctx.paths,
      timeoutMs: plan.timeoutMs,
    };
    let result: RunResult;
    const queuedMs = (): number => (Atomics.load(views.ints, base + Slot.Thread) !== 0 ? views.startedAt[plan.slot]! : nowMs()) - submitted;
    try {
      const r: TaskResult = await pool.run(req, controller.signal);
      result = this.#fromTask(r, queuedMs());
    } catch (e) {
      const startedAt = Atomics.load(views.ints, base + Slot.Thread) !== 0 ? views.startedAt[plan.slot]! : submitted;
      const durationMs = nowMs() - startedAt;
      const finishedAt = Date.now();
      const waited = queuedMs();
      if (cause === 'loading') {
        result = { collector: plan.name, outcome: 'timeout', durationMs, finishedAt, queuedMs: waited, message: `its module did not load within ${LOAD_TIMEOUT_MS} ms; its thread was ended` };
      } else if (cause !== undefined) {
        result = { collector: plan.name, outcome: 'timeout', durationMs, finishedAt, queuedMs: waited, message: `did not finish within ${plan.timeoutMs} ms; its thread was ended` };
      } else if (Atomics.load(views.ints, word) === pack(run, Phase.Applied)) {
        // The thread died after applying the run: the values are in, only the reply was lost.
        result = { collector: plan.name, outcome: 'ok', durationMs, finishedAt, queuedMs: waited, message: `thread exited after the run: ${(e as Error).message}` };
      } else {
        result = { collector: plan.name, outcome: 'crash', durationMs, finishedAt, queuedMs: waited, message: (e as Error)?.message ?? String(e) };
      }
    } finally {
      clearTimeout(deadline);
    }
    // A worker that claimed the apply began a batch (task.ts) that only this thread ends: after
    // onResult, so that a render shows the run's values and its success, duration and last
    // success timestamp together (it waits for open batches). Ended whatever happened after the
    // claim (the thread died, the runtime stopped), so that no render ever waits for it.
    const w = Atomics.load(views.ints, word);
    const batchOpen = w === pack(run, Phase.Applying) || w === pack(run, Phase.Applied);
    try {
      if (cause === 'stopping') return result;
      this.runs++;
      this.failStreak = result.outcome === 'timeout' || result.outcome === 'crash' ? this.failStreak + 1 : 0;
      this.lastResult = result;
      this.#ctx.onResult(this, result);
      return result;
    } finally {
      if (batchOpen) this.#ctx.endApplyBatch(w === pack(run, Phase.Applying) ? Object.values(this.plan.families) : []);
    }
  }

  #fromTask(r: TaskResult, queuedMs: number): RunResult {
    const base = { collector: this.plan.name, durationMs: r.durationMs, finishedAt: Date.now(), queuedMs };
    switch (r.status) {
      case 'ok':
        return { ...base, outcome: 'ok', series: r.series ?? 0, ...(r.dynamic ? { dynamic: r.dynamic } : {}) };
      case 'aborted':
        return { ...base, outcome: 'timeout', message: r.message ?? 'cancelled' };
      default:
        return { ...base, outcome: r.status, message: r.message ?? r.status };
    }
  }
}
