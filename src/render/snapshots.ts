/**
 * A plan's families copied out as FamilySnapshots, one family at a time, yielding to the event
 * loop between them (and while grouping a big store's rows): for consumers that want values as
 * objects rather than exposition bytes (remote write).
 */
import type { FamilySnapshot } from '../exposition/snapshot.js';
import { LabelTextDecoder } from '../store/label-text.js';
import { snapshotFamily, type StoreView } from '../store/snapshot.js';
import type { Store } from '../store/store.js';
import type { PlannedFamily } from './plan.js';
import { Slicer } from './slicer.js';
import { rowView } from './view.js';

export async function* planSnapshots(plan: readonly PlannedFamily[], slicer = new Slicer()): AsyncGenerator<FamilySnapshot> {
  const nowMs = Date.now();
  const views = new Map<Store, StoreView>();
  for (const p of plan) {
    await slicer.maybeYield();
    if (p.kind === 'snapshot') {
      yield p.family;
      continue;
    }
    let view = views.get(p.store);
    if (view === undefined) {
      const v = await rowView(p.store, slicer);
      const arena = p.store.arenaBuffer();
      view = { store: p.store, start: v.start, order: v.order, shards: p.store.renderShards(), arena, labels: new LabelTextDecoder(p.store, arena), nowMs };
      views.set(p.store, view);
    }
    yield snapshotFamily(view, p.f, p.defaultLabelText, p.fallbacks);
  }
}
