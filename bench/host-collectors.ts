/**
 * The host collectors against Debian's node_exporter on the same machine (issue #5, "Speed"):
 *
 * 1. Per collector: wall time, CPU time and V8 heap allocated per run (collect + applying the
 *    staged writes, as a pool thread does it, in a child process), next to node_exporter's own
 *    `node_scrape_collector_duration_seconds{collector}` averaged over as many scrapes.
 * 2. A full default scrape's CPU cost: the real runtime (discovery, flags, piscina pool, staging)
 *    running every default collector once and rendering, against node_exporter's CPU per scrape
 *    with the same collectors (and with all its defaults, for context). Target: ≤ 2×.
 * 3. Idle RSS and CPU at a 15 s scrape interval: the exporter as a process (`src/cli.ts`, built
 *    to JavaScript when tsc can) next to node_exporter, both scraped every 15 s.
 *
 * `node --import tsx bench/host-collectors.ts [--quick] [--out DIR]` → `<out>/host-collectors.json`
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNodeExporter, type NodeExporterHandle } from '../test/support/node-exporter.js';
import { startOnFreePort, type ProcessHandle } from '../test/support/process.js';
import { parseTextFormat } from '../test/support/text-format.js';
import { UPSTREAM_DEFAULT_ARGS } from '../test/host/parity-args.js';
import { processCpuMs, processRss, processThreads } from './host/proc-usage.js';
import type { FullScrapeResult, PerCollectorResult } from './host/workloads.js';
import { benchOptions, fmtBytes, fmtMs, fmtRatio, machineInfo, Progress, runInChild, sleep, writeResult, type BenchTable, type BenchTarget } from './lib/index.js';
import { COMMAND_NODE_FLAGS } from '../src/cli/node-flags.js';

const opts = benchOptions();
const machine = machineInfo();
const started = performance.now();
const workloads = new URL('./host/workloads.ts', import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Issue #5's collectors (loadavg is the runtime's, but it is part of the default scrape). */
const COLLECTORS = ['cpu', 'diskstats', 'entropy', 'filefd', 'filesystem', 'loadavg', 'meminfo', 'netclass', 'netdev', 'netstat', 'os', 'pressure', 'sockstat', 'stat', 'time', 'uname', 'vmstat'];
const RUNS = opts.quick ? 30 : 200;
const SCRAPES = opts.quick ? 30 : 200;
const IDLE_SECONDS = opts.quick ? 31 : 121;
const SCRAPE_EVERY_MS = 15_000;

const noSkip = { skip: (m?: string) => { throw new Error(m ?? 'node_exporter missing'); } };
const progress = new Progress('host-collectors', 5);

// ---- 1. per collector ---------------------------------------------------------------------
progress.note('per collector (ours)');
const perCollector = await runInChild<PerCollectorResult[]>(workloads, 'perCollector', { names: COLLECTORS, runs: RUNS, warmup: 10 }, { execArgv: ['--max-semi-space-size=64'] });
progress.tick(1, 'node_exporter per collector');

async function scrapeStats(ne: NodeExporterHandle, n: number): Promise<{ durations: Map<string, number>; cpuMsPerScrape: number; bytes: number }> {
  await ne.scrape();
  const sums = new Map<string, number>();
  const cpu0 = processCpuMs(ne.pid);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const text = await ne.scrape();
    bytes = Buffer.byteLength(text);
    const fam = parseTextFormat(text).get('node_scrape_collector_duration_seconds');
    for (const s of fam?.samples ?? []) sums.set(s.labels.collector!, (sums.get(s.labels.collector!) ?? 0) + s.value * 1000);
  }
  const cpuMsPerScrape = (processCpuMs(ne.pid) - cpu0) / n;
  return { durations: new Map([...sums].map(([k, v]) => [k, v / n])), cpuMsPerScrape, bytes };
}

const neSame = (await startNodeExporter(noSkip, { args: ['--collector.disable-defaults', ...COLLECTORS.map((c) => `--collector.${c}`), ...UPSTREAM_DEFAULT_ARGS] }))!;
const neSameStats = await scrapeStats(neSame, SCRAPES);
await neSame.stop();
const neAll = (await startNodeExporter(noSkip, {}))!;
const neAllStats = await scrapeStats(neAll, SCRAPES);
await neAll.stop();
progress.tick(1, 'full scrape through the runtime');

// ---- 2. full default scrape ------------------------------------------------------------------
const full = await runInChild<FullScrapeResult>(workloads, 'fullScrape', { runs: RUNS, warmup: opts.quick ? 5 : 20 });
progress.tick(1, `idle, ${IDLE_SECONDS} s at a 15 s scrape interval`);

// ---- 3. idle RSS and CPU ---------------------------------------------------------------------
const distDir = path.join(ROOT, '.tmp', 'host-bench-dist');
const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', distDir], { cwd: ROOT, encoding: 'utf8' });
const distCli = path.join(distDir, 'src', 'cli.js');
const useDist = existsSync(distCli) && existsSync(path.join(distDir, 'workers', 'meminfo.js'));
const buildNote = useDist
  ? `exporter run from JavaScript compiled by tsc into .tmp/host-bench-dist${build.status === 0 ? '' : ' (tsc reported type errors in files under edit; JavaScript was emitted anyway)'}`
  : 'tsc emitted no JavaScript: exporter run with `node --import tsx src/cli.ts` (the loader thread adds memory)';

async function startOurs(extra: string[]): Promise<ProcessHandle & { port: number }> {
  return startOnFreePort((port) => ({
    cmd: process.execPath,
    args: [...COMMAND_NODE_FLAGS, ...(useDist ? [distCli] : ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts')]), `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', ...extra],
    options: { readyUrl: `http://127.0.0.1:${port}/-/ready`, readyTimeoutMs: 60_000, cwd: ROOT },
  }));
}

interface IdleRow {
  name: string;
  pid: number;
  url: string;
  stop: () => Promise<void>;
}
const ours5 = await startOurs([]);
const ours15 = await startOurs(['--collectors.interval=15s']);
const oursOne = await startOurs(['--collectors.threads=1']);
const oursNone = await startOurs(['--collector.disable-defaults']);
const neIdle = (await startNodeExporter(noSkip, { args: ['--collector.disable-defaults', ...COLLECTORS.map((c) => `--collector.${c}`), ...UPSTREAM_DEFAULT_ARGS] }))!;
const neIdleAll = (await startNodeExporter(noSkip, {}))!;
const idleRows: IdleRow[] = [
  { name: 'atomic-exporter, defaults (collectors every 5 s)', pid: ours5.pid, url: `http://127.0.0.1:${ours5.port}/metrics`, stop: () => ours5.stop() },
  { name: 'atomic-exporter, --collectors.interval=15s', pid: ours15.pid, url: `http://127.0.0.1:${ours15.port}/metrics`, stop: () => ours15.stop() },
  { name: 'atomic-exporter, --collectors.threads=1', pid: oursOne.pid, url: `http://127.0.0.1:${oursOne.port}/metrics`, stop: () => oursOne.stop() },
  { name: 'atomic-exporter, no collectors (server + runtime only)', pid: oursNone.pid, url: `http://127.0.0.1:${oursNone.port}/metrics`, stop: () => oursNone.stop() },
  { name: 'node_exporter, same collectors', pid: neIdle.pid, url: `${neIdle.url}/metrics`, stop: () => neIdle.stop() },
  { name: 'node_exporter, all its defaults', pid: neIdleAll.pid, url: `${neIdleAll.url}/metrics`, stop: () => neIdleAll.stop() },
];
const scrape = async (url: string): Promise<number> => Buffer.byteLength(await (await fetch(url)).text());
// Settle after start-up (JIT, first runs), then measure over whole scrape periods.
for (const r of idleRows) await scrape(r.url);
await sleep(5_000);
const cpu0 = idleRows.map((r) => processCpuMs(r.pid));
const t0 = performance.now();
const bytes = new Map<string, number>();
let next = 0;
while (performance.now() - t0 < IDLE_SECONDS * 1000) {
  if (performance.now() - t0 >= next) {
    for (const r of idleRows) bytes.set(r.name, await scrape(r.url));
    next += SCRAPE_EVERY_MS;
  }
  await sleep(200);
}
const elapsedS = (performance.now() - t0) / 1000;
const idle = idleRows.map((r, i) => ({ name: r.name, cpuPercent: ((processCpuMs(r.pid) - cpu0[i]!) / 1000 / elapsedS) * 100, ...processRss(r.pid), threads: processThreads(r.pid), bytes: bytes.get(r.name) ?? 0 }));
for (const r of idleRows) await r.stop();
progress.tick(1);
progress.done();

// ---- tables ----------------------------------------------------------------------------------
const perTable: BenchTable = {
  title: `Per collector, one run (median of ${RUNS}) vs node_exporter's node_scrape_collector_duration_seconds (mean of ${SCRAPES} scrapes)`,
  columns: ['collector', 'ours wall', 'ours p99', 'ours CPU', 'ours heap alloc', 'series', 'node_exporter', 'ours / theirs (wall)'],
  rows: perCollector.map((c) => {
    const theirs = neSameStats.durations.get(c.name);
    return [
      c.name,
      fmtMs(c.wall.median),
      fmtMs(c.wall.p99),
      fmtMs(c.cpuMs),
      Number.isNaN(c.allocBytes) ? `n/a (${c.gcsDuringAllocWindow} GC)` : fmtBytes(c.allocBytes),
      c.series,
      theirs === undefined ? 'n/a' : fmtMs(theirs),
      theirs === undefined ? 'n/a' : fmtRatio(c.wall.median / theirs),
    ];
  }),
  notes: [
    'ours: collect + applyStage into a shared store, in one thread (no pool hop); CPU is process CPU (libuv pool included) per run; heap alloc is heapUsed growth over 50 runs with no GC.',
    "node_exporter's duration is wall time of the collector inside a scrape, where collectors run concurrently on goroutines.",
  ],
};
const sumOurs = perCollector.reduce((n, c) => n + c.cpuMs, 0);
const cpuRatio = full.cpuMsPerScrape / neSameStats.cpuMsPerScrape;
const scrapeTable: BenchTable = {
  title: 'A full default scrape: CPU per scrape',
  columns: ['exporter', 'collectors', 'CPU / scrape', 'wall / scrape', 'bytes', 'vs node_exporter (same collectors)'],
  rows: [
    [`atomic-exporter (runtime, ${full.threads} pool threads): collect all + render`, full.collectors.length, fmtMs(full.cpuMsPerScrape), fmtMs(full.wall.median), fmtBytes(full.bytes), fmtRatio(cpuRatio)],
    ['atomic-exporter: render only (what a scrape costs between collector runs)', full.collectors.length, fmtMs(full.renderCpuMs), fmtMs(full.renderWall.median), fmtBytes(full.bytes), fmtRatio(full.renderCpuMs / neSameStats.cpuMsPerScrape)],
    ['atomic-exporter: sum of per-collector CPU (no pool, no render)', perCollector.length, fmtMs(sumOurs), '', '', fmtRatio(sumOurs / neSameStats.cpuMsPerScrape)],
    ['node_exporter 1.5.0, same collectors', COLLECTORS.length, fmtMs(neSameStats.cpuMsPerScrape), '', fmtBytes(neSameStats.bytes), '1.00×'],
    ['node_exporter 1.5.0, all its defaults', neAllStats.durations.size, fmtMs(neAllStats.cpuMsPerScrape), '', fmtBytes(neAllStats.bytes), fmtRatio(neAllStats.cpuMsPerScrape / neSameStats.cpuMsPerScrape)],
  ],
  notes: [
    `node_exporter CPU from /proc/<pid>/stat over ${SCRAPES} back-to-back scrapes (10 ms ticks); ours from process.cpuUsage() over ${RUNS} collectOnce()+render in a child process, every thread included.`,
    `our output carries ${full.emptyFamilies} families declared without series on this machine (HELP/TYPE lines only).`,
  ],
};
const idleTable: BenchTable = {
  title: `Idle at a 15 s scrape interval (${Math.round(elapsedS)} s)`,
  columns: ['process', 'CPU (% of one core)', 'RSS', 'RSS peak', 'threads', 'scrape bytes'],
  rows: idle.map((r) => [r.name, r.cpuPercent.toFixed(2) + ' %', fmtBytes(r.rss), fmtBytes(r.hwm), r.threads, fmtBytes(r.bytes)]),
  notes: [buildNote],
};
const targets: BenchTarget[] = [{ name: 'full default scrape CPU vs node_exporter (same collectors)', target: '≤ 2×', actual: fmtRatio(cpuRatio), met: cpuRatio <= 2 }];

const written = writeResult(opts.outDir, {
  name: 'host-collectors',
  title: 'Host collectors vs node_exporter 1.5.0',
  description: 'Issue #5: per-collector cost, full scrape CPU, idle RSS and CPU.',
  mode: opts.quick ? 'quick' : 'full',
  machine,
  durationMs: performance.now() - started,
  targets,
  tables: [perTable, scrapeTable, idleTable],
  data: { perCollector, nodeExporter: { same: Object.fromEntries(neSameStats.durations), sameCpuMsPerScrape: neSameStats.cpuMsPerScrape, allCpuMsPerScrape: neAllStats.cpuMsPerScrape }, full, idle },
});
for (const t of [perTable, scrapeTable, idleTable]) {
  console.log(`\n${t.title}`);
  console.log(t.columns.join(' | '));
  for (const r of t.rows) console.log(r.join(' | '));
  for (const n of t.notes ?? []) console.log(`  note: ${n}`);
}
console.log(`\ntarget: full scrape CPU ≤ 2× node_exporter: ${fmtRatio(cpuRatio)} (${cpuRatio <= 2 ? 'met' : 'NOT met'})`);
console.log(`results: ${written.json}`);
