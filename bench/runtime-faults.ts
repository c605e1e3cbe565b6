/**
 * The collector runtime under faults (issue #3, "Speed"). Four scenarios, each in its own process:
 *
 * 1. faults: the four faulty collectors of the issue at once (throwing; hung in `for(;;){}`;
 *    `process.exit()`; burning CPU 90% of its interval) with healthy collectors and 2,000 bulk
 *    series, scraped on the main thread every 10–50 ms. Targets: scrape p99 ≤ 50 ms, max ≤ 250 ms;
 *    the healthy collectors keep their schedule; the process lives.
 * 2. saturation: scrape p99 with every pool thread busy vs. with the pool idle, same registry
 *    (10,000 series). Target: ratio ≤ 1.2.
 * 3. overhead: one run of a collector that does nothing, back to back: what scheduling and the
 *    hand-off cost. Target: < 0.2 ms.
 * 4. main thread: 20 collectors at 1 s intervals; main-thread busy time per second.
 *
 * A scrape's latency is counted from the moment it was due (its timer), so event-loop delay is
 * in it, as it would be for an HTTP request arriving then.
 *
 * `node --import tsx bench/runtime-faults.ts [--quick] [--out DIR]` → `<out>/runtime.json`
 */
import { benchOptions, fmtMs, fmtRatio, machineInfo, Progress, runInChild, writeResult, type BenchTarget } from './lib/index.js';
import type { FaultResult, MainThreadResult, OverheadResult, SaturationResult } from './runtime/workloads.js';

const opts = benchOptions();
const machine = machineInfo();
const started = performance.now();
const workloads = new URL('./runtime/workloads.ts', import.meta.url);
const FAULT_SECONDS = opts.quick ? 5 : 20;
const SAT_SECONDS = opts.quick ? 3 : 10;

const progress = new Progress('runtime', 4);
progress.tick(0, `faults (${FAULT_SECONDS} s)`);
const faults = await runInChild<FaultResult>(workloads, 'faultScenario', { seconds: FAULT_SECONDS, healthy: 4, bulkSeries: 2000 });
progress.tick(1, `saturation (2 × ${SAT_SECONDS} s)`);
const saturation = await runInChild<SaturationResult>(workloads, 'saturationScenario', { seconds: SAT_SECONDS, series: 10_000 });
progress.tick(1, 'overhead');
const overhead = await runInChild<OverheadResult>(workloads, 'overheadScenario', { runs: opts.quick ? 1000 : 5000 });
progress.tick(1, 'main thread, 20 collectors');
const main = await runInChild<MainThreadResult>(workloads, 'mainThreadScenario', { collectors: 20, seconds: opts.quick ? 5 : 10 });
progress.tick(1);
progress.done();

const ratio = saturation.loaded.latency.p99 / saturation.unloaded.latency.p99;
const worstSchedule = Math.min(...faults.healthy.map((h) => h.runs / h.expected));
const targets: BenchTarget[] = [
  { name: 'scrape p99 with the four faults', target: '≤ 50 ms', actual: fmtMs(faults.scrape.latency.p99), met: faults.scrape.latency.p99 <= 50 },
  { name: 'scrape max with the four faults', target: '≤ 250 ms', actual: fmtMs(faults.scrape.latency.max), met: faults.scrape.latency.max <= 250 },
  { name: 'healthy collectors keep their schedule (worst runs / due)', target: '≥ 0.9', actual: worstSchedule.toFixed(2), met: worstSchedule >= 0.9 },
  { name: 'scrape p99 loaded / unloaded (saturated pool)', target: '≤ 1.2', actual: fmtRatio(ratio), met: ratio <= 1.2 },
  { name: 'one run beyond its own work (round trip, p50)', target: '< 0.2 ms', actual: fmtMs(overhead.roundTrip.p50), met: overhead.roundTrip.p50 < 0.2 },
];

const row = (label: string, s: { p50: number; p99: number; max: number }, n: number) => [label, fmtMs(s.p50), fmtMs(s.p99), fmtMs(s.max), n];
const written = writeResult(opts.outDir, {
  name: 'runtime',
  title: 'Collector runtime: scrapes under faulty collectors',
  description:
    'Scrape latency (registry.metrics() on the main thread, counted from when the scrape was due) while collectors throw, hang, exit and burn CPU in the piscina pool; the pool saturated; the cost of a run; main-thread time for 20 collectors.',
  mode: opts.quick ? 'quick' : 'full',
  machine,
  durationMs: performance.now() - started,
  targets,
  tables: [
    {
      title: 'Scrape latency',
      columns: ['scenario', 'p50', 'p99', 'max', 'scrapes'],
      rows: [
        row(`4 faulty + ${faults.healthy.length} healthy + bulk (${faults.threads} threads)`, faults.scrape.latency, faults.scrape.scrapes),
        row(`pool idle, ${saturation.series} series`, saturation.unloaded.latency, saturation.unloaded.scrapes),
        row(`pool saturated (${saturation.threads} burners), ${saturation.series} series`, saturation.loaded.latency, saturation.loaded.scrapes),
      ],
      notes: [`loaded/unloaded p99: ${fmtRatio(ratio)}`],
    },
    {
      title: 'Healthy collectors during the faults',
      columns: ['collector', 'interval', 'runs', 'due', 'missed'],
      rows: faults.healthy.map((h) => [h.name, `${h.intervalMs} ms`, h.runs, h.expected, h.missed]),
      notes: [`thread replacements: ${faults.replacements.timeout} timeout, ${faults.replacements.crash} crash`],
    },
    {
      title: 'Cost of the runtime',
      columns: ['measure', 'value'],
      rows: [
        ['no-op run, round trip p50 / p99', `${fmtMs(overhead.roundTrip.p50)} / ${fmtMs(overhead.roundTrip.p99)}`],
        ['no-op run, in the worker p50', fmtMs(overhead.inWorker.p50)],
        ['no-op run, main-thread busy time', fmtMs(overhead.mainCpuPerRunMs)],
        [`main thread, ${main.collectors} collectors at 1 s`, `${main.mainMsPerSecond.toFixed(2)} ms/s (${main.runs} runs in ${main.seconds.toFixed(1)} s)`],
        [`process CPU (all threads), same`, `${main.processCpuMsPerSecond.toFixed(1)} ms/s`],
      ],
    },
  ],
  notes: [
    'Run under tsx: pool threads compile their TypeScript when they start, so each replacement of a dead thread costs more CPU than with the compiled build.',
    'Pool threads run at nice +5 (piscina niceIncrement) so collectors yield the CPU to the main thread.',
  ],
  data: { faults, saturation, overhead, main },
});
for (const t of targets) console.log(`${t.met ? 'ok  ' : 'MISS'} ${t.name}: ${t.actual} (target ${t.target})`);
console.log(`main thread with ${main.collectors} collectors at 1 s: ${main.mainMsPerSecond.toFixed(2)} ms/s`);
console.log(`wrote ${written.json}`);
