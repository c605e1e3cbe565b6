/**
 * The rows of a store grouped by family (Store#rowsByFamily), built in slices that yield to the
 * event loop (a million rows take tens of milliseconds), and kept while the store's structure
 * version says no series was created or removed since.
 */
import { Meta, ROW_FIELDS, Row } from '../store/layout.js';
import type { Store } from '../store/store.js';
import type { Slicer } from './slicer.js';

export interface RowView {
  /** Family f's rows are `order[start[f] .. start[f + 1])`, in row order. */
  readonly start: Int32Array;
  readonly order: Int32Array;
  /** Each row's generation when the view was built: a row whose generation moved since is skipped. */
  readonly gens: Int32Array;
  /** The store's structure version the view was built at. */
  readonly version: number;
}

const cache = new WeakMap<Store, RowView>();
const STEP = 65_536;

export async function rowView(store: Store, slicer: Slicer): Promise<RowView> {
  const version = store.structureVersion();
  const cached = cache.get(store);
  if (cached !== undefined && cached.version === version) return cached;
  const families = store.familyCount();
  const n = Atomics.load(store.meta, Meta.RowCount);
  // Rows below n were grown into their buffers before RowCount was published; renderShards()
  // brings this thread's views up to date.
  store.renderShards();
  const start = new Int32Array(families + 1);
  const gens = new Int32Array(n);
  const fam = new Int32Array(n);
  for (let from = 0; from < n; from += STEP) {
    const rows = store.rows;
    const to = Math.min(n, from + STEP);
    for (let row = from; row < to; row++) {
      const r = row * ROW_FIELDS;
      const g = Atomics.load(rows, r + Row.Gen);
      gens[row] = g;
      const f = (g & 1) === 1 ? rows[r + Row.Family]! : -1;
      fam[row] = f;
      if (f >= 0 && f < families) start[f + 1]! += 1;
    }
    await slicer.maybeYield();
  }
  for (let f = 0; f < families; f++) start[f + 1]! += start[f]!;
  const fill = start.slice(0, families);
  const order = new Int32Array(start[families]!);
  for (let row = 0; row < n; row++) {
    const f = fam[row]!;
    if (f >= 0 && f < families) order[fill[f]!++] = row;
  }
  const view = { start, order, gens, version };
  cache.set(store, view);
  return view;
}
