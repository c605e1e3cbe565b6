/**
 * Writing sample values: what a /metrics render pays per value, by kind of value.
 *
 * 1. Writing values into a buffer, alone: String() and a copy (how the render wrote non-integer
 *    values before src/render/shortest-decimal.ts) against ours, in ns per value and heap bytes
 *    allocated per value, for repeated values (which V8's number-to-string cache can serve) and
 *    fresh ones.
 * 2. A whole render of 10,000 gauge series: ours (/metrics's render, reuse of unchanged output
 *    off) against prom-client 15's `register.metrics()`, p50 and p99, and heap allocated per
 *    render; values unchanged between renders, or all changed before each.
 *
 * Each measurement runs in a fresh process with the command's node flags, alternating sides over
 * the rounds. `node --import tsx bench/render-values.ts [--quick] [--out DIR]`
 */
import { COMMAND_NODE_FLAGS } from '../src/cli/node-flags.js';
import { benchOptions, fmtBytes, fmtMs, fmtRatio, machineInfo, Progress, runInChild, writeResult, type BarChart, type BenchTable, type BenchTarget } from './lib/index.js';
import type { RenderArgs, RenderImpl, RenderResult, ValueKind, WriteArgs, WriteResult, Writer } from './values/workloads.js';

const opts = benchOptions();
const machine = machineInfo();
const started = performance.now();
const workloads = new URL('./values/workloads.ts', import.meta.url);

const KINDS: ValueKind[] = ['integer', 'decimal', 'double'];
const KIND_NAMES: Record<ValueKind, string> = { integer: 'integers (0–10^7)', decimal: 'decimals (x.yz)', double: 'full doubles (0–1)' };
const WRITERS: Writer[] = ['String()', 'ours'];
const IMPLS: RenderImpl[] = ['ours', 'prom-client'];
const SERIES = 10_000;
const ROUNDS = opts.quick ? 1 : 3;
const WRITE = { values: 10_000, passes: opts.quick ? 20 : 200 };
const RENDERS = opts.quick ? 30 : 300;

const writeRuns = KINDS.filter((k) => k !== 'integer').flatMap((kind) => [false, true].map((fresh) => ({ kind, fresh })));
const renderRuns = KINDS.flatMap((kind) => [false, true].map((changing) => ({ kind, changing })));
const progress = new Progress('render-values', ROUNDS * (writeRuns.length * WRITERS.length + renderRuns.length * IMPLS.length));
const child = { execArgv: [...COMMAND_NODE_FLAGS], timeoutMs: 300_000 };

const writes = new Map<string, WriteResult[]>();
const renders = new Map<string, RenderResult[]>();
const key = (...parts: (string | boolean)[]): string => parts.join(' ');
for (let round = 0; round < ROUNDS; round++) {
  for (const { kind, fresh } of writeRuns) {
    for (const writer of round % 2 === 0 ? WRITERS : [...WRITERS].reverse()) {
      progress.tick(0, `write ${kind} ${fresh ? 'fresh' : 'repeated'}: ${writer}`);
      const args: WriteArgs = { writer, kind, fresh, values: WRITE.values, passes: WRITE.passes };
      const r = await runInChild<WriteResult>(workloads, 'writeScenario', args, child);
      writes.set(key(kind, fresh, writer), [...(writes.get(key(kind, fresh, writer)) ?? []), r]);
      progress.tick();
    }
  }
  for (const { kind, changing } of renderRuns) {
    for (const impl of round % 2 === 0 ? IMPLS : [...IMPLS].reverse()) {
      progress.tick(0, `render ${kind} ${changing ? 'changing' : 'unchanged'}: ${impl}`);
      const args: RenderArgs = { impl, kind, changing, series: SERIES, renders: changing ? RENDERS / 3 : RENDERS };
      const r = await runInChild<RenderResult>(workloads, 'renderScenario', args, child);
      renders.set(key(kind, changing, impl), [...(renders.get(key(kind, changing, impl)) ?? []), r]);
      progress.tick();
    }
  }
}
progress.done();

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const writeOf = (kind: ValueKind, fresh: boolean, writer: Writer, f: (r: WriteResult) => number): number => median(writes.get(key(kind, fresh, writer))!.map(f));
const renderOf = (kind: ValueKind, changing: boolean, impl: RenderImpl, f: (r: RenderResult) => number): number => median(renders.get(key(kind, changing, impl))!.map(f));

const writeTable: BenchTable = {
  title: `Writing one value into a buffer (${WRITE.values / 1000}k values × ${WRITE.passes} passes, median of ${ROUNDS} processes)`,
  columns: ['values', 'String() + copy', 'ours', 'time ratio String()/ours', 'heap per value: String()', 'heap per value: ours'],
  rows: writeRuns.map(({ kind, fresh }) => [
    `${KIND_NAMES[kind]}, ${fresh ? 'fresh each pass' : 'repeated'}`,
    writeOf(kind, fresh, 'String()', (r) => r.nsPerValue).toFixed(0) + ' ns',
    writeOf(kind, fresh, 'ours', (r) => r.nsPerValue).toFixed(0) + ' ns',
    fmtRatio(writeOf(kind, fresh, 'String()', (r) => r.nsPerValue) / writeOf(kind, fresh, 'ours', (r) => r.nsPerValue)),
    writeOf(kind, fresh, 'String()', (r) => r.bytesPerValue).toFixed(1) + ' B',
    writeOf(kind, fresh, 'ours', (r) => r.bytesPerValue).toFixed(1) + ' B',
  ]),
  notes: [
    'Integers are written digit by digit by both (not shown).',
    '"repeated": the same 10k values every pass; V8 keeps a number-to-string cache, so String() finds some strings made before. "fresh": new values every pass, as after a collector run.',
  ],
};
const renderTable: BenchTable = {
  title: `A /metrics render of ${SERIES / 1000}k gauge series (median of ${ROUNDS} processes)`,
  columns: ['values', 'ours p50', 'ours p99', 'prom-client p50', 'prom-client p99', 'p50 ratio prom-client/ours', 'heap per render: ours', 'heap per render: prom-client'],
  rows: renderRuns.map(({ kind, changing }) => [
    `${KIND_NAMES[kind]}, ${changing ? 'all changed before each' : 'unchanged'}`,
    fmtMs(renderOf(kind, changing, 'ours', (r) => r.ms.p50)),
    changing ? '–' : fmtMs(renderOf(kind, changing, 'ours', (r) => r.ms.p99)),
    fmtMs(renderOf(kind, changing, 'prom-client', (r) => r.ms.p50)),
    changing ? '–' : fmtMs(renderOf(kind, changing, 'prom-client', (r) => r.ms.p99)),
    fmtRatio(renderOf(kind, changing, 'prom-client', (r) => r.ms.p50) / renderOf(kind, changing, 'ours', (r) => r.ms.p50)),
    fmtBytes(renderOf(kind, changing, 'ours', (r) => r.bytesPerRender)),
    fmtBytes(renderOf(kind, changing, 'prom-client', (r) => r.bytesPerRender)),
  ]),
  notes: [
    `Ours: SharedRenders as /metrics uses it, with the reuse of unchanged output off, so every series is written every time. prom-client: \`await register.metrics()\`. ${RENDERS} renders unchanged, ${RENDERS / 3} changing.`,
    'Changing: every value is set through the API and the heap collected before each timed render, so the p99 would show that collection, not the render: only p50 is given.',
    `Node flags (both sides): ${COMMAND_NODE_FLAGS.join(' ')}.`,
  ],
};

const decimalRatio = writeOf('decimal', true, 'String()', (r) => r.nsPerValue) / writeOf('decimal', true, 'ours', (r) => r.nsPerValue);
const oursDoubleHeap = renderOf('double', false, 'ours', (r) => r.bytesPerRender);
const targets: BenchTarget[] = [
  { name: 'heap allocated by a render of 10k full-double series (ours)', target: '< 64 KiB (was ~350 KiB with String())', actual: fmtBytes(oursDoubleHeap), met: oursDoubleHeap < 64 * 1024 },
  { name: 'writing fresh decimals, String() time / ours', target: '> 1× (faster than String())', actual: fmtRatio(decimalRatio), met: decimalRatio > 1 },
];

const charts: BarChart[] = [
  {
    title: `A /metrics render of ${SERIES / 1000}k series, values unchanged: p50`,
    subtitle: 'ms, lower is better',
    unit: 'ms',
    groups: KINDS.map((kind) => ({
      label: KIND_NAMES[kind],
      bars: IMPLS.map((impl) => ({ series: impl === 'ours' ? 'atomic-exporter' : 'prom-client 15', value: renderOf(kind, false, impl, (r) => r.ms.p50), text: fmtMs(renderOf(kind, false, impl, (r) => r.ms.p50)) })),
    })),
  },
  {
    title: 'Writing one value: time',
    subtitle: 'ns per value, lower is better',
    unit: 'ns',
    groups: writeRuns.map(({ kind, fresh }) => ({
      label: `${kind}, ${fresh ? 'fresh' : 'repeated'}`,
      bars: WRITERS.map((writer) => ({ series: writer === 'ours' ? 'atomic-exporter' : 'String() + copy', value: writeOf(kind, fresh, writer, (r) => r.nsPerValue), text: writeOf(kind, fresh, writer, (r) => r.nsPerValue).toFixed(0) + ' ns' })),
    })),
  },
];

const written = writeResult(
  opts.outDir,
  {
    name: 'render-values',
    title: 'Writing sample values: ours vs String(), and a whole render vs prom-client',
    description: 'Non-integer sample values are written by src/render/shortest-decimal.ts (the shortest round-trip digits, String()\'s bytes, no heap allocation). This measures it against String() alone, and a whole /metrics render against prom-client 15.',
    mode: opts.quick ? 'quick' : 'full',
    machine,
    durationMs: performance.now() - started,
    targets,
    tables: [writeTable, renderTable],
    data: { writes: Object.fromEntries(writes), renders: Object.fromEntries(renders) },
  },
  charts,
);
for (const t of [writeTable, renderTable]) {
  console.log(`\n${t.title}`);
  console.log(t.columns.join(' | '));
  for (const r of t.rows) console.log(r.join(' | '));
}
for (const t of targets) console.log(`target: ${t.name}: ${t.actual} (${t.target}) ${t.met ? 'met' : 'NOT met'}`);
console.log(`results: ${written.json}`);
