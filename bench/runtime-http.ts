/**
 * Issue #3 over HTTP: the `atomic-exporter` command, compiled as `npm start` runs it (the build of
 * bench/runtime/compiled.ts), with the four faulty collectors of the issue at once (throwing; hung
 * in `for(;;){}`; `process.exit()`; burning CPU 90% of its interval: the fixtures of
 * test/fixtures/collectors), 4 healthy collectors (250 ms) and a bulk collector of 2,000 series
 * (1 s), scraped over HTTP from this process every 10–50 ms (random) for 20 s. bench/runtime-faults.ts
 * measures the same faults in one process (`registry.metrics()` on the main thread); this one
 * adds the socket, the HTTP server and a second process, as Prometheus sees it.
 *
 * A scrape is one GET of /metrics (text format, a kept-alive connection, one at a time). Its
 * latency is counted from the moment it was due, not from when the request went out: the
 * scraper sleeps until the due time (a futex wait with a precise timeout for the last stretch,
 * as in bench/runtime/workloads.ts), so a late wake-up of this process counts too, and so does
 * anything that delays the exporter's event loop. Each body is checked: HTTP 200, ends with a
 * newline, holds the healthy collectors' series and the last family of the first body.
 *
 * Runs, each a fresh process, measured from the moment `/-/ready` answers 200 (so the first
 * scrapes are in):
 * 1. faults: the four faults + 4 healthy + bulk (the issue's setting), default engine (uWS);
 * 2. no faults: the same exporter, the faulty collectors not enabled (the peer: what the faults cost);
 * 3. node_exporter: Debian's prometheus-node-exporter, default collectors, scraped the same way
 *    (skipped with a note when not installed);
 * 4. faults with `--web.engine=node` (the node:http fallback), and 5. no faults on it;
 * 6. a busy host: one busy-loop process per core beside the target for the whole window, with
 *    the faults (default flags, and `--collectors.cpus=all`), and node_exporter the same way.
 *
 * Targets (issue #3): scrape p99 ≤ 50 ms, max ≤ 250 ms, 0 non-200 and 0 incomplete bodies, the
 * healthy collectors on schedule (runs / due ≥ 0.9), the process alive at the end.
 *
 * `node --import tsx bench/runtime-http.ts [--quick] [--out DIR]` → `<out>/runtime-http.json`
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { findBinary } from '../test/support/binaries.js';
import { freePort } from '../test/support/ports.js';
import { benchOptions, fmtMs, fmtRatio, machineInfo, Progress, sleep, stats, writeResult, type BarChart, type BenchTable, type BenchTarget, type Stats } from './lib/index.js';
import { buildCompiled } from './runtime/compiled.js';
import { COMMAND_NODE_FLAGS } from '../src/cli/node-flags.js';

const opts = benchOptions();
const machine = machineInfo();
const started = performance.now();
const SECONDS = opts.quick ? 5 : 20;
const HEALTHY = 4;
const HEALTHY_INTERVAL_MS = 250;
const BULK_SERIES = 2000;
const FAULTY = ['throwing', 'hung', 'exiting', 'burner'];

// ---------------------------------------------------------------------------------------------
// The collectors: the compiled fixtures for the faults, generated .mjs files for the rest.

const healthy = (name: string) => `export default {
  name: '${name}', intervalMs: ${HEALTHY_INTERVAL_MS},
  metrics: {
    runs: { type: 'counter', name: '${name}_runs_total', help: 'Runs.' },
    last: { type: 'gauge', name: '${name}_last_run_seconds', help: 'Last run.' },
  },
  collect({ metrics }) { metrics.runs.inc(); metrics.last.set(Date.now() / 1000); },
};
`;
const bulk = `export default {
  name: 'bulk', intervalMs: 1000,
  metrics: { g: { type: 'gauge', name: 'bulk_value', help: 'Bulk series.', labelNames: ['i', 'shard'] } },
  collect({ metrics }) { for (let i = 0; i < ${BULK_SERIES}; i++) metrics.g.set({ i: String(i), shard: String(i % 16) }, Math.random()); },
};
`;
const HEALTHY_NAMES = Array.from({ length: HEALTHY }, (_, i) => `healthy${i}`);

// ---------------------------------------------------------------------------------------------
// Processes.

interface Target {
  name: string;
  child: ChildProcess;
  port: number;
  /** Strings every complete body holds. */
  mustContain: string[];
  stderr: () => string;
}

function statusOf(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

async function startTarget(name: string, cmd: string, args: string[], readyPath: string, mustContain: string[]): Promise<Target> {
  const port = await freePort();
  const child = spawn(cmd, [...args.map((a) => a.replace('{PORT}', String(port)))], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-8000)));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if ((await statusOf(port, readyPath)) === 200) return { name, child, port, mustContain, stderr: () => err };
    await sleep(20);
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not become ready on ${readyPath}:\n${err}`);
}

async function stopTarget(t: Target): Promise<void> {
  if (t.child.exitCode !== null || t.child.signalCode !== null) return;
  const exited = new Promise((r) => t.child.once('exit', r));
  t.child.kill('SIGTERM');
  const timer = setTimeout(() => t.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** CPU time of a process (all threads) in ms, from /proc/PID/stat. */
function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
  } catch {
    return NaN;
  }
}

/** ms a thread spent runnable but waiting for a CPU (/proc schedstat). */
function runQueueMs(pid: number, tid = pid): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------------------------
// The scrape loop.

interface Scrape {
  /** ms from the window's start to the due time. */
  at: number;
  /** From the due time to the last byte. */
  latency: number;
  /** From the request sent to the last byte. */
  request: number;
  status: number;
  problem: string;
}

const napCell = new Int32Array(new SharedArrayBuffer(4));

function get(agent: http.Agent, port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
  });
}

function lastFamily(body: string): string | undefined {
  const all = [...body.matchAll(/^# HELP (\S+)/gm)];
  return all.at(-1)?.[1];
}

interface Window {
  scrapes: Scrape[];
  seconds: number;
  first: string;
  last: string;
  cpuMsPerSecond: number;
  /** The target's main thread: ms per second spent waiting for a core. */
  runQueueMsPerSecond: number;
}

async function scrapeWindow(t: Target, ms: number, onSecond: () => void): Promise<Window> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const scrapes: Scrape[] = [];
  let first = '';
  let last = '';
  let reference: string | undefined;
  const pid = t.child.pid!;
  const cpu0 = cpuMs(pid);
  const rq0 = runQueueMs(pid);
  const t0 = performance.now();
  const end = t0 + ms;
  let nextSecond = t0 + 1000;
  try {
    while (performance.now() < end) {
      const gap = 10 + Math.random() * 40;
      const due = performance.now() + gap;
      await sleep(gap - 3);
      const left = due - performance.now();
      if (left > 0) Atomics.wait(napCell, 0, 0, left);
      const sent = performance.now();
      let s: Scrape;
      try {
        const { status, body } = await get(agent, t.port, '/metrics');
        const done = performance.now();
        let problem = '';
        if (status !== 200) problem = `HTTP ${status}`;
        else if (!body.endsWith('\n')) problem = 'body does not end with a newline';
        else {
          const missing = t.mustContain.find((m) => !body.includes(m));
          if (missing !== undefined) problem = `"${missing}" missing`;
          else if (reference === undefined) reference = lastFamily(body);
          else if (!body.includes(`# HELP ${reference} `)) problem = `last family ${reference} missing`;
        }
        s = { at: due - t0, latency: done - due, request: done - sent, status, problem };
        if (status === 200) {
          if (first === '') first = body;
          last = body;
        }
      } catch (e) {
        const done = performance.now();
        s = { at: due - t0, latency: done - due, request: done - sent, status: 0, problem: `request failed: ${(e as Error).message}` };
      }
      scrapes.push(s);
      if (performance.now() >= nextSecond) {
        nextSecond += 1000;
        onSecond();
      }
    }
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    scrapes,
    seconds,
    first,
    last,
    cpuMsPerSecond: (cpuMs(pid) - cpu0) / seconds,
    runQueueMsPerSecond: (runQueueMs(pid) - rq0) / seconds,
  };
}

// ---------------------------------------------------------------------------------------------
// One run.

function sampleOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

interface RunResult {
  name: string;
  engine: string;
  latency: Stats;
  /** Send to last byte (what a client that is never late would see). */
  request: Stats;
  /** The scrapes of the first second after ready. */
  firstSecondMax: number;
  scrapes: number;
  non200: number;
  incomplete: number;
  problems: string[];
  seconds: number;
  bytes: number;
  cpuMsPerSecond: number;
  runQueueMsPerSecond: number;
  alive: boolean;
  /** The exporter's runs: per healthy collector, runs / due over the window. */
  healthy?: { name: string; runs: number; expected: number; missed: number }[];
  outcomes?: Record<string, Record<string, number>>;
  replacements?: { timeout: number; crash: number };
  /** Renders of the window by the exporter's own histogram (text format): mean, and how many took > 10 ms. */
  render?: { mean: number; count: number; over10ms: number };
  startupMs: number;
}

/**
 * Busy-loop processes, one per core, at normal priority: a host whose other work keeps every
 * core busy (the sidecar's usual neighbour), for as long as the returned function is not called.
 */
function busyHost(): () => Promise<void> {
  const hogs = Array.from({ length: os.availableParallelism() }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return async () => {
    await Promise.all(
      hogs.map((h) => {
        if (h.exitCode !== null || h.signalCode !== null) return undefined;
        const exited = new Promise((r) => h.once('exit', r));
        h.kill('SIGKILL');
        return exited;
      }),
    );
  };
}

async function measure(name: string, engine: string, start: () => Promise<Target>, progress: Progress, busy = false): Promise<RunResult> {
  const s0 = performance.now();
  const t = await start();
  const startupMs = performance.now() - s0;
  const stopBusy = busy ? busyHost() : undefined;
  try {
    const w = await scrapeWindow(t, SECONDS * 1000, () => progress.tick(1)).finally(() => stopBusy?.());
    const alive = t.child.exitCode === null && t.child.signalCode === null && (await statusOf(t.port, '/metrics')) === 200;
    const ok = w.scrapes.filter((s) => s.status === 200);
    const r: RunResult = {
      name,
      engine,
      latency: stats(w.scrapes.map((s) => s.latency)),
      request: stats(w.scrapes.map((s) => s.request)),
      firstSecondMax: Math.max(...w.scrapes.filter((s) => s.at < 1000).map((s) => s.latency)),
      scrapes: w.scrapes.length,
      non200: w.scrapes.length - ok.length,
      incomplete: ok.filter((s) => s.problem !== '').length,
      problems: [...new Set(w.scrapes.filter((s) => s.problem !== '').map((s) => s.problem))].slice(0, 10),
      seconds: w.seconds,
      bytes: w.last.length,
      cpuMsPerSecond: w.cpuMsPerSecond,
      runQueueMsPerSecond: w.runQueueMsPerSecond,
      alive,
      startupMs,
    };
    if (w.first.includes('atomic_exporter_collector_runs_total')) {
      const runs = (text: string, c: string, res: string) => sampleOf(text, `atomic_exporter_collector_runs_total{collector="${c}",result="${res}"}`);
      const missed = (text: string, c: string) => sampleOf(text, `atomic_exporter_collector_missed_runs_total{collector="${c}"}`);
      r.healthy = HEALTHY_NAMES.map((c) => ({
        name: c,
        runs: runs(w.last, c, 'ok') - runs(w.first, c, 'ok'),
        expected: Math.floor((w.seconds * 1000) / HEALTHY_INTERVAL_MS),
        missed: missed(w.last, c) - missed(w.first, c),
      }));
      r.outcomes = {};
      for (const c of [...FAULTY, ...HEALTHY_NAMES, 'bulk']) {
        const o: Record<string, number> = {};
        for (const res of ['ok', 'nodata', 'error', 'timeout', 'crash']) {
          const v = runs(w.last, c, res);
          if (!Number.isNaN(v)) o[res] = v;
        }
        if (Object.keys(o).length > 0) r.outcomes[c] = o;
      }
      // The family appears once a render has been observed: absent from the first body means 0.
      const h = (text: string, suffix: string) => sampleOf(text, `atomic_exporter_scrape_render_seconds${suffix}`) || 0;
      const count = h(w.last, '_count{format="text"}') - h(w.first, '_count{format="text"}');
      r.render = {
        count,
        mean: ((h(w.last, '_sum{format="text"}') - h(w.first, '_sum{format="text"}')) / count) * 1000,
        over10ms: count - (h(w.last, '_bucket{format="text",le="0.01"}') - h(w.first, '_bucket{format="text",le="0.01"}')),
      };
      r.replacements = {
        timeout: sampleOf(w.last, 'atomic_exporter_worker_thread_replacements_total{reason="timeout"}'),
        crash: sampleOf(w.last, 'atomic_exporter_worker_thread_replacements_total{reason="crash"}'),
      };
    }
    if (!alive) r.problems.push(`process not alive at the end: exit ${t.child.exitCode ?? t.child.signalCode}\n${t.stderr().slice(-2000)}`);
    return r;
  } finally {
    await stopTarget(t);
  }
}

// ---------------------------------------------------------------------------------------------

const STEPS = 8 * SECONDS + 1;
const progress = new Progress('runtime-http', STEPS);
progress.tick(0, 'tsc (compiled copy)');
const built = buildCompiled();
if (!built.dir) {
  progress.done('no compiled copy');
  throw new Error(`the compiled copy was not built:\n${built.log}`);
}
const dir = built.dir;
progress.tick(1);
const gen = mkdtempSync(path.join(os.tmpdir(), 'ae-bench-http-collectors-'));
writeFileSync(path.join(gen, 'bulk.mjs'), bulk);
for (const n of HEALTHY_NAMES) writeFileSync(path.join(gen, `${n}.mjs`), healthy(n));
const textfileDir = mkdtempSync(path.join(os.tmpdir(), 'ae-bench-http-textfile-'));

const exporterArgs = (faults: boolean, engine: string): string[] => [
  ...COMMAND_NODE_FLAGS,
  path.join(dir, 'src', 'cli.js'),
  '--web.listen-address=127.0.0.1:{PORT}',
  `--web.engine=${engine}`,
  '--log.level=warn',
  `--collectors.dir=${path.join(dir, 'test', 'fixtures', 'collectors')}`,
  `--collectors.dir=${gen}`,
  '--collector.disable-defaults',
  ...[...(faults ? FAULTY : []), ...HEALTHY_NAMES, 'bulk'].map((c) => `--collector.${c}`),
];
const exporterMust = [...HEALTHY_NAMES.map((n) => `\n${n}_runs_total `), `bulk_value{i="${BULK_SERIES - 1}",`];
const startExporter = (name: string, faults: boolean, engine: string, extra: string[] = []) => () =>
  startTarget(name, process.execPath, exporterArgs(faults, engine).concat(extra), '/-/ready', exporterMust);

const BUSY = 'busy host';
const runs: RunResult[] = [];
const notes: string[] = [];
try {
  progress.note(`faults, uws (${SECONDS} s)`);
  runs.push(await measure('atomic-exporter, 4 faulty + 4 healthy + 2,000 bulk series', 'uws', startExporter('faults', true, 'uws'), progress));
  progress.note(`no faults, uws (${SECONDS} s)`);
  runs.push(await measure('atomic-exporter, 4 healthy + 2,000 bulk series (no faults)', 'uws', startExporter('no faults', false, 'uws'), progress));
  const ne = findBinary('prometheus-node-exporter');
  const startNodeExporter = (bin: string) => () =>
    startTarget('node_exporter', bin, ['--web.listen-address=127.0.0.1:{PORT}', `--collector.textfile.directory=${textfileDir}`], '/', ['\nnode_exporter_build_info{']);
  if (ne) {
    progress.note(`node_exporter (${SECONDS} s)`);
    runs.push(await measure('node_exporter, default collectors', 'Go net/http', startNodeExporter(ne), progress));
  } else {
    progress.tick(SECONDS);
    notes.push('node_exporter (Debian package prometheus-node-exporter) is not installed here: its row is missing.');
  }
  // The host's other processes keep every core busy: the faults again, with and without the
  // exporter's CPU affinity, and node_exporter the same way.
  progress.note(`faults, uws, busy host (${SECONDS} s)`);
  runs.push(await measure('atomic-exporter, 4 faulty + 4 healthy + 2,000 bulk series', BUSY, startExporter('faults, busy host', true, 'uws'), progress, true));
  progress.note(`faults, uws, --collectors.cpus=all, busy host (${SECONDS} s)`);
  runs.push(await measure('atomic-exporter, 4 faulty + 4 healthy + 2,000 bulk series, --collectors.cpus=all', `${BUSY}, cpus=all`, startExporter('faults, cpus=all, busy host', true, 'uws', ['--collectors.cpus=all']), progress, true));
  if (ne) {
    progress.note(`node_exporter, busy host (${SECONDS} s)`);
    runs.push(await measure('node_exporter, default collectors', `Go net/http, ${BUSY}`, startNodeExporter(ne), progress, true));
  } else progress.tick(SECONDS);
  progress.note(`faults, node:http (${SECONDS} s)`);
  runs.push(await measure('atomic-exporter, 4 faulty + 4 healthy + 2,000 bulk series', 'node', startExporter('faults, node:http', true, 'node'), progress));
  progress.note(`no faults, node:http (${SECONDS} s)`);
  runs.push(await measure('atomic-exporter, 4 healthy + 2,000 bulk series (no faults)', 'node', startExporter('no faults, node:http', false, 'node'), progress));
} finally {
  rmSync(gen, { recursive: true, force: true });
  rmSync(textfileDir, { recursive: true, force: true });
}
progress.done();

// ---------------------------------------------------------------------------------------------
// Report.

const isBusy = (r: RunResult) => r.engine.includes(BUSY);
const isFaults = (r: RunResult) => r.name.includes('faulty') && !isBusy(r);
const isClean = (r: RunResult) => r.name.includes('no faults');
const peer = runs.find((r) => r.name.startsWith('node_exporter') && !isBusy(r));
const busyPeer = runs.find((r) => r.name.startsWith('node_exporter') && isBusy(r));
const busyOurs = runs.find((r) => r.engine === BUSY);
const worst = (r: RunResult) => Math.min(...(r.healthy ?? []).map((h) => h.runs / h.expected));
const label = (r: RunResult) => `${r.name} [${r.engine}]`;

const targets: BenchTarget[] = runs.filter(isFaults).flatMap((r) => {
  const at = `[${r.engine}] `;
  return [
    { name: `${at}scrape p99 over HTTP, the four faults`, target: '≤ 50 ms', actual: fmtMs(r.latency.p99), met: r.latency.p99 <= 50 },
    { name: `${at}scrape max over HTTP, the four faults`, target: '≤ 250 ms', actual: fmtMs(r.latency.max), met: r.latency.max <= 250 },
    { name: `${at}non-200 answers`, target: '0', actual: String(r.non200), met: r.non200 === 0 },
    { name: `${at}incomplete bodies`, target: '0', actual: String(r.incomplete), met: r.incomplete === 0 },
    { name: `${at}healthy collectors on schedule (worst runs / due)`, target: '≥ 0.9', actual: worst(r).toFixed(2), met: worst(r) >= 0.9 },
    { name: `${at}process alive at the end`, target: 'yes', actual: r.alive ? 'yes' : 'no', met: r.alive },
  ];
});

if (busyOurs) {
  const at = `[${BUSY}] `;
  targets.push(
    { name: `${at}scrape p99 over HTTP, the four faults`, target: '≤ 50 ms', actual: fmtMs(busyOurs.latency.p99), met: busyOurs.latency.p99 <= 50 },
    { name: `${at}scrape max over HTTP, the four faults`, target: '≤ 250 ms', actual: fmtMs(busyOurs.latency.max), met: busyOurs.latency.max <= 250 },
    { name: `${at}non-200 answers`, target: '0', actual: String(busyOurs.non200), met: busyOurs.non200 === 0 },
  );
}

const clean = (engine: string) => runs.find((x) => isClean(x) && x.engine === engine);
const ratio = (a: number, b: number | undefined) => (b === undefined || !(b > 0) ? '–' : fmtRatio(a / b));

const tables: BenchTable[] = [
  {
    title: 'Scrape latency over HTTP, from the due time',
    columns: ['target', 'engine', 'p50', 'p99', 'max', 'max, first second', 'request p99 (sent → last byte)', 'scrapes', 'non-200', 'incomplete', 'body', 'render mean / > 10 ms (its own histogram)', 'CPU (all threads)', 'main thread waiting for a core'],
    rows: runs.map((r) => [
      r.name,
      r.engine,
      fmtMs(r.latency.p50),
      fmtMs(r.latency.p99),
      fmtMs(r.latency.max),
      fmtMs(r.firstSecondMax),
      fmtMs(r.request.p99),
      r.scrapes,
      r.non200,
      r.incomplete,
      `${(r.bytes / 1024).toFixed(0)} KiB`,
      r.render ? `${fmtMs(r.render.mean)} / ${r.render.over10ms}` : '–',
      `${r.cpuMsPerSecond.toFixed(0)} ms/s`,
      `${r.runQueueMsPerSecond.toFixed(1)} ms/s`,
    ]),
    notes: [
      `Each target a fresh process, scraped from the bench process every 10–50 ms (random), one request at a time on a kept-alive connection, text format, for ${SECONDS} s from the moment it was ready (/-/ready for ours, / for node_exporter): the first scrapes are in. Latency runs from the scrape's due time to the last byte of the body.`,
      'Incomplete: an HTTP 200 whose body does not end with a newline, lacks a healthy collector\'s series or the last bulk series, or lacks the last family of the first body.',
      '"main thread waiting for a core": the target\'s main thread, runnable but not on a CPU (schedstat), per second of the window.',
      `Load average at the start: ${machine.loadavg.join(' / ')} on ${machine.cores} cores.`,
    ],
  },
  {
    title: 'Ratios (p99 / p99, max / max)',
    columns: ['engine', 'faults ÷ no faults: p99', 'faults ÷ no faults: max', 'faults ÷ node_exporter: p99', 'faults ÷ node_exporter: max', 'no faults ÷ node_exporter: p99'],
    rows: runs.filter(isFaults).map((r) => {
      const c = clean(r.engine);
      return [r.engine, ratio(r.latency.p99, c?.latency.p99), ratio(r.latency.max, c?.latency.max), ratio(r.latency.p99, peer?.latency.p99), ratio(r.latency.max, peer?.latency.max), c ? ratio(c.latency.p99, peer?.latency.p99) : '–'];
    }),
  },
  {
    title: 'A busy host: every core kept busy by other processes',
    columns: ['target', 'p50', 'p99', 'max', 'non-200', 'incomplete', 'p99 ÷ node_exporter (busy)', 'healthy runs / due (worst)', 'main thread waiting for a core'],
    rows: runs.filter(isBusy).map((r) => [
      r.name,
      fmtMs(r.latency.p50),
      fmtMs(r.latency.p99),
      fmtMs(r.latency.max),
      r.non200,
      r.incomplete,
      r === busyPeer ? '–' : ratio(r.latency.p99, busyPeer?.latency.p99),
      r.healthy ? worst(r).toFixed(2) : '–',
      `${r.runQueueMsPerSecond.toFixed(1)} ms/s`,
    ]),
    notes: [
      `One busy-loop process per core (${machine.cores}) at normal priority, started once the target is ready, for the whole window; the scraper competes with them too.`,
      'The exporter\'s pool threads run at normal priority; by default (CPU affinity auto) on the CPUs the main thread and its helpers do not have, with --collectors.cpus=all on every CPU. Under SCHED_IDLE at nice +19 (the default before; createRuntime({ schedIdle, niceIncrement }) still offers it) a pool thread preempted while holding a lock the main thread needs (Node\'s platform task queue, taken on every GC and compile) ran again only after a long wait, with scrapes waiting on it, and collectors starved: p99 572–914 ms and 3–7 of 80 healthy runs with --collectors.cpus=all (src/runtime/index.ts).',
      'Incomplete here can also mean a collector starved past its timeout: its series are then gone from the body (a failed run), although the HTTP body is whole.',
    ],
  },
  {
    title: `Healthy collectors during the faults (${HEALTHY_INTERVAL_MS} ms interval)`,
    columns: ['target', 'engine', ...HEALTHY_NAMES.map((n) => `${n}: runs / due (missed)`)],
    rows: runs.filter((r) => r.healthy).map((r) => [r.name, r.engine, ...r.healthy!.map((h) => `${h.runs} / ${h.expected} (${h.missed})`)]),
    notes: runs.filter(isFaults).map((r) => {
      const o = r.outcomes ?? {};
      return `[${r.engine}] in the ${r.seconds.toFixed(0)} s window's process: throwing ${o.throwing?.error ?? 0} errors, hung ${o.hung?.timeout ?? 0} timeouts, exiting ${o.exiting?.crash ?? 0} crashes, burner ${o.burner?.ok ?? 0} ok runs; threads replaced: ${r.replacements?.timeout ?? 0} timeout, ${r.replacements?.crash ?? 0} crash (counters since start; hung and exiting back off after repeated failures).`;
    }),
  },
];

const problems = runs.filter((r) => r.problems.length > 0).map((r) => `${label(r)}: ${r.problems.join('; ')}`);

/** Per HTTP engine: ours with and without the faults, and node_exporter, at one statistic. */
const engineGroups = (stat: 'p99' | 'max'): BarChart['groups'] =>
  ['uws', 'node'].map((engine) => ({
    label: engine === 'uws' ? 'uWS engine' : 'node:http engine',
    bars: [
      ...runs.filter((r) => r.engine === engine).map((r) => ({ series: isFaults(r) ? 'faults' : 'no faults', value: r.latency[stat] })),
      ...(peer ? [{ series: 'node_exporter', value: peer.latency[stat] }] : []),
    ],
  }));

const charts: BarChart[] = [
  {
    title: 'Scrape latency over HTTP from the due time: p99',
    subtitle: 'ms, lower is better; the four faulty collectors at once vs the same exporter without them vs node_exporter',
    unit: 'ms',
    groups: engineGroups('p99'),
  },
  {
    title: 'Scrape latency over HTTP on a busy host: p99',
    subtitle: 'ms, lower is better; every core kept busy by other processes, the four faulty collectors running',
    unit: 'ms',
    groups: [
      {
        label: 'busy host',
        bars: runs.filter(isBusy).map((r) => ({ series: r.name.startsWith('node_exporter') ? 'node_exporter' : r.engine.includes('cpus=all') ? 'atomic-exporter, cpus=all' : 'atomic-exporter', value: r.latency.p99 })),
      },
    ],
  },
  {
    title: 'Scrape latency over HTTP from the due time: max',
    subtitle: 'ms, lower is better',
    unit: 'ms',
    groups: engineGroups('max'),
  },
];

const written = writeResult(
  opts.outDir,
  {
    name: 'runtime-http',
    title: 'Faulty collectors, scraped over HTTP',
    description: `The compiled atomic-exporter command with the four faulty collectors of issue #3 (throwing, hung, process.exit(), 90% CPU burner), ${HEALTHY} healthy collectors and ${BULK_SERIES.toLocaleString('en')} bulk series, scraped over HTTP every 10–50 ms for ${SECONDS} s; the same without the faults and node_exporter as peers; both HTTP engines.`,
    mode: opts.quick ? 'quick' : 'full',
    machine,
    durationMs: performance.now() - started,
    targets,
    tables,
    notes: [
      'The exporter runs as `npm start` runs it (JavaScript compiled by tsc, src/cli.js, node --single-threaded-gc: every isolate does its own GC), with its defaults: CPU affinity auto (the main thread and libuv\'s threads on the first CPU; pool threads, at normal priority, and V8\'s helper threads on the other), collectors that hang or exit backing off.',
      'The scraper shares the 2 cores with the target: its own wake-up delay is in the latency, as it would be for any client on the machine.',
      ...notes,
      ...(problems.length > 0 ? [`Problems seen: ${problems.join(' | ')}`] : []),
    ],
    data: { runs },
  },
  charts,
);
for (const t of targets) console.log(`${t.met ? 'ok  ' : 'MISS'} ${t.name}: ${t.actual} (target ${t.target})`);
for (const r of runs) console.log(`${label(r)}: p50 ${fmtMs(r.latency.p50)} p99 ${fmtMs(r.latency.p99)} max ${fmtMs(r.latency.max)} (${r.scrapes} scrapes, ${r.non200} non-200, ${r.incomplete} incomplete)`);
for (const p of problems) console.log(`problem: ${p}`);
console.log(`wrote ${written.json}`);
