/**
 * Direct access to the shared store from a collector run (`ctx.direct`): for collectors whose
 * metrics are too many to stage (millions of series) or only known at run time with a real
 * store family behind them (names that change). The synthetic collector is the user.
 *
 * Unlike `ctx.metrics`, nothing is staged: every write lands in the store when it is made, so a
 * run that fails or is cancelled may leave part of its writes, and series are only removed when
 * the collector removes them. At the end of every run the runtime marks each family written
 * through it as changed, which is what lets renders reuse a family's output in between
 * (Store#touchFamily; see src/render/). State that must survive from one run to the next, in
 * whichever pool thread it runs, goes in `state`.
 */
import type { MetricSpec } from './define.js';

/** A series of a direct family: an exact integer, -1 when the family's series limit refused it. */
export type DirectSeries = number;

export interface DirectFamily {
  /** The family's slot in the store (stable across redeclare). */
  readonly id: number;
  /** The current name (it changes with redeclare). */
  readonly name: string;
  readonly type: MetricSpec['type'];
  /**
   * The series whose exposition label text is `labelText` (`a="x",b="y"`: names in the order
   * wanted, values escaped with escapeLabelValue, const labels left out), created (at zero) if
   * absent. -1 when the series limit refuses it.
   */
  series(labelText: string): DirectSeries;
  /** Whether a series reference still names a live series (false once removed). */
  isCurrent(ref: DirectSeries): boolean;
  /** counter, gauge: replaces the value. */
  set(ref: DirectSeries, value: number): void;
  /** counter, gauge: adds to the value. */
  add(ref: DirectSeries, value: number): void;
  /** histogram, summary: one observation. */
  observe(ref: DirectSeries, value: number): void;
  /** Removes the series with this label text (no-op if absent). */
  remove(labelText: string): void;
  /** Live series now. */
  size(): number;
  /** The label text of every live series (for clean-up). */
  labelTexts(): string[];
  /**
   * Gives the family a new definition of the same type and shape (another name, say): all its
   * series are removed, its slot and rows are reused. Metric-name churn without growth.
   */
  redeclare(spec: MetricSpec): void;
  /** Removes the family for good. */
  retire(): void;
}

export interface DirectStore {
  /** Unix ms at which the store was created: one clock every pool thread shares. */
  readonly createdAtMs: number;
  /**
   * Declares the family in the shared store, or binds to it if it exists with the same
   * definition (from any thread). Checked like a declared metric; names under
   * `atomic_exporter_` are refused.
   */
  family(spec: MetricSpec): DirectFamily;
  /** Binds to the live family with this id (undefined if retired or unknown). */
  familyById(id: number): DirectFamily | undefined;
  /**
   * This collector's own shared memory, at least `length` Float64 slots: zero at first, the
   * same memory in every pool thread, kept across runs (not across restarts). Grows on demand;
   * take the view again after asking for more.
   */
  state(length: number): Float64Array;
}
