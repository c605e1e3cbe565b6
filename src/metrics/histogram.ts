import { DROPPED } from '../store/store.js';
import type { LabelValues } from './labels.js';
import { Metric, type MetricConfiguration } from './metric.js';
import { checkBuckets, checkValue } from './validate.js';

/** prom-client's default buckets. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface HistogramConfiguration<T extends string> extends MetricConfiguration<T> {
  buckets?: number[];
}

export interface HistogramChild<T extends string> {
  observe(value: number): void;
  startTimer(): (labels?: LabelValues<T>) => number;
}

/**
 * A histogram, prom-client's API. A series is `[sum, bucket_0 … bucket_n, +Inf]` in this
 * thread's shard, with non-cumulative bucket counts: an observation is two plain adds, and the
 * render makes them cumulative and takes the count from the last one, so a scrape never sees
 * `+Inf != _count` however it interleaves with writers.
 */
export class Histogram<T extends string = string> extends Metric<T> {
  readonly #bounds: readonly number[];

  constructor(config: HistogramConfiguration<T>) {
    let bounds: number[] = [];
    super(config, 'histogram', ['le'], (name) => {
      bounds = checkBuckets(name, config.buckets ?? DEFAULT_BUCKETS);
      return { cellWidth: bounds.length + 2, sketchWidth: 0, buckets: bounds };
    });
    this.#bounds = bounds;
  }

  #bucketOf(v: number): number {
    const b = this.#bounds;
    if (b.length <= 16) {
      for (let i = 0; i < b.length; i++) if (v <= b[i]!) return i;
      return b.length;
    }
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= b[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  #observeRef(ref: number, v: number): void {
    if (ref === DROPPED) return;
    const cell = this.store.cellOf(ref);
    this.store.addOwn(cell, v);
    this.store.addOwn(cell + 1 + this.#bucketOf(v), 1);
  }

  observe(labels: LabelValues<T> | number, value?: number): void {
    let l: LabelValues<T> | undefined;
    let v: number | undefined;
    if (typeof labels === 'object' && labels !== null) {
      l = labels;
      v = value;
    } else {
      v = labels;
    }
    checkValue(this.name, v);
    this.#observeRef(this.ref(l), v as number);
  }

  /** Creates the series with every bucket at zero (prom-client's `zero`). */
  zero(labels: LabelValues<T>): void {
    this.ref(labels, false);
  }

  startTimer(labels?: LabelValues<T>): (endLabels?: LabelValues<T>) => number {
    const start = performance.now();
    return (endLabels) => {
      const seconds = (performance.now() - start) / 1000;
      this.observe({ ...labels, ...endLabels } as LabelValues<T>, seconds);
      return seconds;
    };
  }

  labels(...args: (string | number | LabelValues<T>)[]): HistogramChild<T> {
    const l = this.labelsFrom(args);
    // Created now (at zero), like client_golang's WithLabelValues; a refusal by the series limit
    // is counted at each update, not here.
    let ref = this.ref(l, false);
    return {
      observe: (v) => {
        checkValue(this.name, v);
        if (ref === DROPPED || !this.store.isCurrent(ref)) ref = this.ref(l);
        this.#observeRef(ref, v);
      },
      startTimer: () => this.startTimer(l),
    };
  }
}
