import { effectiveAgeBuckets, summarySlot } from '../store/snapshot.js';
import { record, sketchWidth } from '../store/sketch.js';
import { DROPPED } from '../store/store.js';
import type { LabelValues } from './labels.js';
import { Metric, type MetricConfiguration } from './metric.js';
import { checkPercentiles, checkPositiveInteger, checkValue } from './validate.js';

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

export interface SummaryChild<T extends string> {
  observe(value: number): void;
  startTimer(): (labels?: LabelValues<T>) => number;
}

/**
 * A summary, prom-client's API, with quantiles from a shared log-bucket sketch (see
 * store/sketch.ts: within 1% relative error for magnitudes in [1e-9, 1e9]). `_sum` and `_count`
 * are cumulative, like prom-client's; the quantiles cover the sliding window.
 */
export class Summary<T extends string = string> extends Metric<T> {
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

  #observeRef(ref: number, v: number): void {
    if (ref === DROPPED) return;
    const store = this.store;
    const cell = store.cellOf(ref);
    store.addOwn(cell, v);
    store.addOwn(cell + 1, 1);
    record(store.sketch, store.sketchOf(ref), this.#ageBuckets, summarySlot(this.definition, store.createdAtMs, Date.now()), v);
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

  startTimer(labels?: LabelValues<T>): (endLabels?: LabelValues<T>) => number {
    const start = performance.now();
    return (endLabels) => {
      const seconds = (performance.now() - start) / 1000;
      this.observe({ ...labels, ...endLabels } as LabelValues<T>, seconds);
      return seconds;
    };
  }

  labels(...args: (string | number | LabelValues<T>)[]): SummaryChild<T> {
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
