/**
 * The runtime bench's scenarios, each run in a child process of its own (bench/lib runInChild):
 * a collector runtime, generated collector files, and a scrape loop on the main thread (what
 * /metrics does, minus the socket; or `registry.metrics()`: ScrapePath).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import pino from 'pino';
import { createRuntime, discoverCollectors, type CpuSetting } from '../../src/runtime/index.js';
import { formatCpuList } from '../../src/runtime/affinity.js';
import type { Registry } from '../../src/registry.js';
import { SharedRenders } from '../../src/server/shared-render.js';
import { sleep, stats, type Stats } from '../lib/index.js';
import { xorshift32 } from '../../test/support/xorshift.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/collectors/', import.meta.url));
/** `.ts` from source (under tsx), `.js` from the compiled copy (bench/runtime/compiled.ts). */
const FIXTURE_EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
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

const noop = (name: string, intervalMs: number, gauges: number) => `export default {
  name: '${name}', intervalMs: ${intervalMs},
  metrics: { g: { type: 'gauge', name: '${name}_value', help: 'Values.', labelNames: ['i'] } },
  collect({ metrics }) { for (let i = 0; i < ${gauges}; i++) metrics.g.set({ i: String(i) }, i); },
};
`;

/**
 * Linux: ms the main thread has spent runnable but waiting for a CPU (/proc schedstat), i.e.
 * descheduled by the OS because other threads or processes had the cores. NaN elsewhere.
 */
function runQueueWaitMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return NaN;
  }
}

export interface ScrapeSamples {
  /** From the moment the scrape was due (timer) to the text rendered: includes event-loop delay. */
  latency: Stats;
  /**
   * The same minus the time the OS kept the main thread waiting for a CPU meanwhile: the part
   * of the latency that is the process's own doing (its event loop, its render).
   */
  latencyOnCpu: Stats;
  /** The render alone (ScrapePath). */
  render: Stats;
  /** From due to the render's start: the futex wake-up (and a wait for a core, if any). */
  wake: Stats;
  /**
   * Main-thread GC pauses (perf_hooks 'gc' entries: a scavenge's pause includes waiting for
   * V8's helper threads to finish their share) inside each scrape's window, due → rendered.
   */
  gcPause: Stats;
  /** Scavenges that ended inside a scrape's window, per scrape. */
  scavengesPerScrape: number;
  scrapes: number;
  bytes: number;
}

interface ScrapeRaw {
  latency: number[];
  onCpu: number[];
  render: number[];
  wake: number[];
  gc: number[];
  /** Per scrape: the perf_hooks GC kinds (bit flags) of the pauses inside its window. */
  gcKinds: number[];
  scavenges: number;
  bytes: number;
}

const napCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * How a scrape renders: `server` is what /metrics does (src/server/shared-render.ts: the body in
 * reused memory, no string), with the reuse of unchanged families' output off, so every scrape
 * renders every series as for a registry whose values all changed; `string` is
 * `registry.metrics()` (the prom-client API: the body as a new string, ~800 KB of heap per
 * scrape of 10,000 series, which the main thread's GC then collects).
 */
export type ScrapePath = 'server' | 'string';

/** A scrape's render on `path`; resolves to the body's length. */
function scraper(registry: Registry, path: ScrapePath): () => Promise<number> {
  if (path === 'string') return async () => (await registry.metrics()).length;
  const renders = new SharedRenders(() => registry.renderPlan(), () => {}, { maxCacheBytes: 0 });
  return async () => {
    const body = await renders.get('text', 'identity');
    if (!('length' in body)) throw new Error('a streamed body: the scrape loop expects a buffered one');
    body.release?.();
    return body.length;
  };
}

/** Scrapes every 10–50 ms (random) for `ms`. */
async function scrapeLoop(scrape: () => Promise<number>, ms: number): Promise<ScrapeSamples & { raw: ScrapeRaw }> {
  const latency: number[] = [];
  const onCpu: number[] = [];
  const render: number[] = [];
  const wake: number[] = [];
  const windows: [number, number][] = [];
  const gcs: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  let bytes = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const gap = 10 + Math.random() * 40;
    const due = performance.now() + gap;
    // Sleeping, the thread is not runnable: run-queue time from here on is wake-up delay or scrape.
    const q0 = runQueueWaitMs();
    await sleep(gap - 3);
    // libuv's timers have ms granularity and may fire early: the last stretch is a futex wait
    // with a precise timeout, so the thread sleeps until `due` and only then becomes runnable
    // (a spin here would hide the wait for a core behind the spin). It blocks the event loop
    // for ≤ 3 ms, which the runtime's scheduling does not notice.
    const left = due - performance.now();
    if (left > 0) Atomics.wait(napCell, 0, 0, left);
    const t0 = performance.now();
    const length = await scrape();
    const t1 = performance.now();
    const l = t1 - due;
    latency.push(l);
    onCpu.push(Math.max(0, l - (runQueueWaitMs() - q0)));
    render.push(t1 - t0);
    wake.push(t0 - due);
    windows.push([due, t1]);
    bytes = length;
  }
  await sleep(0); // the observer's last entries
  observer.disconnect();
  const inside = ([a, b]: [number, number]) => gcs.filter((e) => e.startTime + e.duration > a && e.startTime < b);
  const gc = windows.map((w) => inside(w).reduce((sum, e) => sum + Math.min(w[1], e.startTime + e.duration) - Math.max(w[0], e.startTime), 0));
  const gcKinds = windows.map((w) => inside(w).reduce((k, e) => k | gcKind(e), 0));
  const scavenges = windows.reduce((n, w) => n + inside(w).filter((e) => gcKind(e) === perfConstants.NODE_PERFORMANCE_GC_MINOR).length, 0);
  return sampleStats({ latency, onCpu, render, wake, gc, gcKinds, scavenges, bytes });
}

/** A perf_hooks 'gc' entry's kind (perf_hooks.constants.NODE_PERFORMANCE_GC_*). */
const gcKind = (e: PerformanceEntry): number => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;

function sampleStats(raw: ScrapeRaw): ScrapeSamples & { raw: ScrapeRaw } {
  const { latency, onCpu, render, wake, gc, scavenges, bytes } = raw;
  return {
    latency: stats(latency),
    latencyOnCpu: stats(onCpu),
    render: stats(render),
    wake: stats(wake),
    gcPause: stats(gc),
    scavengesPerScrape: scavenges / (latency.length || 1),
    scrapes: latency.length,
    bytes,
    raw,
  };
}

function counterValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

export interface FaultResult {
  backoff: boolean;
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
export async function faultScenario(args: { seconds: number; healthy: number; bulkSeries: number; backoff: boolean; threads?: number; cpus?: CpuSetting }): Promise<FaultResult> {
  const files: Record<string, string> = { 'bulk.mjs': bulk('bulk', args.bulkSeries, 1000) };
  for (let i = 0; i < args.healthy; i++) files[`healthy${i}.mjs`] = healthy(`healthy${i}`, 250);
  const gen = collectorDir(files);
  const faulty = ['throwing', 'hung', 'exiting', 'burner'].map((n) => path.join(FIXTURES, n + FIXTURE_EXT));
  const rt = await createRuntime({
    collectors: await discoverCollectors({ dirs: [gen.dir], files: faulty, builtin: false }),
    logger: silent,
    backoff: args.backoff,
    ...(args.threads !== undefined ? { threads: args.threads } : {}),
    cpus: args.cpus ?? 'auto',
  });
  try {
    rt.start();
    await rt.whenReady();
    await sleep(1000);
    const before = await rt.registry.metrics();
    const t0 = performance.now();
    const { raw: _raw, ...scrape } = await scrapeLoop(scraper(rt.registry, 'server'), args.seconds * 1000);
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
      backoff: args.backoff,
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
  trials: number;
  /** Measured blocks per condition per trial, and each block's length. */
  blocks: number;
  blockMs: number;
  unloaded: ScrapeSamples;
  loaded: ScrapeSamples;
  /** Per trial: loaded / unloaded p99 (the spread the pooled ratio hides). */
  trialRatios: number[];
  /**
   * 90% interval of the pooled ratio, from a block bootstrap: each resample draws, per
   * condition, as many measured blocks as there were (with replacement) and pools their samples.
   * Blocks, not single scrapes, because neighbouring scrapes share the machine's state of the
   * moment (what else runs, where V8 is in its GC cycle).
   */
  ratioInterval90: [number, number];
  burnerRuns: number;
  /** Burner runs that burned (gate open) vs. returned at once (gate closed). */
  burnerBurns: number;
  /** The CPUs the runtime gave the main thread and every other thread; null: it changed none. */
  affinity: { main: string; others: string } | null;
  /** Whether the runtime turned V8's parallel scavenges off (src/runtime/scavenge.ts). */
  serialScavenges: boolean;
  /** Whether the runtime put V8's helper threads on the pool's CPUs (src/runtime/own-thread-gc.ts). */
  v8HelpersOnPoolCpus: boolean;
  /**
   * What the "loaded" blocks load: `pool` (every pool thread burns), `none` (an A/A control:
   * the pool idle too, the ratio's noise) or `processes` (the pool idle, and as many separate
   * processes as pool threads burn the pool's CPUs the same way: what the machine itself adds
   * when its other cores are busy, whoever keeps them busy).
   */
  load: SaturationLoad;
  scrapePath: ScrapePath;
}

export type SaturationLoad = 'pool' | 'none' | 'processes';

/** p99 of the samples of the chosen blocks, pooled. */
function pooledP99(blocks: readonly number[][], pick: readonly number[]): number {
  const all: number[] = [];
  for (const i of pick) for (const v of blocks[i]!) all.push(v);
  all.sort((a, b) => a - b);
  return all[Math.min(all.length - 1, Math.floor(0.99 * all.length))] ?? NaN;
}

/** The block bootstrap of SaturationResult.ratioInterval90 (a fixed seed: the same data, the same interval). */
function ratioInterval90(loaded: readonly number[][], unloaded: readonly number[][], resamples = 1000): [number, number] {
  const next = xorshift32(0x2545f491);
  const rand = (n: number): number => next() % n;
  const draw = (n: number): number[] => Array.from({ length: n }, () => rand(n));
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) ratios.push(pooledP99(loaded, draw(loaded.length)) / pooledP99(unloaded, draw(unloaded.length)));
  ratios.sort((a, b) => a - b);
  return [ratios[Math.floor(0.05 * resamples)]!, ratios[Math.floor(0.95 * resamples)]!];
}

/**
 * The burners' busy loop, as source: spins for `ms`, counting in `n`. Shared by the pool's burner
 * collectors and the machine-floor processes, so both load a CPU the same way (performance.now()
 * in a tight loop: it allocates, a few hundred scavenges per second per thread).
 */
const burnLoop = (ms: number) => `const until = performance.now() + ${ms}; let n = 0; while (performance.now() < until) n++;`;

/**
 * Processes that burn CPU like the gated burners (95% of every 200 ms) while `gate` exists,
 * pinned to `cpus` (taskset) when given; killed by `stop`.
 */
function burnerProcesses(count: number, gate: string, cpus: string | undefined): { stop: () => void } {
  const code = `const { existsSync } = require('node:fs'); const nap = new Int32Array(new SharedArrayBuffer(4));
for (;;) { if (!existsSync(${JSON.stringify(gate)})) { Atomics.wait(nap, 0, 0, 200); continue; }
  ${burnLoop(190)} Atomics.wait(nap, 0, 0, 10); }`;
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const [cmd, args] = cpus ? ['taskset', ['-c', cpus, process.execPath, '-e', code]] : [process.execPath, ['-e', code]];
    children.push(spawn(cmd as string, args as string[], { stdio: 'ignore' }));
  }
  return { stop: () => children.forEach((c) => c.kill('SIGKILL')) };
}

/** Samples of several scrape loops as one. */
function merge(parts: { raw: ScrapeRaw }[]): ScrapeSamples & { raw: ScrapeRaw } {
  return sampleStats({
    latency: parts.flatMap((p) => p.raw.latency),
    onCpu: parts.flatMap((p) => p.raw.onCpu),
    render: parts.flatMap((p) => p.raw.render),
    wake: parts.flatMap((p) => p.raw.wake),
    gc: parts.flatMap((p) => p.raw.gc),
    gcKinds: parts.flatMap((p) => p.raw.gcKinds),
    scavenges: parts.reduce((a, p) => a + p.raw.scavenges, 0),
    bytes: parts.at(-1)?.raw.bytes ?? 0,
  });
}

/** A burner that burns only while `gate` exists (else its run returns at once). */
const gatedBurner = (name: string, intervalMs: number, share: number, gate: string) => `import { existsSync } from 'node:fs';
export default {
  name: '${name}', intervalMs: ${intervalMs}, timeoutMs: ${intervalMs},
  metrics: { spins: { type: 'counter', name: '${name}_spins_total', help: 'Spins.' }, burns: { type: 'counter', name: '${name}_burns_total', help: 'Runs that burned.' } },
  collect({ metrics }) {
    // Touched either way, so the counters keep their series (a run that writes nothing drops them).
    if (!existsSync(${JSON.stringify(gate)})) { metrics.spins.inc(0); metrics.burns.inc(0); return; }
    ${burnLoop(intervalMs * share)}
    metrics.spins.inc(n); metrics.burns.inc();
  },
};
`;

/**
 * Scrape latency with every pool thread busy (one CPU burner per thread, 95% of its 200 ms
 * interval) vs. with the pool idle, over the same runtime and registry (`series` bulk series).
 * The burners are scheduled throughout; a gate file decides whether their runs burn or return
 * at once, so both conditions have the same registry, the same self-metrics churn and the same
 * hand-offs, and differ only in the CPU the pool takes. Each trial is a fresh runtime: a
 * discarded warm-up, then `blocks` idle and `blocks` loaded blocks of `blockMs`, alternating
 * (odd trials start loaded), each after a settle time; samples are pooled per condition, so
 * load from elsewhere on the machine spreads over both. `load` swaps what the loaded blocks
 * load, for the two references: nothing (A/A) and other processes (the machine's own floor).
 */
export async function saturationScenario(args: {
  seconds?: number;
  series: number;
  trials: number;
  blocks?: number;
  blockMs?: number;
  threads?: number;
  niceIncrement?: number;
  schedIdle?: boolean;
  /** `--collectors.cpus` (default `auto`, the CLI's; the library's own default is `all`). */
  cpus?: CpuSetting;
  /** createRuntime's `parallelScavenge` (default: off when it pins threads, as `auto` does). */
  parallelScavenge?: boolean;
  /** Keep every sample (`raw` of `loaded` and `unloaded`), for analysis. */
  keepRaw?: boolean;
  /** What the "loaded" blocks load (SaturationResult.load; default `pool`). */
  load?: SaturationLoad;
  /** How a scrape renders (default `server`, what /metrics does). */
  scrapePath?: ScrapePath;
}): Promise<SaturationResult> {
  const load = args.load ?? 'pool';
  const scrapePath = args.scrapePath ?? 'server';
  const threads = args.threads ?? Math.max(4, 2 * os.availableParallelism());
  const blocks = args.blocks ?? 4;
  const blockMs = args.blockMs ?? ((args.seconds ?? 4) * 1000) / blocks;
  const gen = collectorDir({ 'bulk.mjs': bulk('bulk', args.series, 3_600_000) });
  const gate = path.join(gen.dir, 'burn.gate');
  const externalGate = path.join(gen.dir, 'external.gate');
  for (let i = 0; i < threads; i++) writeFileSync(path.join(gen.dir, `burn${i}.mjs`), gatedBurner(`burn${i}`, 200, 0.95, gate));
  const collectors = await discoverCollectors({ dirs: [gen.dir], builtin: false });
  const unloaded: { raw: ScrapeRaw }[] = [];
  const loaded: { raw: ScrapeRaw }[] = [];
  const trialRatios: number[] = [];
  let burnerRuns = 0;
  let burnerBurns = 0;
  let affinity: SaturationResult['affinity'] = null;
  let serialScavenges = false;
  let v8HelpersOnPoolCpus = false;
  const setLoad = (on: boolean) => {
    for (const [file, kind] of [[gate, 'pool'], [externalGate, 'processes']] as const) {
      if (on && load === kind) writeFileSync(file, '');
      else rmSync(file, { force: true });
    }
  };
  try {
    for (let t = 0; t < args.trials; t++) {
      setLoad(false);
      const rt = await createRuntime({
        collectors,
        threads,
        logger: silent,
        ...(args.niceIncrement !== undefined ? { niceIncrement: args.niceIncrement } : {}),
        ...(args.schedIdle !== undefined ? { schedIdle: args.schedIdle } : {}),
        cpus: args.cpus ?? 'auto',
        ...(args.parallelScavenge !== undefined ? { parallelScavenge: args.parallelScavenge } : {}),
      });
      serialScavenges = rt.serialScavenges;
      v8HelpersOnPoolCpus = rt.v8HelpersOnPoolCpus;
      if (rt.affinity) affinity = { main: rt.affinity.main ? formatCpuList(rt.affinity.main) : 'unchanged', others: formatCpuList(rt.affinity.others) };
      const outside = load === 'processes' ? burnerProcesses(threads, externalGate, rt.affinity ? formatCpuList(rt.affinity.others) : undefined) : undefined;
      try {
        // Every collector runs once (bulk fills the registry, threads start), then the schedules.
        await rt.collectOnce();
        rt.start();
        const scrape = scraper(rt.registry, scrapePath);
        await scrapeLoop(scrape, 1500); // warm-up, discarded
        const mine = { idle: [] as { raw: ScrapeRaw }[], busy: [] as { raw: ScrapeRaw }[] };
        for (let b = 0; b < 2 * blocks; b++) {
          const on = (b + t) % 2 === 1;
          setLoad(on);
          // A burner sees the gate at its next run (≤ 200 ms), and one burning finishes its run.
          await sleep(400);
          const part = await scrapeLoop(scrape, blockMs);
          (on ? mine.busy : mine.idle).push(part);
        }
        setLoad(false);
        unloaded.push(...mine.idle);
        loaded.push(...mine.busy);
        trialRatios.push(merge(mine.busy).latency.p99 / merge(mine.idle).latency.p99);
        const text = await rt.registry.metrics();
        for (let i = 0; i < threads; i++) {
          burnerRuns += counterValue(text, `atomic_exporter_collector_runs_total{collector="burn${i}",result="ok"}`);
          burnerBurns += counterValue(text, `burn${i}_burns_total`);
        }
      } finally {
        outside?.stop();
        await rt.stop();
      }
    }
    const strip = ({ raw, ...s }: ScrapeSamples & { raw: ScrapeRaw }): ScrapeSamples => (args.keepRaw ? { ...s, raw } : s) as ScrapeSamples;
    return { series: args.series, threads, trials: args.trials, blocks, blockMs, unloaded: strip(merge(unloaded)), loaded: strip(merge(loaded)), trialRatios, ratioInterval90: ratioInterval90(loaded.map((b) => b.raw.latency), unloaded.map((b) => b.raw.latency)), burnerRuns, burnerBurns, affinity, serialScavenges, v8HelpersOnPoolCpus, load, scrapePath };
  } finally {
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

