// temporary experiment: render a family in slices so label strings die young
import { Counter, Registry } from '../src/index.js';
import { snapshotFamily, viewOf } from '../src/store/snapshot.js';
import { familySampleNames, writeFamilySamples } from '../src/exposition/text.js';
import { formatLeText } from '../src/exposition/number.js';
import { labelsOf, LABEL_NAMES } from './core/workloads.js';
const N = 500000;
const SLICE = Number(process.argv[2] ?? 4096);
const reg = new Registry();
const c = new Counter({ name: 'bench_requests_total', help: 'h', labelNames: [...LABEL_NAMES], registers: [reg] });
for (let i = 0; i < N; i++) c.inc(labelsOf(i), (i % 10) + 1);
const store = reg.store;
function sliced(): string {
  const view = viewOf(store);
  const chunks: string[] = [];
  let buf = '# HELP bench_requests_total h\n# TYPE bench_requests_total counter\n';
  const f = c.familyId;
  const from = view.start[f]!, to = view.start[f + 1]!;
  const names = familySampleNames('bench_requests_total');
  for (let a = from; a < to; a += SLICE) {
    const b = Math.min(a + SLICE, to);
    const start = new Int32Array(f + 2); start[f] = 0; start[f + 1] = b - a;
    const snap = snapshotFamily({ ...view, start, order: view.order.subarray(a, b) }, f);
    buf = writeFamilySamples(snap, names, formatLeText, buf, (ch) => chunks.push(ch));
  }
  chunks.push(buf);
  return chunks.join('');
}
const ref = await reg.metrics();
if (sliced() !== ref) throw new Error('mismatch');
async function run(name: string, fn: () => unknown) {
  const s: number[] = [];
  for (let k = 0; k < 9; k++) { const t = performance.now(); await fn(); s.push(performance.now() - t); }
  s.splice(0, 2); s.sort((a, b) => a - b);
  console.log(name.padEnd(14), 'min', s[0]!.toFixed(1), 'med', s[3]!.toFixed(1));
}
for (let r = 0; r < 2; r++) { await run('metrics()', () => reg.metrics()); await run(`sliced ${SLICE}`, sliced); }
