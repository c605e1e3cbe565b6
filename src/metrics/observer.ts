import { DROPPED, type SeriesRef } from '../store/store.js';
import type { LabelValues } from './labels.js';
import { Metric } from './metric.js';
import { checkValue } from './validate.js';

/** prom-client's child of a histogram or summary. */
export interface ObserverChild<T extends string> {
  observe(value: number): void;
  startTimer(): (labels?: LabelValues<T>) => number;
}

/**
 * What Histogram and Summary share: prom-client's `observe((labels,) value)`, `startTimer`
 * and `labels(...)`. Each type only says how one observation lands in its cells.
 */
export abstract class Observer<T extends string> extends Metric<T> {
  /** Records `v` in the series `ref` (never DROPPED). */
  protected abstract record(ref: SeriesRef, v: number): void;

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
    const ref = this.ref(l);
    if (ref !== DROPPED) this.record(ref, v as number);
  }

  /** Returns a function that observes the seconds elapsed (start and end labels merged). */
  startTimer(labels?: LabelValues<T>): (endLabels?: LabelValues<T>) => number {
    return this.timer(labels, (l, seconds) => this.observe(l, seconds));
  }

  labels(...args: (string | number | LabelValues<T>)[]): ObserverChild<T> {
    const l = this.labelsFrom(args);
    // Created now (at zero), like client_golang's WithLabelValues; a refusal by the series limit
    // is counted at each update, not here.
    let ref = this.ref(l, false);
    return {
      observe: (v) => {
        checkValue(this.name, v);
        if (ref === DROPPED || !this.store.isCurrent(ref)) ref = this.ref(l);
        if (ref !== DROPPED) this.record(ref, v);
      },
      startTimer: () => this.startTimer(l),
    };
  }
}
