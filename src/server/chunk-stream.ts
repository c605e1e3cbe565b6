/**
 * A response body being rendered, read by every scrape that joined it: chunks are appended by
 * the render and read in order by each reader at its own pace. Memory stays bounded by the
 * distance between the render and the slowest reader, not by the body: a chunk every reader has
 * passed is let go, and the render waits (`push` returns a promise) while the slowest reader is
 * more than `highWaterBytes` behind.
 *
 * A scrape can join while no chunk has been let go yet (it then reads from the start); after
 * that, a new scrape waits for this render to end and joins or starts the next one.
 */
export interface ChunkReader {
  /** The next chunk, or undefined at the end. Rejects if the render failed. */
  next(): Promise<Buffer | undefined>;
  /** Stops reading (the client went away): the stream no longer waits for this reader. */
  close(): void;
}

export const DEFAULT_HIGH_WATER = 8 * 1024 * 1024;
/** Output kept from the start of a render before any of it is let go (see #release). */
export const JOIN_GRACE_BYTES = 4 * 1024 * 1024;

export class ChunkStream {
  readonly #chunks: (Buffer | undefined)[] = [];
  /** Bytes before chunk i (i = 0..chunks.length). */
  readonly #offsets: number[] = [0];
  readonly #cursors = new Set<{ at: number }>();
  readonly #highWater: number;
  #done = false;
  #error: unknown;
  #dropped = 0;
  #everRead = false;
  #waiting: (() => void)[] = [];
  #drain: (() => void) | undefined;

  constructor(highWaterBytes = DEFAULT_HIGH_WATER) {
    this.#highWater = highWaterBytes;
  }

  /** Whether a new reader can still start from the first byte. */
  get joinable(): boolean {
    return this.#dropped === 0 && this.#error === undefined;
  }

  get bytes(): number {
    return this.#offsets[this.#offsets.length - 1]!;
  }

  /** Appends a chunk; resolves once the slowest reader is within the high-water mark. */
  push(chunk: Buffer): Promise<void> | undefined {
    if (chunk.length === 0) return undefined;
    this.#chunks.push(chunk);
    this.#offsets.push(this.bytes + chunk.length);
    this.#wake();
    if (this.#behind() <= this.#highWater) return undefined;
    return new Promise((resolve) => {
      this.#drain = resolve;
    });
  }

  end(): void {
    this.#done = true;
    this.#wake();
  }

  fail(err: unknown): void {
    this.#error = err;
    this.#done = true;
    this.#wake();
  }

  /** A reader from the first chunk, or undefined when that chunk is gone already. */
  reader(): ChunkReader | undefined {
    if (!this.joinable) return undefined;
    const cursor = { at: 0 };
    this.#cursors.add(cursor);
    this.#everRead = true;
    const close = (): void => {
      if (!this.#cursors.delete(cursor)) return;
      this.#release();
    };
    return {
      next: async () => {
        for (;;) {
          if (this.#error !== undefined) {
            close();
            throw this.#error;
          }
          if (cursor.at < this.#chunks.length) {
            const chunk = this.#chunks[cursor.at]!;
            cursor.at++;
            this.#release();
            return chunk;
          }
          if (this.#done) {
            close();
            return undefined;
          }
          await new Promise<void>((resolve) => this.#waiting.push(resolve));
        }
      },
      close,
    };
  }

  #wake(): void {
    const w = this.#waiting;
    this.#waiting = [];
    for (const f of w) f();
  }

  /** Bytes the slowest reader has still to read. */
  #behind(): number {
    if (this.#cursors.size === 0) return 0;
    let min = Infinity;
    for (const c of this.#cursors) min = Math.min(min, c.at);
    return this.bytes - this.#offsets[min]!;
  }

  /**
   * Lets go of the chunks every reader has passed, and wakes the render if it waits. Before the
   * first reader joins nothing is let go (the render may start before its scrape reads).
   */
  #release(): void {
    if (this.#cursors.size === 0 && !this.#everRead) return;
    // The first JOIN_GRACE_BYTES are kept, so that scrapes arriving a moment after the first
    // (another I/O poll) still read this render from its start.
    if (this.bytes < JOIN_GRACE_BYTES && this.#drain === undefined) return;
    let min = this.#chunks.length;
    for (const c of this.#cursors) min = Math.min(min, c.at);
    for (let i = this.#dropped; i < min; i++) this.#chunks[i] = undefined;
    if (min > this.#dropped) this.#dropped = min;
    if (this.#drain !== undefined && this.#behind() <= this.#highWater / 2) {
      const d = this.#drain;
      this.#drain = undefined;
      d();
    }
  }
}
