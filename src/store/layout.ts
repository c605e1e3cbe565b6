/**
 * Every offset, field and limit of the shared store, in one place.
 *
 * The store is a handful of SharedArrayBuffers that every thread maps the same way. Keeping the
 * numbers here (and nowhere else) is what lets a reader in one thread trust what a writer in
 * another thread laid out.
 */

/** Slots of the `meta` Int32Array header. */
export const enum Meta {
  /** Structural lock (series/family creation and removal). 0 = free, else owner's threadId + 1. */
  Lock = 0,
  FamilyCount = 1,
  /** High-water mark of series rows; rows below it are initialised (live or free). */
  RowCount = 2,
  /** Next unallocated value cell (Float64 index, shared by the common area and every shard). */
  NextCell = 3,
  /** Bytes used in the arena (label keys and family definitions). */
  ArenaUsed = 4,
  /** log2 of the number of hash buckets. */
  HashBits = 5,
  /** Next unallocated Int32 of the summary-sketch area. */
  SketchUsed = 6,
  /** Bumped on every structural change, so a render can be reused while nothing changed. */
  StructureVersion = 7,
  /**
   * Batches (a collector run's writes) being applied right now, and how many ended: a render
   * waits briefly for the first to reach 0 and retries if the second moved, so a scrape never
   * shows half of a run.
   */
  BatchesInFlight = 8,
  BatchesEnded = 9,
  /** First of MAX_SHARDS owner words: 0 = free, else the owning threadId + 1. */
  ShardOwnerBase = 16,
}

/** Per-thread value shards. Shard 0 belongs to the thread that created the store. */
export const MAX_SHARDS = 32;
/** Shard ever-claimed flags (a render only sums shards that were ever written). */
export const SHARD_EVER_BASE = Meta.ShardOwnerBase + MAX_SHARDS;
export const HEADER_INTS = SHARD_EVER_BASE + MAX_SHARDS;

/** Fields of one family entry, right after the header. */
export const enum Fam {
  DefOffset = 0,
  DefLength = 1,
  /** Float64 cells per series. */
  CellWidth = 2,
  /** Int32 sketch words per series (summaries only). */
  SketchWidth = 3,
  SeriesLimit = 4,
  LiveSeries = 5,
  /** Series creations refused because of SeriesLimit. */
  Dropped = 6,
  /** Free-row queue (FIFO, linked through Row.Next), row index + 1; 0 = empty. */
  FreeHead = 7,
  FreeTail = 8,
  /** 1 once the family was removed from its registry: skipped by name lookups and renders. */
  Retired = 9,
  /**
   * Bumped when a series of the family is created or removed, when the family is redeclared,
   * and by writers that commit values in batches (the collector runtime, the synthetic
   * collector: Store#touchFamily). For a family flagged Committed, an unchanged version means
   * unchanged output, so a render of it can be reused (src/render/).
   */
  Version = 10,
  /** FamilyFlag bits. */
  Flags = 11,
  /**
   * Definition generation: even when stable, odd while Store#redeclareFamily rewrites the
   * definition in place. Threads re-read a family's definition when it changed.
   */
  DefGen = 12,
  /** Store#redeclareFamily: capacity of each of the family's two definition buffers (0: none yet). */
  DefCapacity = 13,
  /** Store#redeclareFamily: arena offset of the definition buffer not in use. */
  DefSpare = 14,
  /**
   * Collector runs writing the family's values right now (Store#beginFamilyApply): with
   * Version, tells a render whether its output of the family could hold part of a run.
   */
  Applying = 15,
}
export const FAMILY_FIELDS = 16;

/** Bits of Fam.Flags. */
export const enum FamilyFlag {
  /**
   * Values change only in batches that end with Store#touchFamily (never by instrumentation
   * writing one value at a time): the family's version tells whether its output changed.
   */
  Committed = 1,
}
export const MAX_FAMILIES = 16384;
export const META_INTS = HEADER_INTS + MAX_FAMILIES * FAMILY_FIELDS;

/** Fields of one series row in the `rows` Int32Array. */
export const enum Row {
  Family = 0,
  KeyOffset = 1,
  KeyLength = 2,
  /**
   * Arena bytes the key has room for (its length rounded up: keyRoom). Kept, not derived from
   * the length: a row reused by churning series keeps its room as keys get shorter and longer
   * again, so churn never allocates arena anew (derived, it leaked: test/synthetic).
   */
  KeyCapacity = 3,
  /**
   * Generation: odd while the row is live, even while it is free. Bumped on creation and
   * removal, so a thread's cached reference (which remembers the generation) notices reuse.
   */
  Gen = 4,
  Cell = 5,
  /** Hash-chain link while live, free-queue link while free (row index + 1; 0 = none). */
  Next = 6,
  /** Seconds since the store's creation at which the row was freed (quarantine). */
  FreedAt = 7,
  Sketch = 8,
}
export const ROW_FIELDS = 9;

/**
 * Arena bytes given to a key of `length` bytes: rounded up to 16, so that a row reused by a
 * churning series whose key grew a little (a cycle number gaining a digit) mostly still fits.
 * (Rounded to 8, every synthetic key of one churn test needed new room at cycle 10.)
 */
export function keyRoom(length: number): number {
  return (length + 15) & ~15;
}

/**
 * A thread's cache reference is `generation * REF_ROW_SPAN + row`: 24 bits of row and 29 of
 * generation, an exact integer below 2^53. The generation must not wrap while a stale reference
 * can still be cached (a thread keeps one for as long as it does not touch that series): with 7
 * bits it wrapped after 64 reuses of a row (about two minutes of churn), and a stale reference
 * then wrote into whichever series held the row. 29 bits take 2^28 reuses (years).
 */
export const MAX_ROWS = 1 << 24;
export const REF_ROW_MASK = 0xffffff;
export const REF_ROW_SPAN = 2 ** 24;
export const REF_GEN_MASK = 0x1fffffff;

/**
 * A freed row is reused only after this long, so a writer that checked the generation a
 * moment before the removal cannot land its write in the next series to use the row.
 */
export const ROW_QUARANTINE_SECONDS = 2;

/** Virtual reservations; memory is committed only as the store grows and pages are touched. */
export const MAX_ROW_BYTES = MAX_ROWS * ROW_FIELDS * 4;
export const MAX_CELL_BYTES = 2 ** 32;
export const MAX_ARENA_BYTES = 2 ** 32;
export const MAX_HASH_BYTES = 2 ** 28;
export const MAX_SKETCH_BYTES = 2 ** 32;

export const INITIAL_ROWS = 1024;
export const INITIAL_CELLS = 4096;
export const INITIAL_ARENA_BYTES = 64 * 1024;
export const INITIAL_HASH_BITS = 12;
export const INITIAL_SKETCH_INTS = 0;

/** Default per-metric series limit: generous, but a bound. */
export const DEFAULT_SERIES_LIMIT = 1_000_000;
