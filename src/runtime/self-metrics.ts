/**
 * The runtime's own metrics, on the main thread, named after node_exporter's
 * `node_scrape_collector_*`. Collectors cannot declare names under `atomic_exporter_`, and
 * write only to their own families, so nothing they do reaches these.
 *
 * Per-metric dropped series are `atomic_exporter_series_dropped_total{metric}`, which the
 * registry renders itself as soon as a metric has refused a series.
 */
import { Counter } from '../metrics/counter.js';
import { Gauge } from '../metrics/gauge.js';
import type { Registry } from '../registry.js';
import type { ReplacementReason } from './pool.js';

/** How a run ended. */
export type RunOutcome = 'ok' | 'nodata' | 'error' | 'timeout' | 'crash';
export const RUN_OUTCOMES: readonly RunOutcome[] = ['ok', 'nodata', 'error', 'timeout', 'crash'];

export class SelfMetrics {
  readonly #success: Gauge<'collector'>;
  readonly #duration: Gauge<'collector'>;
  readonly #lastSuccess: Gauge<'collector'>;
  readonly #runs: Counter<'collector' | 'result'>;
  readonly #missed: Counter<'collector'>;
  readonly #replacements: Counter<'reason'>;
  readonly #series: Gauge<'metric'>;
  #seriesNames = new Set<string>();

  constructor(registry: Registry, collectors: readonly string[], threads: () => number) {
    const registers = [registry];
    this.#success = new Gauge({
      name: 'atomic_exporter_collector_success',
      help: 'Whether the latest run of the collector succeeded (1) or not (0).',
      labelNames: ['collector'],
      registers,
    });
    this.#duration = new Gauge({
      name: 'atomic_exporter_collector_duration_seconds',
      help: 'How long the latest run of the collector took.',
      labelNames: ['collector'],
      registers,
    });
    this.#lastSuccess = new Gauge({
      name: 'atomic_exporter_collector_last_success_timestamp_seconds',
      help: "Unix time of the collector's latest successful run: its series hold the values sampled then, not at scrape time.",
      labelNames: ['collector'],
      registers,
    });
    this.#runs = new Counter({
      name: 'atomic_exporter_collector_runs_total',
      help: 'Runs of the collector by result: ok, nodata (nothing to report here), error (collect threw), timeout (cancelled at its timeout), crash (its thread died).',
      labelNames: ['collector', 'result'],
      registers,
    });
    this.#missed = new Counter({
      name: 'atomic_exporter_collector_missed_runs_total',
      help: 'Scheduled runs of the collector skipped because its previous run had not finished.',
      labelNames: ['collector'],
      registers,
    });
    this.#replacements = new Counter({
      name: 'atomic_exporter_worker_thread_replacements_total',
      help: 'Worker threads that ended and were replaced: timeout (ended by the runtime to cancel a run) or crash (exited or threw on their own).',
      labelNames: ['reason'],
      registers,
    });
    const threadGauge: Gauge = new Gauge({
      name: 'atomic_exporter_worker_threads',
      help: 'Worker threads in the collector pool.',
      registers,
      collect: () => threadGauge.set(threads()),
    });
    this.#series = new Gauge({
      name: 'atomic_exporter_metric_series',
      help: 'Series per metric in the registry (its limit is maxSeries; refused series are counted in atomic_exporter_series_dropped_total).',
      labelNames: ['metric'],
      registers,
      collect: () => this.#updateSeries(registry),
    });
    for (const collector of collectors) {
      for (const result of RUN_OUTCOMES) this.#runs.inc({ collector, result }, 0);
      this.#missed.inc({ collector }, 0);
    }
    for (const reason of ['timeout', 'crash'] as const) this.#replacements.inc({ reason }, 0);
  }

  /** Records a finished run. `durationMs` is what the run took as the runtime saw it. */
  recordRun(collector: string, outcome: RunOutcome, durationMs: number, atMs: number): void {
    this.#runs.inc({ collector, result: outcome });
    this.#success.set({ collector }, outcome === 'ok' ? 1 : 0);
    this.#duration.set({ collector }, durationMs / 1000);
    if (outcome === 'ok') this.#lastSuccess.set({ collector }, atMs / 1000);
  }

  recordMissed(collector: string, n: number): void {
    this.#missed.inc({ collector }, n);
  }

  recordReplacement(reason: ReplacementReason): void {
    this.#replacements.inc({ reason });
  }

  /** Runs at scrape time: O(metrics), sets the series gauge and removes metrics that are gone. */
  #updateSeries(registry: Registry): void {
    const now = new Set<string>();
    for (const c of registry.cardinality()) {
      // A declared family nobody wrote to yet costs a line per scrape and says nothing.
      if (c.series === 0 && c.dropped === 0) continue;
      now.add(c.metric);
      this.#series.set({ metric: c.metric }, c.series);
    }
    for (const name of this.#seriesNames) if (!now.has(name)) this.#series.remove({ metric: name });
    this.#seriesNames = now;
  }
}
