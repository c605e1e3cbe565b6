/**
 * The synthetic target's generator (src/synthetic/), run in this thread against a real store
 * through the same `ctx.direct` the runtime gives it, with a clock the test moves: exact series
 * counts per type and label count, the names and labels avalanche uses, const labels, value,
 * series and metric churn (old series and metrics vanish), the operation modes, and memory
 * that stays flat across churn cycles.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { Registry } from '../../src/registry.js';
import { renderText } from '../../src/exposition/text.js';
import { createStateBuffer, DirectRun } from '../../src/runtime/direct.js';
import { Meta, ROW_FIELDS, Row } from '../../src/store/layout.js';
import { KEY_RAW } from '../../src/store/label-key.js';
import { seriesCountAt, syntheticConfig, targetAt, type SyntheticConfig } from '../../src/synthetic/config.js';
import { runGenerator, type GeneratorReport } from '../../src/synthetic/generator.js';

interface Target {
  registry: Registry;
  config: SyntheticConfig;
  /** Runs the generator at `elapsedMs` after the store began, until nothing is pending. */
  at(elapsedMs: number, budgetMs?: number): GeneratorReport;
  /** Sample lines of a text render, by metric name. */
  lines(): string[];
}

function target(options: Record<string, unknown>): Target {
  const registry = new Registry();
  const store = registry.store;
  const state = createStateBuffer();
  const config = syntheticConfig(options);
  let value = 0;
  return {
    registry,
    config,
    at(elapsedMs, budgetMs = 10_000) {
      for (;;) {
        const run = new DirectRun(store, state);
        const r = runGenerator(run.api(), config, { nowMs: store.createdAtMs + elapsedMs, budgetMs, random: () => value++ % 100 });
        run.close();
        if (!r.pending) return r;
      }
    },
    lines() {
      return renderText(registry.snapshotsNow())
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'));
    },
  };
}

const SYNTHETIC = /^synthetic_(gauge|counter|histogram|summary)_metric_/;

function seriesOf(lines: string[], kind: string): string[] {
  return lines.filter((l) => l.startsWith(`synthetic_${kind}_metric_`));
}

describe('synthetic: series', () => {
  it('series are stored as label values only (the declared labels match the label text, 12 labels sort as text)', () => {
    const t = target({ gaugeMetricCount: 2, seriesCount: 5, labelCount: 12, labelnameLength: 2 });
    t.at(0);
    const store = t.registry.store;
    const arena = store.arenaBuffer();
    const { start, order } = store.rowsByFamily();
    let checked = 0;
    for (let f = 0; f < store.familyCount(); f++) {
      if (!store.family(f).name.startsWith('synthetic_')) continue;
      for (let i = start[f]!; i < start[f + 1]!; i++) {
        const r = order[i]! * ROW_FIELDS;
        assert.notEqual(arena[store.rows[r + Row.KeyOffset]!], KEY_RAW, `row ${order[i]} of ${store.family(f).name} is stored raw`);
        checked++;
      }
    }
    assert.equal(checked, 10);
    assert.ok(t.lines().some((l) => /label_key_kk_1="label_val_vv_1",label_key_kk_10="label_val_vv_10",label_key_kk_11="label_val_vv_11",label_key_kk_2="/.test(l)), 'sorted as text');
  });

  it('serves exactly metric-count × series-count gauges, with avalanche\'s names and labels', () => {
    const t = target({ gaugeMetricCount: 3, seriesCount: 7, labelCount: 2, metricnameLength: 5, labelnameLength: 5 });
    t.at(0);
    const lines = t.lines();
    const gauges = seriesOf(lines, 'gauge');
    assert.equal(gauges.length, 21);
    assert.equal(lines.filter((l) => SYNTHETIC.test(l)).length, 21);
    assert.ok(gauges.includes(gauges.find((l) => l.startsWith('synthetic_gauge_metric_mmmmm_0_2{'))!));
    assert.match(
      gauges[0]!,
      /^synthetic_gauge_metric_mmmmm_0_0\{cycle_id="0",label_key_kkkkk_0="label_val_vvvvv_0",label_key_kkkkk_1="label_val_vvvvv_1",series_id="0"\} \d+$/,
    );
    const ids = new Set(gauges.map((l) => /series_id="(\d+)"/.exec(l)![1]));
    assert.deepEqual([...ids].sort((a, b) => Number(a) - Number(b)), ['0', '1', '2', '3', '4', '5', '6']);
  });

  it('counts each type, and label count and name lengths shape every series', () => {
    for (const labelCount of [0, 1, 3, 12]) {
      const t = target({
        gaugeMetricCount: 2,
        counterMetricCount: 3,
        histogramMetricCount: 2,
        summaryMetricCount: 1,
        histogramBucketCount: 4,
        summaryObjectiveCount: 3,
        seriesCount: 5,
        labelCount,
        metricnameLength: 2,
        labelnameLength: 1,
      });
      t.at(0);
      const lines = t.lines();
      assert.equal(seriesOf(lines, 'gauge').length, 2 * 5);
      assert.equal(seriesOf(lines, 'counter').length, 3 * 5);
      // A histogram series writes its buckets (+Inf included), _sum and _count.
      assert.equal(seriesOf(lines, 'histogram').length, 2 * 5 * (4 + 1 + 2));
      assert.equal(seriesOf(lines, 'histogram').filter((l) => /_count\{/.test(l)).length, 2 * 5);
      // A summary series writes its quantiles, _sum and _count.
      assert.equal(seriesOf(lines, 'summary').length, 1 * 5 * (3 + 2));
      assert.equal(seriesOf(lines, 'summary').filter((l) => /_count\{/.test(l)).length, 5);
      for (const l of lines.filter((x) => SYNTHETIC.test(x))) {
        assert.equal((l.match(/label_key_k_\d+="label_val_v_\d+"/g) ?? []).length, labelCount, l);
        assert.match(l, /^synthetic_[a-z]+_metric_mm_0_\d+/);
      }
      assert.ok(lines.some((l) => l.startsWith('synthetic_counter_metric_mm_0_2_total{')));
      assert.ok(lines.some((l) => /^synthetic_histogram_metric_mm_0_1_bucket\{.*le="0\.01"\}/.test(l)));
      assert.ok(lines.some((l) => /^synthetic_summary_metric_mm_0_0\{.*quantile="0\.66"\}/.test(l)));
    }
  });

  it('puts every const label on every series', () => {
    const t = target({ gaugeMetricCount: 2, counterMetricCount: 1, seriesCount: 4, labelCount: 1, constLabel: ['env=prod', 'team=a "b" \\c'] });
    t.at(0);
    const series = t.lines().filter((l) => SYNTHETIC.test(l));
    assert.equal(series.length, 12);
    for (const l of series) assert.match(l, /\{env="prod",team="a \\"b\\" \\\\c",cycle_id="0",/);
  });

  it('--synthetic.metric-count is the gauge count; the default is 500 gauges', () => {
    assert.equal(syntheticConfig({ metricCount: 7 }).metrics.gauge, 7);
    assert.equal(syntheticConfig({}).metrics.gauge, 500);
    assert.equal(syntheticConfig({ gaugeMetricCount: 3 }).metrics.gauge, 3);
  });

  it('builds a big target across runs that each stop at their time budget', () => {
    const t = target({ gaugeMetricCount: 4, seriesCount: 3000, labelCount: 1 });
    const store = t.registry.store;
    let runs = 0;
    // Budget 0: every run does one slice (256 series) and stops.
    const state = createStateBuffer();
    let r: GeneratorReport;
    do {
      const run = new DirectRun(store, state);
      r = runGenerator(run.api(), t.config, { nowMs: store.createdAtMs, budgetMs: 0 });
      run.close();
      runs++;
    } while (r.pending);
    assert.ok(runs > 10, `runs: ${runs}`);
    assert.equal(t.lines().filter((l) => SYNTHETIC.test(l)).length, 12_000);
  });
});

describe('synthetic: churn', () => {
  it('changes values at each value interval, not in between', () => {
    const t = target({ gaugeMetricCount: 1, counterMetricCount: 1, seriesCount: 3, labelCount: 0, valueInterval: '10s', seriesInterval: '0' });
    t.at(0);
    const first = t.lines().filter((l) => SYNTHETIC.test(l));
    t.at(5000);
    assert.deepEqual(t.lines().filter((l) => SYNTHETIC.test(l)), first);
    const r = t.at(10_000);
    assert.equal(r.valueEpoch, 1);
    const second = t.lines().filter((l) => SYNTHETIC.test(l));
    assert.notDeepEqual(second, first);
    // Counters only go up.
    const counters = (lines: string[]) => lines.filter((l) => l.startsWith('synthetic_counter')).map((l) => Number(l.split(' ')[1]));
    counters(second).forEach((v, i) => assert.ok(v >= counters(first)[i]!, `${v} < ${counters(first)[i]}`));
  });

  it('series churn: cycle_id moves on, the old series vanish, the count stays', () => {
    const t = target({ gaugeMetricCount: 2, histogramMetricCount: 1, seriesCount: 50, labelCount: 1, seriesInterval: '60s' });
    t.at(0);
    assert.equal(t.lines().filter((l) => l.includes('cycle_id="0"') && l.startsWith('synthetic_gauge')).length, 100);
    const r = t.at(60_000);
    assert.equal(r.seriesCycle, 1);
    const lines = t.lines().filter((l) => SYNTHETIC.test(l));
    assert.equal(lines.filter((l) => l.includes('cycle_id="0"')).length, 0, 'old series vanish');
    assert.equal(seriesOf(lines, 'gauge').filter((l) => l.includes('cycle_id="1"')).length, 100);
    assert.equal(seriesOf(lines, 'histogram').filter((l) => /_count\{.*cycle_id="1"/.test(l)).length, 50);
  });

  it('metric churn: the names move to the next cycle, the old metrics vanish, no family slot is used up', () => {
    const t = target({ gaugeMetricCount: 3, counterMetricCount: 1, seriesCount: 10, labelCount: 1, seriesInterval: '0', metricInterval: '120s' });
    t.at(0);
    const families = t.registry.store.familyCount();
    t.at(120_000);
    let lines = t.lines().filter((l) => SYNTHETIC.test(l));
    assert.equal(lines.length, 40);
    assert.ok(lines.every((l) => /^synthetic_(gauge|counter)_metric_mmmmm_1_\d/.test(l)), lines[0]);
    assert.equal(renderText(t.registry.snapshotsNow()).includes('_metric_mmmmm_0_'), false, 'no HELP/TYPE of old names either');
    t.at(240_000);
    lines = t.lines().filter((l) => SYNTHETIC.test(l));
    assert.ok(lines.every((l) => /_metric_mmmmm_2_\d/.test(l)));
    assert.equal(t.registry.store.familyCount(), families, 'families are renamed in place');
  });

  it('memory stays flat across churn cycles: rows and arena stop growing after the first', () => {
    // The store reuses a removed series' row two seconds (of Date.now()) after its removal.
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const t = target({ gaugeMetricCount: 4, seriesCount: 500, labelCount: 2, seriesInterval: '10s', metricInterval: '30s', valueInterval: '5s' });
    const store = t.registry.store;
    const sizes: { rows: number; arena: number; cells: number }[] = [];
    for (let cycle = 0; cycle <= 12; cycle++) {
      if (cycle > 0) mock.timers.tick(10_000);
      t.at(cycle * 10_000);
      sizes.push({ rows: store.meta[Meta.RowCount]!, arena: store.meta[Meta.ArenaUsed]!, cells: store.meta[Meta.NextCell]! });
      assert.equal(t.lines().filter((l) => SYNTHETIC.test(l)).length, 2000);
    }
    const later = sizes.slice(3);
    assert.ok(later.every((s) => s.rows === later[0]!.rows), `rows: ${sizes.map((s) => s.rows).join(' ')}`);
    assert.ok(later.every((s) => s.cells === later[0]!.cells), `cells: ${sizes.map((s) => s.cells).join(' ')}`);
    // Keys may need a little more room as cycle numbers get longer digits; nothing per cycle.
    assert.ok(later.at(-1)!.arena - later[0]!.arena < 4096, `arena: ${sizes.map((s) => s.arena).join(' ')}`);
    assert.ok(later[0]!.rows <= 2 * 2000 + 200, `rows: ${later[0]!.rows}`);
    mock.timers.reset();
  });
});

describe('synthetic: operation modes', () => {
  const base = { seriesCount: 100, seriesChangeInterval: '30s', minSeriesCount: 100, maxSeriesCount: 400, seriesChangeRate: 100, spikeMultiplier: 1.5 };

  it('follows avalanche\'s rules for the series count', () => {
    const dh = syntheticConfig({ ...base, seriesOperationMode: 'double-halve' });
    assert.deepEqual([0, 1, 2, 3].map((k) => seriesCountAt(dh, k)), [100, 200, 100, 200]);
    const spike = syntheticConfig({ ...base, seriesOperationMode: 'spike' });
    assert.deepEqual([0, 1, 2].map((k) => seriesCountAt(spike, k)), [100, 150, 100]);
    const gradual = syntheticConfig({ ...base, seriesOperationMode: 'gradual-change' });
    assert.deepEqual(
      Array.from({ length: 10 }, (_, k) => seriesCountAt(gradual, k)),
      [100, 200, 300, 400, 300, 200, 100, 100, 200, 300],
    );
    assert.equal(seriesCountAt(gradual, 7 + 7 * 1000), seriesCountAt(gradual, 7));
    assert.equal(targetAt(gradual, 95_000).seriesPerMetric, 400);
    assert.equal(seriesCountAt(syntheticConfig({ ...base, seriesOperationMode: 'default' }), 5), 100);
  });

  it('applies the counts: series are added, and removed past the count', () => {
    const t = target({ ...base, gaugeMetricCount: 2, labelCount: 0, seriesOperationMode: 'double-halve', seriesInterval: '0' });
    t.at(0);
    assert.equal(t.lines().filter((l) => SYNTHETIC.test(l)).length, 200);
    t.at(30_000);
    assert.equal(t.lines().filter((l) => SYNTHETIC.test(l)).length, 400);
    t.at(60_000);
    const lines = t.lines().filter((l) => SYNTHETIC.test(l));
    assert.equal(lines.length, 200);
    assert.ok(lines.every((l) => Number(/series_id="(\d+)"/.exec(l)![1]) < 100));
  });
});
