import { isAscii } from 'node:buffer';
import { Meta, ROW_FIELDS, Row } from './layout.js';
import type { Store } from './store.js';

/** Bytes per ASCII check: a row whose key lies in checked-ASCII blocks is cut from one string. */
const BLOCK_BITS = 16;

/**
 * Decodes the label texts (row keys) of many rows for one render.
 *
 * One `latin1` decode of the used arena gives a string whose character offsets are the arena's
 * byte offsets; where the bytes are ASCII (checked per 64 KiB block, a few SIMD passes) that
 * string's characters are the UTF-8 text, so a row's label text is a `substring` of it (a V8
 * sliced string: no copy, no call into C++). Rows in a block holding other bytes (non-ASCII
 * label values, or a family's non-ASCII help text nearby) are decoded as UTF-8 one by one, as
 * are rows published after the decode. Measured at 500k series: 80 ms per render with a
 * `Buffer#toString('utf8', …)` per row, 20 ms this way.
 */
export class LabelTextDecoder {
  readonly #store: Store;
  readonly #arena: Buffer;
  #whole: string | undefined;
  #asciiBlocks: Uint8Array | undefined;

  constructor(store: Store, arena: Buffer) {
    this.#store = store;
    this.#arena = arena;
  }

  #prepare(): void {
    const used = Math.min(Atomics.load(this.#store.meta, Meta.ArenaUsed), this.#arena.length);
    this.#whole = this.#arena.toString('latin1', 0, used);
    const blocks = new Uint8Array((used >> BLOCK_BITS) + 1);
    for (let b = 0; b < blocks.length; b++) {
      const from = b << BLOCK_BITS;
      blocks[b] = isAscii(this.#arena.subarray(from, Math.min(from + (1 << BLOCK_BITS), used))) ? 1 : 0;
    }
    this.#asciiBlocks = blocks;
  }

  /** The exposition label text of `row`, as Store#labelTextOf returns it. */
  text(row: number): string {
    if (this.#whole === undefined) this.#prepare();
    const rows = this.#store.rows;
    const r = row * ROW_FIELDS;
    const off = rows[r + Row.KeyOffset]!;
    const len = rows[r + Row.KeyLength]!;
    if (len === 0) return '';
    const end = off + len;
    if (end <= this.#whole!.length) {
      const blocks = this.#asciiBlocks!;
      let ascii = true;
      for (let b = off >> BLOCK_BITS; b <= (end - 1) >> BLOCK_BITS; b++) {
        if (blocks[b] !== 1) {
          ascii = false;
          break;
        }
      }
      if (ascii) return this.#whole!.substring(off, end);
    }
    return this.#arena.toString('utf8', off, end);
  }
}
