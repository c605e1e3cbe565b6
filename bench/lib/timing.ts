/** Repeat-and-summarise timing: warmup runs, then N timed runs, reported as order statistics. */

export interface Stats {
  n: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p50: number;
  p99: number;
}

/** The p-th percentile (0..100) of sorted samples, by linear interpolation between ranks. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  const median = percentile(s, 50);
  return { n: s.length, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN, mean, median, p50: median, p99: percentile(s, 99) };
}

export interface TimeOptions {
  /** Untimed runs first (JIT, caches). Default 1. */
  warmup?: number;
  /** Timed runs. Default 5. */
  repeat?: number;
  /** Called after every run (warmups included), e.g. to tick a progress bar. */
  onRun?: (index: number, ms: number, warmup: boolean) => void;
}

/** Runs `fn` (sync or async) warmup + repeat times; returns the timed runs' stats in milliseconds. */
export async function timeIt(fn: () => unknown, opts: TimeOptions = {}): Promise<Stats & { samples: number[] }> {
  const warmup = opts.warmup ?? 1;
  const repeat = opts.repeat ?? 5;
  const samples: number[] = [];
  for (let i = 0; i < warmup + repeat; i++) {
    const t0 = performance.now();
    await fn();
    const ms = performance.now() - t0;
    if (i >= warmup) samples.push(ms);
    opts.onRun?.(i, ms, i < warmup);
  }
  return { ...stats(samples), samples };
}

/** Calls `fn` in a loop for about `ms` milliseconds; returns calls per second. */
export function rate(fn: () => void, ms: number, checkEvery = 1024): number {
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < checkEvery; i++) fn();
    calls += checkEvery;
    t = performance.now();
  }
  return (calls * 1000) / (t - t0);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
