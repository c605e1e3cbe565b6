/**
 * The synthetic collector: an avalanche-style (prometheus-community/avalanche) high-cardinality
 * target for load-testing Prometheus, remote-write stores and collectors. Off by default
 * (`--collector.synthetic`); its knobs are the `--synthetic.*` flags (src/synthetic/config.ts).
 *
 * It generates `synthetic_<type>_metric_mmmmm_<cycle>_<id>` metrics, each with
 * `--synthetic.series-count` series labelled `series_id`, `cycle_id` and
 * `label_key_kkkkk_N="label_val_vvvvv_N"`, in the shared store, from the pool thread that runs
 * it (`ctx.direct`: too many series to stage); values, series and metric names churn at their
 * intervals. Each run does what is due within a time budget and leaves the rest to the next
 * run (src/synthetic/generator.ts), so the collector runs every second by default and a run is
 * short whatever the series count.
 *
 * Besides the generated metrics it reports where it is:
 * `synthetic_series{type}` (series the target serves once pending changes are applied),
 * `synthetic_changes_pending` (1 while a change is still being applied) and
 * `synthetic_cycle{kind="metric"|"series"|"value"}` (the cycles applied).
 */
import { defineCollector } from '../src/collector/define.js';
import { KINDS, SYNTHETIC_OPTIONS, syntheticConfig, type SyntheticConfig } from '../src/synthetic/config.js';
import { runGenerator, seriesByKind } from '../src/synthetic/generator.js';

let config: { options: Readonly<Record<string, unknown>>; config: SyntheticConfig } | undefined;

export default defineCollector({
  name: 'synthetic',
  help: 'avalanche-style synthetic series for load tests',
  defaultEnabled: false,
  intervalMs: 1000,
  timeoutMs: 1000,
  options: SYNTHETIC_OPTIONS,
  metrics: {
    series: {
      type: 'gauge',
      name: 'synthetic_series',
      help: 'Series of the synthetic target by metric type, once pending changes are applied (histogram and summary series count once).',
      labelNames: ['type'],
    },
    pending: {
      type: 'gauge',
      name: 'synthetic_changes_pending',
      help: 'Whether a change of the synthetic target (new values, series or metric names) is still being applied: 1, or 0 once scrapes show it whole.',
    },
    cycle: {
      type: 'gauge',
      name: 'synthetic_cycle',
      help: 'The cycles the synthetic target has applied: metric (in the metric names), series (cycle_id) and value (value changes since start).',
      labelNames: ['kind'],
    },
  },
  collect({ metrics, options, direct, signal }) {
    if (direct === undefined) throw new Error('the synthetic collector needs the collector runtime (ctx.direct)');
    if (config?.options !== options) config = { options, config: syntheticConfig(options) };
    const c = config.config;
    const r = runGenerator(direct, c, { signal });
    const series = seriesByKind(c, r.target.seriesPerMetric);
    for (const type of KINDS) metrics.series.set({ type }, series[type]);
    metrics.pending.set(r.pending ? 1 : 0);
    metrics.cycle.set({ kind: 'metric' }, Math.max(0, r.metricCycle));
    metrics.cycle.set({ kind: 'series' }, Math.max(0, r.seriesCycle));
    metrics.cycle.set({ kind: 'value' }, Math.max(0, r.valueEpoch));
  },
});
