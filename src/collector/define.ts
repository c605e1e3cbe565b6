/**
 * The collector contract: what one collector file declares and what its `collect` receives.
 * The runtime (src/runtime/) discovers files that default-export the result of
 * `defineCollector`, runs `collect` in worker threads on its interval, and binds `metrics` to
 * the shared store.
 */
import type { LabelValues } from '../metrics/labels.js';
import type { ConstFamily } from './const-family.js';
import type { DirectStore } from './direct.js';
import type { OptionConstraints } from './options.js';

export type { ConstFamily, ConstSeries } from './const-family.js';
export type { DirectFamily, DirectSeries, DirectStore } from './direct.js';
export type { OptionConstraints } from './options.js';

interface MetricSpecBase {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
  readonly constLabels?: Readonly<Record<string, string>>;
  /** Series limit for this metric (default: the store's). */
  readonly maxSeries?: number;
}
export interface CounterSpec extends MetricSpecBase {
  readonly type: 'counter';
}
export interface GaugeSpec extends MetricSpecBase {
  readonly type: 'gauge';
}
/** A value of unknown kind (`# TYPE untyped`), as node_exporter exposes netstat and vmstat fields. Written like a gauge. */
export interface UntypedSpec extends MetricSpecBase {
  readonly type: 'untyped';
}
export interface HistogramSpec extends MetricSpecBase {
  readonly type: 'histogram';
  readonly buckets?: readonly number[];
}
export interface SummarySpec extends MetricSpecBase {
  readonly type: 'summary';
  readonly percentiles?: readonly number[];
  readonly maxAgeSeconds?: number;
  readonly ageBuckets?: number;
}
export type MetricSpec = CounterSpec | GaugeSpec | UntypedSpec | HistogramSpec | SummarySpec;

/*
 * Semantics of a run (see README, "Collectors"). A run reports the current series of its
 * collector, as Go's `Collect` does: every series a run writes to (with any method below,
 * `touch` included) is reported; a series the latest successful run did not report is gone from
 * the next scrape. Writes are staged in the worker and reach the shared store only when
 * `collect` returns in time: a run that throws, times out or crashes changes no value.
 */

/**
 * A counter inside a collector. `inc` accumulates onto the value the series had after the
 * previous successful run; `set` mirrors an external monotonic counter (e.g. /proc/stat) and
 * replaces the value (if the source restarts from zero, so does the series: a counter reset).
 */
export interface CollectorCounter {
  inc(labels?: LabelValues | number, value?: number): void;
  set(labels: LabelValues | number, value?: number): void;
  /** Reports the series without changing its value (created at zero if absent). */
  touch(labels?: LabelValues): void;
}
/** A gauge inside a collector: `set` samples; `inc`/`dec` adjust the previous run's value. */
export interface CollectorGauge {
  set(labels: LabelValues | number, value?: number): void;
  inc(labels?: LabelValues | number, value?: number): void;
  dec(labels?: LabelValues | number, value?: number): void;
  touch(labels?: LabelValues): void;
}
/** A histogram inside a collector: observations accumulate across runs. */
export interface CollectorHistogram {
  observe(labels: LabelValues | number, value?: number): void;
  /** Reports the series without observing (created with every bucket at zero if absent). */
  touch(labels?: LabelValues): void;
}
/** A summary inside a collector: observations accumulate across runs. */
export interface CollectorSummary {
  observe(labels: LabelValues | number, value?: number): void;
  touch(labels?: LabelValues): void;
}

export type MetricHandle<S extends MetricSpec> = S extends CounterSpec
  ? CollectorCounter
  : S extends GaugeSpec | UntypedSpec
    ? CollectorGauge
    : S extends HistogramSpec
      ? CollectorHistogram
      : CollectorSummary;

/**
 * A collector's own setting, exposed as a flag `--collector.<collector>.<key>` (or `flag`, when
 * given). The constraints (OptionConstraints: integer, min, max, choices, pattern, duration,
 * conflicts) are checked when flags are resolved: a bad value is a usage error naming the flag.
 */
export interface CollectorOption extends OptionConstraints {
  readonly help: string;
  readonly type: 'string' | 'number' | 'boolean' | 'string[]';
  readonly default?: string | number | boolean | readonly string[];
  /** Full flag name without dashes, to override the derived one (e.g. `synthetic.series-count`). */
  readonly flag?: string;
}

/** Where host files are read from (node_exporter's --path.procfs, --path.sysfs, --path.rootfs). */
export interface HostPaths {
  readonly procfs: string;
  readonly sysfs: string;
  readonly rootfs: string;
}

export interface CollectContext<M extends Record<string, MetricSpec>> {
  /** Handles for this run only: writing to them after `collect` has returned throws. */
  readonly metrics: { readonly [K in keyof M]: MetricHandle<M[K]> };
  /** Aborted at the collector's timeout: stop work and return. */
  readonly signal: AbortSignal;
  /** This collector's options, resolved from flags, environment and the config file. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly paths: HostPaths;
  /**
   * Gives a whole family with its samples (Go's const metrics), for metrics whose names, types
   * and labels are only known at run time, such as the textfile collector's. The family is
   * checked here (a bad one throws a TypeError naming it); the runtime shows the families of
   * the collector's latest successful run, and none after a failed run. A family whose name is
   * already taken (by a declared metric or another collector) is left out with a warning.
   * Given by the runtime; optional so that stand-ins for it need not provide it.
   */
  readonly emit?: (family: ConstFamily) => void;
  /**
   * Reports a problem that does not fail the run (an input file skipped, say). The runtime logs
   * it at warn level when it first appears, not again while later runs report it.
   */
  readonly warn?: (message: string) => void;
  /**
   * Direct, unstaged access to the shared store (see direct.ts): for millions of series, or
   * families declared at run time. Given by the runtime; optional for stand-ins.
   */
  readonly direct?: DirectStore;
}

/** Thrown (or returned as a reason) when there is nothing to report on this machine: logged quietly. */
export class NoDataError extends Error {
  override readonly name = 'NoDataError';
}

export interface CollectorDefinition<M extends Record<string, MetricSpec> = Record<string, MetricSpec>> {
  /** `[a-z0-9_]+`; gives `--collector.NAME` / `--no-collector.NAME`. */
  readonly name: string;
  readonly defaultEnabled?: boolean;
  /** Default interval between runs (flag: `--collector.NAME.interval`). */
  readonly intervalMs?: number;
  /** Default time a run may take before it is cancelled (flag: `--collector.NAME.timeout`). */
  readonly timeoutMs?: number;
  readonly help?: string;
  readonly options?: Readonly<Record<string, CollectorOption>>;
  readonly metrics: M;
  collect(ctx: CollectContext<M>): void | Promise<void>;
}

/** Declares a collector; the file's default export. Types the `metrics` handles from the specs. */
export function defineCollector<M extends Record<string, MetricSpec>>(def: CollectorDefinition<M>): CollectorDefinition<M> {
  return def;
}
