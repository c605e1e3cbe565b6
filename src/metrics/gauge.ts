import { DROPPED } from '../store/store.js';
import type { LabelValues } from './labels.js';
import { Metric, type MetricConfiguration } from './metric.js';
import { checkValue } from './validate.js';

export type GaugeConfiguration<T extends string> = MetricConfiguration<T>;

export interface GaugeChild<T extends string> {
  inc(value?: number): void;
  dec(value?: number): void;
  set(value: number): void;
  setToCurrentTime(): void;
  startTimer(): (labels?: LabelValues<T>) => number;
}

/**
 * A gauge, prom-client's API. `set` must win over increments from any thread, so a gauge has
 * one cell in the common area, updated by compare-and-swap on its bits.
 */
export class Gauge<T extends string = string> extends Metric<T> {
  constructor(config: GaugeConfiguration<T>) {
    super(config, 'gauge', [], () => ({ cellWidth: 1, sketchWidth: 0 }));
  }

  #cell(labels: LabelValues<T> | undefined): number {
    const ref = this.ref(labels);
    return ref === DROPPED ? -1 : this.store.cellOf(ref);
  }

  #add(labels: LabelValues<T> | number | undefined, value: number | undefined, sign: 1 | -1): void {
    let l: LabelValues<T> | undefined;
    let v: number;
    if (typeof labels === 'object' && labels !== null) {
      l = labels;
      v = value ?? 1;
    } else {
      v = labels ?? 1;
    }
    checkValue(this.name, v);
    const cell = this.#cell(l);
    if (cell >= 0) this.store.addCommon(cell, sign * v);
  }

  inc(labels?: LabelValues<T> | number, value?: number): void {
    this.#add(labels, value, 1);
  }

  dec(labels?: LabelValues<T> | number, value?: number): void {
    this.#add(labels, value, -1);
  }

  set(labels: LabelValues<T> | number, value?: number): void {
    let l: LabelValues<T> | undefined;
    let v: number | undefined;
    if (typeof labels === 'object' && labels !== null) {
      l = labels;
      v = value;
    } else {
      v = labels;
    }
    checkValue(this.name, v);
    const cell = this.#cell(l);
    if (cell >= 0) this.store.setCommon(cell, v as number);
  }

  setToCurrentTime(labels?: LabelValues<T>): void {
    if (labels === undefined) this.set(Date.now() / 1000);
    else this.set(labels, Date.now() / 1000);
  }

  /** Returns a function that sets the gauge to the seconds elapsed, and returns them. */
  startTimer(labels?: LabelValues<T>): (endLabels?: LabelValues<T>) => number {
    return this.timer(labels, (l, seconds) => this.set(l, seconds));
  }

  labels(...args: (string | number | LabelValues<T>)[]): GaugeChild<T> {
    const l = this.labelsFrom(args);
    return {
      inc: (v = 1) => this.inc(l, v),
      dec: (v = 1) => this.dec(l, v),
      set: (v) => this.set(l, v),
      setToCurrentTime: () => this.setToCurrentTime(l),
      startTimer: () => this.startTimer(l),
    };
  }
}
