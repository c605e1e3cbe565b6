/**
 * One scrape target of bench/scrape-throughput.ts, in a process of its own:
 *
 * - `ours`: the exporter's MetricsServer (uWebSockets.js) serving a registry of SERIES series.
 * - `static`: the bytes of one render of that registry, served by bare uWebSockets.js (`res.end`
 *   of a Buffer): what serving costs with no rendering at all, the limit.
 * - `prom-client`: the same series in prom-client 15, served by node:http with
 *   `await register.metrics()`, as prom-client's README does it: the peer.
 *
 * Values change while the bench runs (a timer increments random series), as in a live process.
 * The process sends `{ port }` over IPC once listening and runs until killed.
 */
import http from 'node:http';
import client from 'prom-client';
import { Counter, Gauge, Registry } from '../../src/index.js';
import { MetricsServer } from '../../src/server/index.js';
import { loadUws } from '../../src/server/uws.js';

export type TargetKind = 'ours' | 'static' | 'prom-client';

/** The dataset: FAMILIES families (half counters, half gauges) × SERIES/FAMILIES series, 3 labels each. */
export const FAMILIES = 10;

interface Writer {
  inc(f: number, labels: Record<string, string>, v: number): void;
}

function labelsOf(i: number): Record<string, string> {
  return { method: ['GET', 'POST', 'PUT', 'DELETE'][i % 4]!, route: `/api/v1/resource/${Math.floor(i / 4)}`, code: ['200', '404', '500'][i % 3]! };
}

function fill(series: number, w: Writer): () => void {
  const per = Math.ceil(series / FAMILIES);
  for (let f = 0; f < FAMILIES; f++) for (let i = 0; i < per; i++) w.inc(f, labelsOf(i), (i * 7919) % 1000);
  // A live process: some series change between scrapes.
  let k = 0;
  const timer = setInterval(() => {
    for (let n = 0; n < 100; n++, k++) w.inc(k % FAMILIES, labelsOf((k * 31) % per), 1);
  }, 10);
  return () => clearInterval(timer);
}

function ourRegistry(series: number): Registry {
  const registry = new Registry();
  const families: (Counter<string> | Gauge<string>)[] = [];
  for (let f = 0; f < FAMILIES; f++) {
    const config = { name: f % 2 === 0 ? `bench_requests_${f}_total` : `bench_inflight_${f}`, help: `Bench family ${f}.`, labelNames: ['method', 'route', 'code'], registers: [registry] };
    families.push(f % 2 === 0 ? new Counter(config) : new Gauge(config));
  }
  fill(series, { inc: (f, labels, v) => families[f]!.inc(labels, v) });
  return registry;
}

function promRegistry(series: number): client.Registry {
  const registry = new client.Registry();
  const families: (client.Counter<string> | client.Gauge<string>)[] = [];
  for (let f = 0; f < FAMILIES; f++) {
    const config = { name: f % 2 === 0 ? `bench_requests_${f}_total` : `bench_inflight_${f}`, help: `Bench family ${f}.`, labelNames: ['method', 'route', 'code'], registers: [registry] };
    families.push(f % 2 === 0 ? new client.Counter(config) : new client.Gauge(config));
  }
  fill(series, { inc: (f, labels, v) => families[f]!.inc(labels, v) });
  return registry;
}

async function start(kind: TargetKind, series: number): Promise<number> {
  if (kind === 'ours') {
    const server = new MetricsServer({ target: { registry: ourRegistry(series) }, defaultMetrics: false });
    return (await server.listen('127.0.0.1', 0)).port;
  }
  if (kind === 'static') {
    const uws = loadUws();
    if (!uws.ok) throw new Error(uws.reason);
    const body = Buffer.from(await ourRegistry(series).metrics());
    return new Promise((resolve, reject) => {
      uws.uws
        .App()
        .get('/metrics', (res) => {
          res.writeHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8').end(body);
        })
        .listen('127.0.0.1', 0, (socket) => (socket ? resolve(uws.uws.us_socket_local_port(socket as never)) : reject(new Error('static: listen failed'))));
    });
  }
  const registry = promRegistry(series);
  const server = http.createServer((req, res) => {
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      },
      (err: Error) => {
        res.writeHead(500).end(err.message);
      },
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

const kind = process.argv[2] as TargetKind;
const series = Number(process.argv[3]);
const port = await start(kind, series);
process.send?.({ port });
