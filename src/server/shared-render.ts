/**
 * Response bodies for `/metrics`, shared by concurrent scrapes: at most one render in flight per
 * format and encoding. A scrape that arrives while one is running waits for it and gets the same
 * bytes; the next scrape after it finished starts a new one. Sixteen scrapers hitting the same
 * endpoint cost one render, not sixteen, and values are never older than the scrape's own wait.
 *
 * A render (src/render/) writes store families straight from shared memory, in slices that
 * give the event loop its turn (so `/-/healthy` answers during a render of millions of series),
 * and reuses the output of families whose values did not change since the previous render
 * (collector families: see src/render/renderer.ts for when exactly). A body of at most
 * `joinMaxBytes` is joined into one Buffer once per render, in reused memory, which every scrape
 * sharing the render sends with a single write and releases when done (see
 * DEFAULT_JOIN_MAX_BYTES); a bigger one is a list of segments sent one after the other, never
 * joined. gzip is streamed from the segments (or the joined body).
 */
import { OPENMETRICS_CONTENT_TYPE } from '../exposition/openmetrics.js';
import { TEXT_CONTENT_TYPE } from '../exposition/text.js';
import type { PlannedFamily } from '../render/plan.js';
import { constants, createGzip } from 'node:zlib';
import { BodySegment, DEFAULT_CACHE_BYTES, gzipBody, PlanRenderer, type RenderStats } from '../render/renderer.js';
import { ChunkStream, type ChunkReader } from './chunk-stream.js';
import { RenderMemory, type BodyLease } from './render-memory.js';
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
  /**
   * When set, `body` is memory reused by later renders: call this once when done with it (the
   * response was sent, or the client went away), and never read `body` after.
   */
  readonly release?: () => void;
}

export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  text: TEXT_CONTENT_TYPE,
  openmetrics: OPENMETRICS_CONTENT_TYPE,
};

interface Plain extends RenderedBody {
  readonly segments: readonly BodySegment[];
  /** The joined body's memory: every reader retains it (see #readerOf). */
  readonly lease?: BodyLease;
}

/** A body sent as it is rendered (a big one): no length known in advance. */
export interface StreamedBody {
  readonly stream: ChunkReader;
  readonly contentType: string;
  readonly encoding: ContentCoding;
}

/**
 * Above this many sample lines (estimated from the series counts, ~100 bytes each) a render is
 * streamed: sent as it is written, the body never whole in memory.
 */
export const DEFAULT_STREAM_LINES = 200_000;
/** A sample line's usual size, to tell from a plan whether its body fits in the cache. */
const BYTES_PER_LINE = 100;
/**
 * A body whose estimated lines grew by more than this (plus GROWTH_SLACK_LINES) since the
 * previous render of its format is growing: none of its new output is kept for reuse (#cachePolicy).
 */
export const GROWTH_SLACK = 0.01;
export const GROWTH_SLACK_LINES = 1000;

/**
 * Buffered bodies up to this many bytes are joined into one contiguous Buffer per render, shared
 * by every scrape reading that render, in memory reused from render to render (RenderMemory: the
 * render's fresh chunks go back to it at once, the body when its last reader is done). A response
 * is then one write of the whole body (uWS tryEnd: one send() the socket takes in full or in
 * part) instead of one per 64 KiB render chunk, and a render allocates no new ArrayBuffers, whose
 * external memory made V8 run a full mark-compact every ~64 MiB. Measured with 16 concurrent
 * scrapers of a 10k-series body (~770 KB, ~2000 renders/s): the per-chunk writes were ~40% of the
 * main thread, and 15-25 mark-compacts/s about a quarter of the process's CPU. Above this size
 * the parts are sent as they are: the copy, and the second body held while it is made, would not
 * pay for themselves, and a loopback socket no longer takes the body whole.
 */
export const DEFAULT_JOIN_MAX_BYTES = 4 * 1024 * 1024;

type Entry = { readonly kind: 'buffered'; readonly body: Promise<RenderedBody> } | { readonly kind: 'stream'; readonly stream: ChunkStream; readonly contentType: string; readonly encoding: ContentCoding };

export interface SharedRendersOptions {
  readonly sliceMs?: number;
  /** Output kept for reuse per format (PlanRenderer's maxCacheBytes). */
  readonly maxCacheBytes?: number;
  /** Sample lines above which a render is streamed (default DEFAULT_STREAM_LINES; Infinity: never). */
  readonly streamLines?: number;
  /** Largest buffered body joined into one Buffer (default DEFAULT_JOIN_MAX_BYTES; 0: never). */
  readonly joinMaxBytes?: number;
}

/** Sample lines a plan writes, from the live series counts (no render). */
export function estimatedLines(plan: readonly PlannedFamily[]): number {
  let n = 0;
  for (const p of plan) {
    if (p.kind === 'snapshot') n += p.family.labelTexts.length;
    else {
      const series = p.store.familyLiveSeries(p.f);
      const def = p.def;
      n += series * (def.type === 'histogram' ? (def.buckets?.length ?? 0) + 3 : def.type === 'summary' ? (def.percentiles?.length ?? 0) + 2 : 1);
    }
  }
  return n;
}

export class SharedRenders {
  readonly #inFlight = new Map<string, Promise<Entry>>();
  readonly #plan: () => Promise<PlannedFamily[]>;
  readonly #observe: (format: ExpositionFormat, seconds: number) => void;
  readonly #renderer: PlanRenderer;
  readonly #streamLines: number;
  readonly #maxCacheBytes: number;
  /** Estimated lines of the previous render, per format. */
  readonly #lastLines = new Map<ExpositionFormat, number>();
  readonly #joinMaxBytes: number;
  readonly #memory: RenderMemory;

  /**
   * `plan` returns the families to serve; `observe` receives each render's duration (plan and
   * render, before compression).
   */
  constructor(plan: () => Promise<PlannedFamily[]>, observe: (format: ExpositionFormat, seconds: number) => void, options: SharedRendersOptions = {}) {
    this.#plan = plan;
    this.#observe = observe;
    this.#joinMaxBytes = options.joinMaxBytes ?? DEFAULT_JOIN_MAX_BYTES;
    this.#memory = new RenderMemory(this.#joinMaxBytes);
    this.#renderer = new PlanRenderer({
      ...(options.sliceMs !== undefined ? { sliceMs: options.sliceMs } : {}),
      ...(options.maxCacheBytes !== undefined ? { maxCacheBytes: options.maxCacheBytes } : {}),
      ...(this.#joinMaxBytes > 0 ? { chunks: this.#memory } : {}),
    });
    this.#streamLines = options.streamLines ?? DEFAULT_STREAM_LINES;
    this.#maxCacheBytes = options.maxCacheBytes ?? DEFAULT_CACHE_BYTES;
  }

  /**
   * The body for a scrape: the render in flight for this format and encoding (joined from its
   * first byte), or a new one. A big body comes as a stream.
   */
  async get(format: ExpositionFormat, encoding: ContentCoding): Promise<RenderedBody | StreamedBody> {
    const key = `${format} ${encoding}`;
    for (;;) {
      let p = this.#inFlight.get(key);
      if (p === undefined) {
        p = encoding === 'gzip' ? this.#gzipped(format) : this.#start(format);
        this.#inFlight.set(key, p);
        const entry = p;
        const forget = (): void => {
          if (this.#inFlight.get(key) === entry) this.#inFlight.delete(key);
        };
        p.then((e) => (e.kind === 'buffered' ? e.body.then(forget, forget) : this.#whenDone(e.stream, forget)), forget);
      }
      const e = await p;
      if (e.kind === 'buffered') return SharedRenders.#readerOf(await e.body);
      const reader = e.stream.reader();
      if (reader !== undefined) return { stream: reader, contentType: e.contentType, encoding: e.encoding };
      // Too late to read it from its first byte: wait for it to end, then join (or start) the
      // next one. One render per format at a time, whatever the number of scrapers.
      await new Promise<void>((resolve) => this.#whenDone(e.stream, resolve));
      if (this.#inFlight.get(key) === p) this.#inFlight.delete(key);
    }
  }

  /** A scrape's hold on a buffered body: its own `release` when the body's memory is reused. */
  static #readerOf(body: RenderedBody & { readonly lease?: BodyLease }): RenderedBody {
    if (body.lease === undefined) return body;
    const { lease: _, ...rest } = body;
    return { ...rest, release: body.lease.retain() };
  }

  #done = new WeakMap<ChunkStream, (() => void)[]>();

  #whenDone(stream: ChunkStream, fn: () => void): void {
    const list = this.#done.get(stream);
    if (list === undefined) fn();
    else list.push(fn);
  }

  #finished(stream: ChunkStream): void {
    const list = this.#done.get(stream) ?? [];
    this.#done.delete(stream);
    for (const f of list) f();
  }

  /** How many renders are running (for tests and shutdown). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Output kept for reuse, per format (for self-metrics and benchmarks). */
  cached(format: ExpositionFormat): { families: number; bytes: number } {
    return this.#renderer.cached(format);
  }

  async #start(format: ExpositionFormat): Promise<Entry> {
    // Start on the next turn of the event loop, not in this request's microtasks: every scrape
    // that arrived in the same I/O poll (one wakeup, many sockets readable) joins this render.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const start = performance.now();
    const plan = await this.#plan();
    const lines = estimatedLines(plan);
    const cache = this.#cachePolicy(format, lines);
    if (lines <= this.#streamLines) return { kind: 'buffered', body: this.#render(format, plan, start, cache) };
    const stream = new ChunkStream();
    this.#done.set(stream, []);
    this.#renderer.render(plan, format, { emit: (chunk) => stream.push(chunk), ...cache }).then(
      () => {
        this.#observe(format, (performance.now() - start) / 1000);
        stream.end();
        this.#finished(stream);
      },
      (err: unknown) => {
        stream.fail(err);
        this.#finished(stream);
      },
    );
    return { kind: 'stream', stream, contentType: CONTENT_TYPES[format], encoding: 'identity' };
  }

  /**
   * What this render keeps for reuse. Reuse is for bodies that fit in the cache whole
   * (~BYTES_PER_LINE a line): keeping a part of a bigger one would cost memory for little, so
   * such a render keeps nothing (and drops what was kept). While the body grows (by more than
   * GROWTH_SLACK since the previous render) output kept before is reused but no new output is
   * added: a target building up its series would otherwise fill the cache only for it to be
   * dropped once the body outgrew it, and glibc keeps the freed chunks resident for the life of
   * the process (issue #7: 50-80 MiB of RSS at 1M series with the default 64 MiB cache). The
   * first render at a steady size fills the cache.
   */
  #cachePolicy(format: ExpositionFormat, lines: number): { keep: boolean; admit: boolean } {
    const prev = this.#lastLines.get(format);
    this.#lastLines.set(format, lines);
    if (lines * BYTES_PER_LINE > this.#maxCacheBytes) return { keep: false, admit: false };
    return { keep: true, admit: prev === undefined || lines <= prev * (1 + GROWTH_SLACK) + GROWTH_SLACK_LINES };
  }

  async #render(format: ExpositionFormat, plan: readonly PlannedFamily[], start: number, cache: { keep: boolean; admit: boolean }): Promise<Plain> {
    const r = await this.#renderer.render(plan, format, cache);
    let body = r.segments.flatMap((s) => s.chunks);
    let segments = r.segments;
    let lease: BodyLease | undefined;
    if (r.bytes > 0 && r.bytes <= this.#joinMaxBytes) {
      const leased = this.#memory.lease(r.bytes);
      lease = leased.lease;
      let at = 0;
      for (const c of body) at += c.copy(lease.body, at);
      // The fresh output's chunks are read by nothing else now (cached families' stay cached).
      for (const s of r.segments) if (s.pooled) this.#memory.give(s.chunks);
      body = [lease.body];
      segments = [new BodySegment(body)];
      // This render's own hold, let go on a later turn of the event loop: every scrape waiting
      // for this body takes its hold (#readerOf) in the microtasks that follow its resolution;
      // later scrapes start another render (the entry is forgotten in those microtasks too).
      setImmediate(leased.done);
    }
    this.#observe(format, (performance.now() - start) / 1000);
    return {
      body,
      length: r.bytes,
      segments,
      ...(lease !== undefined ? { lease } : {}),
      contentType: CONTENT_TYPES[format],
      encoding: 'identity',
      stats: r.stats,
    };
  }

  async #gzipped(format: ExpositionFormat): Promise<Entry> {
    // Joins a plain render already running for this format, then compresses off the main
    // thread (one gzip member, streamed from the plain body).
    const plain = await this.get(format, 'identity');
    if ('body' in plain) {
      const segments = (plain as Plain).segments;
      const body = (async (): Promise<RenderedBody> => {
        let gz: Buffer[];
        try {
          gz = await gzipBody(segments);
        } finally {
          plain.release?.();
        }
        let length = 0;
        for (const b of gz) length += b.length;
        return { body: gz, length, contentType: plain.contentType, encoding: 'gzip' };
      })();
      return { kind: 'buffered', body };
    }
    const stream = new ChunkStream();
    this.#done.set(stream, []);
    const z = createGzip({ level: constants.Z_BEST_SPEED });
    z.on('data', (b: Buffer) => {
      const wait = stream.push(b);
      if (wait !== undefined) {
        z.pause();
        void wait.then(() => z.resume());
      }
    });
    z.on('end', () => {
      stream.end();
      this.#finished(stream);
    });
    z.on('error', (err) => {
      stream.fail(err);
      this.#finished(stream);
    });
    void (async () => {
      try {
        for (;;) {
          const chunk = await plain.stream.next();
          if (chunk === undefined) break;
          if (!z.write(chunk)) await new Promise((resolve) => z.once('drain', resolve));
        }
        z.end();
      } catch (err) {
        plain.stream.close();
        z.destroy(err as Error);
      }
    })();
    return { kind: 'stream', stream, contentType: plain.contentType, encoding: 'gzip' };
  }
}
