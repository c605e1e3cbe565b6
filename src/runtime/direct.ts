/**
 * `ctx.direct` (src/collector/direct.ts), worker side: unstaged access to the shared store for
 * one run. Families declared or bound through it are flagged Committed in the store; every
 * family written during the run is touched (its version bumped) when the run ends, whatever its
 * outcome, so renders redo exactly the families that changed (src/render/).
 *
 * Values go to the store's common area (compare-and-swap), like staged collector values: a
 * collector never overlaps itself, so the cells of its series have one writer at a time.
 */
import { bucketIndex } from '../metrics/buckets.js';
import type { DirectFamily, DirectSeries, DirectStore } from '../collector/direct.js';
import type { MetricSpec } from '../collector/define.js';
import { record } from '../store/sketch.js';
import { effectiveAgeBuckets, summarySlot } from '../store/snapshot.js';
import { DROPPED, type FamilyDefinition, type Store } from '../store/store.js';
import { familyDefinitionOf, SELF_PREFIX } from './spec.js';

function checkedDefinition(spec: MetricSpec): FamilyDefinition {
  const def = familyDefinitionOf(spec);
  if (def.name.startsWith(SELF_PREFIX)) throw new TypeError(`metric "${def.name}": names starting with ${SELF_PREFIX} are reserved for the exporter's self-metrics`);
  return def;
}

/** Largest state a collector may ask for (Float64 slots): 1 GiB. */
export const MAX_STATE_SLOTS = 2 ** 27;

/** A growable SharedArrayBuffer for one collector's `direct.state()`. */
export function createStateBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(0, { maxByteLength: MAX_STATE_SLOTS * 8 });
}

class Family implements DirectFamily {
  readonly id: number;
  readonly #run: DirectRun;
  readonly #store: Store;
  #def: FamilyDefinition;
  #ageBuckets: number;

  constructor(run: DirectRun, store: Store, id: number) {
    this.#run = run;
    this.#store = store;
    this.id = id;
    this.#def = store.family(id);
    this.#ageBuckets = effectiveAgeBuckets(this.#def);
  }

  get name(): string {
    return this.#def.name;
  }

  get type(): MetricSpec['type'] {
    return this.#def.type;
  }

  #write(): void {
    this.#run.written(this.id);
  }

  series(labelText: string): DirectSeries {
    this.#run.check();
    this.#write();
    return this.#store.resolve(this.id, labelText);
  }

  isCurrent(ref: DirectSeries): boolean {
    return ref !== DROPPED && this.#store.isCurrent(ref);
  }

  set(ref: DirectSeries, value: number): void {
    if (ref === DROPPED) return;
    this.#write();
    this.#store.setCommon(this.#store.cellOf(ref), value);
  }

  add(ref: DirectSeries, value: number): void {
    if (ref === DROPPED) return;
    this.#write();
    this.#store.addCommon(this.#store.cellOf(ref), value);
  }

  observe(ref: DirectSeries, value: number): void {
    if (ref === DROPPED) return;
    this.#write();
    const store = this.#store;
    const cell = store.cellOf(ref);
    const def = this.#def;
    if (def.type === 'histogram') {
      store.addCommon(cell, value);
      store.addCommon(cell + 1 + bucketIndex(def.buckets ?? [], value), 1);
    } else if (def.type === 'summary') {
      store.addCommon(cell, value);
      store.addCommon(cell + 1, 1);
      record(store.sketch, store.sketchOf(ref), this.#ageBuckets, summarySlot(def, store.createdAtMs, Date.now()), value);
    } else throw new TypeError(`metric "${def.name}" is a ${def.type}: observe() is for histograms and summaries`);
  }

  remove(labelText: string): void {
    this.#run.check();
    this.#write();
    this.#store.remove(this.id, labelText);
  }

  size(): number {
    return this.#store.familyLiveSeries(this.id);
  }

  labelTexts(): string[] {
    const store = this.#store;
    const { start, order } = store.rowsByFamily();
    const arena = store.arenaBuffer();
    const out: string[] = [];
    for (let i = start[this.id]!; i < start[this.id + 1]!; i++) out.push(store.labelTextOf(order[i]!, arena));
    return out;
  }

  redeclare(spec: MetricSpec): void {
    this.#run.check();
    const def = checkedDefinition(spec);
    this.#write();
    this.#store.redeclareFamily(this.id, def);
    this.#def = this.#store.family(this.id);
    this.#ageBuckets = effectiveAgeBuckets(this.#def);
  }

  retire(): void {
    this.#run.check();
    this.#store.retireFamily(this.id);
  }
}

/** The `direct` of one run. */
export class DirectRun {
  readonly #store: Store;
  readonly #state: SharedArrayBuffer | undefined;
  readonly #touched = new Set<number>();
  #open = true;

  constructor(store: Store, state: SharedArrayBuffer | undefined) {
    this.#store = store;
    this.#state = state;
  }

  check(): void {
    if (!this.#open) throw new Error('ctx.direct used after collect() returned: it is valid for one run only');
  }

  written(f: number): void {
    if (!this.#open) this.check();
    this.#touched.add(f);
  }

  /** What the run's CollectContext gets. */
  api(): DirectStore {
    const store = this.#store;
    const bind = (id: number): DirectFamily => {
      store.markCommitted(id);
      return new Family(this, store, id);
    };
    return {
      createdAtMs: store.createdAtMs,
      family: (spec) => {
        this.check();
        return bind(store.declareFamily(checkedDefinition(spec)));
      },
      familyById: (id) => {
        this.check();
        if (!Number.isInteger(id) || id < 0 || id >= store.familyCount() || store.isRetired(id)) return undefined;
        return bind(id);
      },
      state: (length) => {
        this.check();
        const buf = this.#state;
        if (buf === undefined) throw new Error('ctx.direct.state() is not available outside the runtime pool');
        if (!Number.isInteger(length) || length < 0 || length > MAX_STATE_SLOTS) throw new RangeError(`state length must be a whole number up to ${MAX_STATE_SLOTS}, got ${length}`);
        if (buf.byteLength < length * 8) buf.grow(length * 8);
        return new Float64Array(buf, 0, buf.byteLength >> 3);
      },
    };
  }

  /** Ends the run: the families it wrote are marked as changed. */
  close(): void {
    this.#open = false;
    for (const f of this.#touched) this.#store.touchFamily(f);
    this.#touched.clear();
  }
}
