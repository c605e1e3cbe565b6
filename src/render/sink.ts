/**
 * Where a render writes: UTF-8 bytes in a list of Buffers (chunks), never one string and never
 * one huge Buffer grown by copying. The render loops take `cur`/`pos` into locals and give them
 * back; `room(n)` guarantees n writable bytes.
 */

import { DECIMAL_INPUT, writeShortestDecimal } from './shortest-decimal.js';

/** Size of a chunk: big enough that chunk bookkeeping is noise, small enough to waste little. */
export const CHUNK_BYTES = 64 * 1024;

/** Receives each chunk as it is sealed (streaming); a promise asks the writer to wait. */
export type ChunkSink = (chunk: Buffer) => Promise<void> | undefined;

export interface SinkOptions {
  /** Size of the first chunk (later ones are `chunkBytes`). */
  readonly firstChunk?: number;
  /** Size of every chunk after the first (default CHUNK_BYTES). */
  readonly chunkBytes?: number;
  /** Called with every chunk once it is full (and with the last one by finish()). */
  readonly onChunk?: ChunkSink;
  /**
   * Bytes of chunks kept for finish() to return (default: all). Past it the sink keeps none:
   * `retained` turns false (a streamed family too big to keep for reuse).
   */
  readonly retainBytes?: number;
  /**
   * Where chunks come from (default: fresh memory). With a source the last chunk is not trimmed
   * by a copy: the chunks are expected back in the source once the output was used.
   */
  readonly chunks?: ChunkSource;
}

/** Memory for a sink's chunks, reused from render to render (src/server/render-memory.ts). */
export interface ChunkSource {
  /** A Buffer of exactly `size` bytes, its content undefined. */
  take(size: number): Buffer;
}

export class ByteSink {
  /** Full chunks, in order (while `retained`). */
  done: Buffer[] = [];
  cur: Buffer;
  /** A DataView of `cur`, for copies four bytes at a time (src/store/label-key.ts). */
  curView: DataView;
  pos = 0;
  #bytes = 0;
  readonly #onChunk: ChunkSink | undefined;
  readonly #retainBytes: number;
  readonly #chunkBytes: number;
  readonly #source: ChunkSource | undefined;
  /** Whether every chunk is kept (finish() returns the whole output). */
  retained = true;
  /** The promise of the latest onChunk call that asked to wait, until taken. */
  pending: Promise<void> | undefined;

  constructor(options: SinkOptions | number = {}) {
    const o = typeof options === 'number' ? { firstChunk: options } : options;
    this.#chunkBytes = o.chunkBytes ?? CHUNK_BYTES;
    this.#source = o.chunks;
    this.cur = this.#take(Math.max(256, o.firstChunk ?? this.#chunkBytes));
    this.curView = viewOf(this.cur);
    this.#onChunk = o.onChunk;
    this.#retainBytes = o.retainBytes ?? Infinity;
    if (this.#retainBytes <= 0) this.retained = false;
  }

  /** Waits for the consumer of the chunks, if it asked to (streaming backpressure). */
  async settle(): Promise<void> {
    while (this.pending !== undefined) {
      const p = this.pending;
      this.pending = undefined;
      await p;
    }
  }

  /** Makes room for `n` more bytes in `cur` (a new chunk when it is full). */
  room(n: number): void {
    if (this.pos + n <= this.cur.length) return;
    this.#seal();
    this.cur = this.#take(Math.max(this.#chunkBytes, n));
    this.curView = viewOf(this.cur);
    this.pos = 0;
  }

  #take(size: number): Buffer {
    return this.#source !== undefined ? this.#source.take(size) : Buffer.allocUnsafeSlow(size);
  }

  #seal(): void {
    if (this.pos === 0) return;
    this.#out(this.cur.subarray(0, this.pos));
  }

  #out(chunk: Buffer): void {
    this.#bytes += chunk.length;
    if (this.retained) {
      if (this.#bytes > this.#retainBytes) {
        this.retained = false;
        this.done = [];
      } else this.done.push(chunk);
    }
    const wait = this.#onChunk?.(chunk);
    if (wait !== undefined) this.pending = wait;
  }

  /** Writes a string as UTF-8. */
  text(s: string): void {
    const n = s.length <= 1024 ? s.length * 3 : Buffer.byteLength(s);
    this.room(n);
    this.pos += this.cur.write(s, this.pos, 'utf8');
  }

  /** Writes bytes. */
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.cur.set(b, this.pos);
    this.pos += b.length;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#bytes + this.pos;
  }

  /**
   * The chunks, the last one trimmed: a mostly empty last chunk is copied to a Buffer of its
   * size, so that a family kept for reuse holds no slack (not with a chunk source).
   */
  finish(): Buffer[] {
    if (this.pos > 0) {
      const last = this.retained && this.#source === undefined && this.pos < this.cur.length / 2 ? Buffer.from(this.cur.subarray(0, this.pos)) : this.cur.subarray(0, this.pos);
      this.#out(last);
    }
    this.pos = 0;
    this.cur = Buffer.alloc(0);
    this.curView = viewOf(this.cur);
    return this.done;
  }
}

const DIGITS = new Uint8Array(24);
/** The ASCII tens and ones digits of 0–99: integers are written two digits a step. */
const TENS_CHAR = Uint8Array.from({ length: 100 }, (_, i) => 48 + Math.floor(i / 10));
const ONES_CHAR = Uint8Array.from({ length: 100 }, (_, i) => 48 + (i % 10));
/** writeLargeInteger's input: a double passed to a call V8 does not inline is boxed (allocated). */
const LARGE_INTEGER = new Float64Array(1);

/**
 * Writes a sample value as formatSampleValue spells it (`String(v)`, `+Inf`, `-Inf`, `NaN`):
 * safe integers two digits at a time, other finite values by writeShortestDecimal (String()'s
 * bytes without making a string). Needs 25 bytes of room. Kept small so that V8 inlines it into
 * the render's loops: the value then never leaves a register.
 */
export function writeValue(out: Buffer, pos: number, v: number): number {
  if (Number.isSafeInteger(v)) {
    if (v < 0) {
      out[pos++] = 45;
      v = -v;
    }
    if (v < 2147483648) return writeInt32(out, pos, v | 0);
    LARGE_INTEGER[0] = v;
    return writeLargeInteger(out, pos);
  }
  if (Number.isFinite(v)) {
    DECIMAL_INPUT[0] = v;
    return writeShortestDecimal(out, pos);
  }
  const s = v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : 'NaN';
  for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
  return pos;
}

/**
 * The digits of a non-negative int32, in int32 arithmetic two at a time (a digit a step in
 * doubles took 2.4× as long at 7 digits, 3.5× at 13).
 */
function writeInt32(out: Buffer, pos: number, x: number): number {
  let n = 0;
  while (x >= 100) {
    const q = (x / 100) | 0;
    const r = x - q * 100;
    DIGITS[n++] = ONES_CHAR[r]!;
    DIGITS[n++] = TENS_CHAR[r]!;
    x = q;
  }
  if (x >= 10) {
    DIGITS[n++] = ONES_CHAR[x]!;
    DIGITS[n++] = TENS_CHAR[x]!;
  } else DIGITS[n++] = 48 + x;
  while (n > 0) out[pos++] = DIGITS[--n]!;
  return pos;
}

/**
 * LARGE_INTEGER (2^31 up to 2^53): the digits above 10^8, then the last 8. Math.floor(v / 1e8)
 * is exact below 2^53: a quotient that is not whole is at least 1e-8 from one, more than half
 * its ulp (< 1.5e-8).
 */
function writeLargeInteger(out: Buffer, pos: number): number {
  const v = LARGE_INTEGER[0]!;
  const high = Math.floor(v / 1e8);
  let low = (v - high * 1e8) | 0;
  pos = writeInt32(out, pos, high | 0);
  for (let i = pos + 6; i >= pos; i -= 2) {
    const q = (low / 100) | 0;
    const r = low - q * 100;
    out[i] = TENS_CHAR[r]!;
    out[i + 1] = ONES_CHAR[r]!;
    low = q;
  }
  return pos + 8;
}

/**
 * Copies `len` bytes of `src` from `from` into `out` at `pos`. Label texts are short: a loop
 * beats Buffer#copy, a call into C++ (20% of a 500k-series render at 54-byte keys, measured).
 */
export function copyBytes(out: Buffer, pos: number, src: Buffer, from: number, len: number): number {
  if (len < 256) {
    for (let i = 0; i < len; i++) out[pos + i] = src[from + i]!;
  } else src.copy(out, pos, from, from + len);
  return pos + len;
}

/** A DataView of exactly `b`'s bytes. */
export function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Bytes to copy four at a time: a DataView with three readable bytes past `length`. */
export interface WordBytes {
  readonly view: DataView;
  readonly length: number;
}

export function wordBytes(s: string | Uint8Array): WordBytes {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  const padded = new Uint8Array(b.length + 4);
  padded.set(b);
  return { view: new DataView(padded.buffer), length: b.length };
}

/**
 * Copies `len` bytes four at a time: `srcView` must have three readable bytes past them, and
 * `outView` three writable bytes past `pos + len` (which it may overwrite). Faster than a byte
 * loop for the tens of bytes of a label text (measured: half the time), and than Buffer#copy.
 */
export function copyWords(outView: DataView, pos: number, srcView: DataView, from: number, len: number): number {
  for (let k = 0; k < len; k += 4) outView.setUint32(pos + k, srcView.getUint32(from + k, true), true);
  return pos + len;
}
