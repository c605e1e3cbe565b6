/**
 * Scrapes per second (issue #4 "Speed"): 16 concurrent scrapers (wrk) against a 10k-series
 * target, three ways in the same run:
 *
 * - ours: the exporter's server (uWebSockets.js, shared renders, a fresh render per wave of scrapes);
 * - static: the same bytes, rendered once, served by bare uWebSockets.js: the limit;
 * - prom-client 15 on node:http (`await register.metrics()` per request): the peer.
 *
 * Each target runs in its own process (bench/scrape/target.ts); trials alternate between them so
 * load from other work on the machine spreads over all three. Targets: ours ≥ ½ of static,
 * ours ≥ 5× prom-client.
 *
 * `node --import tsx bench/scrape-throughput.ts [--quick] [--out DIR]`
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchOptions, fmtBytes, fmtRatio, machineInfo, Progress, writeResult, type BarChart, type BenchTarget } from './lib/index.js';
import type { TargetKind } from './scrape/target.js';

const run = promisify(execFile);
const opts = benchOptions();
const machine = machineInfo();
const started = performance.now();

const SERIES = 10_000;
const CONNECTIONS = 16;
const WRK_THREADS = 2;
const DURATION_S = opts.quick ? 2 : 10;
const WARMUP_S = opts.quick ? 1 : 3;
const TRIALS = opts.quick ? 1 : 3;
const KINDS: TargetKind[] = ['static', 'ours', 'prom-client'];
const NAMES: Record<TargetKind, string> = { static: 'static bytes (uWS)', ours: 'atomic-exporter', 'prom-client': 'prom-client 15 (node:http)' };
const WRK = '/usr/bin/wrk';

interface WrkResult {
  requestsPerSecond: number;
  transferPerSecond: string;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  non2xx: number;
  socketErrors: string;
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(v);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

function parseWrk(out: string): WrkResult {
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
  return {
    requestsPerSecond: num(/Requests\/sec:\s+([\d.]+)/),
    transferPerSecond: /Transfer\/sec:\s+(\S+)/.exec(out)?.[1] ?? '?',
    latencyP50Ms: toMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? ''),
    latencyP99Ms: toMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? ''),
    requests: num(/(\d+) requests in/),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: /Socket errors: (.*)/.exec(out)?.[1] ?? 'none',
  };
}

async function wrk(port: number, seconds: number): Promise<WrkResult> {
  const { stdout } = await run(WRK, [`-t${WRK_THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}/metrics`], { maxBuffer: 1 << 20 });
  return parseWrk(stdout);
}

function startTarget(kind: TargetKind): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL('./scrape/target.ts', import.meta.url)), [kind, String(SERIES)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`target ${kind} exited (${code}) before listening`)));
  });
}

const targets = new Map<TargetKind, { child: ChildProcess; port: number; bytes: number }>();
const progress = new Progress('scrape-throughput', KINDS.length * (TRIALS + 1));
const trials = new Map<TargetKind, WrkResult[]>(KINDS.map((k) => [k, []]));
try {
  for (const kind of KINDS) {
    const t = await startTarget(kind);
    const body = await (await fetch(`http://127.0.0.1:${t.port}/metrics`)).text();
    targets.set(kind, { ...t, bytes: Buffer.byteLength(body) });
    progress.tick(0, `${kind}: warm-up`);
    await wrk(t.port, WARMUP_S);
    progress.tick(1);
  }
  for (let trial = 0; trial < TRIALS; trial++) {
    for (const kind of KINDS) {
      progress.note(`trial ${trial + 1}/${TRIALS}: ${kind}`);
      const r = await wrk(targets.get(kind)!.port, DURATION_S);
      if (r.non2xx > 0) throw new Error(`${kind}: ${r.non2xx} responses were not 2xx`);
      trials.get(kind)!.push(r);
      progress.tick(1);
    }
  }
  progress.done();
} finally {
  for (const t of targets.values()) t.child.kill();
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rps = (k: TargetKind): number => median(trials.get(k)!.map((r) => r.requestsPerSecond));
const ours = rps('ours');
const vsStatic = ours / rps('static');
const vsPeer = ours / rps('prom-client');

const result: BenchTarget[] = [
  { name: 'ours vs the static limit', target: '≥ 0.5× (half of uWS serving fixed bytes)', actual: fmtRatio(vsStatic), met: vsStatic >= 0.5 },
  { name: 'ours vs prom-client on node:http', target: '≥ 5×', actual: fmtRatio(vsPeer), met: vsPeer >= 5 },
];

const charts: BarChart[] = [
  {
    title: `Scrapes per second: ${SERIES / 1000}k series, ${CONNECTIONS} concurrent scrapers`,
    subtitle: 'median of the trials, higher is better',
    groups: [{ label: '/metrics', bars: KINDS.map((k) => ({ series: NAMES[k], value: rps(k), text: rps(k).toFixed(0) + ' /s' })) }],
  },
];

const written = writeResult(
  opts.outDir,
  {
    name: 'scrape-throughput',
    title: 'Scrape throughput: atomic-exporter vs static bytes vs prom-client',
    description: `wrk (${WRK_THREADS} threads, ${CONNECTIONS} connections, ${DURATION_S} s per trial, ${TRIALS} trials alternating between targets) against /metrics of a ${SERIES / 1000}k-series target (${SERIES / 1000}k series in 10 families, 3 labels, values changing every 10 ms). Each target in its own process; wrk runs on the same machine.`,
    mode: opts.quick ? 'quick' : 'full',
    machine,
    durationMs: performance.now() - started,
    targets: result,
    tables: [
      {
        title: 'Scrapes per second',
        columns: ['target', 'body', 'scrapes/s (median)', 'trials', 'p50 latency', 'p99 latency', 'transfer/s', 'ours ÷ this'],
        rows: KINDS.map((k) => {
          const rs = trials.get(k)!;
          const mid = rs.find((r) => r.requestsPerSecond === rps(k)) ?? rs[0]!;
          return [
            NAMES[k],
            fmtBytes(targets.get(k)?.bytes ?? 0),
            rps(k).toFixed(0),
            rs.map((r) => r.requestsPerSecond.toFixed(0)).join(' / '),
            `${mid.latencyP50Ms.toFixed(2)} ms`,
            `${mid.latencyP99Ms.toFixed(2)} ms`,
            mid.transferPerSecond,
            k === 'ours' ? '1×' : fmtRatio(ours / rps(k)),
          ];
        }),
      },
    ],
    notes: [
      'Every scrape of ours gets values no older than its own arrival: scrapes arriving together share one render; nothing is cached between renders.',
      `Load average at the start: ${machine.loadavg.join(' / ')} on ${machine.cores} cores; wrk shares the cores with the target, and other work on the machine shows as noise.`,
    ],
    data: Object.fromEntries(KINDS.map((k) => [k, trials.get(k)])),
  },
  charts,
);
for (const t of result) console.log(`${t.met ? 'met ' : 'MISS'} ${t.name}: ${t.actual} (goal ${t.target})`);
for (const k of KINDS) console.log(`${NAMES[k]}: ${rps(k).toFixed(0)} scrapes/s`);
console.log(`results: ${written.json}`);
