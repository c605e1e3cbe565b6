/**
 * The Prometheus text format 0.0.4, parsed as node_exporter 1.5 parses `*.prom` files: a port of
 * the state machine of prometheus/common's `expfmt.TextParser` (the version node_exporter 1.5
 * is built with), so a file is accepted or refused exactly when node_exporter would, with the
 * same message (`text format parsing error in line N: ...`). Pure: tested on strings.
 *
 * What that parser accepts and refuses, and what follows from it (all checked against the real
 * node_exporter 1.5, see test/textfile/):
 * - Every line ends with a newline: a last line without one is "unexpected end of input stream".
 * - Nothing may follow a value but a timestamp: `m 1 ` (trailing blank) is an error, and so is a
 *   `\r` (a CRLF file).
 * - Values use Go's ParseFloat: `1e400` (out of range), `0x1p-2`, `1_000` and `+NaN` are
 *   refused; `inf`, `-Infinity`, `nan`, `.5`, `5.` are accepted.
 * - HELP text knows two escapes, `\\` and `\n`; any other (`\"` included) is an error. Label
 *   values know `\\`, `\"` and `\n`, must be valid UTF-8 and may not contain a raw newline.
 * - A second HELP or TYPE for a family, or a TYPE after its samples, is an error; HELP after the
 *   samples is fine. A family with no sample is dropped.
 * - `name_sum`/`name_count` (and `name_bucket`) lines join a summary (histogram) `name` declared
 *   before them; otherwise they are families of their own.
 * - Histogram bucket counts and summary/histogram `_count` are unsigned 64-bit integers in the
 *   data model: the float read is converted as Go does on amd64 (2.7 → 2, -1 → 2^64-1).
 * - The same series twice is not an error here (the gatherer deals with it); the same label name
 *   twice in one line is.
 *
 * The input is handled as bytes (a string is taken as its UTF-8 encoding), as Go does, so byte
 * positions and UTF-8 validity are judged the same way.
 */

/** The types a TYPE line can give. `gauge_histogram` parses, but samples of it are refused. */
export type TextMetricType = 'counter' | 'gauge' | 'untyped' | 'summary' | 'histogram';

export interface TextLabel {
  readonly name: string;
  readonly value: string;
}

/** One series as the file gives it. */
export interface TextMetric {
  /** In the order written, without `le` (histograms) and `quantile` (summaries). */
  readonly labels: TextLabel[];
  /** counter, gauge, untyped. */
  value?: number;
  /** Milliseconds, when the line has a timestamp (node_exporter refuses such files). */
  timestampMs?: number;
  /** summary: in the order written (duplicates kept: the last one wins later). */
  quantiles?: { quantile: number; value: number }[];
  /** histogram: in the order written (duplicates kept: the last one wins later). */
  buckets?: { upperBound: number; cumulativeCount: number }[];
  /** summary and histogram. */
  sum?: number;
  /** summary and histogram, already converted to an unsigned 64-bit integer. */
  count?: number;
}

export interface TextFamily {
  readonly name: string;
  /** Undefined when the file has no HELP line with text for it. */
  help: string | undefined;
  type: TextMetricType;
  readonly metrics: TextMetric[];
}

/** A malformed input: `line` is 1-based, `reason` the parser's message. */
export class TextParseError extends Error {
  override readonly name = 'TextParseError';
  readonly code = 'ERR_TEXT_FORMAT';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`text format parsing error in line ${line}: ${reason}`);
  }
}

const NL = 0x0a;
const EOF = -1;

const TYPES: Record<string, TextMetricType | 'gauge_histogram'> = {
  COUNTER: 'counter',
  GAUGE: 'gauge',
  SUMMARY: 'summary',
  UNTYPED: 'untyped',
  HISTOGRAM: 'histogram',
  GAUGE_HISTOGRAM: 'gauge_histogram',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

function isBlankOrTab(c: number): boolean {
  return c === 0x20 || c === 0x09;
}
function isLabelNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}
function isLabelNameContinuation(c: number): boolean {
  return isLabelNameStart(c) || (c >= 0x30 && c <= 0x39);
}
function isMetricNameStart(c: number): boolean {
  return isLabelNameStart(c) || c === 0x3a;
}
function isMetricNameContinuation(c: number): boolean {
  return isLabelNameContinuation(c) || c === 0x3a;
}

/** Go's `%q` of a string (close enough for messages: printable text kept, the rest escaped). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (ch === '\ufffd') out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** Go's `%q` of a byte: a quoted character literal. */
function goQuoteByte(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x5c) return "'\\\\'";
  if (c === NL) return "'\\n'";
  if (c === 0x09) return "'\\t'";
  if (c === 0x0d) return "'\\r'";
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // A byte above 0x7f is formatted as the rune of that value.
  return `'${String.fromCharCode(c)}'`;
}

/** Bytes held one per UTF-16 unit (latin1) → the text they encode, lenient (bad bytes → U+FFFD). */
function decodeLenient(bytes: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(bytes) ? bytes : utf8Lenient.decode(Buffer.from(bytes, 'latin1'));
}

/** The same, or undefined when the bytes are not valid UTF-8. */
function decodeStrict(bytes: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(bytes)) return bytes;
  try {
    return utf8.decode(Buffer.from(bytes, 'latin1'));
  } catch {
    return undefined;
  }
}

const GO_FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const GO_INF = /^[+-]?(?:inf|infinity)$/i;

/**
 * Go's `strconv.ParseFloat(s, 64)` as expfmt calls it (refusing `p`, `P` and `_`): undefined
 * where Go returns an error, out-of-range values (`1e400`) included.
 */
export function parseGoFloat(s: string): number | undefined {
  if (/[pP_]/.test(s)) return undefined;
  if (GO_INF.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (!GO_FLOAT.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** Go's `strconv.ParseInt(s, 10, 64)`: undefined on a syntax or range error. */
function parseGoInt64(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const v = BigInt(s);
  if (v > INT64_MAX || v < INT64_MIN) return undefined;
  return Number(v);
}

const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

/**
 * Go's `uint64(f)` on amd64, as a float64 again: truncation toward zero for what fits; a
 * negative value wraps around (-1 → 2^64-1); NaN, ±Inf and values beyond the range give 2^63
 * (what node_exporter 1.5 then shows).
 */
export function goUint64(f: number): number {
  if (f < TWO_63) {
    if (!(f > -TWO_63)) return TWO_63; // -Inf and below int64's range: 0x8000000000000000
    const t = Math.trunc(f);
    return t < 0 ? TWO_64 + t : t;
  }
  const y = f - TWO_63; // NaN stays NaN
  if (y < TWO_63) return Math.trunc(y) + TWO_63;
  return TWO_63;
}

/** LabelsToSignature's role: one key per label set (names sorted). */
function signature(labels: Map<string, string>): string {
  return [...labels.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${k}\u0000${v}`)
    .join('\u0001');
}

interface MutableFamily {
  name: string;
  help: string | undefined;
  type: TextMetricType | 'gauge_histogram' | undefined;
  metrics: TextMetric[];
}

type State = (() => State) | null;

class Parser {
  readonly #s: string;
  #pos = 0;
  /** The byte last read, or EOF. */
  #cur = 0;
  #line = 0;
  #token = '';
  readonly #families = new Map<string, MutableFamily>();
  #mf!: MutableFamily;
  #metric!: TextMetric;
  #labelName = '';
  #currentLabels = new Map<string, string>();
  readonly #summaries = new Map<string, TextMetric>();
  readonly #histograms = new Map<string, TextMetric>();
  #quantile = NaN;
  #bucket = NaN;
  #isSummaryCount = false;
  #isSummarySum = false;
  #isHistogramCount = false;
  #isHistogramSum = false;

  constructor(bytes: string) {
    this.#s = bytes;
  }

  parse(): Map<string, TextFamily> {
    let state: State = this.#startOfLine;
    while (state !== null) state = state.call(this);
    const out = new Map<string, TextFamily>();
    for (const [name, f] of this.#families) {
      if (f.metrics.length === 0) continue;
      out.set(name, f as TextFamily);
    }
    return out;
  }

  #error(reason: string): never {
    throw new TextParseError(this.#line, reason);
  }

  /** Reads the next byte; at the end of the input that is a premature end, an error. */
  #read(): void {
    if (this.#pos >= this.#s.length) {
      this.#cur = EOF;
      this.#error('unexpected end of input stream');
    }
    this.#cur = this.#s.charCodeAt(this.#pos++);
  }

  /** Skips blanks and tabs; false at the end of the input when `eofOk`. */
  #skipBlankTab(eofOk = false): boolean {
    for (;;) {
      if (this.#pos >= this.#s.length) {
        this.#cur = EOF;
        if (eofOk) return false;
        this.#error('unexpected end of input stream');
      }
      this.#cur = this.#s.charCodeAt(this.#pos++);
      if (!isBlankOrTab(this.#cur)) return true;
    }
  }

  #skipBlankTabIfCurrentBlankTab(): void {
    if (isBlankOrTab(this.#cur)) this.#skipBlankTab();
  }

  #readTokenUntilWhitespace(): void {
    const start = this.#pos - 1;
    while (!isBlankOrTab(this.#cur) && this.#cur !== NL) this.#read();
    this.#token = this.#s.slice(start, this.#pos - 1);
  }

  #readTokenUntilNewline(escapes: boolean): void {
    let out = '';
    let escaped = false;
    for (;;) {
      const c = this.#cur;
      if (escapes && escaped) {
        if (c === 0x5c) out += '\\';
        else if (c === 0x6e) out += '\n';
        else this.#error(`invalid escape sequence '\\${String.fromCharCode(c)}'`);
        escaped = false;
      } else if (c === NL) {
        this.#token = out;
        return;
      } else if (c === 0x5c) {
        // Go sets its `escaped` flag here in both modes; without escapes the flag is never
        // read, so a backslash is simply dropped (`# TYPE m gau\ge` reads as gauge).
        escaped = escapes;
      } else out += String.fromCharCode(c);
      this.#read();
    }
  }

  #readTokenAsMetricName(): void {
    this.#token = '';
    if (!isMetricNameStart(this.#cur)) return;
    const start = this.#pos - 1;
    do this.#read();
    while (isMetricNameContinuation(this.#cur));
    this.#token = this.#s.slice(start, this.#pos - 1);
  }

  #readTokenAsLabelName(): void {
    this.#token = '';
    if (!isLabelNameStart(this.#cur)) return;
    const start = this.#pos - 1;
    do this.#read();
    while (isLabelNameContinuation(this.#cur));
    this.#token = this.#s.slice(start, this.#pos - 1);
  }

  #readTokenAsLabelValue(): void {
    let out = '';
    let escaped = false;
    for (;;) {
      this.#read();
      const c = this.#cur;
      if (escaped) {
        if (c === 0x22 || c === 0x5c) out += String.fromCharCode(c);
        else if (c === 0x6e) out += '\n';
        else this.#error(`invalid escape sequence '\\${String.fromCharCode(c)}'`);
        escaped = false;
        continue;
      }
      if (c === 0x22) {
        this.#token = out;
        return;
      }
      if (c === NL) this.#error(`label value ${goQuote(decodeLenient(out))} contains unescaped new-line`);
      if (c === 0x5c) escaped = true;
      else out += String.fromCharCode(c);
    }
  }

  #setOrCreateCurrentMF(): void {
    this.#isSummaryCount = this.#isSummarySum = this.#isHistogramCount = this.#isHistogramSum = false;
    const name = this.#token;
    const exact = this.#families.get(name);
    if (exact) {
      this.#mf = exact;
      return;
    }
    const isCount = name.length > 6 && name.endsWith('_count');
    const isSum = name.length > 4 && name.endsWith('_sum');
    const isBucket = name.length > 7 && name.endsWith('_bucket');
    const summaryName = isCount ? name.slice(0, -6) : isSum ? name.slice(0, -4) : name;
    const summary = this.#families.get(summaryName);
    if (summary && summary.type === 'summary') {
      this.#mf = summary;
      this.#isSummaryCount = isCount;
      this.#isSummarySum = isSum;
      return;
    }
    const histogramName = isCount ? name.slice(0, -6) : isSum ? name.slice(0, -4) : isBucket ? name.slice(0, -7) : name;
    const histogram = this.#families.get(histogramName);
    if (histogram && histogram.type === 'histogram') {
      this.#mf = histogram;
      this.#isHistogramCount = isCount;
      this.#isHistogramSum = isSum;
      return;
    }
    this.#mf = { name, help: undefined, type: undefined, metrics: [] };
    this.#families.set(name, this.#mf);
  }

  #startOfLine(): State {
    this.#line++;
    if (!this.#skipBlankTab(true)) return null;
    if (this.#cur === 0x23) return this.#startComment;
    if (this.#cur === NL) return this.#startOfLine;
    return this.#readingMetricName;
  }

  #startComment(): State {
    this.#skipBlankTab();
    if (this.#cur === NL) return this.#startOfLine;
    this.#readTokenUntilWhitespace();
    if (this.#cur === NL) return this.#startOfLine;
    const keyword = this.#token;
    if (keyword !== 'HELP' && keyword !== 'TYPE') {
      while (this.#cur !== NL) this.#read();
      return this.#startOfLine;
    }
    this.#skipBlankTab();
    this.#readTokenAsMetricName();
    if (this.#cur === NL) return this.#startOfLine;
    if (!isBlankOrTab(this.#cur)) this.#error('invalid metric name in comment');
    this.#setOrCreateCurrentMF();
    this.#skipBlankTab();
    if (this.#cur === NL) return this.#startOfLine;
    return keyword === 'HELP' ? this.#readingHelp : this.#readingType;
  }

  #readingMetricName(): State {
    this.#readTokenAsMetricName();
    if (this.#token === '') this.#error('invalid metric name');
    this.#setOrCreateCurrentMF();
    this.#mf.type ??= 'untyped';
    this.#metric = { labels: [] };
    this.#skipBlankTabIfCurrentBlankTab();
    return this.#readingLabels;
  }

  #readingLabels(): State {
    if (this.#mf.type === 'summary' || this.#mf.type === 'histogram') {
      this.#currentLabels = new Map([['__name__', this.#mf.name]]);
      this.#quantile = NaN;
      this.#bucket = NaN;
    }
    if (this.#cur !== 0x7b) return this.#readingValue;
    return this.#startLabelName;
  }

  #startLabelName(): State {
    this.#skipBlankTab();
    if (this.#cur === 0x7d) {
      this.#skipBlankTab();
      return this.#readingValue;
    }
    this.#readTokenAsLabelName();
    if (this.#token === '') this.#error(`invalid label name for metric ${goQuote(this.#mf.name)}`);
    const name = this.#token;
    if (name === '__name__') this.#error('label name "__name__" is reserved');
    const special = (this.#mf.type === 'summary' && name === 'quantile') || (this.#mf.type === 'histogram' && name === 'le');
    if (!special) this.#metric.labels.push({ name, value: '' });
    this.#skipBlankTabIfCurrentBlankTab();
    if (this.#cur !== 0x3d) this.#error(`expected '=' after label name, found ${goQuoteByte(this.#cur)}`);
    const labels = this.#metric.labels;
    if (!special && labels.findIndex((l) => l.name === name) < labels.length - 1) this.#error(`duplicate label names for metric ${goQuote(this.#mf.name)}`);
    this.#labelName = name;
    return this.#startLabelValue;
  }

  #startLabelValue(): State {
    this.#skipBlankTab();
    if (this.#cur !== 0x22) this.#error(`expected '"' at start of label value, found ${goQuoteByte(this.#cur)}`);
    this.#readTokenAsLabelValue();
    const value = decodeStrict(this.#token);
    if (value === undefined) this.#error(`invalid label value ${goQuote(decodeLenient(this.#token))}`);
    const name = this.#labelName;
    const type = this.#mf.type;
    let special = false;
    if (type === 'summary') {
      if (name === 'quantile') {
        special = true;
        const q = parseGoFloat(value);
        if (q === undefined) this.#error(`expected float as value for 'quantile' label, got ${goQuote(value)}`);
        this.#quantile = q;
      } else this.#currentLabels.set(name, value);
    }
    if (type === 'histogram') {
      if (name === 'le') {
        special = true;
        const b = parseGoFloat(value);
        if (b === undefined) this.#error(`expected float as value for 'le' label, got ${goQuote(value)}`);
        this.#bucket = b;
      } else this.#currentLabels.set(name, value);
    }
    if (!special) {
      const labels = this.#metric.labels;
      labels[labels.length - 1] = { name, value };
    }
    this.#skipBlankTab();
    const next: number = this.#cur;
    if (next === 0x2c) return this.#startLabelName;
    if (next === 0x7d) {
      this.#skipBlankTab();
      return this.#readingValue;
    }
    this.#error(`unexpected end of label value ${goQuote(value)}`);
  }

  #readingValue(): State {
    const mf = this.#mf;
    if (mf.type === 'summary' || mf.type === 'histogram') {
      const index = mf.type === 'summary' ? this.#summaries : this.#histograms;
      const sig = signature(this.#currentLabels);
      const existing = index.get(sig);
      if (existing) this.#metric = existing;
      else {
        index.set(sig, this.#metric);
        mf.metrics.push(this.#metric);
      }
    } else mf.metrics.push(this.#metric);
    this.#readTokenUntilWhitespace();
    const value = parseGoFloat(this.#token);
    if (value === undefined) this.#error(`expected float as value, got ${goQuote(decodeLenient(this.#token))}`);
    const m = this.#metric;
    switch (mf.type) {
      case 'counter':
      case 'gauge':
      case 'untyped':
        m.value = value;
        break;
      case 'summary':
        if (this.#isSummaryCount) m.count = goUint64(value);
        else if (this.#isSummarySum) m.sum = value;
        else if (!Number.isNaN(this.#quantile)) (m.quantiles ??= []).push({ quantile: this.#quantile, value });
        break;
      case 'histogram':
        if (this.#isHistogramCount) m.count = goUint64(value);
        else if (this.#isHistogramSum) m.sum = value;
        else if (!Number.isNaN(this.#bucket)) (m.buckets ??= []).push({ upperBound: this.#bucket, cumulativeCount: goUint64(value) });
        break;
      default:
        // Go's parser accepts the type but has no place for the sample; node_exporter 1.5 then
        // panics on the family. Refusing the file is the safe reading.
        this.#error(`unexpected type for metric name ${goQuote(mf.name)}`);
    }
    if (this.#cur === NL) return this.#startOfLine;
    return this.#startTimestamp;
  }

  #startTimestamp(): State {
    this.#skipBlankTab();
    this.#readTokenUntilWhitespace();
    const ts = parseGoInt64(this.#token);
    if (ts === undefined) this.#error(`expected integer as timestamp, got ${goQuote(decodeLenient(this.#token))}`);
    this.#metric.timestampMs = ts;
    this.#readTokenUntilNewline(false);
    if (this.#token !== '') this.#error(`spurious string after timestamp: ${goQuote(decodeLenient(this.#token))}`);
    return this.#startOfLine;
  }

  #readingHelp(): State {
    if (this.#mf.help !== undefined) this.#error(`second HELP line for metric name ${goQuote(this.#mf.name)}`);
    this.#readTokenUntilNewline(true);
    this.#mf.help = decodeLenient(this.#token);
    return this.#startOfLine;
  }

  #readingType(): State {
    if (this.#mf.type !== undefined) this.#error(`second TYPE line for metric name ${goQuote(this.#mf.name)}, or TYPE reported after samples`);
    this.#readTokenUntilNewline(false);
    const upper = this.#token.toUpperCase();
    const type = Object.hasOwn(TYPES, upper) ? TYPES[upper] : undefined;
    if (type === undefined) this.#error(`unknown metric type ${goQuote(decodeLenient(this.#token))}`);
    this.#mf.type = type;
    return this.#startOfLine;
  }
}

/**
 * Parses a text-format exposition (a `.prom` file). Returns the families that have samples, by
 * name, in the order they first appear. Throws TextParseError on the first malformed line.
 */
export function parseTextFormat(input: string | Uint8Array): Map<string, TextFamily> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8').toString('latin1') : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  return new Parser(bytes).parse();
}

/** Whether any sample of these families carries a timestamp (node_exporter refuses such files). */
export function hasTimestamps(families: ReadonlyMap<string, TextFamily>): boolean {
  for (const f of families.values()) for (const m of f.metrics) if (m.timestampMs !== undefined) return true;
  return false;
}
