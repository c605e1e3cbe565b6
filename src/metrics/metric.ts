import { DEFAULT_SERIES_LIMIT } from '../store/layout.js';
import { snapshotFamily, viewOf } from '../store/snapshot.js';
import { DROPPED, Store, type FamilyDefinition, type SeriesRef } from '../store/store.js';
import type { FamilySnapshot } from '../exposition/snapshot.js';
import { familyJson, type MetricObjectWithValues } from './json.js';
import { LabelCodec, type LabelValues } from './labels.js';
import { checkConstLabels, checkHelp, checkLabelNames, checkMetricName, checkPositiveInteger } from './validate.js';

/** What a Registry needs of a metric; implemented by every metric type. */
export interface RegistrableMetric {
  readonly name: string;
  readonly store: Store;
  readonly familyId: number;
  /** prom-client's `collect` hook, run before each render. */
  runCollect(): Promise<void>;
}

/** What a registry offers a metric being constructed: the store its values live in. */
export interface MetricHost {
  readonly store: Store;
  registerMetric(metric: RegistrableMetric): void;
}

/** prom-client's options common to every metric type, plus ours. */
export interface MetricConfiguration<T extends string> {
  name: string;
  help: string;
  labelNames?: readonly T[];
  /** Registries to register in; the first one holds the values. Default: the global registry. */
  registers?: MetricHost[];
  /** Labels with a fixed value for every series (client_golang's ConstLabels). */
  constLabels?: Record<string, string | number>;
  /** Series limit: past it new series are dropped and counted. */
  maxSeries?: number;
  /** Called before each render, like prom-client's (may be async). */
  collect?: (this: never) => void | Promise<void>;
  /** Accepted for prom-client compatibility; threads share memory, so there is nothing to aggregate. */
  aggregator?: string;
}

export type { MetricObjectWithValues, MetricValue } from './json.js';

/**
 * Entries per generation of a metric's per-thread series cache: up to twice this many hot
 * series are found without touching shared memory; others cost a lookup in the store's hash.
 */
const CACHE_GENERATION = 4096;

let defaultHost: MetricHost | undefined;
/** Set by registry.ts: the global registry metrics join when `registers` is not given. */
export function setDefaultHost(host: MetricHost): void {
  defaultHost = host;
}

/**
 * The shared part of every metric type: validation, binding to a family in the store, and the
 * per-thread cache from label values to series.
 */
export abstract class Metric<T extends string = string> implements RegistrableMetric {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly T[];
  readonly store: Store;
  readonly familyId: number;
  protected readonly codec: LabelCodec;
  protected readonly definition: FamilyDefinition;
  readonly #seriesLimit: number;
  /**
   * This thread's cache from label values to series, in two generations: a bounded LRU
   * approximation (an entry found in the old generation moves to the young one; when the
   * young one is full it becomes the old one). The series themselves live in shared memory, and
   * a miss finds them there, so the cache only has to hold the hot ones: a cache of every
   * series was 78 bytes of heap per series in every thread that wrote it (measured at 500k).
   */
  #young = new Map<string, SeriesRef>();
  #old = new Map<string, SeriesRef>();
  readonly #collect: (() => void | Promise<void>) | undefined;
  readonly #aggregator: string;

  protected constructor(
    config: MetricConfiguration<T>,
    type: FamilyDefinition['type'],
    reserved: readonly string[],
    extra: (name: string) => Pick<FamilyDefinition, 'cellWidth' | 'sketchWidth' | 'buckets' | 'percentiles' | 'maxAgeSeconds' | 'ageBuckets'>,
  ) {
    if (typeof config !== 'object' || config === null) throw new TypeError('Metric options must be an object');
    const name = checkMetricName(config.name);
    const help = checkHelp(name, config.help);
    const labelNames = checkLabelNames(name, config.labelNames, reserved) as T[];
    const constLabels = checkConstLabels(name, config.constLabels, labelNames, reserved);
    this.#seriesLimit = checkPositiveInteger(name, 'maxSeries', config.maxSeries, DEFAULT_SERIES_LIMIT);
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    this.codec = new LabelCodec(name, labelNames);
    this.#collect = config.collect as (() => void | Promise<void>) | undefined;
    this.#aggregator = config.aggregator ?? 'sum';
    this.definition = { name, help, type, labelNames, constLabels, seriesLimit: this.#seriesLimit, ...extra(name) };

    const registers = config.registers ?? (defaultHost ? [defaultHost] : []);
    // The first registry holds the values; others render them from there.
    this.store = registers[0]?.store ?? Store.create();
    this.familyId = this.store.declareFamily(this.definition);
    for (const r of registers) r.registerMetric(this);
    // prom-client shows a metric without labels from the start, at zero.
    if (labelNames.length === 0) this.ref(undefined);
  }

  async runCollect(): Promise<void> {
    if (this.#collect) await this.#collect.call(this as never);
  }

  /**
   * The series for these labels, created if needed; DROPPED past the series limit. A refusal is
   * counted as a drop when `update` (the caller is about to write), not when only binding a child.
   */
  protected ref(labels: LabelValues<T> | undefined, update = true): SeriesRef {
    const key = this.codec.keyOf(labels);
    if (key !== undefined) {
      let ref = this.#young.get(key);
      if (ref === undefined) {
        ref = this.#old.get(key);
        if (ref !== undefined) this.#remember(key, ref);
      }
      if (ref !== undefined) {
        if (ref === DROPPED) {
          // Refused while the family was full; try again once series were removed (by any thread).
          if (this.store.familyLiveSeries(this.familyId) >= this.#seriesLimit) {
            if (update) this.store.countDrop(this.familyId);
            return DROPPED;
          }
        } else if (this.store.isCurrent(ref)) return ref;
      }
    }
    return this.#resolve(key, labels, update);
  }

  #resolve(key: string | undefined, labels: LabelValues<T> | undefined, update: boolean): SeriesRef {
    const ref = this.store.resolve(this.familyId, this.codec.textOf(labels), update);
    if (key !== undefined) this.#remember(key, ref);
    return ref;
  }

  #remember(key: string, ref: SeriesRef): void {
    this.#young.set(key, ref);
    if (this.#young.size >= CACHE_GENERATION) {
      this.#old = this.#young;
      this.#young = new Map();
    }
  }

  /** prom-client's `startTimer`: the returned function applies the seconds elapsed, start and end labels merged. */
  protected timer(labels: LabelValues<T> | undefined, apply: (labels: LabelValues<T>, seconds: number) => void): (endLabels?: LabelValues<T>) => number {
    const start = performance.now();
    return (endLabels) => {
      const seconds = (performance.now() - start) / 1000;
      apply({ ...labels, ...endLabels } as LabelValues<T>, seconds);
      return seconds;
    };
  }

  /** Positional or object labels, as prom-client's `labels()` and `remove()` take them. */
  protected labelsFrom(args: readonly unknown[]): LabelValues<T> {
    if (args.length === 1 && typeof args[0] === 'object' && args[0] !== null) {
      const labels = args[0] as LabelValues<T>;
      this.codec.check(labels);
      return labels;
    }
    return this.codec.fromPositional(args as (string | number)[]) as LabelValues<T>;
  }

  /** Removes the series with these labels (positional or an object), as prom-client does. */
  remove(...args: (string | number | LabelValues<T>)[]): void {
    const labels = this.labelsFrom(args);
    const key = this.codec.keyOf(labels);
    if (key !== undefined) {
      this.#young.delete(key);
      this.#old.delete(key);
    }
    this.store.remove(this.familyId, this.codec.textOf(labels));
  }

  /** Removes every series; a metric without labels starts again at zero. */
  reset(): void {
    this.#young.clear();
    this.#old.clear();
    this.store.removeAll(this.familyId);
    if (this.labelNames.length === 0) this.ref(undefined);
  }

  /** A point-in-time snapshot of this metric's family. */
  snapshot(): FamilySnapshot {
    return snapshotFamily(viewOf(this.store), this.familyId);
  }

  /** prom-client's `get()`: the current values as objects. */
  async get(): Promise<MetricObjectWithValues<T>> {
    await this.runCollect();
    return familyJson<T>(this.snapshot(), this.#aggregator);
  }
}
