/**
 * A render as one string, for `registry.metrics()`: the byte renderer (straight from shared
 * memory, no string per series) with each chunk decoded as it is sealed.
 *
 * Chunks are 1 MiB so that an ASCII chunk (nearly all of them) becomes one external Latin-1
 * string: a copy, with no UTF-8 decoding and nothing for the young-generation GC to move. A chunk
 * with other bytes goes through a StringDecoder, which carries a character split between two
 * chunks over to the next (its continuation bytes make that chunk non-ASCII too).
 */
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import type { PlannedFamily } from './plan.js';
import { PlanRenderer } from './renderer.js';
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

export async function renderToString(plan: readonly PlannedFamily[], format: Format): Promise<string> {
  // Nothing is kept between calls: an instrumented registry's families change on every update.
  const renderer = new PlanRenderer({ maxCacheBytes: 0, chunkBytes: STRING_CHUNK_BYTES });
  const decoder = new ChunkTextDecoder();
  await renderer.render(plan, format, {
    keep: false,
    emit: (chunk) => {
      decoder.write(chunk);
      return undefined;
    },
  });
  return decoder.end();
}
