// @ts-check
/**
 * demo.ts in plain JavaScript: usable with `--collectors.dir=examples/collectors` on the built
 * exporter (`node dist/src/cli.js`), no build step. `defineCollector` only adds types, so a
 * plain object is a collector too; with the package installed you would write
 * `import { defineCollector } from 'atomic-exporter'` and wrap the object in it.
 * (Under a TypeScript loader, discovery takes demo.ts instead of this file.)
 */
import os from 'node:os';

const memoryGauges = {
  memoryTotal: { spec: { type: 'gauge', name: 'demo_memory_total_bytes', help: 'Total host memory.' }, eval: () => os.totalmem() },
  memoryFree: { spec: { type: 'gauge', name: 'demo_memory_free_bytes', help: 'Free host memory.' }, eval: () => os.freemem() },
};

const SIMULATED = [
  ['200', 'get', 0.05, 512],
  ['200', 'get', 0.3, 2048],
  ['500', 'post', 2, 128],
];

export default {
  name: 'demo',
  help: 'Example collector covering every metric type',
  defaultEnabled: true, // --no-collector.demo turns it off
  intervalMs: 1000,
  options: {
    hosts: { type: 'string[]', default: ['web-1'], help: 'Hosts the demo counts requests for (comma-separated).' },
  },
  metrics: {
    requests: { type: 'counter', name: 'demo_requests_total', help: 'Requests served.', labelNames: ['host'], constLabels: { owner: 'example' } },
    memoryTotal: memoryGauges.memoryTotal.spec,
    memoryFree: memoryGauges.memoryFree.spec,
    resources: { type: 'gauge', name: 'demo_active_resources', help: 'Active libuv resources of the collector thread, by type.', labelNames: ['type'] },
    cpus: { type: 'gauge', name: 'demo_cpus', help: 'CPUs the process may use.' },
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
  /** @param {{ metrics: Record<string, any>, options: Record<string, unknown> }} ctx */
  collect({ metrics, options }) {
    for (const host of /** @type {string[]} */ (options.hosts)) metrics.requests.inc({ host }, 1);
    for (const [key, g] of Object.entries(memoryGauges)) metrics[key].set(g.eval());
    /** @type {Map<string, number>} */
    const byType = new Map();
    for (const t of process.getActiveResourcesInfo()) byType.set(t, (byType.get(t) ?? 0) + 1);
    for (const [type, n] of byType) metrics.resources.set({ type }, n);
    metrics.cpus.set(os.availableParallelism());
    for (const [code, method, seconds, bytes] of SIMULATED) {
      metrics.latency.observe({ code, method }, seconds);
      metrics.size.observe({ code, method }, bytes);
    }
  },
};
