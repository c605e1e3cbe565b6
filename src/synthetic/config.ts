/**
 * The synthetic target's settings and the names it generates, after
 * prometheus-community/avalanche: metric names with a run of `m`s, a metric cycle and an id
 * (`synthetic_gauge_metric_mmmmm_0_0`), series told apart by `series_id` and `cycle_id`, and
 * `label-count` fixed labels `label_key_kkkkk_N="label_val_vvvvv_N"`. Pure functions: the
 * collector (workers/synthetic.ts) and the tests use the same ones.
 */
import type { CollectorOption, MetricSpec } from '../collector/define.js';
import { durationOptionMs } from '../collector/options.js';
import { escapeLabelValue } from '../exposition/escape.js';

export type MetricKind = 'gauge' | 'counter' | 'histogram' | 'summary';
export const KINDS: readonly MetricKind[] = ['gauge', 'counter', 'histogram', 'summary'];
export const MODES = ['default', 'gradual-change', 'double-halve', 'spike'] as const;
export type OperationMode = (typeof MODES)[number];

/** Label names the generator uses itself: a const label may not take them. */
const CONST_LABEL = '^(?!__)(?!series_id=)(?!cycle_id=)(?!label_key_)[a-zA-Z_][a-zA-Z0-9_]*=[\\s\\S]*$';

const count = (help: string, dflt?: number, extra: Partial<CollectorOption> = {}): CollectorOption => ({
  help,
  type: 'number',
  integer: true,
  min: 0,
  ...(dflt === undefined ? {} : { default: dflt }),
  ...extra,
});
const interval = (flag: string, help: string, dflt: string): CollectorOption => ({ help, type: 'string', duration: true, min: 1000, default: dflt, flag });

/** The collector's options; each is the flag `--synthetic.<kebab-case key>`. */
export const SYNTHETIC_OPTIONS = {
  metricCount: count('Number of gauge metrics: the same as --synthetic.gauge-metric-count (avalanche\'s old flag); not both.', undefined, {
    flag: 'synthetic.metric-count',
    conflicts: ['gaugeMetricCount'],
  }),
  gaugeMetricCount: count('Number of gauge metrics (default 500, or --synthetic.metric-count).', undefined, { flag: 'synthetic.gauge-metric-count' }),
  counterMetricCount: count('Number of counter metrics.', 0, { flag: 'synthetic.counter-metric-count' }),
  histogramMetricCount: count('Number of histogram metrics (each series writes buckets + 1 _bucket lines, _sum and _count).', 0, { flag: 'synthetic.histogram-metric-count' }),
  histogramBucketCount: count('Buckets of each histogram, +Inf not counted (bounds 0.0001, 0.001, ...).', 7, { flag: 'synthetic.histogram-bucket-count', max: 30 }),
  summaryMetricCount: count('Number of summary metrics (each series costs the store a ~16 KiB quantile sketch).', 0, { flag: 'synthetic.summary-metric-count' }),
  summaryObjectiveCount: count('Quantiles of each summary.', 2, { flag: 'synthetic.summary-objective-count', max: 100 }),
  seriesCount: count('Series per metric (histogram and summary series count once, not per line).', 100, { flag: 'synthetic.series-count', max: 10_000_000 }),
  labelCount: count('Labels label_key_kkkkk_N="label_val_vvvvv_N" per series, besides series_id and cycle_id.', 10, { flag: 'synthetic.label-count', max: 1000 }),
  metricnameLength: count('Length of the run of "m" in metric names.', 5, { flag: 'synthetic.metricname-length', max: 200 }),
  labelnameLength: count('Length of the run of "k" (and "v") in label names (and values).', 5, { flag: 'synthetic.labelname-length', max: 200 }),
  constLabel: {
    help: 'A label with a fixed value on every series, NAME=VALUE. Repeatable.',
    type: 'string[]',
    default: [],
    flag: 'synthetic.const-label',
    pattern: CONST_LABEL,
    patternHelp: 'NAME=VALUE, NAME a label name other than series_id, cycle_id and label_key_*',
  } satisfies CollectorOption,
  valueInterval: interval('synthetic.value-interval', 'Values change every interval (0: never).', '30s'),
  seriesInterval: interval('synthetic.series-interval', 'Series churn every interval: cycle_id changes, the old series vanish (0: never).', '60s'),
  metricInterval: interval('synthetic.metric-interval', 'Metric names churn every interval: the cycle in the names changes, the old metrics vanish (0: never).', '0'),
  seriesOperationMode: {
    help: 'How the number of series per metric moves: default (fixed --synthetic.series-count), gradual-change (up and down between --synthetic.min-series-count and --synthetic.max-series-count), double-halve (doubles, then halves back), spike (--synthetic.spike-multiplier times, then back).',
    type: 'string',
    default: 'default',
    choices: MODES,
    flag: 'synthetic.series-operation-mode',
  } satisfies CollectorOption,
  seriesChangeInterval: interval('synthetic.series-change-interval', 'How often the series count moves in the gradual-change, double-halve and spike modes (0: never).', '30s'),
  seriesChangeRate: count('Series added or removed per change in gradual-change mode.', 100, { flag: 'synthetic.series-change-rate', min: 1 }),
  minSeriesCount: count('Fewest series per metric in gradual-change mode (its start).', 100, { flag: 'synthetic.min-series-count', lessThan: 'maxSeriesCount' }),
  maxSeriesCount: count('Most series per metric in gradual-change mode.', 1000, { flag: 'synthetic.max-series-count', max: 10_000_000 }),
  spikeMultiplier: { help: 'Series count multiplier during a spike (spike mode).', type: 'number', default: 1.5, min: 1, max: 1000, flag: 'synthetic.spike-multiplier' } satisfies CollectorOption,
} as const satisfies Record<string, CollectorOption>;

export interface SyntheticConfig {
  /** Metrics per kind. */
  readonly metrics: Readonly<Record<MetricKind, number>>;
  readonly histogramBuckets: readonly number[];
  readonly summaryQuantiles: readonly number[];
  readonly seriesCount: number;
  readonly labelCount: number;
  readonly metricnameLength: number;
  readonly labelnameLength: number;
  readonly constLabels: Readonly<Record<string, string>>;
  /** Milliseconds; 0: never. */
  readonly valueIntervalMs: number;
  readonly seriesIntervalMs: number;
  readonly metricIntervalMs: number;
  readonly mode: OperationMode;
  readonly seriesChangeIntervalMs: number;
  readonly seriesChangeRate: number;
  readonly minSeriesCount: number;
  readonly maxSeriesCount: number;
  readonly spikeMultiplier: number;
}

const DEFAULT_GAUGES = 500;

function num(options: Readonly<Record<string, unknown>>, key: keyof typeof SYNTHETIC_OPTIONS): number {
  const v = options[key] ?? (SYNTHETIC_OPTIONS[key] as CollectorOption).default;
  if (typeof v !== 'number') throw new TypeError(`synthetic: option ${key} is not a number`);
  return v;
}

function ms(options: Readonly<Record<string, unknown>>, key: keyof typeof SYNTHETIC_OPTIONS): number {
  const v = options[key] ?? (SYNTHETIC_OPTIONS[key] as CollectorOption).default;
  const out = durationOptionMs(String(v));
  if (out === undefined) throw new TypeError(`synthetic: option ${key} is not a duration: ${JSON.stringify(v)}`);
  return out;
}

/** The settings from the collector's resolved options (already checked against their constraints). */
export function syntheticConfig(options: Readonly<Record<string, unknown>>): SyntheticConfig {
  const gauges = (options.gaugeMetricCount ?? options.metricCount ?? DEFAULT_GAUGES) as number;
  const buckets: number[] = [];
  for (let i = 0; i < num(options, 'histogramBucketCount'); i++) buckets.push(Number((0.0001 * 10 ** i).toPrecision(12)));
  // avalanche's objectives: 100/n, 2×100/n, ..., with 100 % written as 99 %.
  const objectives = num(options, 'summaryObjectiveCount');
  const quantiles: number[] = [];
  for (let i = 0; i < objectives; i++) {
    let q = Math.floor(100 / objectives) * (i + 1);
    if (q === 100) q = 99;
    if (!quantiles.includes(q / 100)) quantiles.push(q / 100);
  }
  const constLabels: Record<string, string> = {};
  for (const kv of (options.constLabel as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    constLabels[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const mode = (options.seriesOperationMode ?? 'default') as OperationMode;
  return {
    metrics: { gauge: gauges, counter: num(options, 'counterMetricCount'), histogram: num(options, 'histogramMetricCount'), summary: num(options, 'summaryMetricCount') },
    histogramBuckets: buckets,
    summaryQuantiles: quantiles.sort((a, b) => a - b),
    seriesCount: num(options, 'seriesCount'),
    labelCount: num(options, 'labelCount'),
    metricnameLength: num(options, 'metricnameLength'),
    labelnameLength: num(options, 'labelnameLength'),
    constLabels,
    valueIntervalMs: ms(options, 'valueInterval'),
    seriesIntervalMs: ms(options, 'seriesInterval'),
    metricIntervalMs: ms(options, 'metricInterval'),
    mode,
    seriesChangeIntervalMs: ms(options, 'seriesChangeInterval'),
    seriesChangeRate: num(options, 'seriesChangeRate'),
    minSeriesCount: num(options, 'minSeriesCount'),
    maxSeriesCount: num(options, 'maxSeriesCount'),
    spikeMultiplier: num(options, 'spikeMultiplier'),
  };
}

/** Metrics in all, in slot order: gauges, counters, histograms, summaries. */
export function metricTotal(c: SyntheticConfig): number {
  return c.metrics.gauge + c.metrics.counter + c.metrics.histogram + c.metrics.summary;
}

/** The kind and the id within its kind of metric slot `slot`. */
export function slotKind(c: SyntheticConfig, slot: number): { kind: MetricKind; id: number } {
  let id = slot;
  for (const kind of KINDS) {
    if (id < c.metrics[kind]) return { kind, id };
    id -= c.metrics[kind];
  }
  throw new RangeError(`synthetic: no metric slot ${slot}`);
}

/** `synthetic_gauge_metric_mmmmm_0_3`; counters end in `_total`. */
export function metricName(c: SyntheticConfig, kind: MetricKind, metricCycle: number, id: number): string {
  return `synthetic_${kind}_metric_${'m'.repeat(c.metricnameLength)}_${metricCycle}_${id}${kind === 'counter' ? '_total' : ''}`;
}

export function metricSpec(c: SyntheticConfig, kind: MetricKind, metricCycle: number, id: number): MetricSpec {
  const name = metricName(c, kind, metricCycle, id);
  const base = {
    name,
    help: `Metric ${name} is generated by atomic-exporter's synthetic collector, an avalanche-style target for load-testing Prometheus and remote-write stores.`,
    // Declared (the generator writes label text through ctx.direct, which takes any), so that
    // the store keeps only their values per series: about 25 bytes of key instead of 80.
    labelNames: seriesLabelNames(c),
    constLabels: c.constLabels,
    // The generator decides how many series there are; the store's default limit stays a bound.
    maxSeries: Math.max(1, maxSeriesPerMetric(c)),
  };
  switch (kind) {
    case 'gauge':
      return { ...base, type: 'gauge' };
    case 'counter':
      return { ...base, type: 'counter' };
    case 'histogram':
      return { ...base, type: 'histogram', buckets: c.histogramBuckets };
    case 'summary':
      return { ...base, type: 'summary', percentiles: c.summaryQuantiles };
  }
}

/**
 * The label text of every series of a series cycle but its series_id, ending with a comma:
 * `cycle_id="0",label_key_kkkkk_0="label_val_vvvvv_0",` (names sorted, as client_golang
 * writes them; `series_id` sorts last). The const labels are the family's own.
 */
export function seriesPrefix(c: SyntheticConfig, seriesCycle: number): string {
  const pairs: [string, string][] = [['cycle_id', String(seriesCycle)]];
  const k = 'k'.repeat(c.labelnameLength);
  const v = 'v'.repeat(c.labelnameLength);
  for (let i = 0; i < c.labelCount; i++) pairs.push([`label_key_${k}_${i}`, `label_val_${v}_${i}`]);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.map(([n, val]) => `${n}="${escapeLabelValue(val)}",`).join('');
}

/** The label names of every series, in the order seriesPrefix and seriesLabelText write them. */
export function seriesLabelNames(c: SyntheticConfig): string[] {
  const k = 'k'.repeat(c.labelnameLength);
  const names = ['cycle_id'];
  for (let i = 0; i < c.labelCount; i++) names.push(`label_key_${k}_${i}`);
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...names, 'series_id'];
}

/** The label text of series `seriesId` given its cycle's prefix. */
export function seriesLabelText(prefix: string, seriesId: number): string {
  return `${prefix}series_id="${seriesId}"`;
}

/** The highest series count per metric any change can reach. */
export function maxSeriesPerMetric(c: SyntheticConfig): number {
  switch (c.mode) {
    case 'default':
      return c.seriesCount;
    case 'double-halve':
      return c.seriesCount * 2;
    case 'spike':
      return Math.max(c.seriesCount, Math.floor(c.seriesCount * c.spikeMultiplier));
    case 'gradual-change':
      return c.maxSeriesCount;
  }
}

/** Series per metric after `changes` ticks of the series-change interval (avalanche's rules). */
export function seriesCountAt(c: SyntheticConfig, changes: number): number {
  switch (c.mode) {
    case 'default':
      return c.seriesCount;
    case 'double-halve':
      return changes % 2 === 1 ? c.seriesCount * 2 : c.seriesCount;
    case 'spike':
      return changes % 2 === 1 ? Math.floor(c.seriesCount * c.spikeMultiplier) : c.seriesCount;
    case 'gradual-change': {
      // avalanche: from the minimum up by the rate to the maximum, then down until below the
      // minimum (which it clamps to), and again. The walk returns to its start: only the
      // position in one period matters.
      const step = (n: number, up: boolean): [number, boolean] => {
        if (up) {
          const next = n + c.seriesChangeRate;
          return next >= c.maxSeriesCount ? [c.maxSeriesCount, false] : [next, true];
        }
        const next = n - c.seriesChangeRate;
        return next < c.minSeriesCount ? [c.minSeriesCount, true] : [next, false];
      };
      let period = 0;
      for (let n = c.minSeriesCount, up = true; ; ) {
        [n, up] = step(n, up);
        period++;
        if (n === c.minSeriesCount && up) break;
      }
      let n = c.minSeriesCount;
      let up = true;
      for (let k = 0; k < changes % period; k++) [n, up] = step(n, up);
      return n;
    }
  }
}

/** Where the target is at `elapsedMs` since the store began: cycles, value epoch, series count. */
export interface SyntheticTarget {
  readonly metricCycle: number;
  readonly seriesCycle: number;
  readonly valueEpoch: number;
  readonly seriesPerMetric: number;
}

export function targetAt(c: SyntheticConfig, elapsedMs: number): SyntheticTarget {
  const tick = (interval: number): number => (interval > 0 ? Math.floor(Math.max(0, elapsedMs) / interval) : 0);
  return {
    metricCycle: tick(c.metricIntervalMs),
    seriesCycle: tick(c.seriesIntervalMs),
    valueEpoch: tick(c.valueIntervalMs),
    seriesPerMetric: c.mode === 'default' ? c.seriesCount : seriesCountAt(c, tick(c.seriesChangeIntervalMs)),
  };
}
