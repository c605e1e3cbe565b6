import type { SeriesRef } from '../store/store.js';
import { bucketIndex } from './buckets.js';
import type { LabelValues } from './labels.js';
import type { MetricConfiguration } from './metric.js';
import { Observer, type ObserverChild } from './observer.js';
import { checkBuckets } from './validate.js';

/** prom-client's default buckets. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface HistogramConfiguration<T extends string> extends MetricConfiguration<T> {
  buckets?: number[];
}

export type HistogramChild<T extends string> = ObserverChild<T>;

/**
 * A histogram, prom-client's API. A series is `[sum, bucket_0 … bucket_n, +Inf]` in this
 * thread's shard, with non-cumulative bucket counts: an observation is two plain adds, and the
 * render makes them cumulative and takes the count from the last one, so a scrape never sees
 * `+Inf != _count` however it interleaves with writers.
 */
export class Histogram<T extends string = string> extends Observer<T> {
  readonly #bounds: readonly number[];

  constructor(config: HistogramConfiguration<T>) {
    let bounds: number[] = [];
    super(config, 'histogram', ['le'], (name) => {
      bounds = checkBuckets(name, config.buckets ?? DEFAULT_BUCKETS);
      return { cellWidth: bounds.length + 2, sketchWidth: 0, buckets: bounds };
    });
    this.#bounds = bounds;
  }

  protected record(ref: SeriesRef, v: number): void {
    const cell = this.store.cellOf(ref);
    this.store.addOwn(cell, v);
    this.store.addOwn(cell + 1 + bucketIndex(this.#bounds, v), 1);
  }

  /** Creates the series with every bucket at zero (prom-client's `zero`). */
  zero(labels: LabelValues<T>): void {
    this.ref(labels, false);
  }
}
