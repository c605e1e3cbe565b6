import { effectiveAgeBuckets, summarySlot } from '../store/snapshot.js';
import { record, sketchWidth } from '../store/sketch.js';
import type { SeriesRef } from '../store/store.js';
import type { MetricConfiguration } from './metric.js';
import { Observer, type ObserverChild } from './observer.js';
import { checkPercentiles, checkPositiveInteger } from './validate.js';

/** prom-client's default percentiles. */
export const DEFAULT_PERCENTILES: readonly number[] = [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999];

export interface SummaryConfiguration<T extends string> extends MetricConfiguration<T> {
  percentiles?: number[];
  maxAgeSeconds?: number;
  ageBuckets?: number;
  /** Accepted for prom-client compatibility; the sketch has a fixed size. */
  compressCount?: number;
  pruneAgedBuckets?: boolean;
}

export type SummaryChild<T extends string> = ObserverChild<T>;

/**
 * A summary, prom-client's API, with quantiles from a shared log-bucket sketch (see
 * store/sketch.ts: within 1% relative error for magnitudes in [1e-9, 1e9]). `_sum` and `_count`
 * are cumulative, like prom-client's; the quantiles cover the sliding window.
 */
export class Summary<T extends string = string> extends Observer<T> {
  readonly #ageBuckets: number;

  constructor(config: SummaryConfiguration<T>) {
    super(config, 'summary', ['quantile'], (name) => {
      const percentiles = checkPercentiles(name, config.percentiles ?? DEFAULT_PERCENTILES);
      if (config.maxAgeSeconds === undefined) return { cellWidth: 2, sketchWidth: sketchWidth(1), percentiles };
      const maxAgeSeconds = checkPositiveInteger(name, 'maxAgeSeconds', config.maxAgeSeconds, 600);
      const ageBuckets = checkPositiveInteger(name, 'ageBuckets', config.ageBuckets, 5);
      return { cellWidth: 2, sketchWidth: sketchWidth(ageBuckets), percentiles, maxAgeSeconds, ageBuckets };
    });
    this.#ageBuckets = effectiveAgeBuckets(this.definition);
  }

  protected record(ref: SeriesRef, v: number): void {
    const store = this.store;
    const cell = store.cellOf(ref);
    store.addOwn(cell, v);
    store.addOwn(cell + 1, 1);
    record(store.sketch, store.sketchOf(ref), this.#ageBuckets, summarySlot(this.definition, store.createdAtMs, Date.now()), v);
  }
}
