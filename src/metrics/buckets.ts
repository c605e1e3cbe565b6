/**
 * The bucket an observation falls in: the first bound `v <= bound`, or `bounds.length` for the
 * `+Inf` bucket. Shared by Histogram and the collector runtime's staged and direct writes, so a
 * value lands in the same bucket whichever path recorded it.
 */
export function bucketIndex(bounds: readonly number[], v: number): number {
  // Most histograms have a dozen bounds: a linear scan beats the branches of a binary search.
  if (bounds.length <= 16) {
    for (let i = 0; i < bounds.length; i++) if (v <= bounds[i]!) return i;
    return bounds.length;
  }
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= bounds[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
