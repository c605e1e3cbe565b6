/**
 * Response bodies for `/metrics`, shared by concurrent scrapes: at most one render in flight per
 * format and encoding. A scrape that arrives while one is running waits for it and gets the same
 * bytes; the next scrape after it finished starts a new one. Sixteen scrapers hitting the same
 * endpoint cost one render, not sixteen, and values are never older than the scrape's own wait.
 *
 * A render (src/render/) writes store families straight from shared memory, in slices that
 * give the event loop its turn (so `/-/healthy` answers during a render of millions of series),
 * and reuses the output of families whose values did not change since the previous render
 * (collector families: see src/render/renderer.ts for when exactly). The body is a list of
 * segments sent one after the other, never joined into one buffer; gzip is streamed from them.
 */
import { OPENMETRICS_CONTENT_TYPE } from '../exposition/openmetrics.js';
import { TEXT_CONTENT_TYPE } from '../exposition/text.js';
import type { PlannedFamily } from '../render/plan.js';
import { gzipBody, PlanRenderer, type BodySegment, type RenderStats } from '../render/renderer.js';
import type { ContentCoding, ExpositionFormat } from './negotiate.js';

export interface RenderedBody {
  /** The body, in parts to send in order. */
  readonly body: readonly Buffer[];
  /** Bytes in all. */
  readonly length: number;
  readonly contentType: string;
  readonly encoding: ContentCoding;
  /** How the render went (absent for a gzip body: see the plain one). */
  readonly stats?: RenderStats;
}

export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  text: TEXT_CONTENT_TYPE,
  openmetrics: OPENMETRICS_CONTENT_TYPE,
};

interface Plain extends RenderedBody {
  readonly segments: readonly BodySegment[];
}

export class SharedRenders {
  readonly #inFlight = new Map<string, Promise<RenderedBody>>();
  readonly #plan: () => Promise<PlannedFamily[]>;
  readonly #observe: (format: ExpositionFormat, seconds: number) => void;
  readonly #renderer: PlanRenderer;

  /**
   * `plan` returns the families to serve; `observe` receives each render's duration (plan and
   * render, before compression).
   */
  constructor(plan: () => Promise<PlannedFamily[]>, observe: (format: ExpositionFormat, seconds: number) => void, options: { sliceMs?: number } = {}) {
    this.#plan = plan;
    this.#observe = observe;
    this.#renderer = new PlanRenderer(options);
  }

  /** The body for a scrape: the render in flight for this format and encoding, or a new one. */
  get(format: ExpositionFormat, encoding: ContentCoding): Promise<RenderedBody> {
    const key = `${format} ${encoding}`;
    const running = this.#inFlight.get(key);
    if (running) return running;
    const p = encoding === 'gzip' ? this.#gzipped(format) : this.#render(format);
    this.#inFlight.set(key, p);
    const forget = (): void => {
      if (this.#inFlight.get(key) === p) this.#inFlight.delete(key);
    };
    p.then(forget, forget);
    return p;
  }

  /** How many renders are running (for tests and shutdown). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Output kept for reuse, per format (for self-metrics and benchmarks). */
  cached(format: ExpositionFormat): { families: number; bytes: number } {
    return this.#renderer.cached(format);
  }

  async #render(format: ExpositionFormat): Promise<Plain> {
    // Start on the next turn of the event loop, not in this request's microtasks: every scrape
    // that arrived in the same I/O poll (one wakeup, many sockets readable) joins this render.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const start = performance.now();
    const plan = await this.#plan();
    const r = await this.#renderer.render(plan, format);
    this.#observe(format, (performance.now() - start) / 1000);
    return {
      body: r.segments.flatMap((s) => s.chunks),
      length: r.bytes,
      segments: r.segments,
      contentType: CONTENT_TYPES[format],
      encoding: 'identity',
      stats: r.stats,
    };
  }

  async #gzipped(format: ExpositionFormat): Promise<RenderedBody> {
    // Joins a plain render already running for this format, then compresses off the main
    // thread (one gzip member, streamed from the segments).
    const plain = (await this.get(format, 'identity')) as Plain;
    const body = await gzipBody(plain.segments);
    let length = 0;
    for (const b of body) length += b.length;
    return { body, length, contentType: plain.contentType, encoding: 'gzip' };
  }
}
