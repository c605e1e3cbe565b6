/**
 * The core bench's render and memory workloads. Each call runs in a process of its own
 * (bench/lib/child.ts), for one library: prom-client's heap never holds our series and ours never
 * holds its.
 */
import { keepAlive, sharedBufferBytes, memoryDelta, memorySample, timeIt, type MemoryDelta, type Stats } from '../lib/index.js';

export type Impl = 'ours' | 'prom-client';
export type Kind = 'counter' | 'histogram';

export interface RenderArgs {
  impl: Impl;
  kind: Kind;
  series: number;
  warmup: number;
  repeat: number;
}

export interface RenderResult extends RenderArgs {
  buildMs: number;
  render: Stats & { samples: number[] };
  outputBytes: number;
  lines: number;
  /** Retained after creating the series. */
  memBuild: MemoryDelta;
  /** Retained after the renders (what a scraped exporter keeps: caches included). */
  memSteady: MemoryDelta;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const CODES = ['200', '201', '204', '301', '400', '404', '500'];
export const LABEL_NAMES = ['method', 'route', 'status'] as const;
export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Series i's labels: 3 labels, unique per i (route), the others from small sets. */
export function labelsOf(i: number): Record<(typeof LABEL_NAMES)[number], string> {
  return { method: METHODS[i % 7]!, route: `/api/v1/items/${i}`, status: CODES[Math.floor(i / 7) % 7]! };
}

interface Target {
  metrics(): Promise<string>;
  sharedBytes(): number;
}

/** Builds `series` series of one kind with one library, through its public API. */
async function build(impl: Impl, kind: Kind, series: number): Promise<Target> {
  const help = 'Bench series.';
  const labelNames = [...LABEL_NAMES];
  if (impl === 'prom-client') {
    const client = (await import('prom-client')).default;
    const registry = new client.Registry();
    if (kind === 'counter') {
      const c = new client.Counter({ name: 'bench_requests_total', help, labelNames, registers: [registry] });
      for (let i = 0; i < series; i++) c.inc(labelsOf(i), (i % 10) + 1);
    } else {
      const h = new client.Histogram({ name: 'bench_duration_seconds', help, labelNames, buckets: BUCKETS, registers: [registry] });
      for (let i = 0; i < series; i++) h.observe(labelsOf(i), (i % 1000) / 100);
    }
    return { metrics: () => registry.metrics(), sharedBytes: () => 0 };
  }
  const ours = await import('../../src/index.js');
  const registry = new ours.Registry();
  if (kind === 'counter') {
    const c = new ours.Counter({ name: 'bench_requests_total', help, labelNames, registers: [registry] });
    for (let i = 0; i < series; i++) c.inc(labelsOf(i), (i % 10) + 1);
  } else {
    const h = new ours.Histogram({ name: 'bench_duration_seconds', help, labelNames, buckets: BUCKETS, registers: [registry] });
    for (let i = 0; i < series; i++) h.observe(labelsOf(i), (i % 1000) / 100);
  }
  const s = registry.store;
  return {
    metrics: () => registry.metrics(),
    // The store's SharedArrayBuffers are not in process.memoryUsage().external (the growable
    // ones in no field at all): count their full, grown byte length, the conservative figure.
    sharedBytes: () => sharedBufferBytes([s.meta, s.rows, s.hash, s.arena, s.common, s.sketch, ...s.shards].map((v) => v.buffer)),
  };
}

export async function renderScenario(a: RenderArgs): Promise<RenderResult> {
  // Load the library before the baseline so its code is not counted as series memory.
  if (a.impl === 'prom-client') await import('prom-client');
  else await import('../../src/index.js');
  const before = memorySample();
  const t0 = performance.now();
  const target = await build(a.impl, a.kind, a.series);
  const buildMs = performance.now() - t0;
  const memBuild = memoryDelta(before, memorySample(target.sharedBytes()));
  keepAlive(target);
  let outputBytes = 0;
  let lines = 0;
  const render = await timeIt(
    async () => {
      const text = await target.metrics();
      if (outputBytes === 0) {
        outputBytes = Buffer.byteLength(text);
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
      }
    },
    { warmup: a.warmup, repeat: a.repeat },
  );
  const memSteady = memoryDelta(before, memorySample(target.sharedBytes()));
  keepAlive(target);
  return { ...a, buildMs, render, outputBytes, lines, memBuild, memSteady };
}
