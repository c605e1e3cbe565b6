/**
 * OpenMetrics 1.0.0 text format, rendered from snapshots.
 *
 * What differs from the Prometheus text format:
 * - Counters: the family (TYPE/HELP) name has no `_total`, the sample name has it. A counter the
 *   user named `foo_total` is family `foo` with samples `foo_total`; one named `foo` gets samples
 *   `foo_total` too, so both formats expose a counter of the same family. (client_golang instead
 *   types a counter without `_total` as `unknown`; appending keeps it a counter in Prometheus.)
 * - Metadata order is TYPE, then HELP, as the spec recommends; HELP escapes `"` too.
 * - `le` and `quantile` use the canonical number form (`1.0`, `1e-05`, `+Inf`).
 * - `untyped` is called `unknown`.
 * - The exposition ends with `# EOF`.
 *
 * Other names are used as given. A gauge called `foo_total` is legal: the spec only forbids names
 * that could clash with another family's samples (for example a counter `foo` beside it), which
 * is for the registry to prevent, and Prometheus's parser accepts it.
 *
 * Histograms always carry `_sum` and `_count`, as client_golang writes them. The spec says a
 * histogram with a negative bucket bound must not have a sum; dropping it only in OpenMetrics
 * would make the same series vanish depending on the scrape's Accept header, so we don't.
 * `_created` samples are optional (SHOULD) and not written: the snapshot has no creation time.
 */
import { escapeHelpOpenMetrics, flattenString } from './escape.js';
import { formatOpenMetricsNumber } from './number.js';
import type { FamilySnapshot, MetricType } from './snapshot.js';
import { type ChunkSink, familySampleNames, writeFamilySamples } from './text.js';

/** The HTTP Content-Type of OpenMetrics 1.0.0. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

const TOTAL = '_total';

const TYPE_NAMES: Record<MetricType, string> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'unknown',
};

/**
 * The OpenMetrics family name of a counter: the declared name without `_total`. A name that is
 * only `_total` keeps it, so the family name is never empty.
 */
export function openMetricsCounterFamilyName(name: string): string {
  return name.endsWith(TOTAL) && name.length > TOTAL.length
    ? name.slice(0, -TOTAL.length)
    : name;
}

/**
 * Renders families as OpenMetrics, handing the output to `onChunk` in pieces of about
 * CHUNK_CHARS; the last chunk ends with `# EOF\n`. The concatenation of the chunks is exactly
 * `renderOpenMetrics(families)`. Families without series keep their metadata lines, as in the
 * text format; an empty help string writes no HELP line (the spec treats both the same).
 */
export function renderOpenMetricsChunks(
  families: Iterable<FamilySnapshot>,
  onChunk: ChunkSink,
): void {
  let buf = '';
  for (const f of families) {
    const isCounter = f.type === 'counter';
    const familyName = isCounter ? openMetricsCounterFamilyName(f.name) : f.name;
    buf += '# TYPE ' + familyName + ' ' + TYPE_NAMES[f.type] + '\n';
    if (f.help !== '') buf += '# HELP ' + familyName + ' ' + escapeHelpOpenMetrics(f.help) + '\n';
    const names = familySampleNames(familyName, isCounter ? familyName + TOTAL : familyName);
    buf = writeFamilySamples(f, names, formatOpenMetricsNumber, buf, onChunk);
  }
  onChunk(flattenString(buf + '# EOF\n'));
}

/** Renders families as OpenMetrics 1.0.0 (serve with OPENMETRICS_CONTENT_TYPE). */
export function renderOpenMetrics(families: Iterable<FamilySnapshot>): string {
  const chunks: string[] = [];
  renderOpenMetricsChunks(families, (chunk) => chunks.push(chunk));
  return chunks.join('');
}
