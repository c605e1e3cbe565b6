// temporary before/after probe (not part of the suite)
import { runInChild, fmtMs } from './lib/index.js';
const sizes = (process.argv[2] ?? '100000,500000').split(',').map(Number);
for (const series of sizes) {
  for (const kind of ['counter', 'histogram'] as const) {
    if (kind === 'histogram' && series > 100000) continue;
    const r = await runInChild<any>(new URL('./core/workloads.ts', import.meta.url), 'renderScenario', { impl: 'ours', kind, series, warmup: 2, repeat: 7 });
    console.log(`${kind} ${series}: render median ${fmtMs(r.render.median)} min ${fmtMs(r.render.min)} build ${fmtMs(r.buildMs)} heap/series ${(r.memSteady.heapUsed / series).toFixed(0)} total/series ${(r.memSteady.total / series).toFixed(0)}`);
  }
}
for (const variant of ['ours-inc', 'ours-child']) {
  const r = await runInChild<any>(new URL('./core/updates.ts', import.meta.url), 'runUpdates', { variant, threads: 1, durationMs: 500, warmupMs: 200, trials: 3 });
  console.log(variant, (r.opsPerSecond / 1e6).toFixed(1), 'M/s', r.trialsOpsPerSecond.map((x: number) => (x / 1e6).toFixed(1)).join(' '), r.exact);
}
