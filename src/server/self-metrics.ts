/** The server's own metrics: what build is running, and how long renders take. */
import { Gauge } from '../metrics/gauge.js';
import { Histogram } from '../metrics/histogram.js';
import { Registry } from '../registry.js';
import { VERSION } from './build-info.js';
import type { ExpositionFormat } from './negotiate.js';

/** Render times from 100 µs (a small registry) to 10 s (millions of series). */
const RENDER_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class SelfMetrics {
  readonly registry = new Registry();
  readonly #render: Histogram<'format'>;

  constructor() {
    const buildInfo = new Gauge<'version' | 'node_version'>({
      name: 'atomic_exporter_build_info',
      help: 'A metric with a constant 1 value labeled by the version of atomic-exporter and of Node.js it runs on.',
      labelNames: ['version', 'node_version'],
      registers: [this.registry],
    });
    buildInfo.set({ version: VERSION, node_version: process.version }, 1);
    this.#render = new Histogram<'format'>({
      name: 'atomic_exporter_scrape_render_seconds',
      help: 'Time to gather and render the /metrics exposition (before compression); scrapes sharing a render count once.',
      labelNames: ['format'],
      buckets: RENDER_BUCKETS,
      registers: [this.registry],
    });
  }

  observeRender(format: ExpositionFormat, seconds: number): void {
    this.#render.observe({ format }, seconds);
  }
}
