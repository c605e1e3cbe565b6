/**
 * An example collector: the TypeScript counterpart of the Go original's collector/node.go,
 * covering the four metric types, const and variable labels, a table of gauges computed from
 * host memory, runtime gauges, and an option.
 *
 * Run it with the built-in collectors (under tsx, .ts files load without a build):
 *   node --import tsx src/cli.ts --collectors.dir=examples/collectors --collector.demo.hosts=web-1,web-2
 * `demo.mjs` next to it is the same collector in plain JavaScript, for `node dist/src/cli.js`.
 */
import os from 'node:os';
// In your own project: import { defineCollector, type MetricSpec } from 'atomic-exporter';
// (Here, the module that defines them, so a pool thread loads no more than the collector needs.)
import { defineCollector, type MetricSpec } from '../../src/collector/define.js';

/** Gauges from host memory, as a table of (metric, how to compute it): node.go's nodeStatsMetrics. */
const memoryGauges = {
  memoryTotal: { spec: { type: 'gauge', name: 'demo_memory_total_bytes', help: 'Total host memory.' }, eval: () => os.totalmem() },
  memoryFree: { spec: { type: 'gauge', name: 'demo_memory_free_bytes', help: 'Free host memory.' }, eval: () => os.freemem() },
} as const satisfies Record<string, { spec: MetricSpec; eval: () => number }>;

/** What the demo pretends to have served in one interval: (code, method, seconds, bytes). */
const SIMULATED = [
  ['200', 'get', 0.05, 512],
  ['200', 'get', 0.3, 2048],
  ['500', 'post', 2, 128],
] as const;

export default defineCollector({
  name: 'demo',
  help: 'Example collector covering every metric type',
  defaultEnabled: true, // --no-collector.demo turns it off
  intervalMs: 1000,
  options: {
    hosts: { type: 'string[]', default: ['web-1'], help: 'Hosts the demo counts requests for (comma-separated).' },
  },
  metrics: {
    // Counter: a const label (every series) and a variable label (set per call).
    requests: { type: 'counter', name: 'demo_requests_total', help: 'Requests served.', labelNames: ['host'], constLabels: { owner: 'example' } },
    memoryTotal: memoryGauges.memoryTotal.spec,
    memoryFree: memoryGauges.memoryFree.spec,
    // Runtime gauges, like node.go's goroutines and threads.
    resources: { type: 'gauge', name: 'demo_active_resources', help: 'Active libuv resources of the collector thread, by type.', labelNames: ['type'] },
    cpus: { type: 'gauge', name: 'demo_cpus', help: 'CPUs the process may use.' },
    // Histogram and summary with const and variable labels.
    latency: {
      type: 'histogram',
      name: 'demo_request_duration_seconds',
      help: 'Time to serve a request.',
      labelNames: ['code', 'method'],
      constLabels: { owner: 'example' },
      buckets: [0.1, 0.5, 1, 5],
    },
    size: {
      type: 'summary',
      name: 'demo_response_size_bytes',
      help: 'Size of responses.',
      labelNames: ['code', 'method'],
      constLabels: { owner: 'example' },
      percentiles: [0.5, 0.9],
    },
  },
  collect({ metrics, options }) {
    // inc accumulates across runs; every run reports each host, so none disappears.
    for (const host of options.hosts as string[]) metrics.requests.inc({ host }, 1);
    for (const [key, g] of Object.entries(memoryGauges)) metrics[key as keyof typeof memoryGauges].set(g.eval());
    // set samples: a type no longer active this run is not reported, so its series goes.
    const byType = new Map<string, number>();
    for (const t of process.getActiveResourcesInfo()) byType.set(t, (byType.get(t) ?? 0) + 1);
    for (const [type, n] of byType) metrics.resources.set({ type }, n);
    metrics.cpus.set(os.availableParallelism());
    for (const [code, method, seconds, bytes] of SIMULATED) {
      metrics.latency.observe({ code, method }, seconds);
      metrics.size.observe({ code, method }, bytes);
    }
  },
});
