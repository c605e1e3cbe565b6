/**
 * Memory reused from render to render for buffered `/metrics` bodies (shared-render.ts), so that
 * a server scraped hundreds of times a second does not allocate a body's worth of new
 * ArrayBuffers per render. Fresh ArrayBuffer memory counts toward V8's external memory, and every
 * 64 MiB of it starts a full mark-compact: at 16 concurrent scrapers of a 10k-series body (~770
 * KB, ~2000 renders/s) that was 15-25 mark-compacts a second, a quarter of the process's CPU
 * with the concurrent marking threads.
 *
 * Two kinds of memory:
 *
 * - render chunks (`take`/`give`): the sink of families written fresh takes its chunks here; once
 *   the body was joined (copied into one Buffer), the render hands them back at once (nothing
 *   else holds them: they are never kept by the render cache).
 * - joined bodies (`lease`): one Buffer per render, shared by every scrape reading that render.
 *   It comes back when the last of them released it (response sent, or the client gone), never
 *   before: a body is never written while a response may still read it.
 *
 * Idle memory is bounded (`maxIdleChunks` chunks, `MAX_IDLE_BODIES` bodies) and dropped after
 * IDLE_MS without a render.
 */
import { CHUNK_BYTES, type ChunkSource } from '../render/sink.js';

/** Free bodies kept: one being read and one being written cover back-to-back renders. */
const MAX_IDLE_BODIES = 2;
/** Without a render for this long, the idle memory is let go. */
const IDLE_MS = 10_000;

/** A joined body's memory, shared by the scrapes of one render. */
export interface BodyLease {
  /** The body's bytes (a view of exactly its length). */
  readonly body: Buffer;
  /** One more reader: each must call the `release` this returns, once. */
  retain(): () => void;
}

export class RenderMemory implements ChunkSource {
  readonly #chunkBytes: number;
  readonly #maxIdleChunks: number;
  #chunks: Buffer[] = [];
  #bodies: Buffer[] = [];
  #timer: NodeJS.Timeout | undefined;

  /** `maxIdleBytes`: chunk memory kept while idle (whole chunks of `chunkBytes`). */
  constructor(maxIdleBytes: number, chunkBytes = CHUNK_BYTES) {
    this.#chunkBytes = chunkBytes;
    this.#maxIdleChunks = Math.floor(maxIdleBytes / chunkBytes);
  }

  /** Idle memory held now (for tests). */
  get idleBytes(): number {
    let n = this.#chunks.length * this.#chunkBytes;
    for (const b of this.#bodies) n += b.length;
    return n;
  }

  take(size: number): Buffer {
    if (size === this.#chunkBytes) {
      const c = this.#chunks.pop();
      if (c !== undefined) return c;
    }
    return Buffer.allocUnsafeSlow(size);
  }

  /**
   * Gives back chunks taken from `take` that nothing reads or holds any more. A chunk is a view
   * from the start of a whole chunk's memory (sink.ts seals `cur.subarray(0, pos)`); anything
   * else is left to the GC.
   */
  give(chunks: readonly Buffer[]): void {
    for (const c of chunks) {
      if (this.#chunks.length >= this.#maxIdleChunks) break;
      if (c.byteOffset !== 0 || c.buffer.byteLength !== this.#chunkBytes) continue;
      this.#chunks.push(c.length === this.#chunkBytes ? c : Buffer.from(c.buffer, 0, this.#chunkBytes));
    }
    this.#touch();
  }

  /**
   * Memory for a body of `bytes`, held by the caller (a first reference, let go with the
   * returned `done`) and by every reader `retain` adds.
   */
  lease(bytes: number): { lease: BodyLease; done: () => void } {
    let buf: Buffer | undefined;
    for (let i = 0; i < this.#bodies.length; i++) {
      const b = this.#bodies[i]!;
      // Not a much bigger one than needed: a body that shrank would hold on to the slack.
      if (b.length >= bytes && b.length <= 2 * bytes + this.#chunkBytes) {
        buf = b;
        this.#bodies.splice(i, 1);
        break;
      }
    }
    // Room to grow a little: bodies of one target differ by a few bytes from render to render.
    buf ??= Buffer.allocUnsafeSlow(Math.ceil((bytes + (bytes >> 4) + 1) / this.#chunkBytes) * this.#chunkBytes);
    const memory = buf;
    let refs = 1;
    const unref = (): void => {
      if (--refs > 0) return;
      if (this.#bodies.length < MAX_IDLE_BODIES) this.#bodies.push(memory);
      this.#touch();
    };
    const once = (): (() => void) => {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        unref();
      };
    };
    const lease: BodyLease = {
      body: memory.subarray(0, bytes),
      retain: () => {
        // Readers join while the first reference is held (see SharedRenders#render): never after.
        if (refs <= 0) throw new Error('a released body was retained');
        refs++;
        return once();
      },
    };
    return { lease, done: once() };
  }

  /** Drops the idle memory IDLE_MS after the last use. */
  #touch(): void {
    if (this.#timer !== undefined) {
      this.#timer.refresh();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#chunks = [];
      this.#bodies = [];
    }, IDLE_MS);
    this.#timer.unref();
  }
}
