/**
 * The runtime bench's scenarios, each run in a child process of its own (bench/lib runInChild):
 * a collector runtime, generated collector files, and a scrape loop on the main thread
 * (`await registry.metrics()`, what /metrics does, minus the socket).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createRuntime, discoverCollectors, type CollectorRuntime } from '../../src/runtime/index.js';
import type { Registry } from '../../src/registry.js';
import { sleep, stats, type Stats } from '../lib/index.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/collectors/', import.meta.url));
const silent = pino({ level: 'silent' });

/** Writes collector files (plain .mjs, no build) into a fresh temp folder. */
function collectorDir(files: Record<string, string>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ae-bench-collectors-'));
  for (const [name, source] of Object.entries(files)) writeFileSync(path.join(dir, name), source);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const healthy = (name: string, intervalMs: number) => `export default {
  name: '${name}', intervalMs: ${intervalMs},
  metrics: {
    runs: { type: 'counter', name: '${name}_runs_total', help: 'Runs.' },
    last: { type: 'gauge', name: '${name}_last_run_seconds', help: 'Last run.' },
  },
  collect({ metrics }) { metrics.runs.inc(); metrics.last.set(Date.now() / 1000); },
};
`;

const bulk = (name: string, series: number, intervalMs: number) => `export default {
  name: '${name}', intervalMs: ${intervalMs},
  metrics: { g: { type: 'gauge', name: '${name}_value', help: 'Bulk series.', labelNames: ['i', 'shard'] } },
  collect({ metrics }) { for (let i = 0; i < ${series}; i++) metrics.g.set({ i: String(i), shard: String(i % 16) }, Math.random()); },
};
`;

const burner = (name: string, intervalMs: number, share: number) => `export default {
  name: '${name}', intervalMs: ${intervalMs}, timeoutMs: ${intervalMs},
  metrics: { spins: { type: 'counter', name: '${name}_spins_total', help: 'Spins.' } },
  collect({ metrics }) { const until = performance.now() + ${intervalMs * share}; let n = 0; while (performance.now() < until) n++; metrics.spins.inc(n); },
};
`;

const noop = (name: string, intervalMs: number, gauges: number) => `export default {
  name: '${name}', intervalMs: ${intervalMs},
  metrics: { g: { type: 'gauge', name: '${name}_value', help: 'Values.', labelNames: ['i'] } },
  collect({ metrics }) { for (let i = 0; i < ${gauges}; i++) metrics.g.set({ i: String(i) }, i); },
};
`;

export interface ScrapeSamples {
  /** From the moment the scrape was due (timer) to the text rendered: includes event-loop delay. */
  latency: Stats;
  /** The `registry.metrics()` call alone. */
  render: Stats;
  scrapes: number;
  bytes: number;
}

/** Scrapes every 10–50 ms (random) for `ms`. */
async function scrapeLoop(registry: Registry, ms: number): Promise<ScrapeSamples> {
  const latency: number[] = [];
  const render: number[] = [];
  let bytes = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const gap = 10 + Math.random() * 40;
    const due = performance.now() + gap;
    await sleep(gap);
    const t0 = performance.now();
    const text = await registry.metrics();
    const t1 = performance.now();
    latency.push(t1 - Math.max(due, t0 - 1000));
    render.push(t1 - t0);
    bytes = text.length;
  }
  return { latency: stats(latency), render: stats(render), scrapes: latency.length, bytes };
}

function counterValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

export interface FaultResult {
  scrape: ScrapeSamples;
  seconds: number;
  threads: number;
  /** Per healthy collector: runs done / runs its interval asks for, over the window. */
  healthy: { name: string; intervalMs: number; runs: number; expected: number; missed: number }[];
  outcomes: Record<string, Record<string, number>>;
  replacements: { timeout: number; crash: number };
  processAlive: true;
}

/** The four faulty fixtures (throwing, hung, exiting, burner) plus healthy collectors and a bulk one. */
export async function faultScenario(args: { seconds: number; healthy: number; bulkSeries: number }): Promise<FaultResult> {
  const files: Record<string, string> = { 'bulk.mjs': bulk('bulk', args.bulkSeries, 1000) };
  for (let i = 0; i < args.healthy; i++) files[`healthy${i}.mjs`] = healthy(`healthy${i}`, 250);
  const gen = collectorDir(files);
  const faulty = ['throwing', 'hung', 'exiting', 'burner'].map((n) => path.join(FIXTURES, `${n}.ts`));
  const rt = await createRuntime({ collectors: await discoverCollectors({ dirs: [gen.dir], files: faulty, builtin: false }), logger: silent });
  try {
    rt.start();
    await rt.whenReady();
    await sleep(1000);
    const before = await rt.registry.metrics();
    const t0 = performance.now();
    const scrape = await scrapeLoop(rt.registry, args.seconds * 1000);
    const seconds = (performance.now() - t0) / 1000;
    const after = await rt.registry.metrics();
    const runs = (t: string, c: string, r: string) => counterValue(t, `atomic_exporter_collector_runs_total{collector="${c}",result="${r}"}`);
    const healthyOut = [];
    for (let i = 0; i < args.healthy; i++) {
      const name = `healthy${i}`;
      healthyOut.push({
        name,
        intervalMs: 250,
        runs: runs(after, name, 'ok') - runs(before, name, 'ok'),
        expected: Math.floor((seconds * 1000) / 250),
        missed: counterValue(after, `atomic_exporter_collector_missed_runs_total{collector="${name}"}`) - counterValue(before, `atomic_exporter_collector_missed_runs_total{collector="${name}"}`),
      });
    }
    const outcomes: Record<string, Record<string, number>> = {};
    for (const c of rt.collectors) {
      outcomes[c.name] = {};
      for (const r of ['ok', 'nodata', 'error', 'timeout', 'crash']) outcomes[c.name]![r] = runs(after, c.name, r);
    }
    return {
      scrape,
      seconds,
      threads: rt.threads,
      healthy: healthyOut,
      outcomes,
      replacements: {
        timeout: counterValue(after, 'atomic_exporter_worker_thread_replacements_total{reason="timeout"}'),
        crash: counterValue(after, 'atomic_exporter_worker_thread_replacements_total{reason="crash"}'),
      },
      processAlive: true,
    };
  } finally {
    await rt.stop();
    gen.remove();
  }
}

export interface SaturationResult {
  series: number;
  threads: number;
  unloaded: ScrapeSamples;
  loaded: ScrapeSamples;
  burnerRuns: number;
}

/**
 * Scrape latency with the pool idle, then with every pool thread busy (one CPU burner per
 * thread, 95% of its interval), over the same registry (`series` collector series).
 */
export async function saturationScenario(args: { seconds: number; series: number }): Promise<SaturationResult> {
  const threads = Math.max(4, 2 * os.availableParallelism());
  const files: Record<string, string> = { 'bulk.mjs': bulk('bulk', args.series, 3_600_000) };
  for (let i = 0; i < threads; i++) files[`burn${i}.mjs`] = burner(`burn${i}`, 200, 0.95);
  const gen = collectorDir(files);
  let rt: CollectorRuntime | undefined;
  try {
    rt = await createRuntime({ collectors: await discoverCollectors({ dirs: [gen.dir], builtin: false }), threads, logger: silent });
    // Every collector runs once (bulk fills the registry, threads warm up), then the pool is idle.
    await rt.collectOnce();
    await sleep(500);
    const unloaded = await scrapeLoop(rt.registry, args.seconds * 1000);
    rt.start();
    await sleep(1000);
    const loaded = await scrapeLoop(rt.registry, args.seconds * 1000);
    const text = await rt.registry.metrics();
    let burnerRuns = 0;
    for (let i = 0; i < threads; i++) burnerRuns += counterValue(text, `atomic_exporter_collector_runs_total{collector="burn${i}",result="ok"}`);
    return { series: args.series, threads, unloaded, loaded, burnerRuns };
  } finally {
    await rt?.stop();
    gen.remove();
  }
}

export interface OverheadResult {
  runs: number;
  /** Main thread: submit → result, for a collector whose collect() does nothing. */
  roundTrip: Stats;
  /** Inside the worker: the task from start to result (stage, collect, claim, apply). */
  inWorker: Stats;
  /** Main-thread busy time per run (event-loop utilisation over the loop / runs). */
  mainCpuPerRunMs: number;
}

/** The cost of one run beyond the collector's own work: a no-op collector, run back to back. */
export async function overheadScenario(args: { runs: number }): Promise<OverheadResult> {
  const gen = collectorDir({ 'noop.mjs': noop('noop', 3_600_000, 0) });
  const rt = await createRuntime({ collectors: await discoverCollectors({ dirs: [gen.dir], builtin: false }), threads: 1, logger: silent });
  try {
    for (let i = 0; i < 200; i++) await rt.collectOnce();
    const roundTrip: number[] = [];
    const inWorker: number[] = [];
    const elu0 = performance.eventLoopUtilization();
    for (let i = 0; i < args.runs; i++) {
      const t0 = performance.now();
      const [r] = await rt.collectOnce();
      roundTrip.push(performance.now() - t0);
      inWorker.push(r!.durationMs);
    }
    const elu = performance.eventLoopUtilization(elu0);
    return { runs: args.runs, roundTrip: stats(roundTrip), inWorker: stats(inWorker), mainCpuPerRunMs: elu.active / args.runs };
  } finally {
    await rt.stop();
    gen.remove();
  }
}

export interface MainThreadResult {
  collectors: number;
  seconds: number;
  runs: number;
  /** Main-thread busy ms per second (event-loop utilisation × 1000). */
  mainMsPerSecond: number;
  /** Whole process CPU (all threads) ms per second. */
  processCpuMsPerSecond: number;
}

/** What the main thread spends per second with N collectors at 1 s intervals (10 gauges each). */
export async function mainThreadScenario(args: { collectors: number; seconds: number }): Promise<MainThreadResult> {
  const files: Record<string, string> = {};
  for (let i = 0; i < args.collectors; i++) files[`c${i}.mjs`] = noop(`c${String(i).padStart(2, '0')}`, 1000, 10);
  const gen = collectorDir(files);
  const rt = await createRuntime({ collectors: await discoverCollectors({ dirs: [gen.dir], builtin: false }), logger: silent });
  try {
    rt.start();
    await rt.whenReady();
    await sleep(2000);
    const runs0 = rt.collectors.reduce((a, c) => a + c.runs, 0);
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(args.seconds * 1000);
    const seconds = (performance.now() - t0) / 1000;
    const elu = performance.eventLoopUtilization(elu0);
    const cpu = process.cpuUsage(cpu0);
    return {
      collectors: args.collectors,
      seconds,
      runs: rt.collectors.reduce((a, c) => a + c.runs, 0) - runs0,
      mainMsPerSecond: elu.active / seconds,
      processCpuMsPerSecond: (cpu.user + cpu.system) / 1000 / seconds,
    };
  } finally {
    await rt.stop();
    gen.remove();
  }
}
