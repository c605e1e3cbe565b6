/**
 * The Prometheus text format 0.0.4, rendered from snapshots.
 *
 * The sample loops here are shared with the OpenMetrics renderer: the two formats differ only in
 * metadata lines, sample names (counters), the spelling of `le`/`quantile` and the `# EOF` line.
 *
 * Speed: a scrape can hold a million series, so the loops do no per-series work beyond building
 * the output. Everything that is the same for all series of a family (`name{`, `name `,
 * `le="0.1"} `) is built once per family; the per-series label text was escaped by the store when
 * the series was created. Output is concatenated into a string of about CHUNK_CHARS, flattened,
 * handed to the sink and restarted. Flattening each chunk while its pieces are still young lets
 * the minor GC drop them; keeping one rope of a million lines alive until the end promoted them
 * all and doubled the render time. It also lets a server stream the chunks.
 */
import { escapeHelpText, flattenString } from './escape.js';
import { formatLeText, formatSampleValue } from './number.js';
import type { FamilySnapshot } from './snapshot.js';

/** The HTTP Content-Type of the text format. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The size (in UTF-16 code units) at which the renderers hand a chunk to the sink. */
export const CHUNK_CHARS = 64 * 1024;

/** Receives the output of a chunked render, in order; each chunk is about CHUNK_CHARS long. */
export type ChunkSink = (chunk: string) => void;

/**
 * The sample names of one family in one format. `value` is used by counters, gauges, untyped
 * and for summary quantile samples.
 * @internal shared with openmetrics.ts
 */
export interface SampleNames {
  readonly value: string;
  readonly bucket: string;
  readonly sum: string;
  readonly count: string;
}

/** @internal */
export function familySampleNames(base: string, value: string = base): SampleNames {
  return { value, bucket: base + '_bucket', sum: base + '_sum', count: base + '_count' };
}

function need<T extends { length: number }>(
  f: FamilySnapshot,
  field: string,
  arr: T | undefined,
  minLength: number,
): T {
  if (arr === undefined) {
    throw new TypeError(`${f.type} family "${f.name}": snapshot has no ${field}`);
  }
  if (arr.length < minLength) {
    throw new RangeError(
      `${f.type} family "${f.name}": snapshot ${field} has ${arr.length} entries, needs ${minLength}`,
    );
  }
  return arr;
}

function writeScalars(
  f: FamilySnapshot,
  name: string,
  buf: string,
  emit: ChunkSink,
): string {
  const labelTexts = f.labelTexts;
  const n = labelTexts.length;
  const values = need(f, 'values', f.values, n);
  const bare = name + ' ';
  const open = name + '{';
  for (let i = 0; i < n; i++) {
    const lt = labelTexts[i]!;
    buf += (lt === '' ? bare : open + lt + '} ') + formatSampleValue(values[i]!) + '\n';
    if (buf.length >= CHUNK_CHARS) {
      emit(flattenString(buf));
      buf = '';
    }
  }
  return buf;
}

/** `name_sum v` and `name_count v` lines, written the same way for histograms and summaries. */
function sumAndCount(names: SampleNames, lt: string, sum: number, count: number): string {
  if (lt === '') {
    return names.sum + ' ' + formatSampleValue(sum) + '\n' +
      names.count + ' ' + formatSampleValue(count) + '\n';
  }
  return names.sum + '{' + lt + '} ' + formatSampleValue(sum) + '\n' +
    names.count + '{' + lt + '} ' + formatSampleValue(count) + '\n';
}

function writeHistograms(
  f: FamilySnapshot,
  names: SampleNames,
  formatBound: (v: number) => string,
  buf: string,
  emit: ChunkSink,
): string {
  const labelTexts = f.labelTexts;
  const n = labelTexts.length;
  const bounds = need(f, 'bounds', f.bounds, 0);
  const width = bounds.length + 1;
  const buckets = need(f, 'buckets', f.buckets, n * width);
  const sums = need(f, 'sums', f.sums, n);
  const counts = need(f, 'counts', f.counts, n);
  // `le="0.1"} ` for each bound, formatted once per render rather than once per line.
  const leTails: string[] = [];
  for (const b of bounds) leTails.push('le="' + formatBound(b) + '"} ');
  leTails.push('le="+Inf"} ');
  const bucketOpen = names.bucket + '{';
  for (let i = 0; i < n; i++) {
    const lt = labelTexts[i]!;
    const head = lt === '' ? bucketOpen : bucketOpen + lt + ',';
    const base = i * width;
    for (let b = 0; b < width; b++) {
      buf += head + leTails[b]! + formatSampleValue(buckets[base + b]!) + '\n';
    }
    buf += sumAndCount(names, lt, sums[i]!, counts[i]!);
    if (buf.length >= CHUNK_CHARS) {
      emit(flattenString(buf));
      buf = '';
    }
  }
  return buf;
}

function writeSummaries(
  f: FamilySnapshot,
  names: SampleNames,
  formatQuantile: (v: number) => string,
  buf: string,
  emit: ChunkSink,
): string {
  const labelTexts = f.labelTexts;
  const n = labelTexts.length;
  const quantiles = f.quantiles ?? [];
  const width = quantiles.length;
  // A summary may expose no quantiles at all (prom-client's `percentiles: []`), then the values
  // array may be absent too.
  const values = width === 0 ? undefined : need(f, 'quantileValues', f.quantileValues, n * width);
  const sums = need(f, 'sums', f.sums, n);
  const counts = need(f, 'counts', f.counts, n);
  const qTails = quantiles.map((q) => 'quantile="' + formatQuantile(q) + '"} ');
  const open = names.value + '{';
  for (let i = 0; i < n; i++) {
    const lt = labelTexts[i]!;
    const head = lt === '' ? open : open + lt + ',';
    const base = i * width;
    for (let q = 0; q < width; q++) {
      // The store writes NaN where the window holds no observation, as the spec requires.
      buf += head + qTails[q]! + formatSampleValue(values![base + q]!) + '\n';
    }
    buf += sumAndCount(names, lt, sums[i]!, counts[i]!);
    if (buf.length >= CHUNK_CHARS) {
      emit(flattenString(buf));
      buf = '';
    }
  }
  return buf;
}

/**
 * Appends the sample lines of one family to `buf`, emitting full chunks on the way, and returns
 * what is left of the buffer.
 * @internal shared with openmetrics.ts
 */
export function writeFamilySamples(
  f: FamilySnapshot,
  names: SampleNames,
  formatLabelNumber: (v: number) => string,
  buf: string,
  emit: ChunkSink,
): string {
  switch (f.type) {
    case 'counter':
    case 'gauge':
    case 'untyped':
      return writeScalars(f, names.value, buf, emit);
    case 'histogram':
      return writeHistograms(f, names, formatLabelNumber, buf, emit);
    case 'summary':
      return writeSummaries(f, names, formatLabelNumber, buf, emit);
    default: {
      const type: never = f.type;
      throw new TypeError(`family "${(f as FamilySnapshot).name}": unknown metric type "${String(type)}"`);
    }
  }
}

/**
 * Renders families in the text format, handing the output to `onChunk` in pieces of about
 * CHUNK_CHARS; the concatenation of the chunks is exactly `renderText(families)`.
 *
 * A family without series still gets its HELP and TYPE lines: Prometheus accepts them, prom-client
 * and client_golang write them, and a dashboard can tell "declared, nothing observed yet" from
 * "not exported". An empty help string writes no HELP line, as client_golang does for a nil help.
 */
export function renderTextChunks(families: Iterable<FamilySnapshot>, onChunk: ChunkSink): void {
  let buf = '';
  for (const f of families) {
    if (f.help !== '') buf += '# HELP ' + f.name + ' ' + escapeHelpText(f.help) + '\n';
    // The text format's type names are our MetricType names, `untyped` included.
    buf += '# TYPE ' + f.name + ' ' + f.type + '\n';
    // Text format samples use the family name as given, counters included: no suffix rules.
    buf = writeFamilySamples(f, familySampleNames(f.name), formatLeText, buf, onChunk);
  }
  if (buf !== '') onChunk(flattenString(buf));
}

/** Renders families in the Prometheus text format 0.0.4 (serve with TEXT_CONTENT_TYPE). */
export function renderText(families: Iterable<FamilySnapshot>): string {
  const chunks: string[] = [];
  renderTextChunks(families, (chunk) => chunks.push(chunk));
  return chunks.join('');
}
