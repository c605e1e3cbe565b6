/** Human formatting for tables and charts. */

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 1000) return (ms / 1000).toFixed(2) + ' s';
  if (ms >= 100) return ms.toFixed(0) + ' ms';
  if (ms >= 10) return ms.toFixed(1) + ' ms';
  return ms.toFixed(2) + ' ms';
}

export function fmtBytes(b: number): string {
  if (!Number.isFinite(b)) return String(b);
  const a = Math.abs(b);
  if (a >= 2 ** 30) return (b / 2 ** 30).toFixed(2) + ' GiB';
  if (a >= 2 ** 20) return (b / 2 ** 20).toFixed(1) + ' MiB';
  if (a >= 2 ** 10) return (b / 2 ** 10).toFixed(1) + ' KiB';
  return b.toFixed(0) + ' B';
}

/** Operations per second: `12.3 M/s`. */
export function fmtRate(perSecond: number): string {
  if (perSecond >= 1e9) return (perSecond / 1e9).toFixed(2) + ' G/s';
  if (perSecond >= 1e6) return (perSecond / 1e6).toFixed(1) + ' M/s';
  if (perSecond >= 1e3) return (perSecond / 1e3).toFixed(1) + ' k/s';
  return perSecond.toFixed(0) + ' /s';
}

/** A ratio as `12.3×` (or `0.42×`). */
export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return String(r);
  return (r >= 10 ? r.toFixed(1) : r.toFixed(2)) + '×';
}

/** `500000` → `500k`, `1000000` → `1M`. */
export function fmtCount(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return n / 1e6 + 'M';
  if (n >= 1e3 && n % 100 === 0) return n / 1e3 + 'k';
  return String(n);
}
