/**
 * `rate_limit`: a token bucket over every request (exporter-toolkit's golang.org/x/time/rate
 * limiter): one token every `interval`, at most `burst` saved up, starting full. A request that
 * finds no token gets 429. `interval: 0` (or no `rate_limit`) turns it off.
 */
import type { Fail } from './errors.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A Go duration (`time.ParseDuration`: `1s`, `1.5s`, `100ms`, `1m30s`, `0`) in milliseconds;
 * a YAML integer counts nanoseconds, as Go decodes it into a time.Duration. Throws on bad input.
 */
export function parseGoDuration(v: string | number): number {
  if (typeof v === 'number') return v / 1e6;
  const s = v.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let ms = 0;
  let at = 0;
  while (at < s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (m === null) throw new Error(`invalid duration ${JSON.stringify(v)} (expected e.g. 1s, 500ms, 1m30s)`);
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = re.lastIndex;
  }
  if (s === '') throw new Error('empty duration');
  return ms;
}

/** A token bucket. `now` is injectable for tests. */
export class RateLimiter {
  readonly #intervalMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(intervalMs: number, burst: number, now: () => number = () => performance.now()) {
    this.#intervalMs = intervalMs;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#last = now();
  }

  /** Takes a token if there is one. */
  allow(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) / this.#intervalMs);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** The limiter `rate_limit` asks for, or undefined when it is off. */
export function rateLimiterOf(config: { readonly interval: string | number; readonly burst: number } | undefined, fail: Fail): RateLimiter | undefined {
  if (config === undefined) return undefined;
  let intervalMs: number;
  try {
    intervalMs = parseGoDuration(config.interval);
  } catch (err) {
    return fail(`rate_limit.interval: ${(err as Error).message}`);
  }
  if (intervalMs < 0) fail(`rate_limit.interval: must not be negative`);
  if (intervalMs === 0) return undefined;
  // Go's limiter with a burst of 0 refuses every request: surely not what was meant.
  if (config.burst < 1) fail(`rate_limit.burst: must be 1 or more when rate_limit.interval is set (got ${config.burst}); with 0 every request would be refused`);
  return new RateLimiter(intervalMs, config.burst);
}
