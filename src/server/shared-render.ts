/**
 * Response bodies for `/metrics`, shared by concurrent scrapes: at most one render in flight per
 * format and encoding. A scrape that arrives while one is running waits for it and gets the same
 * bytes; the next scrape after it finished starts a new one. Sixteen scrapers hitting the same
 * endpoint cost one render, not sixteen, and values are never older than the scrape's own wait.
 *
 * The body is encoded to UTF-8 once, into one Buffer, so every response (and gzip) reuses it.
 */
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { renderOpenMetricsChunks, OPENMETRICS_CONTENT_TYPE } from '../exposition/openmetrics.js';
import type { FamilySnapshot } from '../exposition/snapshot.js';
import { renderTextChunks, TEXT_CONTENT_TYPE } from '../exposition/text.js';
import type { ContentCoding, ExpositionFormat } from './negotiate.js';

const gzip = promisify(gzipCb);

export interface RenderedBody {
  readonly body: Buffer;
  readonly contentType: string;
  readonly encoding: ContentCoding;
}

export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  text: TEXT_CONTENT_TYPE,
  openmetrics: OPENMETRICS_CONTENT_TYPE,
};

/**
 * Renders into one Buffer, writing each chunk as it comes (no joined string of the whole
 * output). The buffer starts at the previous render's size, so steady state is one allocation.
 */
class BodyWriter {
  #buf: Buffer;
  #len = 0;
  constructor(sizeHint: number) {
    this.#buf = Buffer.allocUnsafe(Math.max(16 * 1024, sizeHint));
  }
  write = (chunk: string): void => {
    // A UTF-16 code unit is at most 3 UTF-8 bytes; only when that worst case does not fit is
    // the exact length worth a scan.
    if (this.#len + chunk.length * 3 > this.#buf.length && this.#len + Buffer.byteLength(chunk) > this.#buf.length) {
      const need = this.#len + Buffer.byteLength(chunk);
      const next = Buffer.allocUnsafe(Math.max(need, this.#buf.length * 2));
      this.#buf.copy(next, 0, 0, this.#len);
      this.#buf = next;
    }
    this.#len += this.#buf.write(chunk, this.#len, 'utf8');
  };
  result(): Buffer {
    return this.#buf.subarray(0, this.#len);
  }
}

/** Renders families in a format into one UTF-8 Buffer. */
export function renderBody(families: readonly FamilySnapshot[], format: ExpositionFormat, sizeHint = 0): Buffer {
  const w = new BodyWriter(sizeHint);
  if (format === 'openmetrics') renderOpenMetricsChunks(families, w.write);
  else renderTextChunks(families, w.write);
  return w.result();
}

export class SharedRenders {
  readonly #inFlight = new Map<string, Promise<RenderedBody>>();
  readonly #gather: () => Promise<FamilySnapshot[]>;
  readonly #observe: (format: ExpositionFormat, seconds: number) => void;
  readonly #lastSize: Record<ExpositionFormat, number> = { text: 0, openmetrics: 0 };

  /**
   * `gather` returns the families to serve; `observe` receives each render's duration (gather
   * and render, before compression).
   */
  constructor(gather: () => Promise<FamilySnapshot[]>, observe: (format: ExpositionFormat, seconds: number) => void) {
    this.#gather = gather;
    this.#observe = observe;
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

  async #render(format: ExpositionFormat): Promise<RenderedBody> {
    // Start on the next turn of the event loop, not in this request's microtasks: every scrape
    // that arrived in the same I/O poll (one wakeup, many sockets readable) joins this render.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const start = performance.now();
    const families = await this.#gather();
    const body = renderBody(families, format, this.#lastSize[format]);
    this.#lastSize[format] = Math.ceil(body.length * 1.05);
    this.#observe(format, (performance.now() - start) / 1000);
    return { body, contentType: CONTENT_TYPES[format], encoding: 'identity' };
  }

  async #gzipped(format: ExpositionFormat): Promise<RenderedBody> {
    // Joins a plain render already running for this format, then compresses off the main thread.
    const plain = await this.get(format, 'identity');
    return { body: await gzip(plain.body), contentType: plain.contentType, encoding: 'gzip' };
  }
}
