import { randomUUID } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import {
  DEFAULT_SERIES_LIMIT,
  FAMILY_FIELDS,
  Fam,
  FamilyFlag,
  HEADER_INTS,
  INITIAL_ARENA_BYTES,
  INITIAL_CELLS,
  INITIAL_HASH_BITS,
  INITIAL_ROWS,
  MAX_ARENA_BYTES,
  MAX_CELL_BYTES,
  MAX_FAMILIES,
  MAX_HASH_BYTES,
  MAX_ROWS,
  MAX_ROW_BYTES,
  MAX_SHARDS,
  MAX_SKETCH_BYTES,
  META_INTS,
  Meta,
  REF_GEN_MASK,
  REF_ROW_MASK,
  REF_ROW_SPAN,
  ROW_FIELDS,
  ROW_QUARANTINE_SECONDS,
  Row,
  SHARD_EVER_BASE,
  keyRoom,
} from './layout.js';
import { breakLockOf, withLock } from './lock.js';
import { keyFromText, keyLabelsOf, keyText, type KeyLabels } from './label-key.js';
import { atomicAddFloat, atomicStoreFloat } from './float-atomics.js';
import { reservationError } from './address-space.js';

/** What defines a family; two threads declaring the same name must declare the same definition. */
export interface FamilyDefinition {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'untyped' | 'histogram' | 'summary';
  readonly labelNames: readonly string[];
  readonly constLabels: Readonly<Record<string, string>>;
  /** histogram: finite bounds, increasing. */
  readonly buckets?: readonly number[];
  /** summary */
  readonly percentiles?: readonly number[];
  readonly maxAgeSeconds?: number;
  readonly ageBuckets?: number;
  readonly seriesLimit: number;
  /** Float64 cells per series. */
  readonly cellWidth: number;
  /** Int32 sketch words per series. */
  readonly sketchWidth: number;
}

/** A plain object that survives `postMessage`: everything another thread needs to map the store. */
export interface StoreHandle {
  readonly kind: 'atomic-exporter/store';
  readonly id: string;
  readonly createdAtMs: number;
  readonly meta: SharedArrayBuffer;
  readonly rows: SharedArrayBuffer;
  readonly hash: SharedArrayBuffer;
  readonly arena: SharedArrayBuffer;
  readonly common: SharedArrayBuffer;
  readonly sketch: SharedArrayBuffer;
  readonly shards: readonly SharedArrayBuffer[];
}

/** A reference to a live series as a thread caches it: generation and row packed in an exact integer (see REF_ROW_SPAN). */
export type SeriesRef = number;
export const DROPPED: SeriesRef = -1;

const encoder = new TextEncoder();

function growable(bytes: number, max: number): SharedArrayBuffer {
  try {
    return new SharedArrayBuffer(bytes, { maxByteLength: max });
  } catch (e) {
    throw reservationError(max, e);
  }
}

/** Smallest growth step of a store buffer. */
const MIN_GROW_BYTES = 64 * 1024;

/**
 * Grows a growable SAB to hold at least `bytes`. Returns whether it grew (the Store then
 * re-makes its views: see Store.#remap).
 *
 * A growable SharedArrayBuffer grows in place (its address range is reserved when it is made;
 * nothing is copied), so growth need not double to stay cheap: steps of an eighth of the current
 * length keep the grown length within 12.5% of what is used (doubling left up to half of it
 * unused), for a few more page-protection calls and view re-makes.
 */
function ensureBytes(buf: SharedArrayBuffer, bytes: number): boolean {
  if (buf.byteLength >= bytes) return false;
  const step = Math.max(MIN_GROW_BYTES, Math.ceil(buf.byteLength / 8 / 4096) * 4096);
  let next = buf.byteLength + step;
  if (next < bytes) next = Math.ceil(bytes / 4096) * 4096;
  next = Math.min(next, buf.maxByteLength);
  if (next < bytes) throw new RangeError(`atomic-exporter: store area full (${bytes} bytes needed, ${buf.maxByteLength} reserved)`);
  buf.grow(next);
  return true;
}

function hashBytes(bytes: Uint8Array, len: number, familyId: number): number {
  // FNV-1a, seeded with the family so equal label sets of different families spread out.
  let h = (0x811c9dc5 ^ familyId) >>> 0;
  for (let i = 0; i < len; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Per-thread stores, by handle id: attaching twice in one thread yields one store (one shard). */
const attached = new Map<string, Store>();

/**
 * The shared store: series, their label keys and their values, in SharedArrayBuffers that every
 * thread maps. One instance per thread per store.
 *
 * Concurrency rules:
 * - Values: a counter or histogram cell is written by one thread only, in that thread's shard
 *   (plain Float64 adds: no contention, no RMW); a render sums the common area and every shard.
 *   Gauges and mirrored counters live in the common area and are updated by CAS on their bits.
 *   Threads beyond MAX_SHARDS fall back to CAS on the common area.
 * - Structure (families, rows, the hash index, the arena) changes only under the lock; readers
 *   never take it: a row is published by its generation becoming odd, after everything else in
 *   it is written.
 *
 * Views: `rows`, `hash`, `arena`, `common`, `commonBits`, `sketch`, `shards` and `own` are
 * fixed-length views, re-made by #remap when their buffer has grown (by any thread): on taking
 * the lock, after growing, and before a render reads rows. Read them through the store each time
 * (`store.sketch`), do not keep them across a series creation. Length-tracking views of growable
 * SharedArrayBuffers would follow growth by themselves, but on Node 20 (V8 11.3) every element
 * access through them is 10-20× slower (measured: a 4.5M-element Int32Array sum, 120 ms vs 8 ms).
 */
export class Store {
  readonly id: string;
  readonly createdAtMs: number;
  readonly meta: Int32Array;
  rows: Int32Array;
  hash: Int32Array;
  arena: Uint8Array;
  common: Float64Array;
  commonBits: BigInt64Array;
  sketch: Int32Array;
  readonly #buffers: Omit<StoreHandle, 'kind' | 'id' | 'createdAtMs' | 'shards'>;
  #shardBuffers: SharedArrayBuffer[];
  /** Views of every shard, index = shard number. */
  shards: Float64Array[];
  /** Length-tracking views of every shard, for activeShards() callers that keep them. */
  #trackingShards: Float64Array[];
  /** This thread's shard, or null when it writes through CAS on the common area. */
  own: Float64Array | null;
  readonly ownIndex: number;
  #families = new Map<number, FamilyDefinition>();
  /** The Fam.DefGen each cached definition was read at. */
  #familyGens = new Map<number, number>();
  #familyIdsByName = new Map<string, number>();
  #scratch = new Uint8Array(256);
  #keyScratch = new Uint8Array(256);
  #keyLabelsByDef = new WeakMap<FamilyDefinition, KeyLabels>();

  private constructor(h: Omit<StoreHandle, 'kind'>, ownIndex: number) {
    this.id = h.id;
    this.createdAtMs = h.createdAtMs;
    this.#buffers = h;
    this.meta = new Int32Array(h.meta);
    this.rows = new Int32Array(h.rows, 0, h.rows.byteLength >> 2);
    this.hash = new Int32Array(h.hash, 0, h.hash.byteLength >> 2);
    this.arena = new Uint8Array(h.arena, 0, h.arena.byteLength);
    this.common = new Float64Array(h.common, 0, h.common.byteLength >> 3);
    this.commonBits = new BigInt64Array(h.common, 0, h.common.byteLength >> 3);
    this.sketch = new Int32Array(h.sketch, 0, h.sketch.byteLength >> 2);
    this.#shardBuffers = [...h.shards];
    this.shards = this.#shardBuffers.map((b) => new Float64Array(b, 0, b.byteLength >> 3));
    this.#trackingShards = this.#shardBuffers.map((b) => new Float64Array(b));
    this.ownIndex = ownIndex;
    this.own = ownIndex >= 0 ? this.shards[ownIndex]! : null;
  }

  /** A new store owned by this thread (its shard 0). */
  static create(): Store {
    const meta = new SharedArrayBuffer(META_INTS * 4);
    const h = {
      id: randomUUID(),
      createdAtMs: Date.now(),
      meta,
      rows: growable(INITIAL_ROWS * ROW_FIELDS * 4, MAX_ROW_BYTES),
      hash: growable((1 << INITIAL_HASH_BITS) * 4, MAX_HASH_BYTES),
      arena: growable(INITIAL_ARENA_BYTES, MAX_ARENA_BYTES),
      common: growable(INITIAL_CELLS * 8, MAX_CELL_BYTES),
      sketch: growable(0, MAX_SKETCH_BYTES),
      shards: [growable(INITIAL_CELLS * 8, MAX_CELL_BYTES)],
    };
    const m = new Int32Array(meta);
    m[Meta.HashBits] = INITIAL_HASH_BITS;
    m[Meta.ShardOwnerBase] = threadId + 1;
    m[SHARD_EVER_BASE] = 1;
    const store = new Store(h, 0);
    attached.set(store.id, store);
    return store;
  }

  /** Maps a store shared by another thread and claims a shard for this one. */
  static attach(handle: StoreHandle): Store {
    if (handle?.kind !== 'atomic-exporter/store') {
      throw new TypeError('atomic-exporter: Registry.attach() needs the handle returned by registry.share()');
    }
    const existing = attached.get(handle.id);
    if (existing) return existing;
    const meta = new Int32Array(handle.meta);
    let index = -1;
    for (let k = 1; k < handle.shards.length; k++) {
      if (Atomics.compareExchange(meta, Meta.ShardOwnerBase + k, 0, threadId + 1) === 0) {
        Atomics.store(meta, SHARD_EVER_BASE + k, 1);
        index = k;
        break;
      }
    }
    const store = new Store(handle, index);
    attached.set(store.id, store);
    return store;
  }

  /**
   * Re-makes the views of buffers that grew since they were made (see the class comment).
   * A few length comparisons when nothing changed.
   */
  #remap(): void {
    const b = this.#buffers;
    if (this.rows.byteLength !== b.rows.byteLength) this.rows = new Int32Array(b.rows, 0, b.rows.byteLength >> 2);
    if (this.hash.byteLength !== b.hash.byteLength) this.hash = new Int32Array(b.hash, 0, b.hash.byteLength >> 2);
    if (this.arena.byteLength !== b.arena.byteLength) this.arena = new Uint8Array(b.arena, 0, b.arena.byteLength);
    if (this.common.byteLength !== b.common.byteLength) {
      this.common = new Float64Array(b.common, 0, b.common.byteLength >> 3);
      this.commonBits = new BigInt64Array(b.common, 0, b.common.byteLength >> 3);
    }
    if (this.sketch.byteLength !== b.sketch.byteLength) this.sketch = new Int32Array(b.sketch, 0, b.sketch.byteLength >> 2);
    const shards = this.#shardBuffers;
    for (let k = 0; k < shards.length; k++) {
      const buf = shards[k]!;
      if (this.shards[k]!.byteLength !== buf.byteLength) {
        this.shards[k] = new Float64Array(buf, 0, buf.byteLength >> 3);
        if (k === this.ownIndex) this.own = this.shards[k]!;
      }
    }
  }

  /** The structural lock, with views brought up to date once it is held. */
  #locked<T>(fn: () => T): T {
    return withLock(this.meta, () => {
      this.#remap();
      return fn();
    });
  }

  #ensure(buf: SharedArrayBuffer, bytes: number): void {
    if (ensureBytes(buf, bytes)) this.#remap();
  }

  /**
   * The handle to post to another thread. With `threadShards` (the default) it creates the
   * other threads' shards on first use, each a reservation of MAX_CELL_BYTES of address space:
   * a thread that attaches claims one for its updates (Counter.inc, ...). False for threads that
   * write only the common area (the collector runtime's: runs are applied there): they attach
   * without a shard, and 31 reservations of 4 GiB are not made for them.
   */
  share(threadShards = true): StoreHandle {
    if (threadShards && this.#shardBuffers.length < MAX_SHARDS) {
      this.#locked(() => {
        const bytes = this.common.byteLength;
        while (this.#shardBuffers.length < MAX_SHARDS) {
          const b = growable(0, MAX_CELL_BYTES);
          b.grow(bytes);
          this.#shardBuffers.push(b);
          this.shards.push(new Float64Array(b, 0, b.byteLength >> 3));
          this.#trackingShards.push(new Float64Array(b));
        }
      });
    }
    return { kind: 'atomic-exporter/store', id: this.id, createdAtMs: this.createdAtMs, ...this.#buffers, shards: [...this.#shardBuffers] };
  }

  /**
   * Gives up the shards of a thread that has ended, so a new thread can claim them. Their
   * values stay where they are and keep counting in every render: a counter written by a dead
   * thread does not go backwards, and the next owner of the shard adds to it.
   */
  releaseThread(deadThreadId: number): void {
    breakLockOf(this.meta, deadThreadId);
    for (let k = 1; k < MAX_SHARDS; k++) {
      Atomics.compareExchange(this.meta, Meta.ShardOwnerBase + k, deadThreadId + 1, 0);
    }
  }

  /**
   * Shards a render must sum: those ever claimed. Length-tracking views, which stay valid while
   * series are created (slower to index: see the class comment).
   */
  activeShards(): Float64Array[] {
    const out: Float64Array[] = [];
    for (let k = 0; k < this.#trackingShards.length; k++) {
      if (Atomics.load(this.meta, SHARD_EVER_BASE + k) !== 0) out.push(this.#trackingShards[k]!);
    }
    return out;
  }

  /**
   * The same shards as fixed-length views, fast to index, valid until this thread next creates
   * a series: for a render, taken after rowsByFamily().
   */
  renderShards(): Float64Array[] {
    this.#remap();
    const out: Float64Array[] = [];
    for (let k = 0; k < this.shards.length; k++) {
      if (Atomics.load(this.meta, SHARD_EVER_BASE + k) !== 0) out.push(this.shards[k]!);
    }
    return out;
  }

  structureVersion(): number {
    return Atomics.load(this.meta, Meta.StructureVersion);
  }

  // ---- families -------------------------------------------------------------------------

  /**
   * Binds this thread to the family of that name, declaring it if no thread has. Throws if
   * another thread declared the name with a different definition.
   */
  declareFamily(def: FamilyDefinition): number {
    const json = JSON.stringify(def);
    const known = this.#familyIdsByName.get(def.name);
    // family() re-reads a definition that another thread redeclared since (a renamed slot).
    if (known !== undefined && !this.isRetired(known) && this.family(known).name === def.name) {
      this.#checkSame(def, this.family(known), json);
      return known;
    }
    return this.#locked(() => {
      const count = this.meta[Meta.FamilyCount]!;
      for (let f = 0; f < count; f++) {
        if (this.isRetired(f)) continue;
        const other = this.family(f);
        if (other.name === def.name) {
          this.#checkSame(def, other, json);
          return f;
        }
      }
      if (count >= MAX_FAMILIES) throw new RangeError(`atomic-exporter: more than ${MAX_FAMILIES} metric families in one registry`);
      const bytes = encoder.encode(json);
      const off = this.#arenaAlloc(bytes.length);
      this.arena.set(bytes, off);
      const base = HEADER_INTS + count * FAMILY_FIELDS;
      this.meta[base + Fam.DefOffset] = off;
      this.meta[base + Fam.DefLength] = bytes.length;
      this.meta[base + Fam.CellWidth] = def.cellWidth;
      this.meta[base + Fam.SketchWidth] = def.sketchWidth;
      this.meta[base + Fam.SeriesLimit] = Math.min(def.seriesLimit || DEFAULT_SERIES_LIMIT, MAX_ROWS);
      Atomics.store(this.meta, Meta.FamilyCount, count + 1);
      Atomics.add(this.meta, Meta.StructureVersion, 1);
      this.#families.set(count, def);
      this.#familyIdsByName.set(def.name, count);
      return count;
    });
  }

  #checkSame(def: FamilyDefinition, other: FamilyDefinition, json: string): void {
    if (JSON.stringify(other) !== json) {
      throw new Error(
        `atomic-exporter: metric "${def.name}" is already declared in this store with a different definition (${JSON.stringify(other)})`,
      );
    }
  }

  familyCount(): number {
    return Atomics.load(this.meta, Meta.FamilyCount);
  }

  /** The definition of family `f`, decoded once per thread (again after a redeclareFamily). */
  family(f: number): FamilyDefinition {
    const base = HEADER_INTS + f * FAMILY_FIELDS;
    const cached = this.#families.get(f);
    if (cached !== undefined && this.#familyGens.get(f) === Atomics.load(this.meta, base + Fam.DefGen)) return cached;
    let def: FamilyDefinition | undefined;
    let gen = 0;
    // A seqlock against redeclareFamily: the generation is odd only across two stores, and the
    // bytes it points to are never rewritten while current (see redeclareFamily).
    for (let tries = 0; def === undefined; tries++) {
      gen = Atomics.load(this.meta, base + Fam.DefGen);
      if ((gen & 1) === 1 && tries < 1_000_000) continue;
      const off = Atomics.load(this.meta, base + Fam.DefOffset);
      const len = Atomics.load(this.meta, base + Fam.DefLength);
      let parsed: FamilyDefinition | undefined;
      try {
        parsed = JSON.parse(this.arenaBuffer().toString('utf8', off, off + len)) as FamilyDefinition;
      } catch (e) {
        if (Atomics.load(this.meta, base + Fam.DefGen) === gen) throw e;
      }
      if (Atomics.load(this.meta, base + Fam.DefGen) === gen) def = parsed;
    }
    if (cached !== undefined && cached.name !== def.name && this.#familyIdsByName.get(cached.name) === f) this.#familyIdsByName.delete(cached.name);
    this.#families.set(f, def);
    this.#familyGens.set(f, gen);
    if (!this.isRetired(f)) this.#familyIdsByName.set(def.name, f);
    return def;
  }

  /**
   * Gives family `f` a new definition in place (another name, help, labels) with the same shape
   * (cell and sketch widths): every series of the family is removed, its rows are kept for the
   * new series (after the quarantine), and the slot is not used up. For families renamed again
   * and again (the synthetic collector's metric-name churn), where declaring new families
   * would use up the family table and never reuse the old families' rows.
   *
   * The definition is written into the slot's spare buffer and then published, so a thread
   * decoding the current one never sees it change under it (it checks the generation after).
   * Throws if the shape differs, if `f` is retired, or if another live family has the name.
   */
  redeclareFamily(f: number, def: FamilyDefinition): void {
    const json = JSON.stringify(def);
    const bytes = encoder.encode(json);
    this.#locked(() => {
      const base = HEADER_INTS + f * FAMILY_FIELDS;
      if (f < 0 || f >= this.meta[Meta.FamilyCount]! || this.isRetired(f)) throw new Error(`atomic-exporter: family ${f} cannot be redeclared as "${def.name}": it is not a live family`);
      if (this.meta[base + Fam.CellWidth] !== def.cellWidth || this.meta[base + Fam.SketchWidth] !== def.sketchWidth) {
        throw new Error(`atomic-exporter: family "${this.family(f).name}" cannot be redeclared as "${def.name}": not the same shape`);
      }
      const count = this.meta[Meta.FamilyCount]!;
      for (let other = 0; other < count; other++) {
        if (other !== f && !this.isRetired(other) && this.family(other).name === def.name) {
          throw new Error(`atomic-exporter: metric "${def.name}" is already declared in this store`);
        }
      }
      const n = this.meta[Meta.RowCount]!;
      for (let row = 0; row < n; row++) {
        const r = row * ROW_FIELDS;
        if (this.rows[r + Row.Family] === f && (this.rows[r + Row.Gen]! & 1) === 1) this.#freeRow(f, row);
      }
      let cap = this.meta[base + Fam.DefCapacity]!;
      let at: number;
      let spare: number;
      if (cap < bytes.length) {
        // Room for names a few characters longer, so renames rarely allocate again.
        cap = (bytes.length + 64 + 63) & ~63;
        at = this.#arenaAlloc(cap);
        spare = this.#arenaAlloc(cap);
        this.meta[base + Fam.DefCapacity] = cap;
      } else {
        at = this.meta[base + Fam.DefSpare]!;
        spare = this.meta[base + Fam.DefOffset]!;
      }
      this.arena.set(bytes, at);
      Atomics.add(this.meta, base + Fam.DefGen, 1);
      Atomics.store(this.meta, base + Fam.DefOffset, at);
      Atomics.store(this.meta, base + Fam.DefLength, bytes.length);
      Atomics.add(this.meta, base + Fam.DefGen, 1);
      this.meta[base + Fam.DefSpare] = spare;
      this.meta[base + Fam.SeriesLimit] = Math.min(def.seriesLimit || DEFAULT_SERIES_LIMIT, MAX_ROWS);
      Atomics.store(this.meta, base + Fam.Dropped, 0);
      Atomics.add(this.meta, base + Fam.Version, 1);
      Atomics.add(this.meta, Meta.StructureVersion, 1);
      this.family(f);
    });
  }

  /**
   * The family's version (Fam.Version): it changes whenever a series of the family is created
   * or removed, the family is redeclared, or a writer calls touchFamily.
   */
  familyVersion(f: number): number {
    return Atomics.load(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Version);
  }

  /** Starts a batch of writes that renders must see whole or not at all (endBatch ends it). */
  beginBatch(): void {
    Atomics.add(this.meta, Meta.BatchesInFlight, 1);
  }

  endBatch(): void {
    Atomics.add(this.meta, Meta.BatchesEnded, 1);
    Atomics.sub(this.meta, Meta.BatchesInFlight, 1);
  }

  /** Batches in flight, and a counter that moves whenever one ends. */
  batchState(): { inFlight: number; ended: number } {
    return { inFlight: Atomics.load(this.meta, Meta.BatchesInFlight), ended: Atomics.load(this.meta, Meta.BatchesEnded) };
  }

  /** Tells renders that the values of family `f` changed (after a batch of writes). */
  touchFamily(f: number): void {
    Atomics.add(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Version, 1);
  }

  /**
   * A collector run starts writing family `f`'s values; endFamilyApply, after the run's
   * touchFamily, ends it. Lets a render of `f` tell a run applied to `f` meanwhile (its output
   * is written again) from runs applied to other families (src/render/renderer.ts).
   */
  beginFamilyApply(f: number): void {
    Atomics.add(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Applying, 1);
  }

  endFamilyApply(f: number): void {
    Atomics.sub(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Applying, 1);
  }

  /** Drops the marks of a run whose thread ended before endFamilyApply (no run of `f` is applying). */
  clearFamilyApply(f: number): void {
    Atomics.store(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Applying, 0);
  }

  /** Whether a collector run is writing family `f`'s values right now. */
  familyApplying(f: number): boolean {
    return Atomics.load(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Applying) !== 0;
  }

  /**
   * Marks family `f` as written only in batches that end with touchFamily (by the collector
   * runtime, not by instrumentation): renders reuse its output while its version is unchanged.
   */
  markCommitted(f: number): void {
    Atomics.or(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Flags, FamilyFlag.Committed);
  }

  isCommitted(f: number): boolean {
    return (Atomics.load(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Flags) & FamilyFlag.Committed) !== 0;
  }

  isRetired(f: number): boolean {
    return Atomics.load(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Retired) !== 0;
  }

  /**
   * Removes a family for good (registry.removeSingleMetric / clear): its series go, and its
   * name may be declared again, with another definition.
   */
  retireFamily(f: number): void {
    this.removeAll(f);
    Atomics.store(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Retired, 1);
    Atomics.add(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Version, 1);
    Atomics.add(this.meta, Meta.StructureVersion, 1);
    const def = this.#families.get(f);
    if (def && this.#familyIdsByName.get(def.name) === f) this.#familyIdsByName.delete(def.name);
  }

  /** Counts an update refused by the series limit. */
  countDrop(f: number): void {
    Atomics.add(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Dropped, 1);
  }

  familyLiveSeries(f: number): number {
    return Atomics.load(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.LiveSeries);
  }

  familyDropped(f: number): number {
    return Atomics.load(this.meta, HEADER_INTS + f * FAMILY_FIELDS + Fam.Dropped);
  }

  // ---- series ---------------------------------------------------------------------------

  /** Whether a cached reference still names the live series it was resolved to. */
  isCurrent(ref: SeriesRef): boolean {
    const row = ref & REF_ROW_MASK;
    // `ref / REF_ROW_SPAN` is gen + row / 2^24; `| 0` drops the row part (gen < 2^29).
    return (Atomics.load(this.rows, row * ROW_FIELDS + Row.Gen) & REF_GEN_MASK) === ((ref / REF_ROW_SPAN) | 0);
  }

  cellOf(ref: SeriesRef): number {
    return this.rows[(ref & REF_ROW_MASK) * ROW_FIELDS + Row.Cell]!;
  }

  sketchOf(ref: SeriesRef): number {
    return this.rows[(ref & REF_ROW_MASK) * ROW_FIELDS + Row.Sketch]!;
  }

  /**
   * The series of family `f` whose exposition label text is `labelText`, created if absent.
   * Returns DROPPED when creating it would exceed the family's series limit (counted as a
   * drop unless `countDrop` is false).
   */
  resolve(f: number, labelText: string, countDrop = true): SeriesRef {
    const key = this.#keyOf(f, labelText);
    return this.#locked(() => {
      const found = this.#find(f, key.bytes, key.length);
      if (found >= 0) return this.#refOf(found);
      const fam = HEADER_INTS + f * FAMILY_FIELDS;
      if (this.meta[fam + Fam.LiveSeries]! >= this.meta[fam + Fam.SeriesLimit]!) {
        if (countDrop) Atomics.add(this.meta, fam + Fam.Dropped, 1);
        return DROPPED;
      }
      const row = this.#allocRow(f, key.bytes, key.length);
      return this.#refOf(row);
    });
  }

  /** Removes one series; a no-op if it is already gone. */
  remove(f: number, labelText: string): void {
    const key = this.#keyOf(f, labelText);
    this.#locked(() => {
      const row = this.#find(f, key.bytes, key.length);
      if (row >= 0) this.#freeRow(f, row);
    });
  }

  /** Removes every series of family `f`. */
  removeAll(f: number): void {
    this.#locked(() => {
      const n = this.meta[Meta.RowCount]!;
      for (let row = 0; row < n; row++) {
        const r = row * ROW_FIELDS;
        if (this.rows[r + Row.Family] === f && (this.rows[r + Row.Gen]! & 1) === 1) this.#freeRow(f, row);
      }
    });
  }

  #refOf(row: number): SeriesRef {
    return (this.rows[row * ROW_FIELDS + Row.Gen]! & REF_GEN_MASK) * REF_ROW_SPAN + row;
  }

  /** The key (src/store/label-key.ts) of a series of family `f` given as exposition label text. */
  #keyOf(f: number, labelText: string): { bytes: Uint8Array; length: number } {
    // Worst case 3 bytes per UTF-16 unit.
    if (this.#scratch.length < labelText.length * 3) this.#scratch = new Uint8Array(labelText.length * 3);
    const { written } = encoder.encodeInto(labelText, this.#scratch);
    const labels = this.keyLabels(f);
    if (this.#keyScratch.length < written + labels.names.length + 1) this.#keyScratch = new Uint8Array(written + labels.names.length + 64);
    const length = keyFromText(this.#scratch, written, labels, this.#keyScratch);
    return { bytes: this.#keyScratch, length };
  }

  /** Family `f`'s label names as keys need them (follows a redeclareFamily). */
  keyLabels(f: number): KeyLabels {
    const def = this.family(f);
    let k = this.#keyLabelsByDef.get(def);
    if (k === undefined) this.#keyLabelsByDef.set(def, (k = keyLabelsOf(def.labelNames)));
    return k;
  }

  #bucketOf(h: number): number {
    return h & ((1 << this.meta[Meta.HashBits]!) - 1);
  }

  #find(f: number, key: Uint8Array, len: number): number {
    let link = this.hash[this.#bucketOf(hashBytes(key, len, f))]!;
    while (link !== 0) {
      const row = link - 1;
      const r = row * ROW_FIELDS;
      if (this.rows[r + Row.Family] === f && this.rows[r + Row.KeyLength] === len) {
        const off = this.rows[r + Row.KeyOffset]!;
        let same = true;
        for (let i = 0; i < len; i++) {
          if (this.arena[off + i] !== key[i]) {
            same = false;
            break;
          }
        }
        if (same) return row;
      }
      link = this.rows[r + Row.Next]!;
    }
    return -1;
  }

  #arenaAlloc(len: number): number {
    const off = this.meta[Meta.ArenaUsed]!;
    this.#ensure(this.#buffers.arena, off + len);
    this.meta[Meta.ArenaUsed] = off + len;
    return off;
  }

  #nowSeconds(): number {
    return Math.floor((Date.now() - this.createdAtMs) / 1000);
  }

  #allocRow(f: number, key: Uint8Array, len: number): number {
    const fam = HEADER_INTS + f * FAMILY_FIELDS;
    const width = this.meta[fam + Fam.CellWidth]!;
    const sketchWidth = this.meta[fam + Fam.SketchWidth]!;
    let row = -1;
    const head = this.meta[fam + Fam.FreeHead]!;
    // FreedAt is in whole seconds (rounded down), so `>` is what guarantees the full quarantine:
    // a row freed at 0.9 s has FreedAt 0 and `>= 2` would hand it out again at 2.0 s.
    if (head !== 0 && this.#nowSeconds() - this.rows[(head - 1) * ROW_FIELDS + Row.FreedAt]! > ROW_QUARANTINE_SECONDS) {
      row = head - 1;
      const r = row * ROW_FIELDS;
      const next = this.rows[r + Row.Next]!;
      this.meta[fam + Fam.FreeHead] = next;
      if (next === 0) this.meta[fam + Fam.FreeTail] = 0;
      if (this.rows[r + Row.KeyCapacity]! < len) {
        this.rows[r + Row.KeyOffset] = this.#arenaAlloc(keyRoom(len));
        this.rows[r + Row.KeyCapacity] = keyRoom(len);
      }
      // The row keeps its cells and sketch; zero them for the new series.
      const cell = this.rows[r + Row.Cell]!;
      this.common.fill(0, cell, cell + width);
      for (const s of this.shards) s.fill(0, cell, cell + width);
      const sk = this.rows[r + Row.Sketch]!;
      if (sketchWidth > 0) this.sketch.fill(0, sk, sk + sketchWidth);
    } else {
      row = this.meta[Meta.RowCount]!;
      if (row >= MAX_ROWS) throw new RangeError(`atomic-exporter: more than ${MAX_ROWS} series in one store`);
      this.#ensure(this.#buffers.rows, (row + 1) * ROW_FIELDS * 4);
      const r = row * ROW_FIELDS;
      this.rows[r + Row.Family] = f;
      this.rows[r + Row.KeyOffset] = this.#arenaAlloc(keyRoom(len));
      this.rows[r + Row.KeyCapacity] = keyRoom(len);
      this.rows[r + Row.Gen] = 0;
      this.rows[r + Row.Cell] = this.#allocCells(width);
      this.rows[r + Row.Sketch] = sketchWidth > 0 ? this.#allocSketch(sketchWidth) : 0;
      Atomics.store(this.meta, Meta.RowCount, row + 1);
    }
    const r = row * ROW_FIELDS;
    this.arena.set(key.subarray(0, len), this.rows[r + Row.KeyOffset]!);
    this.rows[r + Row.KeyLength] = len;
    this.#hashInsert(f, row, key, len);
    this.meta[fam + Fam.LiveSeries]! += 1;
    // Publish last: readers take a row as live once its generation is odd.
    Atomics.add(this.rows, r + Row.Gen, 1);
    Atomics.add(this.meta, fam + Fam.Version, 1);
    Atomics.add(this.meta, Meta.StructureVersion, 1);
    if (this.meta[fam + Fam.LiveSeries]! > 0 && this.#liveRowsEstimate() > 1 << this.meta[Meta.HashBits]!) this.#rehash();
    return row;
  }

  #liveRowsEstimate(): number {
    return this.meta[Meta.RowCount]!;
  }

  #allocCells(width: number): number {
    const cell = this.meta[Meta.NextCell]!;
    const bytes = (cell + width) * 8;
    if (bytes > this.#buffers.common.byteLength) {
      ensureBytes(this.#buffers.common, bytes);
      const target = this.#buffers.common.byteLength;
      for (const b of this.#shardBuffersAll()) ensureBytes(b, target);
      this.#remap();
    }
    this.meta[Meta.NextCell] = cell + width;
    return cell;
  }

  /** All shard buffers, including those another thread created since this one attached. */
  #shardBuffersAll(): SharedArrayBuffer[] {
    return this.#shardBuffers;
  }

  #allocSketch(width: number): number {
    const at = this.meta[Meta.SketchUsed]!;
    this.#ensure(this.#buffers.sketch, (at + width) * 4);
    this.meta[Meta.SketchUsed] = at + width;
    return at;
  }

  #hashInsert(f: number, row: number, key: Uint8Array, len: number): void {
    const b = this.#bucketOf(hashBytes(key, len, f));
    this.rows[row * ROW_FIELDS + Row.Next] = this.hash[b]!;
    this.hash[b] = row + 1;
  }

  #rehash(): void {
    const bits = this.meta[Meta.HashBits]! + 1;
    this.#ensure(this.#buffers.hash, (1 << bits) * 4);
    this.meta[Meta.HashBits] = bits;
    this.hash.fill(0);
    const n = this.meta[Meta.RowCount]!;
    for (let row = 0; row < n; row++) {
      const r = row * ROW_FIELDS;
      if ((this.rows[r + Row.Gen]! & 1) === 0) continue;
      const off = this.rows[r + Row.KeyOffset]!;
      const len = this.rows[r + Row.KeyLength]!;
      this.#hashInsert(this.rows[r + Row.Family]!, row, this.arena.subarray(off, off + len), len);
    }
  }

  #freeRow(f: number, row: number): void {
    const r = row * ROW_FIELDS;
    const fam = HEADER_INTS + f * FAMILY_FIELDS;
    // Unlink from the hash chain.
    const off = this.rows[r + Row.KeyOffset]!;
    const len = this.rows[r + Row.KeyLength]!;
    const b = this.#bucketOf(hashBytes(this.arena.subarray(off, off + len), len, f));
    let link = this.hash[b]!;
    if (link === row + 1) {
      this.hash[b] = this.rows[r + Row.Next]!;
    } else {
      while (link !== 0) {
        const lr = (link - 1) * ROW_FIELDS;
        if (this.rows[lr + Row.Next] === row + 1) {
          this.rows[lr + Row.Next] = this.rows[r + Row.Next]!;
          break;
        }
        link = this.rows[lr + Row.Next]!;
      }
    }
    Atomics.add(this.rows, r + Row.Gen, 1);
    this.rows[r + Row.Next] = 0;
    this.rows[r + Row.FreedAt] = this.#nowSeconds();
    const tail = this.meta[fam + Fam.FreeTail]!;
    if (tail === 0) this.meta[fam + Fam.FreeHead] = row + 1;
    else this.rows[(tail - 1) * ROW_FIELDS + Row.Next] = row + 1;
    this.meta[fam + Fam.FreeTail] = row + 1;
    this.meta[fam + Fam.LiveSeries]! -= 1;
    Atomics.add(this.meta, fam + Fam.Version, 1);
    Atomics.add(this.meta, Meta.StructureVersion, 1);
  }

  // ---- values ---------------------------------------------------------------------------

  /** Adds to a single-writer cell: this thread's shard, or CAS on the common area. */
  addOwn(cell: number, v: number): void {
    const own = this.own;
    if (own !== null) own[cell] = own[cell]! + v;
    else atomicAddFloat(this.commonBits, cell, v);
  }

  addCommon(cell: number, v: number): void {
    atomicAddFloat(this.commonBits, cell, v);
  }

  setCommon(cell: number, v: number): void {
    atomicStoreFloat(this.commonBits, cell, v);
  }

  /** The value of a cell: the common area plus every active shard. */
  read(cell: number, shards: readonly Float64Array[]): number {
    let v = this.common[cell]!;
    for (let k = 0; k < shards.length; k++) v += shards[k]![cell]!;
    return v;
  }

  /**
   * Live rows grouped by family, in row order: `order` holds row indexes, family f's rows are
   * `order[start[f] .. start[f + 1])`. One pass over the rows, so a render is O(series).
   */
  rowsByFamily(): { start: Int32Array; order: Int32Array; gens: Int32Array } {
    const families = this.familyCount();
    const n = Atomics.load(this.meta, Meta.RowCount);
    // Rows below n were grown into their buffers before RowCount was published.
    this.#remap();
    const start = new Int32Array(families + 1);
    const gens = new Int32Array(n);
    for (let row = 0; row < n; row++) {
      const r = row * ROW_FIELDS;
      const g = Atomics.load(this.rows, r + Row.Gen);
      gens[row] = g;
      if ((g & 1) === 1) {
        const f = this.rows[r + Row.Family]!;
        if (f < families) start[f + 1]! += 1;
      }
    }
    for (let f = 0; f < families; f++) start[f + 1]! += start[f]!;
    const fill = start.slice(0, families);
    const order = new Int32Array(start[families]!);
    for (let row = 0; row < n; row++) {
      if ((gens[row]! & 1) === 0) continue;
      const f = this.rows[row * ROW_FIELDS + Row.Family]!;
      if (f < families) order[fill[f]!++] = row;
    }
    return { start, order, gens };
  }

  /**
   * A Buffer over the arena as it is now, for decoding many label texts in one render.
   * (TextDecoder refuses views of shared memory; Buffer#toString does not.)
   */
  arenaBuffer(): Buffer {
    return Buffer.from(this.#buffers.arena, 0, this.#buffers.arena.byteLength);
  }

  /** The exposition label text of a row (from its key and its family's label names). */
  labelTextOf(row: number, arena: Buffer = this.arenaBuffer()): string {
    const r = row * ROW_FIELDS;
    return keyText(arena, this.rows[r + Row.KeyOffset]!, this.rows[r + Row.KeyLength]!, this.keyLabels(this.rows[r + Row.Family]!));
  }

  rowCell(row: number): number {
    return this.rows[row * ROW_FIELDS + Row.Cell]!;
  }

  rowSketch(row: number): number {
    return this.rows[row * ROW_FIELDS + Row.Sketch]!;
  }

  rowGen(row: number): number {
    return Atomics.load(this.rows, row * ROW_FIELDS + Row.Gen);
  }
}
