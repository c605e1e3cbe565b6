/**
 * Const families: a whole family with its samples, given by a collector at run time (Go's
 * `MustNewConstMetric`), for metrics whose names, types and labels are only known when the
 * collector runs, such as the textfile collector's. A collector gives them with `ctx.emit`;
 * the runtime shows the families of a collector's latest successful run (see CollectContext).
 *
 * `constFamilySnapshot` checks a family and turns it into the FamilySnapshot the renderers take.
 * It is pure and runs in the worker, so the main thread only receives checked, ready families.
 */
import { escapeLabelValue } from '../exposition/escape.js';
import type { FamilySnapshot, MetricType } from '../exposition/snapshot.js';
import { isValidLabelName, isValidMetricName } from '../metrics/validate.js';

/** One series of a const family. */
export interface ConstSeries {
  /** Label names to values, written in this order. */
  readonly labels?: Readonly<Record<string, string>>;
  /** counter, gauge, untyped: the value. */
  readonly value?: number;
  /**
   * histogram: `[upperBound, cumulativeCount]` pairs. Every series of a family has the same
   * bounds; a `+Inf` pair is optional (default: `count`).
   */
  readonly buckets?: readonly (readonly [number, number])[];
  /** summary: `[quantile, value]` pairs; every series of a family has the same quantiles. */
  readonly quantiles?: readonly (readonly [number, number])[];
  /** histogram, summary. Default 0. */
  readonly sum?: number;
  /** histogram, summary. Default 0. */
  readonly count?: number;
}

/** A family given whole by a collector (`ctx.emit`). */
export interface ConstFamily {
  readonly name: string;
  /** May be empty (no HELP line). */
  readonly help: string;
  readonly type: MetricType;
  readonly series: readonly ConstSeries[];
}

const TYPES = new Set<string>(['counter', 'gauge', 'untyped', 'histogram', 'summary']);

function num(family: string, what: string, v: unknown, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number') throw new TypeError(`const family "${family}": ${what} must be a number, got ${JSON.stringify(v) ?? String(v)}`);
  return v;
}

function pairs(family: string, what: string, list: unknown): [number, number][] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new TypeError(`const family "${family}": ${what} must be an array of [number, number] pairs`);
  return list.map((p: unknown) => {
    if (!Array.isArray(p) || p.length !== 2) throw new TypeError(`const family "${family}": ${what} must be an array of [number, number] pairs`);
    return [num(family, what, p[0]), num(family, what, p[1])];
  });
}

function sameKeys(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/**
 * Checks a const family and returns it as a FamilySnapshot. Throws a TypeError naming the family
 * (and the series) for: an invalid metric or label name (`__` prefixes included), `le` on a
 * histogram or `quantile` on a summary, a label set given twice, a missing value, histogram
 * series with different bounds, summary series with different quantiles.
 */
export function constFamilySnapshot(family: ConstFamily): FamilySnapshot {
  if (typeof family !== 'object' || family === null) throw new TypeError('a const family must be an object');
  const { name, help, type } = family;
  if (typeof name !== 'string' || !isValidMetricName(name)) throw new TypeError(`const family name ${JSON.stringify(name)} is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`);
  if (typeof help !== 'string') throw new TypeError(`const family "${name}": help must be a string`);
  if (!TYPES.has(type)) throw new TypeError(`const family "${name}": unknown type ${JSON.stringify(type)} (counter, gauge, untyped, histogram or summary)`);
  if (!Array.isArray(family.series)) throw new TypeError(`const family "${name}": series must be an array`);
  const reserved = type === 'histogram' ? 'le' : type === 'summary' ? 'quantile' : undefined;
  const n = family.series.length;
  const labelTexts: string[] = new Array<string>(n);
  const seen = new Set<string>();
  family.series.forEach((s, i) => {
    let text = '';
    for (const [k, v] of Object.entries(s.labels ?? {})) {
      if (!isValidLabelName(k)) throw new TypeError(`const family "${name}": invalid label name ${JSON.stringify(k)} (must match [a-zA-Z_][a-zA-Z0-9_]* and not start with "__")`);
      if (k === reserved) throw new TypeError(`const family "${name}": label "${k}" is reserved in a ${type}`);
      if (typeof v !== 'string') throw new TypeError(`const family "${name}": label "${k}" must be a string, got ${JSON.stringify(v)}`);
      text += (text === '' ? '' : ',') + k + '="' + escapeLabelValue(v) + '"';
    }
    if (seen.has(text)) throw new TypeError(`const family "${name}": series {${text}} is given twice`);
    seen.add(text);
    labelTexts[i] = text;
  });
  const base = { name, help, type, labelTexts };
  switch (type) {
    case 'counter':
    case 'gauge':
    case 'untyped':
      return { ...base, values: Float64Array.from(family.series, (s, i) => num(name, `value of series {${labelTexts[i]}}`, s.value)) };
    case 'histogram': {
      let bounds: number[] | undefined;
      const rows = family.series.map((s, i) => {
        const b = pairs(name, `buckets of series {${labelTexts[i]}}`, s.buckets).sort((x, y) => x[0] - y[0]);
        const finite = b.filter(([ub]) => ub !== Infinity);
        const keys = finite.map(([ub]) => ub);
        if (keys.some((k, j) => Number.isNaN(k) || (j > 0 && k === keys[j - 1]))) throw new TypeError(`const family "${name}": series {${labelTexts[i]}} has a NaN or repeated bucket bound`);
        if (bounds === undefined) bounds = keys;
        else if (!sameKeys(bounds, keys)) {
          throw new TypeError(`const family "${name}": series {${labelTexts[i]}} has buckets [${keys.join(', ')}], the first series [${bounds.join(', ')}]: every series of a histogram needs the same buckets`);
        }
        return { finite, inf: b.find(([ub]) => ub === Infinity)?.[1], sum: num(name, 'sum', s.sum, 0), count: num(name, 'count', s.count, 0) };
      });
      const bs = bounds ?? [];
      const width = bs.length + 1;
      const buckets = new Float64Array(n * width);
      const sums = new Float64Array(n);
      const counts = new Float64Array(n);
      rows.forEach((r, i) => {
        r.finite.forEach(([, c], j) => (buckets[i * width + j] = c));
        buckets[i * width + bs.length] = r.inf ?? r.count;
        sums[i] = r.sum;
        counts[i] = r.count;
      });
      return { ...base, bounds: bs, buckets, sums, counts };
    }
    case 'summary': {
      let quantiles: number[] | undefined;
      const rows = family.series.map((s, i) => {
        const q = pairs(name, `quantiles of series {${labelTexts[i]}}`, s.quantiles).sort((x, y) => x[0] - y[0]);
        const keys = q.map(([k]) => k);
        if (keys.some((k, j) => Number.isNaN(k) || (j > 0 && k === keys[j - 1]))) throw new TypeError(`const family "${name}": series {${labelTexts[i]}} has a NaN or repeated quantile`);
        if (quantiles === undefined) quantiles = keys;
        else if (!sameKeys(quantiles, keys)) {
          throw new TypeError(`const family "${name}": series {${labelTexts[i]}} has quantiles [${keys.join(', ')}], the first series [${quantiles.join(', ')}]: every series of a summary needs the same quantiles`);
        }
        return { q, sum: num(name, 'sum', s.sum, 0), count: num(name, 'count', s.count, 0) };
      });
      const qs = quantiles ?? [];
      const quantileValues = new Float64Array(n * qs.length);
      const sums = new Float64Array(n);
      const counts = new Float64Array(n);
      rows.forEach((r, i) => {
        r.q.forEach(([, v], j) => (quantileValues[i * qs.length + j] = v));
        sums[i] = r.sum;
        counts[i] = r.count;
      });
      return { ...base, quantiles: qs, quantileValues, sums, counts };
    }
  }
  throw new TypeError(`const family "${name}": unknown type ${JSON.stringify(type)}`);
}

/** Every name a family's samples use in either exposition format (for clash checks). */
export function constFamilyNames(name: string, type: MetricType): string[] {
  switch (type) {
    case 'counter': {
      const base = name.endsWith('_total') && name.length > 6 ? name.slice(0, -6) : name;
      return [base, base + '_total'];
    }
    case 'histogram':
      return [name, name + '_bucket', name + '_sum', name + '_count'];
    case 'summary':
      return [name, name + '_sum', name + '_count'];
    default:
      return [name];
  }
}
