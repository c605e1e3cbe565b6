/**
 * The data the exposition renders: a point-in-time, columnar copy of one metric family.
 *
 * Columnar (typed arrays indexed by series) rather than one object per series, because a
 * render of a million series must not allocate a million objects. The store produces these;
 * the renderers are pure functions of them.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface FamilySnapshot {
  /**
   * The family name as declared by the user. For counters this is the name given to the
   * Counter (usually ending in `_total`, as prom-client users write it); the OpenMetrics
   * renderer derives the metadata name (without `_total`) and the sample name (with it).
   */
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /**
   * One entry per series: the label pairs already escaped for exposition, without braces,
   * e.g. `method="GET",code="200"`; the empty string for a series without labels. Const labels
   * are included. Label-value escaping (`\\`, `\"`, `\n`) is the same in both formats, which is
   * why the store can keep this string once per series instead of re-escaping on every render.
   */
  readonly labelTexts: readonly string[];
  /** counter, gauge, untyped: the value of each series. */
  readonly values?: Float64Array;
  /** histogram: finite upper bounds in increasing order; the `+Inf` bucket is implicit. */
  readonly bounds?: readonly number[];
  /**
   * histogram: cumulative bucket counts, `series × (bounds.length + 1)`; the last column of each
   * series is the `+Inf` bucket and equals its count.
   */
  readonly buckets?: Float64Array;
  /** histogram and summary: sum of observations per series. */
  readonly sums?: Float64Array;
  /** histogram and summary: count of observations per series. */
  readonly counts?: Float64Array;
  /** summary: the quantiles exposed, in increasing order (e.g. 0.5, 0.9, 0.99). */
  readonly quantiles?: readonly number[];
  /** summary: `series × quantiles.length` values; NaN where the window holds no observation. */
  readonly quantileValues?: Float64Array;
}
