// temporary profiling driver
import { Counter, Histogram, Registry } from '../src/index.js';
import { labelsOf, LABEL_NAMES, BUCKETS } from './core/workloads.js';
const N = Number(process.argv[2] ?? 500000);
const kind = process.argv[3] ?? 'counter';
const reg = new Registry();
if (kind === 'counter') { const c = new Counter({ name: 'bench_requests_total', help: 'h', labelNames: [...LABEL_NAMES], registers: [reg] }); for (let i = 0; i < N; i++) c.inc(labelsOf(i), (i % 10) + 1); }
else { const h = new Histogram({ name: 'bench_duration_seconds', help: 'h', labelNames: [...LABEL_NAMES], buckets: BUCKETS, registers: [reg] }); for (let i = 0; i < N; i++) h.observe(labelsOf(i), (i % 1000) / 100); }
const { Session } = await import('node:inspector/promises');
const session = new Session(); session.connect();
await reg.metrics(); await reg.metrics();
await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 100 }); await session.post('Profiler.start');
const t = performance.now();
for (let k = 0; k < 10; k++) await reg.metrics();
console.log('avg render', ((performance.now() - t) / 10).toFixed(1), 'ms');
const { profile } = await session.post('Profiler.stop');
(await import('node:fs')).writeFileSync('/tmp/probe/render.cpuprofile', JSON.stringify(profile));
