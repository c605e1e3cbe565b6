/**
 * Parsers for flag values, shared by every flag table (the exporter's, push's, remote write's):
 * each takes what commander, the environment or the config file gave and returns the value, or
 * throws a TypeError whose message completes "flag --x: …".
 */
import { parseDuration } from '../runtime/duration.js';

export function flagText(v: unknown): string {
  if (typeof v === 'string') return v;
  throw new TypeError('expected a string');
}

/** A duration in milliseconds, above zero: a number of ms, or Prometheus's syntax (`500ms`, `5s`, `1m30s`). */
export function flagDuration(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  let ms: number;
  try {
    ms = parseDuration(flagText(v));
  } catch {
    throw new TypeError('expected a duration such as 500ms, 5s or 1m30s');
  }
  if (ms <= 0) throw new TypeError('expected a duration above zero');
  return ms;
}

export function flagPositiveInteger(v: unknown): number {
  const n = typeof v === 'number' ? v : /^\d+$/.test(flagText(v).trim()) ? Number(flagText(v).trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new TypeError('expected a whole number, 1 or more');
  return n;
}
