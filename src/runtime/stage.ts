/**
 * Worker side of one run: the metric handles a collector writes to, and the staging area
 * behind them. Nothing reaches the shared store while `collect` runs; `applyStage` writes the
 * run in one go once it has succeeded (see phase.ts for how that is made all-or-nothing).
 *
 * Semantics (README, "Collectors"):
 * - Every series a run writes to, with any method (`touch` included), is reported by the run.
 * - On apply, a reported series gets: for `set`, the value set (counters mirror an external
 *   counter); for `inc`/`dec`/`observe`, the previous value plus what the run added.
 * - A series of the collector that the run did not report is removed.
 *
 * Values are written to the store's common area (compare-and-swap), not to the thread's
 * shard: collector series have one writer at a time (a collector never overlaps itself), so
 * there is no contention to avoid, and a value never depends on which pool thread wrote it,
 * or on that thread still being alive.
 */
import { bucketIndex } from '../metrics/buckets.js';
import type { LabelValues } from '../metrics/labels.js';
import { LabelCodec, splitArgs } from '../metrics/labels.js';
import { checkValue } from '../metrics/validate.js';
import { record } from '../store/sketch.js';
import { effectiveAgeBuckets, summarySlot } from '../store/snapshot.js';
import { DROPPED, type FamilyDefinition, type SeriesRef, type Store } from '../store/store.js';

interface ScalarEntry {
  /** The value `set` in this run, if any. */
  set: number | undefined;
  /** What `inc`/`dec` added in this run (after the last `set`). */
  add: number;
}
interface HistogramEntry {
  sum: number;
  /** Non-cumulative counts per bucket, +Inf last. */
  counts: Float64Array;
}
interface SummaryEntry {
  sum: number;
  values: number[];
}
type Entry = ScalarEntry | HistogramEntry | SummaryEntry;

/** A metric of a collector bound to its family in this thread's view of the store. */
export class BoundMetric {
  readonly key: string;
  readonly familyId: number;
  readonly def: FamilyDefinition;
  readonly codec: LabelCodec;
  /** Label text → series reference, reused across runs while the row is current. */
  readonly #refs = new Map<string, SeriesRef>();

  constructor(key: string, familyId: number, def: FamilyDefinition) {
    this.key = key;
    this.familyId = familyId;
    this.def = def;
    this.codec = new LabelCodec(def.name, def.labelNames);
  }

  ref(store: Store, text: string): SeriesRef {
    const cached = this.#refs.get(text);
    if (cached !== undefined && cached !== DROPPED && store.isCurrent(cached)) return cached;
    const ref = store.resolve(this.familyId, text);
    if (this.#refs.size >= 2 * this.def.seriesLimit) this.#refs.clear();
    if (ref !== DROPPED) this.#refs.set(text, ref);
    return ref;
  }
}

/** The writes of one run, per metric, keyed by the series' exposition label text. */
export class Stage {
  readonly metrics: readonly BoundMetric[];
  readonly entries: Map<string, Entry>[];
  #open = true;

  constructor(metrics: readonly BoundMetric[]) {
    this.metrics = metrics;
    this.entries = metrics.map(() => new Map());
  }

  /** After this, the run's handles refuse writes (a timer left behind by `collect`, say). */
  close(): void {
    this.#open = false;
  }

  #entry(i: number, labels: LabelValues | undefined): Entry {
    if (!this.#open) throw new Error(`metric "${this.metrics[i]!.def.name}" written after its collect() returned: handles are valid for one run only`);
    const m = this.metrics[i]!;
    if (labels !== undefined) m.codec.check(labels);
    const text = m.codec.textOf(labels);
    const map = this.entries[i]!;
    let e = map.get(text);
    if (e === undefined) {
      const t = m.def.type;
      e = t === 'histogram' ? { sum: 0, counts: new Float64Array(m.def.buckets!.length + 1) } : t === 'summary' ? { sum: 0, values: [] } : { set: undefined, add: 0 };
      map.set(text, e);
    }
    return e;
  }

  #add(i: number, a: LabelValues | number | undefined, b: number | undefined, sign: 1 | -1): void {
    const [l, v] = splitArgs(a, b, 1);
    checkValue(this.metrics[i]!.def.name, v);
    (this.#entry(i, l) as ScalarEntry).add += sign * (v as number);
  }

  /**
   * The handles passed to `collect` as `ctx.metrics`: new ones for every run (a handle kept past
   * its run throws). Their functions are written as methods, not as arrow functions assigned to
   * names: under tsx (esbuild's keepNames) each of those is wrapped in a `__name` helper, an
   * Object.defineProperty per function per run (measured: ~0.7 ms of pool-thread CPU per default
   * scrape). They use no `this`, so a collector may still take them off their object.
   */
  handles(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the handles are methods of their own objects
    const stage = this;
    for (let i = 0; i < this.metrics.length; i++) {
      const m = this.metrics[i]!;
      const name = m.def.name;
      switch (m.def.type) {
        case 'counter':
          out[m.key] = {
            inc(a?: LabelValues | number, b?: number): void {
              const [l, v] = splitArgs(a, b, 1);
              if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`Value is not a valid number: ${String(v)} (counter "${name}")`);
              if (v < 0) throw new Error(`It is not possible to decrease a counter (counter "${name}", increment ${v})`);
              (stage.#entry(i, l) as ScalarEntry).add += v;
            },
            set(a: LabelValues | number, b?: number): void {
              const [l, v] = splitArgs(a, b, undefined);
              if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new TypeError(`A counter is set to a finite value >= 0, got ${String(v)} (counter "${name}")`);
              const e = stage.#entry(i, l) as ScalarEntry;
              e.set = v;
              e.add = 0;
            },
            touch(labels?: LabelValues): void {
              stage.#entry(i, labels);
            },
          };
          break;
        case 'gauge':
        case 'untyped':
          out[m.key] = {
            set(a: LabelValues | number, b?: number): void {
              const [l, v] = splitArgs(a, b, undefined);
              checkValue(name, v);
              const e = stage.#entry(i, l) as ScalarEntry;
              e.set = v;
              e.add = 0;
            },
            inc(a?: LabelValues | number, b?: number): void {
              stage.#add(i, a, b, 1);
            },
            dec(a?: LabelValues | number, b?: number): void {
              stage.#add(i, a, b, -1);
            },
            touch(labels?: LabelValues): void {
              stage.#entry(i, labels);
            },
          };
          break;
        case 'histogram': {
          const bounds = m.def.buckets!;
          out[m.key] = {
            observe(a: LabelValues | number, b?: number): void {
              const [l, v] = splitArgs(a, b, undefined);
              checkValue(name, v);
              const e = stage.#entry(i, l) as HistogramEntry;
              e.sum += v as number;
              e.counts[bucketIndex(bounds, v as number)]! += 1;
            },
            touch(labels?: LabelValues): void {
              stage.#entry(i, labels);
            },
          };
          break;
        }
        case 'summary':
          out[m.key] = {
            observe(a: LabelValues | number, b?: number): void {
              const [l, v] = splitArgs(a, b, undefined);
              checkValue(name, v);
              const e = stage.#entry(i, l) as SummaryEntry;
              e.sum += v as number;
              e.values.push(v as number);
            },
            touch(labels?: LabelValues): void {
              stage.#entry(i, labels);
            },
          };
          break;
      }
    }
    return out;
  }
}

/** The sum of every shard at a cell (0 for collector series, which only use the common area). */
function shardSum(shards: readonly Float64Array[], cell: number): number {
  let s = 0;
  for (let k = 0; k < shards.length; k++) s += shards[k]![cell]!;
  return s;
}

/**
 * Writes a successful run to the store and removes the collector's series the run did not
 * report. Returns the number of series the run reported (dropped ones excluded).
 */
export function applyStage(store: Store, stage: Stage): number {
  // One batch: a render waits for it to end rather than show half of the run.
  store.beginBatch();
  try {
    return applyStageInBatch(store, stage);
  } finally {
    store.endBatch();
  }
}

/** applyStage within a batch the caller began (and ends). */
export function applyStageInBatch(store: Store, stage: Stage): number {
  const shards = store.activeShards();
  const now = Date.now();
  let reported = 0;
  stage.metrics.forEach((m, i) => {
    const entries = stage.entries[i]!;
    const f = m.familyId;
    // Marked while its values are written: a render that was writing this family meanwhile
    // writes it again, one writing another family does not (Store#beginFamilyApply).
    store.beginFamilyApply(f);
    try {
      reported += applyFamily(store, m, entries, shards, now);
    } finally {
      store.endFamilyApply(f);
    }
  });
  return reported;
}

/** One metric's part of applyStageInBatch; returns the series it reported. */
function applyFamily(store: Store, m: BoundMetric, entries: Map<string, Entry>, shards: readonly Float64Array[], now: number): number {
  const f = m.familyId;
  let live = 0;
  for (const [text, e] of entries) {
    const ref = m.ref(store, text);
    if (ref === DROPPED) continue;
    live++;
    const cell = store.cellOf(ref);
    switch (m.def.type) {
      case 'counter':
      case 'gauge':
      case 'untyped': {
        const s = e as ScalarEntry;
        if (s.set !== undefined) store.setCommon(cell, s.set + s.add - shardSum(shards, cell));
        else if (s.add !== 0) store.addCommon(cell, s.add);
        break;
      }
      case 'histogram': {
        const h = e as HistogramEntry;
        if (h.sum !== 0) store.addCommon(cell, h.sum);
        for (let b = 0; b < h.counts.length; b++) if (h.counts[b] !== 0) store.addCommon(cell + 1 + b, h.counts[b]!);
        break;
      }
      case 'summary': {
        const s = e as SummaryEntry;
        if (s.values.length === 0) break;
        store.addCommon(cell, s.sum);
        store.addCommon(cell + 1, s.values.length);
        const slot = summarySlot(m.def, store.createdAtMs, now);
        const ages = effectiveAgeBuckets(m.def);
        const base = store.sketchOf(ref);
        for (const v of s.values) record(store.sketch, base, ages, slot, v);
        break;
      }
    }
  }
  // Every reported series is live now; anything beyond them was not reported: remove it.
  if (store.familyLiveSeries(f) > live) removeUnreported(store, f, entries);
  // The run's values are in: renders of this family are redone (Store#touchFamily).
  store.touchFamily(f);
  return live;
}

function removeUnreported(store: Store, f: number, reported: ReadonlyMap<string, unknown>): void {
  const { start, order } = store.rowsByFamily();
  const arena = store.arenaBuffer();
  const stale: string[] = [];
  for (let i = start[f]!; i < start[f + 1]!; i++) {
    const text = store.labelTextOf(order[i]!, arena);
    if (!reported.has(text)) stale.push(text);
  }
  for (const text of stale) store.remove(f, text);
}
