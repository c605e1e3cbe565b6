/**
 * Child-process workloads of bench/render-values.ts: writing sample values, alone and inside a
 * whole /metrics render, ours and prom-client's. Each call runs in a fresh process (runInChild).
 */
import { Session } from 'node:inspector/promises';
import client from 'prom-client';
import { Gauge, Registry } from '../../src/index.js';
import { DECIMAL_INPUT, writeShortestDecimal } from '../../src/render/shortest-decimal.js';
import { SharedRenders } from '../../src/server/shared-render.js';
import { stats, type Stats } from '../lib/index.js';
import { xorshift32 } from '../../test/support/xorshift.js';

/** What the values are: counts, readings with a few decimals, or full-precision doubles. */
export type ValueKind = 'integer' | 'decimal' | 'double';
export type Writer = 'String()' | 'ours';
export type RenderImpl = 'ours' | 'prom-client';

/** Seeded, so both sides of a comparison write the same values. */
function valueSource(kind: ValueKind, seed: number): () => number {
  const next = xorshift32(seed);
  switch (kind) {
    case 'integer':
      return () => next() % 10_000_000;
    case 'decimal':
      return () => (next() % 10_000_000) / 100;
    case 'double':
      return () => next() / 2 ** 32 + next() / 2 ** 64;
  }
}

/** Bytes the heap allocated per call of `fn` (sampling heap profiler, collected objects included). */
async function allocatedPerCall(fn: () => unknown, calls: number): Promise<number> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (let i = 0; i < calls; i++) await fn();
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  let bytes = 0;
  const walk = (n: { selfSize: number; children: unknown[] }): void => {
    bytes += n.selfSize;
    for (const c of n.children) walk(c as typeof n);
  };
  walk(profile.head as unknown as { selfSize: number; children: unknown[] });
  return bytes / calls;
}

export interface WriteArgs {
  writer: Writer;
  kind: ValueKind;
  /** Values per pass. */
  values: number;
  /** `repeated`: the same values every pass (V8's number-to-string cache can serve String()). */
  fresh: boolean;
  passes: number;
}

export interface WriteResult {
  nsPerValue: number;
  bytesPerValue: number;
}

/** Writes values into a buffer, as a render does: String() and a copy, or ours. */
export async function writeScenario(args: WriteArgs): Promise<WriteResult> {
  const out = Buffer.alloc(64);
  const source = valueSource(args.kind, 7);
  const n = args.values;
  // Fresh values: every pass reads its own slice, generated before the clock starts.
  const warmups = 5;
  const slices = args.fresh ? warmups + args.passes + 5 : 1;
  const all = Float64Array.from({ length: n * slices }, source);
  let slice = 0;
  let sink = 0;
  const pass = (): void => {
    const from = args.fresh ? n * slice++ : 0;
    if (args.writer === 'ours') {
      for (let i = from; i < from + n; i++) {
        DECIMAL_INPUT[0] = all[i]!;
        sink += writeShortestDecimal(out, 0);
      }
    } else {
      for (let i = from; i < from + n; i++) {
        const s = String(all[i]);
        for (let j = 0; j < s.length; j++) out[j] = s.charCodeAt(j);
        sink += s.length;
      }
    }
  };
  for (let i = 0; i < warmups; i++) pass();
  const t0 = performance.now();
  for (let p = 0; p < args.passes; p++) pass();
  const ms = performance.now() - t0;
  const bytes = await allocatedPerCall(pass, 5);
  if (sink === 0) throw new Error('nothing written');
  return { nsPerValue: (ms * 1e6) / (args.passes * n), bytesPerValue: bytes / n };
}

export interface RenderArgs {
  impl: RenderImpl;
  kind: ValueKind;
  series: number;
  renders: number;
  /** Every value changes before each render (set through the API, outside the timed render). */
  changing: boolean;
}

export interface RenderResult {
  ms: Stats;
  bytesPerRender: number;
  bodyBytes: number;
}

/**
 * One gauge family of `series` series (two labels), rendered `renders` times as /metrics
 * renders it: ours through SharedRenders with the reuse of unchanged output off (every series
 * written every time), prom-client through `register.metrics()`.
 */
export async function renderScenario(args: RenderArgs): Promise<RenderResult> {
  const source = valueSource(args.kind, 11);
  const labels = Array.from({ length: args.series }, (_, i) => ({ i: String(i), shard: String(i % 16) }));
  let set: (l: (typeof labels)[number], v: number) => void;
  let render: () => Promise<number>;
  if (args.impl === 'ours') {
    const registry = new Registry();
    const g = new Gauge({ name: 'bench_value', help: 'Bench values.', labelNames: ['i', 'shard'], registers: [registry] });
    set = (l, v) => g.set(l, v);
    const renders = new SharedRenders(() => registry.renderPlan(), () => {}, { maxCacheBytes: 0 });
    render = async () => {
      const body = await renders.get('text', 'identity');
      if (!('length' in body)) throw new Error('a streamed body');
      body.release?.();
      return body.length;
    };
  } else {
    const registry = new client.Registry();
    const g = new client.Gauge({ name: 'bench_value', help: 'Bench values.', labelNames: ['i', 'shard'], registers: [registry] });
    set = (l, v) => g.set(l, v);
    render = async () => (await registry.metrics()).length;
  }
  for (const l of labels) set(l, source());
  const gc = (globalThis as { gc?: () => void }).gc;
  const once = async (): Promise<number> => {
    if (args.changing) {
      for (const l of labels) set(l, source());
      gc?.();
    }
    const t0 = performance.now();
    await render();
    return performance.now() - t0;
  };
  for (let i = 0; i < 30; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < args.renders; i++) samples.push(await once());
  const bodyBytes = await render();
  // Allocation of the render alone (no churn).
  const bytesPerRender = await allocatedPerCall(render, 20);
  return { ms: stats(samples), bytesPerRender, bodyBytes };
}
