/**
 * What a render takes, family by family, in exposition order (Registry#renderPlan): a family of
 * a store, to be written straight from shared memory (src/render/store-family.ts), or a family
 * already copied out (prom-client's, the const families collectors emit, the registry's own).
 */
import type { FamilySnapshot, MetricType } from '../exposition/snapshot.js';
import type { FallbackLabel } from '../store/snapshot.js';
import type { FamilyDefinition, Store } from '../store/store.js';

export interface PlannedStoreFamily {
  readonly kind: 'store';
  readonly store: Store;
  /** The family's slot in the store. */
  readonly f: number;
  readonly def: FamilyDefinition;
  /** Registry default labels the family does not declare, as label text (before the const labels). */
  readonly defaultLabelText: string;
  /** Default labels the family declares: added to each series that lacks them. */
  readonly fallbacks: readonly FallbackLabel[];
  /**
   * Leave the family out if it has no series when it is rendered (Registry omitEmptyFamilies).
   * Decided by the render, not the plan: a family whose first series appears between the two
   * would otherwise be missing from a body whose other families (its collector's success, the
   * series counts) already show the run that created it.
   */
  readonly omitIfEmpty: boolean;
}

export interface PlannedSnapshot {
  readonly kind: 'snapshot';
  readonly family: FamilySnapshot;
}

export type PlannedFamily = PlannedStoreFamily | PlannedSnapshot;

export function plannedName(p: PlannedFamily): string {
  return p.kind === 'store' ? p.def.name : p.family.name;
}

export function plannedType(p: PlannedFamily): MetricType {
  return p.kind === 'store' ? p.def.type : p.family.type;
}
