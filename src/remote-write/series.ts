/**
 * From exposition families to remote-write time series: the series a Prometheus scraping the
 * text format would store. Each sample name is its own series (`__name__`): a counter's name as
 * declared, a histogram's `_bucket` (with `le`), `_sum` and `_count`, a summary's quantiles
 * (with `quantile`), `_sum` and `_count`. `le` and `quantile` are spelled as in the text format.
 * Labels are sorted by name in byte order, as the protocol requires.
 */
import type { FamilySnapshot } from '../exposition/snapshot.js';
import { formatLeText } from '../exposition/number.js';
import { parseLabelText } from '../metrics/labels.js';
import { METADATA_TYPES, type Label, type MetricMetadata } from './protocol.js';

/** One sample of one series, before the timestamp is added. */
export interface SeriesSample {
  readonly labels: Label[];
  readonly value: number;
}

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function labelsOf(base: readonly Label[], name: string, extra?: Label): Label[] {
  const out = [{ name: '__name__', value: name }, ...base];
  if (extra) out.push(extra);
  return out.sort(byName);
}

/** The samples of one family, series after series. */
export function* familySamples(f: FamilySnapshot): Generator<SeriesSample> {
  const n = f.labelTexts.length;
  for (let i = 0; i < n; i++) {
    const base = Object.entries(parseLabelText(f.labelTexts[i]!)).map(([name, value]) => ({ name, value }));
    switch (f.type) {
      case 'counter':
      case 'gauge':
      case 'untyped':
        yield { labels: labelsOf(base, f.name), value: f.values![i]! };
        break;
      case 'histogram': {
        const bounds = f.bounds ?? [];
        const width = bounds.length + 1;
        for (let b = 0; b < width; b++) {
          const le = b < bounds.length ? formatLeText(bounds[b]!) : '+Inf';
          yield { labels: labelsOf(base, f.name + '_bucket', { name: 'le', value: le }), value: f.buckets![i * width + b]! };
        }
        yield { labels: labelsOf(base, f.name + '_sum'), value: f.sums![i]! };
        yield { labels: labelsOf(base, f.name + '_count'), value: f.counts![i]! };
        break;
      }
      case 'summary': {
        const qs = f.quantiles ?? [];
        for (let q = 0; q < qs.length; q++) {
          yield { labels: labelsOf(base, f.name, { name: 'quantile', value: formatLeText(qs[q]!) }), value: f.quantileValues![i * qs.length + q]! };
        }
        yield { labels: labelsOf(base, f.name + '_sum'), value: f.sums![i]! };
        yield { labels: labelsOf(base, f.name + '_count'), value: f.counts![i]! };
        break;
      }
    }
  }
}

/** Samples a family writes: series × lines per series. */
export function familySampleCount(f: FamilySnapshot): number {
  const n = f.labelTexts.length;
  switch (f.type) {
    case 'histogram':
      return n * ((f.bounds?.length ?? 0) + 3);
    case 'summary':
      return n * ((f.quantiles?.length ?? 0) + 2);
    default:
      return n;
  }
}

/** The family's metadata record. */
export function familyMetadata(f: FamilySnapshot): MetricMetadata {
  return { type: METADATA_TYPES[f.type === 'untyped' ? 'unknown' : f.type], metricFamilyName: f.name, help: f.help, unit: '' };
}
