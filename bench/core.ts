/**
 * The metric core against prom-client 15 (issue #2 "Speed and memory", issue #7 "Bench suite"):
 *
 * 1. Counters with 3 labels at 10k / 100k / 500k / 1M series: `registry.metrics()` time and the
 *    memory retained per series, ours and prom-client's, each in a fresh process.
 * 2. Histograms, 100k series × 11 buckets: the same.
 * 3. Updates per second from 1, 2 and 4 worker threads: our `inc(labels)` and `labels(...)` child
 *    against plain `Atomics.add` (the limit) and prom-client in one thread.
 *
 * `node --import tsx bench/core.ts [--quick] [--out DIR]`
 */
import {
  benchOptions,
  stats,
  fmtBytes,
  fmtCount,
  fmtMs,
  fmtRate,
  fmtRatio,
  machineInfo,
  Progress,
  runInChild,
  writeResult,
  type BarChart,
  type BenchTable,
  type BenchTarget,
} from './lib/index.js';
import type { Impl, Kind, RenderArgs, RenderResult } from './core/workloads.js';
import type { UpdateArgs, UpdateResult } from './core/updates.js';
import type { Variant } from './core/update-shared.js';

const opts = benchOptions();
const machine = machineInfo();
const started = performance.now();

const TARGET_SERIES = opts.quick ? 20_000 : 500_000;
const COUNTER_SIZES = opts.quick ? [2_000, TARGET_SERIES] : [10_000, 100_000, TARGET_SERIES, 1_000_000];
const HISTOGRAM_SERIES = opts.quick ? 5_000 : 100_000;
const THREADS = [1, 2, 4];
const UPDATE = opts.quick ? { durationMs: 200, warmupMs: 100, trials: 1 } : { durationMs: 1000, warmupMs: 300, trials: 5 };
const IMPLS: Impl[] = ['ours', 'prom-client'];
/**
 * Each (library, size) runs this many times, alternating ours / prom-client, in fresh processes;
 * the samples are pooled. On a shared machine this spreads other work's load over both.
 */
const ROUNDS = opts.quick ? 1 : 2;

function repeatsFor(series: number): { warmup: number; repeat: number } {
  if (opts.quick) return { warmup: 1, repeat: 3 };
  if (series <= 10_000) return { warmup: 5, repeat: 30 };
  if (series <= 100_000) return { warmup: 3, repeat: 10 };
  return { warmup: 3, repeat: 7 };
}

const updateConfigs: { variant: Variant; threads: number }[] = [];
for (const threads of THREADS) {
  for (const variant of ['atomics-own', 'atomics-shared', 'ours-inc', 'ours-child'] as Variant[]) updateConfigs.push({ variant, threads });
}
updateConfigs.push({ variant: 'prom-inc', threads: 1 }, { variant: 'prom-child', threads: 1 });

const renderRuns: RenderArgs[] = [];
for (const series of COUNTER_SIZES) for (let round = 0; round < ROUNDS; round++) for (const impl of IMPLS) renderRuns.push({ impl, kind: 'counter', series, ...repeatsFor(series) });
for (let round = 0; round < ROUNDS; round++) for (const impl of IMPLS) renderRuns.push({ impl, kind: 'histogram', series: HISTOGRAM_SERIES, ...repeatsFor(HISTOGRAM_SERIES) });

const progress = new Progress('core', renderRuns.length + updateConfigs.length * UPDATE.trials);
const renders: RenderResult[] = [];
for (const run of renderRuns) {
  progress.note(`${run.impl} ${fmtCount(run.series)} ${run.kind}s`);
  // Large heaps for prom-client at 1M series; both get the same flag.
  renders.push(await runInChild<RenderResult>(new URL('./core/workloads.ts', import.meta.url), 'renderScenario', run, { execArgv: ['--max-old-space-size=8192'] }));
  const r = renders[renders.length - 1]!;
  progress.tick(1);
  progress.log(`${run.impl.padEnd(11)} ${fmtCount(run.series).padStart(5)} ${run.kind}s: render ${fmtMs(r.render.median)}, ${fmtBytes(r.memSteady.total / run.series)}/series`);
}
// Trials go round-robin over the configurations (one trial per fresh process), so a burst of
// other load on the machine hits one trial of many configurations, not every trial of one.
const trialRuns: UpdateResult[] = [];
for (let trial = 0; trial < UPDATE.trials; trial++) {
  for (const c of updateConfigs) {
    progress.note(`trial ${trial + 1}/${UPDATE.trials}: ${c.variant} × ${c.threads} thread(s)`);
    const args: UpdateArgs = { ...c, ...UPDATE, trials: 1 };
    trialRuns.push(await runInChild<UpdateResult>(new URL('./core/updates.ts', import.meta.url), 'runUpdates', args));
    progress.tick(1);
  }
}
const updates: UpdateResult[] = updateConfigs.map((c) => {
  const runs = trialRuns.filter((u) => u.variant === c.variant && u.threads === c.threads);
  const rates = runs.map((u) => u.opsPerSecond);
  const exact = runs[0]!.exact === undefined ? undefined : runs.every((u) => u.exact);
  return { ...c, ...UPDATE, opsPerSecond: stats(rates).median, trialsOpsPerSecond: rates, exact };
});
progress.done();

// ---- tables -------------------------------------------------------------------------------

/** The rounds of one (library, kind, size) merged: render samples pooled, memory averaged. */
function find(impl: Impl, kind: Kind, series: number): RenderResult {
  const rs = renders.filter((r) => r.impl === impl && r.kind === kind && r.series === series);
  const samples = rs.flatMap((r) => r.render.samples);
  const mean = <K extends keyof RenderResult['memSteady']>(which: 'memBuild' | 'memSteady', k: K): number => rs.reduce((a, r) => a + r[which][k], 0) / rs.length;
  const mem = (which: 'memBuild' | 'memSteady') => {
    const keys = Object.keys(rs[0]![which]) as (keyof RenderResult['memSteady'])[];
    return Object.fromEntries(keys.map((k) => [k, mean(which, k)])) as unknown as RenderResult['memSteady'];
  };
  return { ...rs[0]!, buildMs: stats(rs.map((r) => r.buildMs)).median, render: { ...stats(samples), samples }, memBuild: mem('memBuild'), memSteady: mem('memSteady') };
}
const perSeries = (r: RenderResult, field: 'heapUsed' | 'total' | 'rss'): number => r.memSteady[field] / r.series;

function renderTable(kind: Kind, sizes: number[], title: string): BenchTable {
  return {
    title,
    columns: ['series', 'ours median', 'ours p99', 'prom-client median', 'prom-client p99', 'speedup (medians)', 'speedup (fastest runs)', 'create series: ours', 'create series: prom-client', 'output', 'same output size'],
    rows: sizes.map((n) => {
      const o = find('ours', kind, n);
      const p = find('prom-client', kind, n);
      return [fmtCount(n), fmtMs(o.render.median), fmtMs(o.render.p99), fmtMs(p.render.median), fmtMs(p.render.p99), fmtRatio(p.render.median / o.render.median), fmtRatio(p.render.min / o.render.min), fmtMs(o.buildMs), fmtMs(p.buildMs), fmtBytes(o.outputBytes), o.outputBytes === p.outputBytes && o.lines === p.lines ? 'yes' : `no (${p.outputBytes} B)`];
    }),
    notes: [
      `${ROUNDS} fresh process(es) per library and size, alternating, each timing ${sizes.map((n) => `${repeatsFor(n).repeat} renders at ${fmtCount(n)}`).join(', ')} after warmup; samples pooled. \`await registry.metrics()\` in the text format. ` +
        'Speedup = prom-client time / our time; "fastest runs" compares the minimum of each, the least disturbed by other load on the machine.',
    ],
  };
}

function memoryTable(kind: Kind, sizes: number[], title: string): BenchTable {
  return {
    title,
    columns: ['series', 'ours heap', 'ours total (heap + external + SAB)', 'ours RSS', 'prom-client heap', 'prom-client total (heap + external)', 'prom-client RSS', 'ours total / prom-client total'],
    rows: sizes.map((n) => {
      const o = find('ours', kind, n);
      const p = find('prom-client', kind, n);
      const b = (v: number) => v.toFixed(0) + ' B';
      return [fmtCount(n), b(perSeries(o, 'heapUsed')), b(perSeries(o, 'total')), b(perSeries(o, 'rss')), b(perSeries(p, 'heapUsed')), b(perSeries(p, 'total')), b(perSeries(p, 'rss')), fmtRatio(perSeries(o, 'total') / perSeries(p, 'total'))];
    }),
    notes: [
      'Bytes per series retained after creating the series and rendering them (steady state of a scraped exporter), after full GCs, each library in a fresh process. ' +
        'Our values live in growable SharedArrayBuffers, which Node does not count in `external`: "total" adds their full byte length (grown capacity, the conservative figure). RSS counts only touched pages and includes freed-but-not-returned heap.',
    ],
  };
}

const ups = (v: Variant, t: number): UpdateResult | undefined => updates.find((u) => u.variant === v && u.threads === t);
const VARIANT_NAMES: Record<Variant, string> = {
  'atomics-own': 'Atomics.add, a cell per thread (the limit)',
  'atomics-shared': 'Atomics.add, one shared cell',
  'ours-inc': 'ours: counter.inc(labels)',
  'ours-child': 'ours: counter.labels(...).inc()',
  'prom-inc': 'prom-client: counter.inc(labels)',
  'prom-child': 'prom-client: counter.labels(...).inc()',
};
const updateTable: BenchTable = {
  title: 'Counter updates per second (all threads together)',
  columns: ['variant', ...THREADS.map((t) => `${t} thread${t > 1 ? 's' : ''}`), 'vs the limit (1 / 2 / 4 threads)', 'vs prom-client, same call, 1 thread', 'exact count'],
  rows: (Object.keys(VARIANT_NAMES) as Variant[]).map((v) => {
    const byT = THREADS.map((t) => ups(v, t));
    const limit = THREADS.map((t) => ups('atomics-own', t)!.opsPerSecond);
    const prom = v === 'ours-inc' ? ups('prom-inc', 1) : v === 'ours-child' ? ups('prom-child', 1) : undefined;
    return [
      VARIANT_NAMES[v],
      ...byT.map((u) => (u ? fmtRate(u.opsPerSecond) : '–')),
      byT.map((u, i) => (u ? ((100 * u.opsPerSecond) / limit[i]!).toFixed(0) + '%' : '–')).join(' / '),
      prom ? fmtRatio(byT[0]!.opsPerSecond / prom.opsPerSecond) : '–',
      byT[0]?.exact === undefined ? '–' : byT.every((u) => u?.exact) ? 'yes' : '**no**',
    ];
  }),
  notes: [
    `Each thread increments one series (3 labels) of one counter for ${UPDATE.durationMs} ms after a ${UPDATE.warmupMs} ms warmup; median of ${UPDATE.trials} trial(s), each in a fresh process, taken round-robin over all rows. ` +
      `prom-client cannot share a counter between threads, so it runs in one thread. "exact count": the rendered counter equals the increments made. ` +
      `The machine has ${machine.cores} cores: 4 threads are oversubscribed.`,
  ],
};

// ---- targets ------------------------------------------------------------------------------

const o500 = find('ours', 'counter', TARGET_SERIES);
const p500 = find('prom-client', 'counter', TARGET_SERIES);
const speedup = p500.render.median / o500.render.median;
const memRatio = perSeries(o500, 'total') / perSeries(p500, 'total');
const targets: BenchTarget[] = [
  { name: `registry.metrics(), ${fmtCount(TARGET_SERIES)} counters × 3 labels`, target: '≥ 10× faster than prom-client', actual: `${fmtRatio(speedup)} (${fmtMs(o500.render.median)} vs ${fmtMs(p500.render.median)})`, met: speedup >= 10 },
  { name: `memory per series, ${fmtCount(TARGET_SERIES)} counters × 3 labels`, target: '≤ 0.5× prom-client', actual: `${fmtRatio(memRatio)} (${perSeries(o500, 'total').toFixed(0)} B vs ${perSeries(p500, 'total').toFixed(0)} B)`, met: memRatio <= 0.5 },
];

// ---- charts -------------------------------------------------------------------------------

const charts: BarChart[] = [
  {
    title: 'registry.metrics(): counters with 3 labels',
    subtitle: 'median render time, lower is better (log scale)',
    log: true,
    groups: COUNTER_SIZES.map((n) => ({
      label: `${fmtCount(n)} series`,
      bars: IMPLS.map((impl) => ({ series: impl, value: find(impl, 'counter', n).render.median, text: fmtMs(find(impl, 'counter', n).render.median) })),
    })),
  },
  {
    title: 'Memory per counter series',
    subtitle: 'bytes retained per series after creating and rendering, lower is better',
    groups: COUNTER_SIZES.map((n) => ({
      label: `${fmtCount(n)} series`,
      bars: [
        { series: 'ours (heap only)', value: perSeries(find('ours', 'counter', n), 'heapUsed'), text: perSeries(find('ours', 'counter', n), 'heapUsed').toFixed(0) + ' B' },
        { series: 'ours', value: perSeries(find('ours', 'counter', n), 'total'), text: perSeries(find('ours', 'counter', n), 'total').toFixed(0) + ' B' },
        { series: 'prom-client', value: perSeries(find('prom-client', 'counter', n), 'total'), text: perSeries(find('prom-client', 'counter', n), 'total').toFixed(0) + ' B' },
      ],
    })),
  },
  {
    title: `Histograms: ${fmtCount(HISTOGRAM_SERIES)} series × 11 buckets, registry.metrics()`,
    subtitle: 'median render time, lower is better',
    groups: [{ label: `${fmtCount(HISTOGRAM_SERIES)} series`, bars: IMPLS.map((impl) => ({ series: impl, value: find(impl, 'histogram', HISTOGRAM_SERIES).render.median, text: fmtMs(find(impl, 'histogram', HISTOGRAM_SERIES).render.median) })) }],
  },
  {
    title: `Histograms: ${fmtCount(HISTOGRAM_SERIES)} series × 11 buckets, memory per series`,
    subtitle: 'bytes retained per series after creating and rendering, lower is better',
    groups: [
      {
        label: `${fmtCount(HISTOGRAM_SERIES)} series`,
        bars: [
          { series: 'ours (heap only)', value: perSeries(find('ours', 'histogram', HISTOGRAM_SERIES), 'heapUsed'), text: perSeries(find('ours', 'histogram', HISTOGRAM_SERIES), 'heapUsed').toFixed(0) + ' B' },
          ...IMPLS.map((impl) => ({ series: impl, value: perSeries(find(impl, 'histogram', HISTOGRAM_SERIES), 'total'), text: perSeries(find(impl, 'histogram', HISTOGRAM_SERIES), 'total').toFixed(0) + ' B' })),
        ],
      },
    ],
  },
  {
    title: 'Counter updates per second',
    subtitle: 'all threads together, higher is better (log scale); prom-client runs in 1 thread only',
    log: true,
    groups: THREADS.map((t) => ({
      label: `${t} thread${t > 1 ? 's' : ''}`,
      bars: (Object.keys(VARIANT_NAMES) as Variant[]).filter((v) => ups(v, t)).map((v) => ({ series: VARIANT_NAMES[v], value: ups(v, t)!.opsPerSecond, text: fmtRate(ups(v, t)!.opsPerSecond) })),
    })),
  },
];

const written = writeResult(
  opts.outDir,
  {
    name: 'core',
    title: 'Metric core vs prom-client 15',
    description: 'Render time, memory per series and update throughput of the metric core (issue #2), with prom-client 15.1.3 through its own API and plain `Atomics.add` in the same run.',
    mode: opts.quick ? 'quick' : 'full',
    machine,
    durationMs: performance.now() - started,
    targets,
    tables: [
      renderTable('counter', COUNTER_SIZES, 'registry.metrics(): counters with 3 labels'),
      memoryTable('counter', COUNTER_SIZES, 'Memory per series: counters with 3 labels'),
      renderTable('histogram', [HISTOGRAM_SERIES], `registry.metrics(): histograms, 3 labels, 11 buckets`),
      memoryTable('histogram', [HISTOGRAM_SERIES], 'Memory per series: histograms, 3 labels, 11 buckets'),
      updateTable,
    ],
    notes: [`Load average at the start: ${machine.loadavg.join(' / ')} on ${machine.cores} cores; other work on the machine shows as noise, mostly in the p99 columns.`],
    data: { renders, updates },
  },
  charts,
);
for (const t of targets) console.log(`${t.met ? 'met ' : 'MISS'} ${t.name}: ${t.actual} (goal ${t.target})`);
console.log(`results: ${written.json}\n         ${written.svg}\n         ${written.summary}`);
