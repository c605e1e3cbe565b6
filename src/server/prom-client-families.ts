/**
 * prom-client's metrics as FamilySnapshots, so one renderer writes ours and theirs in the same
 * format with the same rules (escaping, number spelling, OpenMetrics counter names). We read
 * `registry.getMetricsAsJSON()` (which runs their collect hooks and applies their default
 * labels) rather than parsing their text.
 */
import { formatLabelPairs } from '../exposition/escape.js';
import type { FamilySnapshot, MetricType } from '../exposition/snapshot.js';

/** One element of prom-client's `getMetricsAsJSON()`. */
export interface PromClientMetricJson {
  readonly name: string;
  readonly help: string;
  /** A string at run time ('counter', ...); prom-client's typings call it an enum. */
  readonly type: unknown;
  readonly values: readonly PromClientValueJson[];
}
export interface PromClientValueJson {
  /** prom-client gives null for NaN (e.g. an event-loop mean before any sample). */
  readonly value: number | null;
  readonly labels: Readonly<Record<string, string | number | undefined>>;
  readonly metricName?: string;
}

const TYPES: Record<string, MetricType> = { counter: 'counter', gauge: 'gauge', histogram: 'histogram', summary: 'summary' };

function labelText(labels: PromClientValueJson['labels'], skip?: string): string {
  const names: string[] = [];
  const values: string[] = [];
  for (const k in labels) {
    const v = labels[k];
    if (k === skip || v === undefined) continue;
    names.push(k);
    values.push(String(v));
  }
  return formatLabelPairs(names, values);
}

function num(v: number | null): number {
  return v === null ? NaN : v;
}

function boundOf(le: string | number | undefined): number {
  if (le === '+Inf' || le === undefined) return Infinity;
  return typeof le === 'number' ? le : Number(le);
}

function scalarFamily(m: PromClientMetricJson, type: MetricType): FamilySnapshot {
  return {
    name: m.name,
    help: m.help,
    type,
    labelTexts: m.values.map((v) => labelText(v.labels)),
    values: Float64Array.from(m.values, (v) => num(v.value)),
  };
}

/** Series of a histogram or summary: one per label set without `le`/`quantile`. */
class SeriesIndex {
  readonly labelTexts: string[] = [];
  readonly #index = new Map<string, number>();
  of(text: string): number {
    let i = this.#index.get(text);
    if (i === undefined) {
      i = this.labelTexts.length;
      this.#index.set(text, i);
      this.labelTexts.push(text);
    }
    return i;
  }
}

function histogramFamily(m: PromClientMetricJson): FamilySnapshot {
  const bucketName = m.name + '_bucket';
  const sumName = m.name + '_sum';
  const countName = m.name + '_count';
  const series = new SeriesIndex();
  const boundSet = new Set<number>();
  for (const v of m.values) {
    if (v.metricName === bucketName) {
      const b = boundOf(v.labels.le);
      if (b !== Infinity) boundSet.add(b);
    }
    series.of(labelText(v.labels, 'le'));
  }
  const bounds = [...boundSet].sort((a, b) => a - b);
  const column = new Map(bounds.map((b, i) => [b, i]));
  const width = bounds.length + 1;
  const n = series.labelTexts.length;
  const buckets = new Float64Array(n * width);
  const sums = new Float64Array(n);
  const counts = new Float64Array(n);
  for (const v of m.values) {
    const i = series.of(labelText(v.labels, 'le'));
    if (v.metricName === bucketName) {
      const b = boundOf(v.labels.le);
      buckets[i * width + (b === Infinity ? bounds.length : column.get(b)!)] = num(v.value);
    } else if (v.metricName === sumName) sums[i] = num(v.value);
    else if (v.metricName === countName) counts[i] = num(v.value);
  }
  return { name: m.name, help: m.help, type: 'histogram', labelTexts: series.labelTexts, bounds, buckets, sums, counts };
}

function summaryFamily(m: PromClientMetricJson): FamilySnapshot {
  const sumName = m.name + '_sum';
  const countName = m.name + '_count';
  const series = new SeriesIndex();
  const quantileSet = new Set<number>();
  for (const v of m.values) {
    if (v.metricName !== sumName && v.metricName !== countName && v.labels.quantile !== undefined) {
      quantileSet.add(Number(v.labels.quantile));
    }
    series.of(labelText(v.labels, 'quantile'));
  }
  const quantiles = [...quantileSet].sort((a, b) => a - b);
  const column = new Map(quantiles.map((q, i) => [q, i]));
  const width = quantiles.length;
  const n = series.labelTexts.length;
  const quantileValues = new Float64Array(n * width).fill(NaN);
  const sums = new Float64Array(n);
  const counts = new Float64Array(n);
  for (const v of m.values) {
    const i = series.of(labelText(v.labels, 'quantile'));
    if (v.metricName === sumName) sums[i] = num(v.value);
    else if (v.metricName === countName) counts[i] = num(v.value);
    else if (v.labels.quantile !== undefined) quantileValues[i * width + column.get(Number(v.labels.quantile))!] = num(v.value);
  }
  return { name: m.name, help: m.help, type: 'summary', labelTexts: series.labelTexts, quantiles, quantileValues, sums, counts };
}

/** Maps prom-client's JSON to snapshots (a type we do not know becomes `untyped`). */
export function familiesFromPromClient(metrics: readonly PromClientMetricJson[]): FamilySnapshot[] {
  return metrics.map((m) => {
    const type = TYPES[String(m.type)] ?? 'untyped';
    if (type === 'histogram') return histogramFamily(m);
    if (type === 'summary') return summaryFamily(m);
    return scalarFamily(m, type);
  });
}
