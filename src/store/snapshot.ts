import { formatLabelPairs } from '../exposition/escape.js';
import type { FamilySnapshot } from '../exposition/snapshot.js';
import { LabelTextDecoder } from './label-text.js';
import { BINS, quantilesAt } from './sketch.js';
import type { FamilyDefinition, Store } from './store.js';

/** The rows of a store grouped by family, computed once per render and shared by its families. */
export interface StoreView {
  readonly store: Store;
  readonly start: Int32Array;
  readonly order: Int32Array;
  readonly shards: readonly Float64Array[];
  readonly arena: Buffer;
  /** Label texts of this view's rows (shared by its families: one arena decode per render). */
  readonly labels: LabelTextDecoder;
  readonly nowMs: number;
}

export function viewOf(store: Store, nowMs = Date.now()): StoreView {
  const { start, order } = store.rowsByFamily();
  const arena = store.arenaBuffer();
  return { store, start, order, shards: store.renderShards(), arena, labels: new LabelTextDecoder(store, arena), nowMs };
}

/** The summary window slot at `nowMs`: the same arithmetic writers use to pick their bucket. */
export function summarySlot(def: FamilyDefinition, createdAtMs: number, nowMs: number): number {
  if (def.maxAgeSeconds === undefined) return 0;
  const period = (def.maxAgeSeconds * 1000) / (def.ageBuckets ?? 1);
  return Math.floor((nowMs - createdAtMs) / period);
}

export function effectiveAgeBuckets(def: FamilyDefinition): number {
  return def.maxAgeSeconds === undefined ? 1 : (def.ageBuckets ?? 1);
}

/**
 * A default label whose name is also one of the family's variable labels: added only to the
 * series that were not given that label (prom-client's rule). `text` is `name="escaped value"`.
 */
export interface FallbackLabel {
  readonly name: string;
  readonly text: string;
}

/** Whether an exposition label text (`a="x",b="y"`) has a label called `name`. */
function hasLabel(labelText: string, name: string): boolean {
  // Inside a value every `"` is escaped, so `name="` there can only start a label.
  return labelText.startsWith(name + '="') || labelText.includes(',' + name + '="');
}

/**
 * Copies one family out of shared memory into a FamilySnapshot. `defaultLabelText` is label text
 * that comes before each series' own labels (default labels the family does not declare);
 * `fallbacks` are default labels it declares, added to the series that lack them.
 */
export function snapshotFamily(view: StoreView, f: number, defaultLabelText = '', fallbacks: readonly FallbackLabel[] = []): FamilySnapshot {
  const { store, shards } = view;
  const def = store.family(f);
  const from = view.start[f] ?? 0;
  const to = view.start[f + 1] ?? from;
  const n = to - from;
  const constText = formatLabelPairs(Object.keys(def.constLabels), Object.values(def.constLabels));
  const prefix = defaultLabelText && constText ? defaultLabelText + ',' + constText : defaultLabelText || constText;
  const labelTexts: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let own = view.labels.text(view.order[from + i]!);
    for (const fb of fallbacks) if (!hasLabel(own, fb.name)) own = own === '' ? fb.text : own + ',' + fb.text;
    labelTexts[i] = prefix === '' ? own : own === '' ? prefix : prefix + ',' + own;
  }
  const base = { name: def.name, help: def.help, type: def.type, labelTexts };
  const read = (cell: number): number => store.read(cell, shards);
  switch (def.type) {
    case 'counter':
    case 'gauge':
    case 'untyped': {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = read(store.rowCell(view.order[from + i]!));
      return { ...base, values };
    }
    case 'histogram': {
      const bounds = def.buckets ?? [];
      const width = bounds.length + 1;
      const buckets = new Float64Array(n * width);
      const sums = new Float64Array(n);
      const counts = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const cell = store.rowCell(view.order[from + i]!);
        sums[i] = read(cell);
        // Buckets are stored per bucket and made cumulative here, and the count is the last
        // cumulative value: `+Inf == _count` and monotone buckets hold in every render, even
        // while writers are mid-observation.
        let acc = 0;
        for (let b = 0; b < width; b++) {
          acc += read(cell + 1 + b);
          buckets[i * width + b] = acc;
        }
        counts[i] = acc;
      }
      return { ...base, bounds, buckets, sums, counts };
    }
    case 'summary': {
      const quantiles = def.percentiles ?? [];
      const quantileValues = new Float64Array(n * quantiles.length);
      const sums = new Float64Array(n);
      const counts = new Float64Array(n);
      const merged = new Float64Array(BINS);
      const ageBuckets = effectiveAgeBuckets(def);
      const slot = summarySlot(def, store.createdAtMs, view.nowMs);
      for (let i = 0; i < n; i++) {
        const row = view.order[from + i]!;
        const cell = store.rowCell(row);
        sums[i] = read(cell);
        counts[i] = read(cell + 1);
        quantilesAt(store.sketch, store.rowSketch(row), ageBuckets, slot, quantiles, quantileValues, i * quantiles.length, merged);
      }
      return { ...base, quantiles, quantileValues, sums, counts };
    }
  }
}
