import { DROPPED } from '../store/store.js';
import type { LabelValues } from './labels.js';
import { Metric, type MetricConfiguration } from './metric.js';

export type CounterConfiguration<T extends string> = MetricConfiguration<T>;

export interface CounterChild {
  inc(value?: number): void;
}

function checkIncrement(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`Value is not a valid number: ${String(v)} (counter "${name}")`);
  if (v < 0) throw new Error(`It is not possible to decrease a counter (counter "${name}", increment ${v})`);
}

/**
 * A monotonic counter, prom-client's API. Increments go to this thread's shard of the shared
 * store: a plain add on memory no other thread writes.
 */
export class Counter<T extends string = string> extends Metric<T> {
  constructor(config: CounterConfiguration<T>) {
    super(config, 'counter', [], () => ({ cellWidth: 1, sketchWidth: 0 }));
  }

  inc(labels?: LabelValues<T> | number, value?: number): void {
    let l: LabelValues<T> | undefined;
    let v: number;
    if (typeof labels === 'object' && labels !== null) {
      l = labels;
      v = value ?? 1;
    } else {
      v = labels ?? 1;
    }
    checkIncrement(this.name, v);
    const ref = this.ref(l);
    if (ref === DROPPED) return;
    this.store.addOwn(this.store.cellOf(ref), v);
  }

  /** A child bound to one label set; it keeps its series reference between calls. */
  labels(...args: (string | number | LabelValues<T>)[]): CounterChild {
    const l = this.labelsFrom(args);
    // Created now (at zero), like client_golang's WithLabelValues; a refusal by the series limit
    // is counted at each update, not here.
    let ref = this.ref(l, false);
    return {
      inc: (v = 1) => {
        checkIncrement(this.name, v);
        if (ref === DROPPED || !this.store.isCurrent(ref)) ref = this.ref(l);
        if (ref === DROPPED) return;
        this.store.addOwn(this.store.cellOf(ref), v);
      },
    };
  }
}
