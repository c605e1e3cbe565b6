/**
 * A render as one string, for `registry.metrics()`: the byte renderer (straight from shared
 * memory, no string per series) with each chunk decoded as it is sealed.
 *
 * Chunks are 1 MiB so that a full ASCII chunk (nearly all of them) becomes one external Latin-1
 * string: a copy, with no UTF-8 decoding and nothing for the GC to move. Node makes a string
 * external only above ~1 MB (its EXTERN_APEX), so the last, partial chunk, and the whole of a
 * smaller body (~770 KB at 10,000 series), is copied into the V8 heap: every call leaves that
 * much for the main thread's GC, which the server's render (reused memory, no string) does not.
 * A chunk with other bytes goes through a StringDecoder, which carries a character split between
 * two chunks over to the next (its continuation bytes make that chunk non-ASCII too).
 */
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import type { PlannedFamily } from './plan.js';
import { PlanRenderer } from './renderer.js';
import type { ChunkSource } from './sink.js';
import type { Format } from './store-family.js';

const STRING_CHUNK_BYTES = 1024 * 1024;

/** Chunks of UTF-8 to one string: see the module comment. */
export class ChunkTextDecoder {
  readonly #decoder = new StringDecoder('utf8');
  #text = '';

  write(chunk: Buffer): void {
    this.#text += isAscii(chunk) ? chunk.toString('latin1') : this.#decoder.write(chunk);
  }

  end(): string {
    return this.#text + this.#decoder.end();
  }
}

/** Chunk memory no render to string is using, for the next ones (at most a few kept). */
const spare: Buffer[] = [];
const MAX_SPARE = 2;

/**
 * One Buffer for every chunk of one render to string: each chunk is decoded when it is
 * emitted, before the next is taken (a render has one sink open at a time), so they can share
 * memory; and the Buffer goes back to `spare` for the next render (renders to string may
 * overlap: each has its own while it runs). Fresh chunks, a new 1 MiB ArrayBuffer per run of
 * fresh families and a new ArrayBuffer per family, made V8 run external-memory collections on
 * every scrape, with its helper threads (measured: ~4 ms of CPU per default exporter scrape).
 */
class ReusedChunk implements ChunkSource {
  #buf: Buffer | undefined;

  take(size: number): Buffer {
    if (this.#buf === undefined) this.#buf = spare.pop();
    if (this.#buf === undefined || this.#buf.length < size) this.#buf = Buffer.allocUnsafeSlow(Math.max(size, STRING_CHUNK_BYTES));
    return this.#buf.subarray(0, size);
  }

  release(): void {
    if (this.#buf !== undefined && spare.length < MAX_SPARE) spare.push(this.#buf);
    this.#buf = undefined;
  }
}

export async function renderToString(plan: readonly PlannedFamily[], format: Format): Promise<string> {
  // Nothing is kept between calls: an instrumented registry's families change on every update.
  const chunks = new ReusedChunk();
  const renderer = new PlanRenderer({ maxCacheBytes: 0, chunkBytes: STRING_CHUNK_BYTES, streamChunks: chunks });
  const decoder = new ChunkTextDecoder();
  try {
    await renderer.render(plan, format, {
      keep: false,
      emit: (chunk) => {
        decoder.write(chunk);
        return undefined;
      },
    });
  } finally {
    chunks.release();
  }
  return decoder.end();
}
