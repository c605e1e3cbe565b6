/**
 * Memory measurement: samples taken after full GCs, in a process of their own (child.ts).
 *
 * What Node reports, and what it misses:
 * - `heapUsed`: the V8 heap (objects, strings, Maps).
 * - `external`: memory V8 objects hold outside the heap, ArrayBuffer and Buffer contents included.
 * - `arrayBuffers`: ArrayBuffers, Buffers and fixed-size SharedArrayBuffers. SharedArrayBuffers
 *   are NOT in `external` (measured on Node 20), and growable ones
 *   (`new SharedArrayBuffer(n, { maxByteLength })`) are in neither. A workload that keeps data in
 *   SharedArrayBuffers must report their size itself (`shared`, see sharedBufferBytes), or it
 *   would look free. `rss` sees the pages actually touched.
 *
 * `total = heapUsed + external + shared` is the fair figure to compare libraries on.
 */
import { runInChild, type ChildOptions } from './child.js';

export interface MemorySample {
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  /** Bytes the workload reported in growable SharedArrayBuffers (invisible to the above). */
  shared: number;
}

export interface MemoryDelta extends MemorySample {
  /** heapUsed + external + shared. */
  total: number;
}

declare const gc: undefined | ((opts?: unknown) => void);

/** A full, synchronous GC. Needs `--expose-gc` (runInChild sets it). */
export function fullGc(): void {
  if (typeof gc !== 'function') throw new Error('memory measurement needs node --expose-gc (use runInChild)');
  gc();
  gc();
}

let _sink: unknown;
/**
 * Keeps `x` reachable up to this call. V8 may collect a local after its last use, so a
 * measurement must use what it measures after the sample, or the sample can miss it.
 */
export function keepAlive(x: unknown): void {
  _sink = x;
  _sink = undefined;
}

/** Collects, then samples. `shared` is added by the caller (see above). */
export function memorySample(shared = 0): MemorySample {
  fullGc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss, shared };
}

export function memoryDelta(before: MemorySample, after: MemorySample): MemoryDelta {
  const d = {
    heapUsed: after.heapUsed - before.heapUsed,
    external: after.external - before.external,
    arrayBuffers: after.arrayBuffers - before.arrayBuffers,
    rss: after.rss - before.rss,
    shared: after.shared - before.shared,
  };
  return { ...d, total: d.heapUsed + d.external + d.shared };
}

/** Every field divided by `n` (bytes per series). */
export function perItem(d: MemoryDelta, n: number): MemoryDelta {
  const out = { ...d };
  for (const k of Object.keys(out) as (keyof MemoryDelta)[]) out[k] = d[k] / n;
  return out;
}

/**
 * Sum of the byte lengths of the SharedArrayBuffers among `buffers`, each counted once (a
 * growable one at its current, grown length).
 */
export function sharedBufferBytes(buffers: Iterable<ArrayBufferLike>): number {
  const seen = new Set<ArrayBufferLike>();
  let n = 0;
  for (const b of buffers) {
    if (seen.has(b)) continue;
    seen.add(b);
    if (b instanceof SharedArrayBuffer) n += b.byteLength;
  }
  return n;
}

/**
 * What a memory workload returns: something to keep alive while the second sample is taken,
 * and the bytes it holds in SharedArrayBuffers if any (sharedBufferBytes).
 */
export interface MemoryWorkload {
  keep: unknown;
  sharedBytes?: () => number;
}

export interface MemoryResult {
  delta: MemoryDelta;
  /** Extra data the workload module returned through `info`. */
  info?: unknown;
}

/**
 * Measures the memory a workload retains, in a fresh process:
 * `measureMemory(new URL('./w.ts', import.meta.url), 'build', { series: 1e5 })` where
 * `build(args)` returns a MemoryWorkload (sync or async). The module is imported before the
 * baseline, so its code and libraries are not counted; only what `build` allocates and keeps.
 */
export function measureMemory(module: string | URL, exportName: string, args: unknown, opts?: ChildOptions): Promise<MemoryResult> {
  return runInChild<MemoryResult>(new URL('./memory-child.ts', import.meta.url), 'measure', { module: module instanceof URL ? module.href : module, exportName, args }, opts);
}
