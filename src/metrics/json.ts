import type { FamilySnapshot } from '../exposition/snapshot.js';
import { parseLabelText } from './labels.js';

/** prom-client's `get()` result. */
export interface MetricValue<T extends string> {
  value: number;
  labels: Partial<Record<T | 'le' | 'quantile', string | number>>;
  metricName?: string;
}
export interface MetricObjectWithValues<T extends string> {
  name: string;
  help: string;
  type: string;
  values: MetricValue<T>[];
  aggregator: string;
}

/**
 * One family in prom-client's `get()` shape. Shared by `Metric#get()` and the registry's
 * `getMetricsAsJSON()`, which also lists families no main-thread Metric object holds (declared
 * in a worker, emitted by a collector), so both list what `metrics()` renders.
 */
export function familyJson<T extends string>(s: FamilySnapshot, aggregator: string): MetricObjectWithValues<T> {
  const values: MetricValue<T>[] = [];
  const labelsOf = (i: number) => parseLabelText(s.labelTexts[i]!) as MetricValue<T>['labels'];
  for (let i = 0; i < s.labelTexts.length; i++) {
    if (s.values) values.push({ value: s.values[i]!, labels: labelsOf(i) });
    if (s.buckets && s.bounds) {
      const width = s.bounds.length + 1;
      for (let b = 0; b < width; b++) {
        const le = b < s.bounds.length ? s.bounds[b]! : '+Inf';
        values.push({ value: s.buckets[i * width + b]!, labels: { ...labelsOf(i), le }, metricName: `${s.name}_bucket` });
      }
    }
    if (s.quantiles && s.quantileValues) {
      for (let q = 0; q < s.quantiles.length; q++) {
        values.push({ value: s.quantileValues[i * s.quantiles.length + q]!, labels: { ...labelsOf(i), quantile: s.quantiles[q]! } });
      }
    }
    if (s.sums && s.counts) {
      values.push({ value: s.sums[i]!, labels: labelsOf(i), metricName: `${s.name}_sum` });
      values.push({ value: s.counts[i]!, labels: labelsOf(i), metricName: `${s.name}_count` });
    }
  }
  return { name: s.name, help: s.help, type: s.type, values, aggregator };
}
