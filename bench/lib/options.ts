/**
 * Options every bench accepts, from its command line or the environment:
 * - `--quick` / `BENCH_QUICK=1`: small sizes and few repeats, for development. Quick results go to
 *   a temporary directory, never over the committed full results.
 * - `--out DIR` / `BENCH_OUT=DIR`: where results are written (default `bench/results`).
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchOptions {
  quick: boolean;
  outDir: string;
}

export const DEFAULT_RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export function benchOptions(argv: readonly string[] = process.argv.slice(2)): BenchOptions {
  const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  const at = argv.indexOf('--out');
  const out = at >= 0 ? argv[at + 1] : process.env.BENCH_OUT;
  const outDir = out ? path.resolve(out) : quick ? path.join(os.tmpdir(), 'atomic-exporter-bench') : DEFAULT_RESULTS_DIR;
  return { quick, outDir };
}
