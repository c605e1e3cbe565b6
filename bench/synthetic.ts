/**
 * The synthetic target at a million series (issue #7 "Millions of series"): the exporter
 * (compiled to JavaScript, as deployed) with only the synthetic collector, 100 gauge metrics ×
 * 10 000 series, 3 labels per series (series_id, cycle_id and one label_key_kkkkk_0: avalanche's
 * `--label-count=1`), values and series fixed while measured. Measured from this process:
 *
 * - one scrape end to end (request to last byte, counted line by line), with the render cache
 *   off (every scrape renders the million series), at its default (64 MiB) and big enough for
 *   all of it (256 MiB): time, exactly 1M synthetic lines, the exporter's RSS (VmRSS, all
 *   threads, sampled every 10 ms) at its highest;
 * - three 1M-series scrapes in flight together while `/-/healthy` is asked every 10 ms: the
 *   slowest health answer, and how many renders the three cost;
 * - the same with 5 labels per series (`--synthetic.label-count=3`), for scale;
 * - memory across churn cycles (200k series, series churn every 10 s, metric-name churn every
 *   30 s, new values every 5 s, for two minutes): RSS at each cycle;
 * - the peers on the same million series: prom-client 15 (`register.metrics()` on node:http)
 *   and the same bytes served by bare uWebSockets.js (bench/scrape/target.ts); avalanche (Go) is
 *   not packaged in Debian, node_exporter has no such target.
 *
 * Targets: scrape < 1 s, exactly 1M lines, RSS < 300 MB, health < 100 ms every time, one render
 * for three concurrent scrapes, RSS flat across churn.
 *
 * `node --import tsx bench/synthetic.ts [--quick] [--out DIR]` (quick: 100k series, short churn)
 */
import { spawn, spawnSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOptions, fmtBytes, fmtMs, fmtRatio, machineInfo, Progress, sleep, writeResult, type BarChart, type BenchTarget } from './lib/index.js';
import { COMMAND_NODE_FLAGS } from '../src/cli/node-flags.js';

const opts = benchOptions();
const machine = machineInfo();
const started = performance.now();
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const QUICK = opts.quick;
const METRICS = 100;
const SERIES_PER_METRIC = QUICK ? 1000 : 10_000;
const TOTAL = METRICS * SERIES_PER_METRIC;
const SCRAPES = QUICK ? 2 : 5;
const CHURN_SERIES = QUICK ? 500 : 2000;
const CHURN_MS = QUICK ? 25_000 : 120_000;

// The exporter as deployed: JavaScript compiled by tsc (tsx would add its loader to every thread).
const distDir = path.join(ROOT, '.tmp', 'synthetic-bench-dist');
const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', distDir], { cwd: ROOT, encoding: 'utf8' });
const distCli = path.join(distDir, 'src', 'cli.js');
const useDist = existsSync(distCli) && existsSync(path.join(distDir, 'workers', 'synthetic.js'));
const runNote = useDist
  ? `exporter run from JavaScript compiled by tsc into .tmp/synthetic-bench-dist${build.status === 0 ? '' : ' (tsc reported type errors in files under edit; JavaScript was emitted anyway)'}`
  : 'tsc emitted no JavaScript: exporter run with `node --import tsx src/cli.ts` (the loader adds memory to every thread)';

interface Exporter {
  child: ChildProcess;
  port: number;
  pid: number;
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

async function startExporter(args: string[]): Promise<Exporter> {
  const port = await freePort();
  const child = spawn(process.execPath, [...COMMAND_NODE_FLAGS, ...(useDist ? [distCli] : ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts')]), `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    if ((await get(port, '/-/healthy').catch(() => undefined))?.status === 200) return { child, port, pid: child.pid! };
    await sleep(100);
  }
  child.kill();
  throw new Error('exporter did not start');
}

async function stop(e: Exporter): Promise<void> {
  e.child.kill('SIGTERM');
  await new Promise((r) => e.child.once('exit', r));
}

function rssOf(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every 10 ms until stopped; returns the highest. */
function rssPeak(pid: number): () => number {
  let peak = rssOf(pid);
  const t = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 10);
  return () => {
    clearInterval(t);
    return Math.max(peak, rssOf(pid));
  };
}

interface Scrape {
  status: number;
  ms: number;
  bytes: number;
  /** Sample lines (not starting with #). */
  lines: number;
  /** Lines of the synthetic metrics. */
  synthetic: number;
  /** atomic_exporter_scrape_render_seconds_count{format="text"} in the body, if there. */
  renders?: number;
}

const SYNTH = Buffer.from('synthetic_gauge_metric_');
const RENDERS = /^atomic_exporter_scrape_render_seconds_count\{format="text"\} (\d+)/;

/** GET, counting lines on the fly (the body is never kept). */
function get(port: number, p = '/metrics', headers: Record<string, string> = {}): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path: p, headers, agent: false }, (res) => {
      let bytes = 0;
      let lines = 0;
      let synthetic = 0;
      let renders: number | undefined;
      let tail: Buffer = Buffer.alloc(0);
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        const buf = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
        let from = 0;
        for (let nl = buf.indexOf(10, from); nl >= 0; nl = buf.indexOf(10, from)) {
          if (buf[from] !== 35 && nl > from) {
            lines++;
            if (buf[from] === 115 && buf.compare(SYNTH, 0, SYNTH.length, from, from + SYNTH.length) === 0) synthetic++;
            else if (buf[from] === 97 && nl - from < 200) {
              const m = RENDERS.exec(buf.toString('latin1', from, nl));
              if (m) renders = Number(m[1]);
            }
          }
          from = nl + 1;
        }
        tail = buf.subarray(from);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, bytes, lines, synthetic, ...(renders !== undefined ? { renders } : {}) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function untilBuilt(e: Exporter, expected: number, progress: Progress): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const s = await get(e.port);
    if (s.synthetic === expected) {
      // Pending changes done and the count whole: one more look to be sure it holds.
      const again = await get(e.port);
      if (again.synthetic === expected) return performance.now() - t0;
    }
    progress.note(`building the target: ${s.synthetic.toLocaleString('en')} / ${expected.toLocaleString('en')} series`);
    await sleep(1000);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const synthArgs = (labels: number, cacheMb: number, series = SERIES_PER_METRIC): string[] => [
  '--collector.disable-defaults',
  '--collector.synthetic',
  `--synthetic.metric-count=${METRICS}`,
  `--synthetic.series-count=${series}`,
  `--synthetic.label-count=${labels}`,
  '--synthetic.value-interval=0',
  '--synthetic.series-interval=0',
  `--web.render-cache-mb=${cacheMb}`,
];

interface Case {
  name: string;
  labels: number;
  cacheMb: number;
  buildMs: number;
  scrapes: Scrape[];
  rssPeak: number;
  rssIdle: number;
  concurrent?: { scrapes: Scrape[]; healthMaxMs: number; healthP99Ms: number; healthN: number; renders: number; rssPeak: number; wallMs: number };
}

async function runCase(name: string, labels: number, cacheMb: number, concurrent: boolean, progress: Progress): Promise<Case> {
  progress.note(`${name}: starting`);
  const e = await startExporter(synthArgs(labels, cacheMb));
  try {
    const buildMs = await untilBuilt(e, TOTAL, progress);
    await sleep(1500);
    const rssIdle = rssOf(e.pid);
    const peak = rssPeak(e.pid);
    const scrapes: Scrape[] = [];
    for (let i = 0; i < SCRAPES; i++) {
      progress.note(`${name}: scrape ${i + 1}/${SCRAPES}`);
      scrapes.push(await get(e.port));
    }
    const c: Case = { name, labels, cacheMb, buildMs, scrapes, rssPeak: peak(), rssIdle };
    if (concurrent) {
      progress.note(`${name}: three scrapes in flight, /-/healthy every 10 ms`);
      const before = (await get(e.port)).renders ?? 0;
      const cpeak = rssPeak(e.pid);
      const health: number[] = [];
      let running = true;
      const prober = (async () => {
        while (running) {
          const h = await get(e.port, '/-/healthy');
          health.push(h.ms);
          await sleep(10);
        }
      })();
      const t0 = performance.now();
      const three = await Promise.all([get(e.port), get(e.port), get(e.port)]);
      const wallMs = performance.now() - t0;
      running = false;
      await prober;
      const after = (await get(e.port)).renders ?? 0;
      const sorted = [...health].sort((a, b) => a - b);
      // The count after includes the render of the scrape that reads it.
      c.concurrent = { scrapes: three, healthMaxMs: sorted.at(-1) ?? NaN, healthP99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? NaN, healthN: health.length, renders: after - before - 1, rssPeak: cpeak(), wallMs };
    }
    return c;
  } finally {
    await stop(e);
  }
}

interface Churn {
  series: number;
  samples: { atS: number; rss: number; seriesCycle: number }[];
}

async function runChurn(progress: Progress): Promise<Churn> {
  const series = METRICS * CHURN_SERIES;
  const e = await startExporter([
    '--collector.disable-defaults',
    '--collector.synthetic',
    `--synthetic.metric-count=${METRICS}`,
    `--synthetic.series-count=${CHURN_SERIES}`,
    '--synthetic.label-count=1',
    '--synthetic.value-interval=5s',
    '--synthetic.series-interval=10s',
    '--synthetic.metric-interval=30s',
  ]);
  try {
    const samples: Churn['samples'] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < CHURN_MS) {
      await sleep(5000);
      // A scrape, as Prometheus would do, then the RSS.
      await get(e.port);
      const text = await new Promise<string>((resolve) => {
        http.get({ host: '127.0.0.1', port: e.port, path: '/metrics', agent: false }, (res) => {
          let keep = '';
          res.on('data', (c: Buffer) => {
            const s = c.toString('latin1');
            const i = s.indexOf('synthetic_cycle{kind="series"}');
            if (i >= 0) keep = s.slice(i, i + 60);
          });
          res.on('end', () => resolve(keep));
        });
      });
      const cycle = Number(/\} (\d+)/.exec(text)?.[1] ?? -1);
      samples.push({ atS: (performance.now() - t0) / 1000, rss: rssOf(e.pid), seriesCycle: cycle });
      progress.note(`churn: ${samples.length} samples, series cycle ${cycle}, RSS ${fmtBytes(samples.at(-1)!.rss)}`);
    }
    return { series, samples };
  } finally {
    await stop(e);
  }
}

interface Peer {
  kind: string;
  startMs: number;
  scrape?: Scrape;
  rssPeak: number;
  error?: string;
}

async function runPeer(kind: 'prom-client' | 'static', progress: Progress): Promise<Peer> {
  progress.note(`peer ${kind}: building ${TOTAL.toLocaleString('en')} series`);
  const t0 = performance.now();
  const child = fork(fileURLToPath(new URL('./scrape/target.ts', import.meta.url)), [kind, String(TOTAL)], { execArgv: ['--import', 'tsx', '--max-old-space-size=8192'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`exited (${code})`)));
    });
    const startMs = performance.now() - t0;
    const peak = rssPeak(child.pid!);
    progress.note(`peer ${kind}: scraping`);
    const scrape = await get(port);
    return { kind, startMs, scrape, rssPeak: peak() };
  } catch (err) {
    return { kind, startMs: performance.now() - t0, rssPeak: rssOf(child.pid ?? 0), error: (err as Error).message };
  } finally {
    child.kill();
  }
}

const progress = new Progress('synthetic', 7);
const cases: Case[] = [];
cases.push(await runCase('cache off (every scrape renders all)', 1, 0, true, progress));
progress.tick();
cases.push(await runCase('cache 64 MiB (default: 1M does not fit, renders)', 1, 64, true, progress));
progress.tick();
cases.push(await runCase('cache 256 MiB (all of it reused)', 1, 256, false, progress));
progress.tick();
cases.push(await runCase('5 labels per series, cache 64 MiB', 3, 64, false, progress));
progress.tick();
const churn = await runChurn(progress);
progress.tick();
const peers: Peer[] = [await runPeer('prom-client', progress)];
progress.tick();
peers.push(await runPeer('static', progress));
progress.done();

const base = cases[0]!;
const dflt = cases[1]!;
const scrapeMs = median(base.scrapes.map((s) => s.ms));
const exact = cases.every((c) => c.scrapes.every((s) => s.synthetic === TOTAL) && (c.concurrent?.scrapes.every((s) => s.synthetic === TOTAL) ?? true));
const rssDefault = Math.max(dflt.rssPeak, dflt.concurrent?.rssPeak ?? 0);
const healthMax = Math.max(base.concurrent!.healthMaxMs, dflt.concurrent!.healthMaxMs);
const churnLater = churn.samples.slice(Math.floor(churn.samples.length / 3));
const churnGrowth = churnLater.length > 1 ? (Math.max(...churnLater.map((s) => s.rss)) - churnLater[0]!.rss) / churnLater[0]!.rss : NaN;
const label = `${TOTAL / 1e6}M`;

const targets: BenchTarget[] = [
  { name: `one ${label}-series scrape end to end (render every time)`, target: '< 1 s', actual: fmtMs(scrapeMs), met: scrapeMs < 1000 },
  { name: 'synthetic sample lines in every scrape', target: `exactly ${TOTAL.toLocaleString('en')}`, actual: exact ? 'exact' : 'wrong count', met: exact },
  { name: 'exporter RSS at its highest, default settings', target: '< 300 MB (300e6 bytes = 286.1 MiB)', actual: `${(rssDefault / 2 ** 20).toFixed(1)} MiB = ${(rssDefault / 1e6).toFixed(1)} MB`, met: rssDefault < 300e6 },
  { name: '/-/healthy during three scrapes in flight (max)', target: '< 100 ms every time', actual: fmtMs(healthMax), met: healthMax < 100 },
  { name: 'renders for three concurrent scrapes', target: '1', actual: String(base.concurrent!.renders), met: base.concurrent!.renders === 1 },
  { name: `RSS growth across churn cycles (after the first third, ${churn.series / 1000}k series)`, target: '< 10 %', actual: `${(churnGrowth * 100).toFixed(1)} %`, met: churnGrowth < 0.1 },
];

const charts: BarChart[] = [
  {
    title: `One scrape of ${label} series, end to end`,
    subtitle: 'median, ms, lower is better',
    groups: [
      { label: 'scrape', bars: [...cases.slice(0, 3).map((c) => ({ series: `ours, ${c.name}`, value: median(c.scrapes.map((s) => s.ms)), text: fmtMs(median(c.scrapes.map((s) => s.ms))) })), ...peers.filter((p) => p.scrape).map((p) => ({ series: p.kind === 'static' ? 'static bytes (uWS)' : 'prom-client 15', value: p.scrape!.ms, text: fmtMs(p.scrape!.ms) }))] },
    ],
  },
  {
    title: `Process RSS at its highest while scraped (${label} series)`,
    subtitle: 'MB, lower is better',
    groups: [{ label: 'RSS', bars: [...cases.slice(0, 3).map((c) => ({ series: `ours, ${c.name}`, value: c.rssPeak / 1e6, text: fmtBytes(c.rssPeak) })), ...peers.map((p) => ({ series: p.kind === 'static' ? 'static bytes (uWS)' : 'prom-client 15', value: p.rssPeak / 1e6, text: fmtBytes(p.rssPeak) }))] }],
  },
];

const written = writeResult(
  opts.outDir,
  {
    name: 'synthetic',
    title: `Synthetic target: ${label} series per scrape`,
    description: `The exporter with only the synthetic collector: ${METRICS} gauge metrics × ${SERIES_PER_METRIC.toLocaleString('en')} series, 3 labels per series (series_id, cycle_id, label_key_kkkkk_0), values and series fixed while measured; scraped from this process (lines counted as they arrive, the body never kept). RSS is the exporter's VmRSS (every thread), sampled every 10 ms.`,
    mode: opts.quick ? 'quick' : 'full',
    machine,
    durationMs: performance.now() - started,
    targets,
    tables: [
      {
        title: `Scrapes of ${label} series`,
        columns: ['setting', 'target built in', 'scrape median', 'scrape max', 'body', 'synthetic lines', 'RSS idle', 'RSS peak'],
        rows: cases.map((c) => [
          c.name + (c.labels !== 1 ? ` (label-count ${c.labels})` : ''),
          fmtMs(c.buildMs),
          fmtMs(median(c.scrapes.map((s) => s.ms))),
          fmtMs(Math.max(...c.scrapes.map((s) => s.ms))),
          fmtBytes(c.scrapes[0]!.bytes),
          c.scrapes.every((s) => s.synthetic === TOTAL) ? TOTAL.toLocaleString('en') : c.scrapes.map((s) => s.synthetic).join(' / '),
          fmtBytes(c.rssIdle),
          fmtBytes(c.rssPeak),
        ]),
        notes: ['cache off: every scrape renders every series; 64 MiB (the default): output is kept only when the whole exposition fits, so a million series (~100 MiB) are rendered by every scrape, smaller targets reused; 256 MiB: everything reused (values are fixed here).'],
      },
      {
        title: 'Three scrapes in flight, /-/healthy every 10 ms',
        columns: ['setting', 'wall (all three)', 'slowest scrape', 'renders', '/-/healthy max', '/-/healthy p99', 'health probes', 'RSS peak'],
        rows: cases
          .filter((c) => c.concurrent)
          .map((c) => [c.name, fmtMs(c.concurrent!.wallMs), fmtMs(Math.max(...c.concurrent!.scrapes.map((s) => s.ms))), c.concurrent!.renders, fmtMs(c.concurrent!.healthMaxMs), fmtMs(c.concurrent!.healthP99Ms), c.concurrent!.healthN, fmtBytes(c.concurrent!.rssPeak)]),
      },
      {
        title: `Memory across churn: ${churn.series / 1000}k series, series churn every 10 s, metric names every 30 s, values every 5 s`,
        columns: ['at', 'series cycle', 'RSS'],
        rows: churn.samples.map((s) => [`${s.atS.toFixed(0)} s`, s.seriesCycle, fmtBytes(s.rss)]),
      },
      {
        title: `Peers on the same ${label} series (3 labels, one scrape)`,
        columns: ['target', 'start (build the series)', 'scrape', 'body', 'RSS peak', "ours' time (cache off) ÷ this"],
        rows: peers.map((p) => [
          p.kind === 'static' ? 'static bytes (uWS, rendered once)' : 'prom-client 15 (node:http)',
          fmtMs(p.startMs),
          p.scrape ? fmtMs(p.scrape.ms) : `failed: ${p.error}`,
          p.scrape ? fmtBytes(p.scrape.bytes) : '',
          fmtBytes(p.rssPeak),
          p.scrape ? fmtRatio(scrapeMs / p.scrape.ms) : '',
        ]),
        notes: ['The peers hold the same series shape in 10 families (bench/scrape/target.ts), not the synthetic names; prom-client and static run under tsx. avalanche (Go) is not packaged for Debian; node_exporter serves no such target.'],
      },
    ],
    notes: [
      runNote,
      `Load average at the start: ${machine.loadavg.join(' / ')} on ${machine.cores} cores. The machine is shared with other engineers' work: absolute times move with it.`,
    ],
    data: { cases, churn, peers },
  },
  charts,
);
for (const t of targets) console.log(`${t.met ? 'met ' : 'MISS'} ${t.name}: ${t.actual} (goal ${t.target})`);
console.log(`results: ${written.json}`);
