/**
 * The summary's quantile sketch: logarithmic bins (the DDSketch mapping) with integer counts,
 * so any thread records an observation with one `Atomics.add` and no lock.
 *
 * Guarantee: for observations whose magnitude lies in [SKETCH_MIN, SKETCH_MAX], a reported
 * quantile is within RELATIVE_ERROR (1%) of an observation of that rank. Smaller magnitudes
 * are reported as 0, larger ones as SKETCH_MAX (same sign).
 *
 * The sliding window (prom-client's maxAgeSeconds / ageBuckets) is a ring of `ageBuckets`
 * sketches; each carries the number of the time slot it holds, and the first writer to reach a
 * new slot claims and clears it.
 */
export const RELATIVE_ERROR = 0.01;
export const SKETCH_MIN = 1e-9;
export const SKETCH_MAX = 1e9;

const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LN_GAMMA = Math.log(GAMMA);
const INDEX_MIN = Math.ceil(Math.log(SKETCH_MIN) / LN_GAMMA);
const INDEX_MAX = Math.ceil(Math.log(SKETCH_MAX) / LN_GAMMA);
/** Bins per sign. */
const K = INDEX_MAX - INDEX_MIN + 1;
/** Negative bins, the zero bin, positive bins. */
export const BINS = 2 * K + 1;
const ZERO_BIN = K;

/** Int32 words a series needs for `ageBuckets` windows: one slot word and BINS counts each. */
export function sketchWidth(ageBuckets: number): number {
  return ageBuckets * (1 + BINS);
}

export function binOf(v: number): number {
  const m = Math.abs(v);
  if (!(m >= SKETCH_MIN)) return ZERO_BIN; // also NaN
  const i = m >= SKETCH_MAX ? INDEX_MAX : Math.ceil(Math.log(m) / LN_GAMMA);
  const k = Math.min(Math.max(i, INDEX_MIN), INDEX_MAX) - INDEX_MIN;
  return v > 0 ? ZERO_BIN + 1 + k : ZERO_BIN - 1 - k;
}

export function valueOfBin(bin: number): number {
  if (bin === ZERO_BIN) return 0;
  const k = bin > ZERO_BIN ? bin - ZERO_BIN - 1 : ZERO_BIN - 1 - bin;
  const rep = (2 * GAMMA ** (k + INDEX_MIN)) / (GAMMA + 1);
  return bin > ZERO_BIN ? rep : -rep;
}

/** Slot words hold `slot * 2` when ready and `slot * 2 + 1` while being cleared. */
const CLEARING = 1;
/**
 * Clearing a bucket takes a microsecond or two. A writer that sees it in progress for this many
 * polls (a fraction of a millisecond, more if the clearer was descheduled) takes it as abandoned
 * (its thread was terminated mid-clear) and finishes it: without this every writer of the series
 * would spin until the next window period, minutes with maxAgeSeconds: 600. Zeroing twice, if
 * the clearer was only slow, loses at most a few observations of the new period.
 */
const CLEAR_POLLS = 1 << 16;

/**
 * Records `v` at time slot `slot` (a count of window/ageBuckets periods since the store began).
 */
export function record(sk: Int32Array, base: number, ageBuckets: number, slot: number, v: number): void {
  const b = slot % ageBuckets;
  const slotWord = base + b * (1 + BINS);
  const want = slot * 2;
  let polls = 0;
  for (;;) {
    const seen = Atomics.load(sk, slotWord);
    if (seen === want || seen > want + CLEARING) break; // current, or a later slot already (clock skew): count it there
    if (seen === want + CLEARING) {
      // Another writer is clearing this bucket: a few microseconds, unless it died doing it.
      if (++polls < CLEAR_POLLS) continue;
      sk.fill(0, slotWord + 1, slotWord + 1 + BINS);
      Atomics.compareExchange(sk, slotWord, want + CLEARING, want);
      break;
    }
    if (Atomics.compareExchange(sk, slotWord, seen, want + CLEARING) === seen) {
      sk.fill(0, slotWord + 1, slotWord + 1 + BINS);
      Atomics.store(sk, slotWord, want);
      break;
    }
  }
  Atomics.add(sk, slotWord + 1 + binOf(v), 1);
}

/**
 * Quantiles over the windows that are still inside the sliding window at `slot`.
 * `out` receives one value per quantile, NaN when the window holds no observation.
 */
export function quantilesAt(
  sk: Int32Array,
  base: number,
  ageBuckets: number,
  slot: number,
  quantiles: readonly number[],
  out: Float64Array,
  outOffset: number,
  merged: Float64Array,
): void {
  merged.fill(0);
  let n = 0;
  for (let b = 0; b < ageBuckets; b++) {
    const slotWord = base + b * (1 + BINS);
    const seen = Atomics.load(sk, slotWord);
    if (seen & CLEARING) continue;
    const bucketSlot = seen / 2;
    if (bucketSlot > slot || bucketSlot <= slot - ageBuckets) continue;
    if (seen === 0 && slot >= ageBuckets) continue;
    for (let i = 0; i < BINS; i++) {
      const c = sk[slotWord + 1 + i]!;
      if (c !== 0) {
        merged[i] = merged[i]! + c;
        n += c;
      }
    }
  }
  for (let q = 0; q < quantiles.length; q++) {
    if (n === 0) {
      out[outOffset + q] = NaN;
      continue;
    }
    const rank = quantiles[q]! * (n - 1);
    let cum = 0;
    let bin = 0;
    for (; bin < BINS; bin++) {
      cum += merged[bin]!;
      if (cum > rank) break;
    }
    out[outOffset + q] = valueOfBin(Math.min(bin, BINS - 1));
  }
}
