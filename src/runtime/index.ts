/**
 * The collector runtime: discovers collector files, runs each on its own interval in a piscina
 * pool, and keeps the registry's collector series and self-metrics current. Scrapes read the
 * registry; they never wait for a collector.
 *
 *   const runtime = await createRuntime({ flags });   // flags: parsed --collector.* values
 *   runtime.start();
 *   await runtime.whenReady();                        // every enabled collector ran once
 *   await runtime.registry.metrics();                 // what /metrics serves
 *   await runtime.stop();
 */
import pino, { type Logger } from 'pino';
import type { HostPaths } from '../collector/define.js';
import { Registry } from '../registry.js';
import { serialScavenges, wantsSerialScavenges } from './scavenge.js';
import { allowedCpus, applyProcessAffinity, formatCpuList, libuvThreads, planAffinity, releaseProcessAffinity, type AffinityPlan, type CpuSetting } from './affinity.js';
import { singleThreadedGc } from './own-thread-gc.js';
import { discoverCollectors, type DiscoveredCollector } from './discovery.js';
import { CollectorRuntimeError } from './errors.js';
import { FailureLog } from './failure-log.js';
import { DynamicFamilies } from './dynamic.js';
import { createStateBuffer } from './direct.js';
import { coerceFlag, defaultThreads, resolveCollectors, type FlagValues, type ResolvedCollector } from './flags.js';
import { createPhaseBuffer, phaseViews } from './phase.js';
import { CollectorPool } from './pool.js';
import { ScheduledCollector, type CollectorPlan, type RunResult } from './scheduler.js';
import { SelfMetrics } from './self-metrics.js';
import { exposedNames, familyDefinitionOf } from './spec.js';

export type { DiscoveredCollector } from './discovery.js';
export { discoverCollectors, builtinCollectorsDir, listCollectorFiles } from './discovery.js';
export { CollectorRuntimeError, type RuntimeErrorCode } from './errors.js';
export { parseDuration, formatDuration } from './duration.js';
export {
  RUNTIME_FLAGS,
  allFlagSpecs,
  checkCollectorArgs,
  collectorFlagSpecs,
  defaultThreads,
  resolveCollectors,
  type FlagSpec,
  type FlagType,
  type FlagValues,
  type ResolvedCollector,
} from './flags.js';
export type { AffinityPlan, CpuSetting } from './affinity.js';
export type { RunResult } from './scheduler.js';
export type { RunOutcome } from './self-metrics.js';

export interface RuntimeOptions {
  /** Where collector series and self-metrics live (default: a new Registry). One runtime per registry. */
  readonly registry?: Registry;
  /** Collectors to choose from (default: `discoverCollectors` on `workers/` and `--collectors.dir`). */
  readonly collectors?: readonly DiscoveredCollector[];
  /** Parsed flag values, keyed by flag name (see flags.ts): selection, intervals, options, paths. */
  readonly flags?: FlagValues;
  /** When discovering: include the built-in collectors (default true). */
  readonly builtin?: boolean;
  /** Pool threads; overrides `--collectors.threads`. Default: `defaultThreads(enabled)`. */
  readonly threads?: number;
  /** Overrides `--path.*`. */
  readonly paths?: Partial<HostPaths>;
  /** Default: pino on stderr at info. */
  readonly logger?: Logger;
  /**
   * Nice increment of pool threads (default 0: the main thread's priority). A low priority lets
   * scrapes take a core from CPU-bound collectors sooner, but brings priority inversion and
   * starved collectors on a host whose cores other processes keep busy (see createRuntime).
   */
  readonly niceIncrement?: number;
  /**
   * Linux: pool threads run under SCHED_IDLE (see priority.ts): a scrape takes a core from a
   * CPU-bound collector at once. Default false, for the same reason as `niceIncrement`.
   */
  readonly schedIdle?: boolean;
  /**
   * Linux: which CPUs pool threads (and V8's and libuv's helper threads) run on; overrides
   * `--collectors.cpus` (see affinity.ts). `auto`: with 2+ CPUs, all but the first, which the
   * main thread keeps to itself, so a scrape finds a free core. Default: the flag when
   * `flags` has it, else `all` (no affinity): pinning is for a process that is an exporter (the
   * CLI gives `auto`), not for an app embedding the runtime, whose own threads would inherit
   * the main thread's single CPU.
   */
  readonly cpus?: CpuSetting;
  /**
   * V8's parallel scavenges (see scavenge.ts). Default: turned off (`--no-parallel-scavenge`,
   * for the whole process, for the rest of its life) when the runtime applies a CPU affinity
   * (`cpus`): V8's helper threads then share the main thread's CPU (affinity.ts), where a
   * parallel scavenge only makes the main thread wait for them; left alone otherwise. true:
   * never touched; false: turned off in any case.
   */
  readonly parallelScavenge?: boolean;
  /** At most one failure line per collector per this many ms (default 60 s). */
  readonly logIntervalMs?: number;
  /**
   * Back off collectors whose runs time out or crash (default true). false retries them on every
   * due time: for benchmarks that measure the faults at full rate.
   */
  readonly backoff?: boolean;
}

export type CollectorState = 'disabled' | 'idle' | 'running';

/** A collector as the runtime sees it. */
export interface CollectorInfo {
  readonly name: string;
  readonly file: string;
  readonly builtin: boolean;
  readonly enabled: boolean;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly state: CollectorState;
  /** Finished runs, any outcome. */
  readonly runs: number;
  /** Consecutive runs that timed out or crashed; from 2 on, the collector is backing off. */
  readonly failStreak: number;
  readonly lastResult?: RunResult;
}

export interface CollectorRuntime {
  readonly registry: Registry;
  /** Every discovered collector, enabled or not, with its state. */
  readonly collectors: readonly CollectorInfo[];
  /** Pool size (0 when no collector is enabled). */
  readonly threads: number;
  /** The CPU affinity the runtime set (affinity.ts); undefined when it changed none. */
  readonly affinity: AffinityPlan | undefined;
  /**
   * Whether V8's helper threads went to the pool's CPUs (`affinity.others`) rather than the main
   * thread's: only in a process started with `--single-threaded-gc` (own-thread-gc.ts).
   */
  readonly v8HelpersOnPoolCpus: boolean;
  /** Whether the runtime turned V8's parallel scavenges off (`parallelScavenge`, scavenge.ts). */
  readonly serialScavenges: boolean;
  /** Starts every enabled collector's schedule (first run now). Idempotent. */
  start(): void;
  /** Stops the schedules, cancels runs in flight, ends the pool. The registry keeps its values. */
  stop(): Promise<void>;
  /** True once every enabled collector has finished one run (any outcome): `/-/ready`. */
  ready(): boolean;
  whenReady(): Promise<void>;
  /** Runs every enabled collector once, now, and waits (for `push` / `textfile`). */
  collectOnce(): Promise<RunResult[]>;
}

const DEFAULT_LOG_INTERVAL_MS = 60_000;

/**
 * Declares the enabled collectors' families in the registry's store, after checking that no
 * name is taken by another collector, by the registry, or by the self-metrics.
 */
function declareFamilies(registry: Registry, enabled: readonly ResolvedCollector[]): Map<string, Pick<CollectorPlan, 'families' | 'gaugeFamilies'>> {
  const owner = new Map<string, string>();
  for (const c of registry.cardinality()) owner.set(c.metric, 'the registry');
  const out = new Map<string, Pick<CollectorPlan, 'families' | 'gaugeFamilies'>>();
  for (const c of enabled) {
    const families: Record<string, number> = {};
    const gaugeFamilies: number[] = [];
    for (const [key, spec] of Object.entries(c.collector.metrics)) {
      const def = familyDefinitionOf(spec);
      for (const n of exposedNames(def)) {
        const taken = owner.get(n);
        if (taken !== undefined) {
          throw new CollectorRuntimeError('ERR_COLLECTOR_CONFLICT', `metric "${def.name}" of collector "${c.name}" (${c.collector.file}) clashes with "${n}", already defined by ${taken}`);
        }
      }
      for (const n of exposedNames(def)) owner.set(n, `collector "${c.name}"`);
      const f = registry.store.declareFamily(def);
      // Written only by applyStage (which touches it) and removed by the runtime: renders may
      // reuse its output while its version is unchanged (src/render/).
      registry.store.markCommitted(f);
      families[key] = f;
      if (def.type === 'gauge' || def.type === 'untyped') gaugeFamilies.push(f);
    }
    out.set(c.name, { families, gaugeFamilies });
  }
  return out;
}

export async function createRuntime(options: RuntimeOptions = {}): Promise<CollectorRuntime> {
  const flags = options.flags ?? {};
  const dirs = coerceFlag('collectors.dir', 'string[]', flags['collectors.dir'] ?? []) as string[];
  const collectors = options.collectors ?? (await discoverCollectors({ dirs, builtin: options.builtin }));
  const resolved = resolveCollectors(collectors, flags);
  const enabled = resolved.collectors.filter((c) => c.enabled);
  // node_exporter writes nothing for a family without series (e.g. a vmstat field this kernel lacks).
  const registry = options.registry ?? new Registry(undefined, { omitEmptyFamilies: true });
  const logger = options.logger ?? pino({ name: 'atomic-exporter' }, pino.destination(2));
  const paths: HostPaths = { ...resolved.paths, ...options.paths };
  const threads = enabled.length === 0 ? 0 : (options.threads ?? (resolved.threads || defaultThreads(enabled.length)));

  let pool: CollectorPool | undefined;
  const self = new SelfMetrics(
    registry,
    enabled.map((c) => c.name),
    () => pool?.threads ?? 0,
  );
  const declared = declareFamilies(registry, enabled);
  const failures = new FailureLog(logger, options.logIntervalMs ?? DEFAULT_LOG_INTERVAL_MS);
  // Const families collectors emit (ctx.emit): rendered by the registry after its own.
  const dynamic = new DynamicFamilies(registry, logger);

  const phases = createPhaseBuffer(Math.max(1, enabled.length));
  // Before the pool starts: its threads, started by the main thread, pin themselves at start.
  let affinity: AffinityPlan | undefined;
  let v8HelpersOnPoolCpus = false;
  if (threads > 0) {
    const allowed = allowedCpus();
    let plan: AffinityPlan | undefined;
    try {
      plan = planAffinity(options.cpus ?? (options.flags?.['collectors.cpus'] !== undefined ? resolved.cpus : 'all'), allowed);
    } catch (e) {
      throw new CollectorRuntimeError('ERR_INVALID_FLAG_VALUE', `invalid CPU list for collectors: ${(e as Error).message}`);
    }
    if (plan) {
      const libuv = await libuvThreads();
      // V8's helpers go to the pool's CPUs only when no isolate leaves GC work to them, and only
      // if libuv's threads, which must stay with the main thread, could be told apart.
      const apart = singleThreadedGc() && libuv.size > 0 ? { libuv } : undefined;
      if (allowed && applyProcessAffinity(plan, allowed, apart)) {
        affinity = plan;
        v8HelpersOnPoolCpus = apart !== undefined;
      } else logger.debug({ cpus: formatCpuList(plan.others) }, 'could not set CPU affinity (no taskset?): collector threads run on every CPU');
    }
  }
  // Pool threads run at normal priority unless asked otherwise (niceIncrement, schedIdle): the
  // CPU affinity keeps collectors off the main thread, not a low priority. A low priority did
  // harm: pool threads take locks the main thread takes too (Node's platform task queue, on
  // every GC and optimizing compile of any isolate; malloc's), and on a host whose other
  // processes keep every core busy, a SCHED_IDLE thread preempted while holding one ran again
  // only a second or so later, with the main thread waiting; collectors also starved there.
  // Measured (2 cores, one busy-loop process per core beside the exporter with the four faulty
  // collectors, gdb showing the main thread in NodePlatform::CallOnWorkerThread's mutex): HTTP
  // scrape p99 ~900 ms under SCHED_IDLE at nice +19, 164 ms at nice +19 alone, 8 ms at normal
  // priority, node_exporter 16-18 ms; without the affinity (--collectors.cpus=all) 572 ms and
  // 3-7 of 80 healthy collector runs done under SCHED_IDLE. What a low priority bought: with
  // the pool saturated and no affinity, scrape p99 8.9 ms (SCHED_IDLE) vs 15.4 ms (normal).
  const serial = threads > 0 && wantsSerialScavenges(options.parallelScavenge, affinity !== undefined);
  if (serial) serialScavenges();
  if (threads > 0) {
    pool = new CollectorPool({
      threads,
      registry,
      // Pool threads write only the common area (a run is applied there): no shards for them.
      threadData: { kind: 'atomic-exporter/pool', store: registry.store.share(false), phases, collectorState: enabled.map(() => createStateBuffer()), schedIdle: options.schedIdle ?? false, ...(affinity ? { cpus: affinity.others } : {}) },
      niceIncrement: options.niceIncrement ?? 0,
      onReplacement: (reason, threadId) => {
        self.recordReplacement(reason);
        logger.debug({ threadId, reason }, 'worker thread replaced');
      },
      onError: (err) => logger.error({ err: err.message }, 'worker thread error outside a run'),
    });
  }

  const store = registry.store;
  let readyWaiters: (() => void)[] = [];
  const scheduled: ScheduledCollector[] = [];
  const isReady = (): boolean => scheduled.every((s) => s.runs > 0);
  const ctx = {
    pool: pool!,
    store,
    views: phaseViews(phases),
    paths,
    backoff: options.backoff !== false,
    onResult: (s: ScheduledCollector, r: RunResult) => {
      try {
        self.recordRun(r.collector, r.outcome, r.durationMs, r.finishedAt);
        // A failed run keeps nothing stale that looks fresh: the collector's gauges go (as in
        // node_exporter, where a failed collector reports nothing); its counters, histograms and
        // summaries keep their totals (dropping them would lose what they counted).
        if (r.outcome !== 'ok') for (const f of s.plan.gaugeFamilies) if (store.familyLiveSeries(f) > 0) store.removeAll(f);
        failures.record(r.collector, r.outcome, r.message, r.durationMs);
        dynamic.record(r.collector, r.outcome === 'ok', r.dynamic);
      } catch (e) {
        logger.error({ collector: r.collector, err: (e as Error).message }, 'recording a collector run failed');
      }
      if (readyWaiters.length > 0 && isReady()) {
        for (const w of readyWaiters) w();
        readyWaiters = [];
      }
    },
    onMissed: (s: ScheduledCollector, n: number) => self.recordMissed(s.plan.name, n),
    endApplyBatch: (abandoned: readonly number[]) => {
      // No run of the collector is applying now (runs never overlap), so no mark is left.
      for (const f of abandoned) store.clearFamilyApply(f);
      store.endBatch();
    },
  };
  enabled.forEach((c, slot) => {
    const d = declared.get(c.name)!;
    scheduled.push(
      new ScheduledCollector(
        { name: c.name, url: c.collector.url, slot, intervalMs: c.intervalMs, timeoutMs: c.timeoutMs, options: c.options, families: d.families, gaugeFamilies: d.gaugeFamilies },
        ctx,
      ),
    );
  });
  const byName = new Map(scheduled.map((s) => [s.plan.name, s]));
  let stopped = false;

  return {
    registry,
    threads,
    affinity,
    v8HelpersOnPoolCpus,
    serialScavenges: serial,
    get collectors(): CollectorInfo[] {
      return resolved.collectors.map((c) => {
        const s = byName.get(c.name);
        return {
          name: c.name,
          file: c.collector.file,
          builtin: c.collector.builtin,
          enabled: c.enabled,
          intervalMs: c.intervalMs,
          timeoutMs: c.timeoutMs,
          state: s === undefined ? 'disabled' : s.running ? 'running' : 'idle',
          runs: s?.runs ?? 0,
          failStreak: s?.failStreak ?? 0,
          ...(s?.lastResult ? { lastResult: s.lastResult } : {}),
        };
      });
    },
    start() {
      if (stopped) throw new Error('the collector runtime was stopped; create a new one');
      for (const s of scheduled) s.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(scheduled.map((s) => s.stop()));
      await pool?.close();
      if (affinity) releaseProcessAffinity();
    },
    ready: isReady,
    whenReady() {
      if (isReady()) return Promise.resolve();
      return new Promise<void>((resolve) => readyWaiters.push(resolve));
    },
    async collectOnce() {
      if (stopped) throw new Error('the collector runtime was stopped; create a new one');
      return Promise.all(scheduled.map((s) => s.runFresh()));
    },
  };
}
