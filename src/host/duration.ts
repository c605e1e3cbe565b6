/** Go's time.ParseDuration, for flags node_exporter declares as durations (`5s`, `1m30s`, `250ms`). */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds in a Go duration string. Throws a TypeError quoting the input when malformed. */
export function parseDurationMs(text: string, what: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let i = 0;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    i = 1;
  }
  let total = 0;
  let parts = 0;
  while (i < s.length) {
    part.lastIndex = i;
    const m = part.exec(s);
    if (!m) break;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    i = part.lastIndex;
    parts++;
  }
  if (parts === 0 || i !== s.length) throw new TypeError(`${what}: invalid duration ${JSON.stringify(text)} (expected e.g. "5s", "1m30s", "250ms")`);
  return sign * total;
}
