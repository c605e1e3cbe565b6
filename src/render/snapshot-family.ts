/**
 * Writes a family already copied out of any store (a FamilySnapshot: prom-client's families,
 * const families, a store family with fallback default labels) with the string renderers'
 * own sample loops, then as UTF-8 into the sink. These families are small; the big ones come
 * from the store (store-family.ts).
 */
import type { FamilySnapshot } from '../exposition/snapshot.js';
import { formatLeText, formatOpenMetricsNumber } from '../exposition/number.js';
import { familySampleNames, writeFamilySamples } from '../exposition/text.js';
import type { ByteSink } from './sink.js';
import { familyHead, type Format } from './store-family.js';

export function writeSnapshotFamily(sink: ByteSink, f: FamilySnapshot, format: Format): void {
  const names = familyHead(f.name, f.help, f.type, format);
  sink.text(names.head);
  const rest = writeFamilySamples(f, familySampleNames(names.base, names.value), format === 'text' ? formatLeText : formatOpenMetricsNumber, '', (chunk) => sink.text(chunk));
  if (rest !== '') sink.text(rest);
}
