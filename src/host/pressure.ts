/**
 * /proc/pressure/{cpu,io,memory} (PSI): `some avg10=… avg60=… avg300=… total=<µs>` and, for
 * io and memory (and cpu on newer kernels), a `full` line.
 */

export interface PsiLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Total stall time in microseconds. */
  total: number;
}

export interface PsiStats {
  some?: PsiLine;
  full?: PsiLine;
}

export function parsePressure(text: string, file: string): PsiStats {
  const out: PsiStats = {};
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== 'some' && f[0] !== 'full') continue;
    const kv = new Map<string, number>();
    for (const part of f.slice(1)) {
      const eq = part.indexOf('=');
      const v = Number(part.slice(eq + 1));
      if (eq < 0 || !Number.isFinite(v)) throw new Error(`${file}: malformed ${JSON.stringify(part)} in ${JSON.stringify(line)}`);
      kv.set(part.slice(0, eq), v);
    }
    const total = kv.get('total');
    if (total === undefined) throw new Error(`${file}: no total in ${JSON.stringify(line)}`);
    out[f[0]] = { avg10: kv.get('avg10') ?? 0, avg60: kv.get('avg60') ?? 0, avg300: kv.get('avg300') ?? 0, total };
  }
  return out;
}
