/**
 * Child-process workloads of bench/host-collectors.ts. Each runs in a fresh process
 * (bench/lib runInChild, `--expose-gc`), so one measurement's heap and JIT state never leak
 * into another's.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import pino from 'pino';
import type { CollectorDefinition } from '../../src/collector/define.js';
import { Registry } from '../../src/registry.js';
import { createRuntime } from '../../src/runtime/index.js';
import { familyDefinitionOf } from '../../src/runtime/spec.js';
import { applyStage, BoundMetric, Stage } from '../../src/runtime/stage.js';
import { loadCollector } from '../../test/support/run-collector.js';
import { fullGc, sleep, stats, type Stats } from '../lib/index.js';

export interface PerCollectorArgs {
  names: string[];
  runs: number;
  warmup: number;
}

export interface PerCollectorResult {
  name: string;
  /** Wall time of one run (collect + apply), ms. */
  wall: Stats;
  /** Process CPU time per run (this thread plus libuv's pool, e.g. statfs), ms. */
  cpuMs: number;
  /** Bytes allocated on the V8 heap per run (no GC in the window), or NaN when a GC interfered. */
  allocBytes: number;
  gcsDuringAllocWindow: number;
  series: number;
  families: number;
}

/**
 * One collector run as a pool thread does it (src/runtime/task.ts): handles that stage writes
 * (runtime Stage), `collect`, then `applyStage` into the shared store, without the thread hop.
 */
function harness(def: CollectorDefinition): () => Promise<number> {
  const registry = new Registry();
  const store = registry.store;
  const bound = Object.entries(def.metrics).map(([key, spec]) => {
    const fd = familyDefinitionOf(spec);
    return new BoundMetric(key, store.declareFamily(fd), fd);
  });
  const options: Record<string, unknown> = {};
  for (const [k, o] of Object.entries(def.options ?? {})) if (o.default !== undefined) options[k] = o.default;
  const paths = { procfs: '/proc', sysfs: '/sys', rootfs: '/' };
  const signal = new AbortController().signal;
  return async () => {
    const stage = new Stage(bound);
    try {
      await def.collect({ metrics: stage.handles() as never, signal, options, paths });
    } finally {
      stage.close();
    }
    return applyStage(store, stage);
  };
}

export async function perCollector(args: PerCollectorArgs): Promise<PerCollectorResult[]> {
  let gcs = 0;
  const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  obs.observe({ entryTypes: ['gc'] });
  const out: PerCollectorResult[] = [];
  for (const name of args.names) {
    const def = await loadCollector(name);
    const run = harness(def);
    let series = 0;
    for (let i = 0; i < args.warmup; i++) series = await run();

    const walls: number[] = [];
    const c0 = process.cpuUsage();
    for (let i = 0; i < args.runs; i++) {
      const t0 = performance.now();
      await run();
      walls.push(performance.now() - t0);
    }
    const c = process.cpuUsage(c0);

    // Allocation: heap growth over a window with no GC (young generation made large by the parent).
    // Allocation: heap growth over a window without GC (the parent makes the young generation
    // large). GC entries reach the observer asynchronously, so each attempt lets those of
    // fullGc() arrive before it starts and its own arrive before counting; a window a GC hit
    // is retried (V8 also collects on its own heuristics).
    const allocRuns = Math.min(args.runs, 50);
    let allocBytes = NaN;
    let gcIn = 0;
    for (let attempt = 0; attempt < 5 && Number.isNaN(allocBytes); attempt++) {
      fullGc();
      await sleep(100);
      const gcBefore = gcs;
      const h0 = process.memoryUsage().heapUsed;
      for (let i = 0; i < allocRuns; i++) await run();
      const h1 = process.memoryUsage().heapUsed;
      await sleep(100);
      gcIn = gcs - gcBefore;
      if (gcIn === 0) allocBytes = (h1 - h0) / allocRuns;
    }
    out.push({
      name,
      wall: stats(walls),
      cpuMs: (c.user + c.system) / 1000 / args.runs,
      allocBytes,
      gcsDuringAllocWindow: gcIn,
      series,
      families: Object.keys(def.metrics).length,
    });
  }
  obs.disconnect();
  return out;
}

export interface FullScrapeArgs {
  runs: number;
  warmup: number;
  /** Collector names to enable; undefined: the runtime's defaults (every default-enabled collector). */
  collectors?: string[];
}

export interface FullScrapeResult {
  collectors: string[];
  threads: number;
  /** Process CPU (all threads) per collectOnce + render, ms. */
  cpuMsPerScrape: number;
  /** Of which the render alone (main thread), ms. */
  renderCpuMs: number;
  wall: Stats;
  renderWall: Stats;
  bytes: number;
  samples: number;
  emptyFamilies: number;
}

/** The real runtime (discovery, flags, piscina pool, staging): N × (run every collector once, render). */
export async function fullScrape(args: FullScrapeArgs): Promise<FullScrapeResult> {
  const flags: Record<string, unknown> = {};
  if (args.collectors) {
    flags['collector.disable-defaults'] = true;
    for (const n of args.collectors) flags[`collector.${n}`] = true;
  }
  const runtime = await createRuntime({ flags, logger: pino({ level: 'silent' }) });
  const enabled = runtime.collectors.filter((c) => c.enabled).map((c) => c.name);
  let text = '';
  for (let i = 0; i < args.warmup; i++) {
    await runtime.collectOnce();
    text = await runtime.registry.metrics();
  }
  const walls: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < args.runs; i++) {
    const t0 = performance.now();
    const results = await runtime.collectOnce();
    const bad = results.filter((r) => r.outcome !== 'ok');
    if (bad.length > 0) throw new Error(`collector runs failed: ${bad.map((r) => `${r.collector} ${r.outcome} ${r.message ?? ''}`).join('; ')}`);
    text = await runtime.registry.metrics();
    walls.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  const renderWalls: number[] = [];
  const r0 = process.cpuUsage();
  for (let i = 0; i < args.runs; i++) {
    const t0 = performance.now();
    text = await runtime.registry.metrics();
    renderWalls.push(performance.now() - t0);
  }
  const r = process.cpuUsage(r0);
  await runtime.stop();
  const lines = text.split('\n');
  const typeLines = lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!);
  const withSamples = new Set(lines.filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]!));
  const emptyFamilies = typeLines.filter((n) => ![...withSamples].some((s) => s === n || s.startsWith(n + '_'))).length;
  return {
    collectors: enabled,
    threads: runtime.threads,
    cpuMsPerScrape: (c.user + c.system) / 1000 / args.runs,
    renderCpuMs: (r.user + r.system) / 1000 / args.runs,
    wall: stats(walls),
    renderWall: stats(renderWalls),
    bytes: Buffer.byteLength(text),
    samples: withSamples.size === 0 ? 0 : lines.filter((l) => l !== '' && !l.startsWith('#')).length,
    emptyFamilies,
  };
}
