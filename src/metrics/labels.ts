import { escapeLabelValue } from '../exposition/escape.js';

/** prom-client's label object: values may be numbers, which are exposed as their string form. */
export type LabelValues<T extends string = string> = Partial<Record<T, string | number>>;

/**
 * Turns label objects into the two forms the store needs: a cheap cache key (per thread), and
 * the escaped exposition text (the store's key, computed only when the cache misses).
 */
export class LabelCodec {
  readonly names: readonly string[];
  readonly #index: Map<string, number>;
  readonly #metric: string;

  constructor(metric: string, names: readonly string[]) {
    this.#metric = metric;
    this.names = names;
    this.#index = new Map(names.map((n, i) => [n, i]));
  }

  /**
   * The cache key of a label object: values joined by NUL, with a marker for absent labels.
   * Returns undefined when a value contains NUL or the marker, so it could collide: such a
   * series is then resolved exactly each time instead of through the cache.
   */
  keyOf(labels: LabelValues | undefined): string | undefined {
    const names = this.names;
    if (labels !== undefined) this.check(labels);
    if (names.length === 0) return '';
    if (names.length === 1) {
      const v = labels?.[names[0]!];
      if (v === undefined) return '\u0001';
      const s = typeof v === 'string' ? v : String(v);
      return s === '\u0001' ? undefined : s;
    }
    // join() makes one flat string. Built with `+=` the key was a rope of cons strings, kept as
    // such by the cache: 205 bytes of heap per cached entry instead of 77 (3 labels, measured).
    const parts = new Array<string>(names.length);
    for (let i = 0; i < names.length; i++) {
      const v = labels?.[names[i]!];
      if (v === undefined) {
        parts[i] = '\u0001';
        continue;
      }
      const s = typeof v === 'string' ? v : String(v);
      if (s.includes('\u0000') || s.includes('\u0001')) return undefined;
      parts[i] = s;
    }
    return parts.join('\u0000');
  }

  /** Rejects labels that were not declared: prom-client's rule, and ours. */
  check(labels: LabelValues): void {
    for (const k in labels) {
      if (!this.#index.has(k)) {
        throw new Error(`Added label "${k}" is not included in initial labelset: ${JSON.stringify(this.names)} (metric "${this.#metric}")`);
      }
    }
  }

  /** The escaped exposition text of the variable labels (absent labels are left out). */
  textOf(labels: LabelValues | undefined): string {
    let out = '';
    for (const n of this.names) {
      const v = labels?.[n];
      if (v === undefined) continue;
      if (out !== '') out += ',';
      out += n + '="' + escapeLabelValue(typeof v === 'string' ? v : String(v)) + '"';
    }
    return out;
  }

  /** prom-client's positional form: `labels('GET', '200')` in labelNames order. */
  fromPositional(values: readonly (string | number)[]): LabelValues {
    if (values.length !== this.names.length) {
      throw new Error(`Invalid number of arguments (${values.length}) for metric "${this.#metric}": expected ${this.names.length} (${this.names.join(', ')})`);
    }
    const out: LabelValues = {};
    for (let i = 0; i < values.length; i++) out[this.names[i]!] = values[i]!;
    return out;
  }
}

/** Reads an exposition label text back into a label object (for `get()`). */
export function parseLabelText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('="', i);
    const name = text.slice(i, eq);
    let j = eq + 2;
    let value = '';
    while (j < text.length && text[j] !== '"') {
      if (text[j] === '\\') {
        const c = text[j + 1];
        value += c === 'n' ? '\n' : c;
        j += 2;
      } else {
        value += text[j];
        j++;
      }
    }
    out[name] = value;
    i = j + 2; // closing quote and comma
  }
  return out;
}

/**
 * Splits prom-client's overloaded `(labels?, value?)` / `(value?)` arguments. For the collector
 * runtime's handles; the metric classes split inline, because their update paths are hot and a
 * tuple is an allocation per call.
 */
export function splitArgs<T extends string>(a: LabelValues<T> | number | undefined, b: number | undefined, fallback: number | undefined): [LabelValues<T> | undefined, number | undefined] {
  if (typeof a === 'object' && a !== null) return [a, b ?? fallback];
  return [undefined, (a as number | undefined) ?? fallback];
}
