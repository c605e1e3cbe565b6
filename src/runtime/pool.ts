/**
 * The worker pool: piscina, with what the runtime needs around it.
 *
 * - Fixed size (minThreads = maxThreads): threads are started once and replaced when they die.
 *   piscina replaces a thread it terminated for an aborted task, and one that exited
 *   (`process.exit()` in a collector) or threw outside a task.
 * - Every thread's 'exit' is watched: the store gets `releaseThread(threadId)` (the dead
 *   thread's shard and any lock it held are freed; values it wrote stay counted), and an exit
 *   that the runtime did not ask for counts as a replacement, with the reason.
 * - `atomics: 'disabled'`: idle threads wait for messages on their event loop instead of
 *   blocking in `Atomics.wait`, so timers and I/O a collector left running keep running between
 *   tasks instead of firing inside the next collector's run. It costs tens of microseconds per
 *   hand-off, nothing at collector intervals (see bench/runtime-faults.ts).
 * - `niceIncrement`: when asked (createRuntime's option; 0 by default, see index.ts), pool
 *   threads run at a lower CPU priority (Linux: per thread) than the main thread; with
 *   `schedIdle` each thread also puts itself under SCHED_IDLE when it starts (priority.ts).
 */
import { Piscina } from 'piscina';
import type { Worker } from 'node:worker_threads';
import type { Registry } from '../registry.js';
import { runtimeModuleUrl } from './discovery.js';
import type { PoolThreadData, TaskRequest, TaskResult } from './task.js';

export type ReplacementReason = 'timeout' | 'crash';

export interface PoolOptions {
  readonly threads: number;
  readonly registry: Registry;
  /** Every thread's workerData: the store handle and the run-phase slots. */
  readonly threadData: PoolThreadData;
  /** Added to the pool threads' nice value (0 to keep the main thread's priority). */
  readonly niceIncrement: number;
  /** A pool thread ended without the runtime closing the pool. */
  readonly onReplacement: (reason: ReplacementReason, threadId: number) => void;
  /** piscina reported an error outside any task (e.g. an uncaught exception in an idle thread). */
  readonly onError: (err: Error) => void;
}

export class CollectorPool {
  readonly #piscina: Piscina;
  readonly #options: PoolOptions;
  readonly #watched = new WeakSet<Worker>();
  /** Threads the runtime ended on purpose (a run past its deadline). */
  readonly #killed = new Set<number>();
  #closing = false;

  constructor(options: PoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError(`threads must be a positive integer, got ${options.threads}`);
    this.#options = options;
    this.#piscina = new Piscina({
      filename: runtimeModuleUrl('task').href,
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Infinity,
      atomics: 'disabled',
      niceIncrement: options.niceIncrement,
      recordTiming: false,
      closeTimeout: 5000,
      workerData: options.threadData,
    });
    this.#piscina.on('workerCreate', () => this.#watch());
    this.#piscina.on('error', (err: Error) => options.onError(err));
  }

  #watch(): void {
    for (const w of this.#piscina.threads) {
      if (this.#watched.has(w)) continue;
      this.#watched.add(w);
      const id = w.threadId;
      w.once('exit', () => {
        this.#options.registry.releaseThread(id);
        if (this.#closing) return;
        const reason: ReplacementReason = this.#killed.delete(id) ? 'timeout' : 'crash';
        this.#options.onReplacement(reason, id);
      });
    }
  }

  run(req: TaskRequest, signal: AbortSignal): Promise<TaskResult> {
    return this.#piscina.run(req, { signal }) as Promise<TaskResult>;
  }

  /** Records that the runtime is about to end this thread (so its exit counts as a timeout). */
  markKilled(threadId: number): void {
    this.#killed.add(threadId);
  }

  get threads(): number {
    return this.#piscina.threads.length;
  }

  /** Ends every thread. Runs still going are rejected. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#piscina.destroy();
  }
}
