/**
 * Durations as Prometheus and node_exporter write them: one or more `<number><unit>` parts,
 * largest unit first, units `y w d h m s ms` (e.g. `5s`, `1m30s`, `250ms`).
 */
const UNITS_MS: Readonly<Record<string, number>> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const PART = /(\d+)(ms|y|w|d|h|m|s)/y;

/** Milliseconds in a duration string; throws a RangeError quoting the input when it is not one. */
export function parseDuration(text: string): number {
  if (typeof text !== 'string' || text === '') throw new RangeError(`invalid duration ${JSON.stringify(text)}: expected e.g. 5s, 1m30s, 250ms`);
  let total = 0;
  let last = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (m === null || m.index !== at) throw new RangeError(`invalid duration ${JSON.stringify(text)}: expected e.g. 5s, 1m30s, 250ms`);
    const unit = ORDER.indexOf(m[2]!);
    if (unit <= last) throw new RangeError(`invalid duration ${JSON.stringify(text)}: units must go from largest to smallest, once each`);
    last = unit;
    total += Number(m[1]) * UNITS_MS[m[2]!]!;
  }
  return total;
}

/** The shortest duration string for a number of milliseconds (`1500` → `1s500ms`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const unit of ORDER) {
    const size = UNITS_MS[unit]!;
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
