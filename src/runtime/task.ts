/**
 * The piscina task: runs one collector once, in a pool thread.
 *
 * It imports the collector file (once per thread), binds its metrics to the families the main
 * thread declared, runs `collect` with handles that stage writes and an AbortSignal that fires
 * at the run's timeout, and applies the staged writes only if `collect` returned in time.
 * It never throws across the thread boundary (an Error loses its class and `code` through
 * postMessage): every outcome comes back as a plain `TaskResult`. A thread that dies
 * (`process.exit()`, an uncaught exception in a stray callback) or that the main thread ends
 * (a hung collector) rejects the task instead; the main thread counts those as crash and timeout.
 */
import { threadId, workerData } from 'node:worker_threads';
import type { CollectorDefinition, HostPaths } from '../collector/define.js';
import { Registry } from '../registry.js';
import type { Store, StoreHandle } from '../store/store.js';
import { importCollectorModule } from './load.js';
import { Phase, Slot, SLOT_INTS, nowMs, pack, phaseViews } from './phase.js';
import { applyStageInBatch, BoundMetric, Stage } from './stage.js';
import { DynamicRun, type DynamicOutput } from './dynamic.js';
import { DirectRun } from './direct.js';
import { schedIdleThisThread } from './priority.js';
import { pinThisThread } from './affinity.js';

/**
 * What every pool thread gets once, as its workerData (piscina passes it to each thread it
 * starts, replacements included), rather than with every task: the store handle is ~40 shared
 * buffers, and cloning them on each run would cost the main thread for nothing.
 */
export interface PoolThreadData {
  readonly kind: 'atomic-exporter/pool';
  readonly store: StoreHandle;
  readonly phases: SharedArrayBuffer;
  /** One growable buffer per collector slot, for `ctx.direct.state()` (direct.ts). */
  readonly collectorState?: readonly SharedArrayBuffer[];
  /** Each thread puts itself under SCHED_IDLE when it starts (priority.ts; createRuntime's `schedIdle`). */
  readonly schedIdle?: boolean;
  /** Each thread pins itself to these CPUs when it starts (affinity.ts); absent: no change. */
  readonly cpus?: readonly number[];
}

export interface TaskRequest {
  readonly slot: number;
  readonly run: number;
  readonly name: string;
  /** `file:` URL of the collector. */
  readonly url: string;
  /** Metric key → family id, as declared by the main thread. */
  readonly families: Readonly<Record<string, number>>;
  readonly options: Readonly<Record<string, unknown>>;
  readonly paths: HostPaths;
  readonly timeoutMs: number;
}

export type TaskStatus = 'ok' | 'nodata' | 'error' | 'timeout' | 'aborted';

export interface TaskResult {
  readonly status: TaskStatus;
  readonly message?: string;
  /** Series the run reported (status ok). */
  readonly series?: number;
  /** Const families and warnings of the run (status ok; see dynamic.ts). */
  readonly dynamic?: DynamicOutput;
  /** Time spent in `collect` (and applying), ms. */
  readonly durationMs: number;
  readonly threadId: number;
}

const MAX_MESSAGE = 1000;

interface Loaded {
  readonly def: CollectorDefinition;
  readonly metrics: BoundMetric[];
}

// piscina imports this module when it starts a thread (replacements too): set its priority and
// CPUs now.
if ((workerData as PoolThreadData | undefined)?.kind === 'atomic-exporter/pool') {
  const data = workerData as PoolThreadData;
  if (data.schedIdle) schedIdleThisThread();
  if (data.cpus && data.cpus.length > 0) pinThisThread(data.cpus);
}

const loaded = new Map<string, Promise<Loaded>>();
let thread: { store: Store; views: ReturnType<typeof phaseViews> } | undefined;

/** This thread's store and phase slots, attached on its first task. */
function threadState(): NonNullable<typeof thread> {
  if (thread) return thread;
  const data = workerData as PoolThreadData | undefined;
  if (data?.kind !== 'atomic-exporter/pool') throw new Error('the collector task runs only in the runtime\'s pool (no store handle in workerData)');
  thread = { store: Registry.attach(data.store).store, views: phaseViews(data.phases) };
  return thread;
}

async function load(req: TaskRequest, store: Store): Promise<Loaded> {
  const def = (await importCollectorModule(req.url)).default as CollectorDefinition | undefined;
  if (typeof def !== 'object' || def === null || typeof def.collect !== 'function') throw new Error(`"${req.url}" does not export a collector`);
  if (def.name !== req.name) throw new Error(`"${req.url}" now defines collector "${String(def.name)}", not "${req.name}"`);
  const metrics = Object.entries(req.families).map(([key, f]) => {
    const def = store.family(f);
    return new BoundMetric(key, f, def);
  });
  return { def, metrics };
}

function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message || e.name : String(e);
  return m.length > MAX_MESSAGE ? m.slice(0, MAX_MESSAGE) + '…' : m;
}

function isNoData(e: unknown): boolean {
  // By name: the collector may have imported NoDataError from another copy of the package.
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'NoDataError';
}

export default async function runCollectorTask(req: TaskRequest): Promise<TaskResult> {
  const started = nowMs();
  const { store, views } = threadState();
  const { ints, startedAt } = views;
  const word = req.slot * SLOT_INTS + Slot.Word;
  // Duration of the run proper: from the end of the import (once there is one).
  let from = started;
  const done = (status: TaskStatus, extra: Partial<TaskResult> = {}): TaskResult => ({ status, durationMs: nowMs() - from, threadId, ...extra });

  Atomics.store(ints, req.slot * SLOT_INTS + Slot.Thread, threadId + 1);
  startedAt[req.slot] = started;
  if (Atomics.compareExchange(ints, word, pack(req.run, Phase.Queued), pack(req.run, Phase.Loading)) !== pack(req.run, Phase.Queued)) {
    return done('aborted', { message: 'cancelled before it started' });
  }
  const finish = (from: Phase, status: TaskStatus, extra: Partial<TaskResult> = {}): TaskResult => {
    Atomics.compareExchange(ints, word, pack(req.run, from), pack(req.run, Phase.Finished));
    return done(status, extra);
  };

  let collector: Loaded;
  try {
    const key = req.url;
    let p = loaded.get(key);
    if (!p) loaded.set(key, (p = load(req, store)));
    collector = await p.catch((e: unknown) => {
      loaded.delete(key);
      throw e;
    });
  } catch (e) {
    return finish(Phase.Loading, 'error', { message: `cannot load collector: ${messageOf(e)}` });
  }
  // The run's timeout starts now, after the import. (The check narrows the window in which a
  // thread the runtime has already given up on could touch the slot of the next run.)
  const runStart = nowMs();
  from = runStart;
  if (Atomics.load(ints, word) === pack(req.run, Phase.Loading)) startedAt[req.slot] = runStart;
  if (Atomics.compareExchange(ints, word, pack(req.run, Phase.Loading), pack(req.run, Phase.Running)) !== pack(req.run, Phase.Loading)) {
    return done('aborted', { message: 'cancelled while loading' });
  }

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${req.timeoutMs} ms`)), Math.max(0, runStart + req.timeoutMs - nowMs()));
  const stage = new Stage(collector.metrics);
  const dynamic = new DynamicRun();
  const direct = new DirectRun(store, (workerData as PoolThreadData).collectorState?.[req.slot]);
  try {
    await collector.def.collect({ metrics: stage.handles() as never, signal: controller.signal, options: req.options, paths: req.paths, ...dynamic.context(), direct: direct.api() });
  } catch (e) {
    if (controller.signal.aborted) return finish(Phase.Running, 'timeout', { message: messageOf(controller.signal.reason) });
    return finish(Phase.Running, isNoData(e) ? 'nodata' : 'error', { message: messageOf(e) });
  } finally {
    clearTimeout(timer);
    stage.close();
    dynamic.close();
    direct.close();
  }
  if (controller.signal.aborted) return finish(Phase.Running, 'timeout', { message: messageOf(controller.signal.reason) });

  // Claim the apply. If the main thread already gave up on this run, it is too late: drop it.
  if (Atomics.compareExchange(ints, word, pack(req.run, Phase.Running), pack(req.run, Phase.Applying)) !== pack(req.run, Phase.Running)) {
    return done('aborted', { message: 'cancelled by the runtime before it could apply' });
  }
  // The batch is ended by the main thread, once it has recorded the run's result (success,
  // duration, last success): a render waits for it, and shows the run's values together with
  // the self-metrics that describe the run, never one without the other (scheduler.ts).
  store.beginBatch();
  try {
    const series = applyStageInBatch(store, stage);
    const emitted = dynamic.output();
    if (emitted) return done('ok', { series, dynamic: emitted });
    return done('ok', { series });
  } catch (e) {
    return done('error', { message: `applying the run failed: ${messageOf(e)}` });
  } finally {
    Atomics.store(ints, word, pack(req.run, Phase.Applied));
  }
}
