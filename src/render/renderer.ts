/**
 * Renders a plan (Registry#renderPlan, and prom-client's families) into a body made of
 * segments, on the main thread, in slices that yield to the event loop, reusing the output of
 * families whose values did not change.
 *
 * When a family's output is reused: the family is flagged Committed in its store (its values
 * change only in batches that end with Store#touchFamily: collector runs, staged or direct) and
 * its version (Fam.Version: bumped by those batches and by every series created or removed) is
 * the one its cached output was written at; the registry's default labels, the format, and for
 * a summary with a sliding window the window's slot, are the same too. Families written by
 * instrumentation (Counter.inc, Gauge.set, ... from any thread) are never flagged, and are
 * written fresh by every render: checking them would cost a write on every update's hot path.
 * So for the exporter (collectors only) a scrape between two collector runs costs its small
 * fresh families (self-metrics, process metrics) plus a version check per family.
 *
 * A gzip body is compressed from the segments for each render (gzipBody), not reused.
 */
import { constants, createGzip } from 'node:zlib';
import { Meta } from '../store/layout.js';
import { batchWaitStep } from '../store/batch-wait.js';
import type { Store } from '../store/store.js';
import type { PlannedFamily, PlannedStoreFamily } from './plan.js';
import { ByteSink, CHUNK_BYTES, type ChunkSink, type ChunkSource } from './sink.js';
import { Slicer } from './slicer.js';
import { writeSnapshotFamily } from './snapshot-family.js';
import { snapshotFamily, type StoreView } from '../store/snapshot.js';
import { LabelTextDecoder } from '../store/label-text.js';
import { writeStoreFamily, type Format } from './store-family.js';
import { rowView, type RowView } from './view.js';

/** Fast compression: a million-series body is ~100 MB of text. */
const GZIP_OPTIONS = { level: constants.Z_BEST_SPEED };
/** Longest a render waits for collector batches being applied, as Registry#snapshots does. */
const BATCH_WAIT_MS = 25;
/** A family this small is written again if a batch ended while it was written. */
const RETRY_SERIES = 50_000;

/** A piece of the body: one cached family, or a run of families written fresh. */
export class BodySegment {
  readonly chunks: readonly Buffer[];
  readonly bytes: number;
  /**
   * The chunks came from the renderer's chunk source (PlanRendererOptions.chunks) and nothing
   * keeps them (not the cache): they go back to the source once the body was used.
   */
  readonly pooled: boolean;

  constructor(chunks: readonly Buffer[], pooled = false) {
    this.chunks = chunks;
    this.pooled = pooled;
    let n = 0;
    for (const c of chunks) n += c.length;
    this.bytes = n;
  }
}

/**
 * The body gzipped as one member (curl, for one, reads only the first member of a multi-member
 * body), compressed in the libuv pool as the chunks are fed: the main thread only hands them
 * over, and the plain body is never joined into one buffer.
 */
export function gzipBody(segments: readonly BodySegment[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const z = createGzip(GZIP_OPTIONS);
    const out: Buffer[] = [];
    z.on('data', (b: Buffer) => out.push(b));
    z.on('end', () => resolve(out));
    z.on('error', reject);
    let si = 0;
    let ci = 0;
    const feed = (): void => {
      while (si < segments.length) {
        const seg = segments[si]!;
        if (ci >= seg.chunks.length) {
          si++;
          ci = 0;
          continue;
        }
        const more = z.write(seg.chunks[ci++]!);
        if (!more) {
          z.once('drain', feed);
          return;
        }
      }
      z.end();
    };
    feed();
  });
}

export interface RenderStats {
  /** Families written by this render. */
  readonly written: number;
  /** Families whose earlier output was reused. */
  readonly reused: number;
  /** Bytes reused. */
  readonly reusedBytes: number;
  /** Families written again because a collector run was applied to them while they were written. */
  readonly rewritten: number;
  /** Times the render gave way to the event loop. */
  readonly yields: number;
}

export interface RenderResult {
  readonly segments: readonly BodySegment[];
  readonly bytes: number;
  readonly stats: RenderStats;
}

interface Cached {
  readonly version: number;
  readonly name: string;
  readonly defaultLabelText: string;
  readonly slot: number;
  readonly segment: BodySegment;
}

function cacheKey(p: PlannedStoreFamily): string {
  return `${p.store.id}:${p.f}`;
}

function windowSlot(p: PlannedStoreFamily, nowMs: number): number {
  const def = p.def;
  if (def.type !== 'summary' || def.maxAgeSeconds === undefined) return 0;
  return Math.floor((nowMs - p.store.createdAtMs) / ((def.maxAgeSeconds * 1000) / (def.ageBuckets ?? 1)));
}

export interface PlanRendererOptions {
  /** Slice length (Slicer). */
  readonly sliceMs?: number;
  /**
   * Bytes of output kept for reuse per format (default 64 MiB): families beyond it are written
   * again by every render (and the server keeps nothing of a body it expects to be bigger).
   * Reuse trades memory for CPU: a million series are ~100 MB of text.
   */
  readonly maxCacheBytes?: number;
  /**
   * Size of the output chunks after each family's first (default CHUNK_BYTES). Bigger chunks
   * suit a caller that turns the body into one string (Registry#metrics).
   */
  readonly chunkBytes?: number;
  /**
   * Memory for the output of families written fresh by a render that is not streamed (never
   * kept for reuse): their segments are `pooled`, and the caller gives their chunks back.
   */
  readonly chunks?: ChunkSource;
  /**
   * Memory for the chunks of a streamed render that keeps nothing (`keep: false`), for a caller
   * whose `emit` is done with each chunk when it returns (Registry#metrics decodes it into a
   * string): the same memory serves every chunk, where fresh chunks would cost an ArrayBuffer
   * each (a 1 MiB one per run of fresh families) and the GC work that external memory brings.
   */
  readonly streamChunks?: ChunkSource;
}

export interface RenderOptions {
  /**
   * Streaming: each chunk is handed over as soon as it is written (a promise makes the render
   * wait), and only the output kept for reuse stays in memory; the result has no segments.
   */
  readonly emit?: ChunkSink;
  /**
   * Keep output for reuse (default true). The server passes false when the body is expected to
   * be bigger than the cache: keeping part of it would cost memory for little.
   */
  readonly keep?: boolean;
  /**
   * Keep newly written output (default true). False: output kept before is still reused (and
   * kept), nothing new is added (the server passes false while the body grows).
   */
  readonly admit?: boolean;
}

export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

export class PlanRenderer {
  /** Per format: store family → its output, as of the last render. */
  readonly #cache: Record<Format, Map<string, Cached>> = { text: new Map(), openmetrics: new Map() };
  readonly #sliceMs: number | undefined;
  readonly #maxCacheBytes: number;
  readonly #chunkBytes: number | undefined;
  readonly #chunks: ChunkSource | undefined;
  readonly #streamChunks: ChunkSource | undefined;

  constructor(options: PlanRendererOptions = {}) {
    this.#sliceMs = options.sliceMs;
    this.#maxCacheBytes = options.maxCacheBytes ?? DEFAULT_CACHE_BYTES;
    this.#chunkBytes = options.chunkBytes;
    this.#chunks = options.chunks;
    this.#streamChunks = options.streamChunks;
  }

  /** Families whose output is kept for reuse, and their bytes. */
  cached(format: Format): { families: number; bytes: number } {
    let bytes = 0;
    for (const c of this.#cache[format].values()) bytes += c.segment.bytes;
    return { families: this.#cache[format].size, bytes };
  }

  async render(plan: readonly PlannedFamily[], format: Format, options: RenderOptions = {}): Promise<RenderResult> {
    const slicer = new Slicer(this.#sliceMs);
    const emit = options.emit;
    const streaming = emit !== undefined;
    const nowMs = Date.now();
    const stores = [...new Set(plan.flatMap((p) => (p.kind === 'store' ? [p.store] : [])))];
    // A collector run being applied is a matter of microseconds: let it end first.
    const waitFrom = performance.now();
    while (stores.some((s) => Atomics.load(s.meta, Meta.BatchesInFlight) > 0) && performance.now() < waitFrom + BATCH_WAIT_MS) {
      await batchWaitStep(waitFrom);
    }
    // Versions first, views after: a series created after a family's version was read either
    // is in the view or moved the version on, so a cached output is never missing one.
    const versions = plan.map((p) => (p.kind === 'store' ? p.store.familyVersion(p.f) : 0));
    const keep = options.keep !== false && this.#maxCacheBytes > 0;
    const admit = keep && options.admit !== false;
    const old = keep ? this.#cache[format] : new Map<string, Cached>();
    const next = new Map<string, Cached>();
    let cachedBytes = 0;
    const views = new Map<Store, RowView>();
    const viewOfStore = async (s: Store): Promise<RowView> => {
      let v = views.get(s);
      if (v === undefined) views.set(s, (v = await rowView(s, slicer)));
      return v;
    };
    const segments: BodySegment[] = [];
    let bytes = 0;
    let fresh: ByteSink | undefined;
    // Not streamed, fresh output lives only in this render's body: its memory can be reused.
    // Streamed with nothing kept, chunks are gone once emitted: a streamChunks source serves them.
    const transient = streaming && !keep ? this.#streamChunks : undefined;
    const pool = streaming ? transient : this.#chunks;
    const freshSink = (): ByteSink => (fresh ??= new ByteSink({ onChunk: emit, retainBytes: streaming ? 0 : Infinity, chunkBytes: this.#chunkBytes, ...(pool !== undefined ? { chunks: pool } : {}) }));
    const closeFresh = async (): Promise<void> => {
      if (fresh === undefined) return;
      const chunks = fresh.finish();
      bytes += fresh.length;
      if (!streaming && fresh.length > 0) segments.push(new BodySegment(chunks, pool !== undefined));
      await fresh.settle();
      fresh = undefined;
    };
    let written = 0;
    let reused = 0;
    let reusedBytes = 0;
    let rewritten = 0;

    for (let i = 0; i < plan.length; i++) {
      const p = plan[i]!;
      await slicer.maybeYield();
      if (p.kind === 'snapshot') {
        writeSnapshotFamily(freshSink(), p.family, format);
        written++;
        continue;
      }
      // A family with no series now is left out before any other work: an exporter has many
      // (node_exporter's names for fields this kernel lacks), on every scrape.
      if (p.omitIfEmpty && p.store.familyLiveSeries(p.f) === 0) continue;
      if (p.fallbacks.length > 0) {
        // Default labels the family declares are added per series: the snapshot path does it.
        const family = snapshotFamily(await this.#storeView(p.store, viewOfStore, nowMs), p.f, p.defaultLabelText, p.fallbacks);
        if (p.omitIfEmpty && family.labelTexts.length === 0) continue;
        writeSnapshotFamily(freshSink(), family, format);
        written++;
        continue;
      }
      const committed = p.store.isCommitted(p.f);
      const key = cacheKey(p);
      const version = versions[i]!;
      const slot = windowSlot(p, nowMs);
      if (committed) {
        const c = old.get(key);
        if (c !== undefined && c.version === version && c.name === p.def.name && c.defaultLabelText === p.defaultLabelText && c.slot === slot && cachedBytes + c.segment.bytes <= this.#maxCacheBytes) {
          await closeFresh();
          if (streaming) {
            for (const chunk of c.segment.chunks) {
              const wait = emit(chunk);
              if (wait !== undefined) await wait;
            }
          } else segments.push(c.segment);
          bytes += c.segment.bytes;
          next.set(key, c);
          cachedBytes += c.segment.bytes;
          reused++;
          reusedBytes += c.segment.bytes;
          continue;
        }
      }
      const view = await viewOfStore(p.store);
      const series = (view.start[p.f + 1] ?? 0) - (view.start[p.f] ?? 0);
      // Cached output above is never of an omitted family: it is only kept when written.
      if (p.omitIfEmpty && series === 0) continue;
      if (!committed) {
        await writeStoreFamily(freshSink(), p, view, format, nowMs, slicer);
        await freshSink().settle();
        written++;
        continue;
      }
      await closeFresh();
      let sink: ByteSink;
      for (let attempt = 0; ; attempt++) {
        // Streaming, a family too big for what is left of the cache is not kept: the sink then
        // lets its chunks go as soon as they are handed over.
        const retain = streaming ? (admit ? this.#maxCacheBytes - cachedBytes : 0) : Infinity;
        sink = new ByteSink({ firstChunk: Math.min(this.#chunkBytes ?? CHUNK_BYTES, 256 + series * 64), onChunk: emit, retainBytes: retain, chunkBytes: this.#chunkBytes, ...(transient !== undefined ? { chunks: transient } : {}) });
        const applyingBefore = p.store.familyApplying(p.f);
        const versionBefore = p.store.familyVersion(p.f);
        await writeStoreFamily(sink, p, view, format, nowMs, slicer);
        // A collector run applied to this family meanwhile may have been seen in part: a small
        // family is written again (the version read before stays: the run's touch moved it
        // on). Runs applied to other families meanwhile (a pool busy with other collectors
        // ends them at any time) do not matter here. Applying is read before the version: a
        // run that ends in between has touched the family by then.
        // Streaming, what was handed over is gone: no second attempt.
        if (streaming || series > RETRY_SERIES || attempt >= 2) break;
        if (!applyingBefore && !p.store.familyApplying(p.f) && p.store.familyVersion(p.f) === versionBefore) break;
        rewritten++;
      }
      const chunks = sink.finish();
      await sink.settle();
      written++;
      bytes += sink.length;
      const segment = sink.retained ? new BodySegment(chunks) : undefined;
      if (!streaming) segments.push(segment!);
      if (admit && segment !== undefined && cachedBytes + segment.bytes <= this.#maxCacheBytes) {
        next.set(key, { version, name: p.def.name, defaultLabelText: p.defaultLabelText, slot, segment });
        cachedBytes += segment.bytes;
      }
    }
    if (format === 'openmetrics') freshSink().text('# EOF\n');
    await closeFresh();
    this.#cache[format] = next;
    return { segments, bytes, stats: { written, reused, reusedBytes, rewritten, yields: slicer.yields } };
  }

  async #storeView(store: Store, viewOfStore: (s: Store) => Promise<RowView>, nowMs: number): Promise<StoreView> {
    const v = await viewOfStore(store);
    const arena = store.arenaBuffer();
    return { store, start: v.start, order: v.order, shards: store.renderShards(), arena, labels: new LabelTextDecoder(store, arena), nowMs };
  }}
