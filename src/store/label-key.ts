/**
 * The store's key of a series: its label values only, in the family's label order, each as the
 * escaped UTF-8 bytes it has in the exposition, after its length (one byte below 0xFC; else
 * 0xFC and four bytes, little-endian); a label the series does not have is the single byte
 * 0xFE. A value is written to the output as a copy of its bytes.
 *
 * The label names are the family's, the same for every series: keeping them out of the key
 * saves their bytes in every series (at 3 labels, the keys went from 54 to about 30 bytes; with
 * the arena's rounding, 64 to 32), at the price of writing the names between the values at
 * render time. The lengths, rather than separators, let the render copy four bytes at a time.
 *
 * Everything outside the store speaks exposition label text (`a="x",b="y"`, names in the
 * family's order, absent labels left out); this module converts between the two. Label text that
 * is not the family's labels in order (collectors writing through `ctx.direct` may use labels
 * they did not declare: the synthetic collector does) is kept as it is, after the byte 0xFD.
 */

const LONG = 0xfc;
export const KEY_RAW = 0xfd;
export const KEY_ABSENT = 0xfe;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** A family's label names as the bytes a key needs to be read and written. */
export class KeyLabels {
  readonly names: readonly string[];
  /** `name="` per label, as UTF-8. */
  readonly openers: readonly Buffer[];
  /** The openers end to end, with room to read four bytes past the last, and where each starts. */
  readonly openerView: DataView;
  readonly openerAt: Int32Array;
  readonly openerLength: Int32Array;
  /**
   * Bytes the names add to a series' label text at most (openers, closing quotes, commas), plus
   * the slack that copies four bytes at a time may write past the end.
   */
  readonly overhead: number;

  constructor(names: readonly string[]) {
    this.names = names;
    this.openers = names.map((n) => Buffer.from(n + '="'));
    const total = this.openers.reduce((s, o) => s + o.length, 0);
    const bytes = new Uint8Array(total + 4);
    this.openerAt = new Int32Array(names.length);
    this.openerLength = new Int32Array(names.length);
    let at = 0;
    this.openers.forEach((o, j) => {
      bytes.set(o, at);
      this.openerAt[j] = at;
      this.openerLength[j] = o.length;
      at += o.length;
    });
    this.openerView = new DataView(bytes.buffer);
    this.overhead = total + 2 * names.length + 4;
  }
}

const cache = new Map<string, KeyLabels>();

/** The KeyLabels of these names (shared: families with the same labels share one). */
export function keyLabelsOf(names: readonly string[]): KeyLabels {
  const id = names.join('\u0000');
  let k = cache.get(id);
  if (k === undefined) {
    k = new KeyLabels(names);
    if (cache.size > 10_000) cache.clear();
    cache.set(id, k);
  }
  return k;
}

/**
 * Converts exposition label text (as UTF-8 bytes, `text[0 .. len)`) into a key written to `out`
 * (which needs `len + labels.names.length + 1` bytes); returns the key's length.
 */
export function keyFromText(text: Uint8Array, len: number, labels: KeyLabels, out: Uint8Array): number {
  const n = valuesKey(text, len, labels, out);
  if (n >= 0) return n;
  out[0] = KEY_RAW;
  for (let i = 0; i < len; i++) out[i + 1] = text[i]!;
  return len + 1;
}

/** The values-only key of `text`, or -1 if it is not the family's labels in order. */
function valuesKey(text: Uint8Array, len: number, labels: KeyLabels, out: Uint8Array): number {
  const openers = labels.openers;
  let p = 0;
  let o = 0;
  for (let j = 0; j < openers.length; j++) {
    const opener = openers[j]!;
    if (!startsWith(text, len, p, opener)) {
      out[o++] = KEY_ABSENT;
      continue;
    }
    p += opener.length;
    const lengthAt = o++;
    // The value: up to the first quote not escaped by a backslash.
    for (;;) {
      if (p >= len) return -1;
      const b = text[p]!;
      if (b === QUOTE) break;
      out[o++] = b;
      p++;
      if (b === BACKSLASH) {
        if (p >= len) return -1;
        out[o++] = text[p++]!;
      }
    }
    const valueLength = o - lengthAt - 1;
    if (valueLength < LONG) out[lengthAt] = valueLength;
    else {
      // A value of 252 bytes or more: four more length bytes. (The name, `="` and `"` it drops
      // are at least four bytes: the key is at most one byte per label longer than the text.)
      out.copyWithin(lengthAt + 5, lengthAt + 1, o);
      out[lengthAt] = LONG;
      new DataView(out.buffer, out.byteOffset).setUint32(lengthAt + 1, valueLength, true);
      o += 4;
    }
    p++;
    if (p < len) {
      if (text[p] !== COMMA) return -1;
      p++;
      if (p >= len) return -1;
    }
  }
  return p < len ? -1 : o;
}

function startsWith(text: Uint8Array, len: number, p: number, prefix: Buffer): boolean {
  if (p + prefix.length > len) return false;
  for (let i = 0; i < prefix.length; i++) if (text[p + i] !== prefix[i]) return false;
  return true;
}

/**
 * Writes the label text of the key `src[off .. off + len)` into `out` at `pos`, each label
 * preceded by a comma when `comma` (or when a label was written before it). Returns the new
 * position; equal to `pos` when the series has none of its labels. Needs `len +
 * labels.overhead` bytes of room; may write up to three bytes past the position it returns.
 * `outView` and `srcView` are DataViews of `out` and `src`.
 *
 * The hot loop of a render: bytes are copied four at a time through DataViews (a byte loop was
 * half of a 500k-series render; Buffer#copy is a call into C++, dearer still for a few bytes).
 * A torn key (a row reused while it is read) can only produce wrong bytes, which the render
 * then drops, never a copy beyond `len` bytes of the key.
 */
export function writeKeyText(out: Uint8Array, outView: DataView, pos: number, src: Uint8Array, srcView: DataView, off: number, len: number, labels: KeyLabels, comma: boolean): number {
  const end = off + len;
  // Four-byte reads may go three bytes past the key: near the end of the arena, bytes one by one.
  const words = end + 3 <= srcView.byteLength;
  if (len > 0 && src[off] === KEY_RAW) {
    if (comma) out[pos++] = COMMA;
    for (let i = off + 1; i < end; i++) out[pos++] = src[i]!;
    return pos;
  }
  const names = labels.openerView;
  const at = labels.openerAt;
  const lengths = labels.openerLength;
  let i = off;
  for (let j = 0; j < at.length && i < end; j++) {
    let n = src[i++]!;
    if (n === KEY_ABSENT) continue;
    if (n === LONG) {
      n = i + 4 <= end ? srcView.getUint32(i, true) : 0;
      i += 4;
    }
    if (n > end - i) n = Math.max(0, end - i);
    if (comma) out[pos++] = COMMA;
    comma = true;
    const nameAt = at[j]!;
    const nameLength = lengths[j]!;
    for (let k = 0; k < nameLength; k += 4) outView.setUint32(pos + k, names.getUint32(nameAt + k, true), true);
    pos += nameLength;
    if (words) for (let k = 0; k < n; k += 4) outView.setUint32(pos + k, srcView.getUint32(i + k, true), true);
    else for (let k = 0; k < n; k++) out[pos + k] = src[i + k]!;
    pos += n;
    i += n;
    out[pos++] = QUOTE;
  }
  return pos;
}

/**
 * The label text of a key, for callers that need a string (snapshots, get(), the runtime's
 * bookkeeping). `latin1`, when given, is the arena decoded as Latin-1 (one character per byte):
 * a value whose bytes are all ASCII is then a substring of it, no decoding.
 */
export function keyText(arena: Buffer, off: number, len: number, labels: KeyLabels, latin1?: string): string {
  const end = off + len;
  if (len > 0 && arena[off] === KEY_RAW) return textOf(arena, off + 1, end, latin1);
  const names = labels.names;
  let i = off;
  let out = '';
  for (let j = 0; j < names.length && i < end; j++) {
    let n = arena[i++]!;
    if (n === KEY_ABSENT) continue;
    if (n === LONG) {
      n = i + 4 <= end ? arena.readUInt32LE(i) : 0;
      i += 4;
    }
    // A torn key (a row reused while read: the caller drops what it gives) stays within the key.
    if (n > end - i) n = Math.max(0, end - i);
    out += (out === '' ? '' : ',') + names[j] + '="' + textOf(arena, i, i + n, latin1) + '"';
    i += n;
  }
  return out;
}

/** `arena[from .. to)` as a string: a substring of `latin1` when those bytes are ASCII. */
function textOf(arena: Buffer, from: number, to: number, latin1: string | undefined): string {
  if (latin1 !== undefined && to <= latin1.length) {
    let high = 0;
    for (let i = from; i < to; i++) high |= arena[i]!;
    if (high < 0x80) return latin1.substring(from, to);
  }
  return arena.toString('utf8', from, to);
}
