/**
 * Writes one store family in either exposition format straight from shared memory: each
 * series' label values are copied from the store's arena (where they were escaped once, when the
 * series was created) between the family's label names (src/store/label-key.ts), values are
 * read from the cells and formatted into the output. No string and no object per series, so a million series cost a copy of their bytes, not a million
 * allocations. The output is byte for byte what the string renderers (src/exposition/) write
 * for the same family (test/render/equivalence.test.ts).
 *
 * Consistency: a row whose generation moved since the view was built (removed, or reused for
 * another series) is skipped, and so is one that moves while being written (checked after), so
 * a render that spans many slices never writes a torn label text or one series twice. Values
 * are read when the series is written.
 */
import { escapeHelpOpenMetrics, escapeHelpText, formatLabelPairs } from '../exposition/escape.js';
import { formatLeText, formatOpenMetricsNumber } from '../exposition/number.js';
import { openMetricsCounterFamilyName } from '../exposition/openmetrics.js';
import { ROW_FIELDS, Row } from '../store/layout.js';
import { keyLabelsOf, writeKeyText, type KeyLabels } from '../store/label-key.js';
import type { FamilyDefinition, Store } from '../store/store.js';
import { BINS, quantilesAt } from '../store/sketch.js';
import { effectiveAgeBuckets, summarySlot } from '../store/snapshot.js';
import type { PlannedStoreFamily } from './plan.js';
import { copyBytes, copyWords, viewOf, wordBytes, writeValue, type ByteSink, type WordBytes } from './sink.js';
import type { Slicer } from './slicer.js';
import type { RowView } from './view.js';

export type Format = 'text' | 'openmetrics';

/** Series between two looks at the clock. */
const CHECK_EVERY = 1024;

const OM_TYPES: Record<string, string> = { counter: 'counter', gauge: 'gauge', histogram: 'histogram', summary: 'summary', untyped: 'unknown' };

/** The metadata lines and sample names of a family in a format. */
export function familyHead(name: string, help: string, type: string, format: Format): { head: string; value: string; base: string } {
  if (format === 'text') {
    const head = (help !== '' ? `# HELP ${name} ${escapeHelpText(help)}\n` : '') + `# TYPE ${name} ${type}\n`;
    return { head, value: name, base: name };
  }
  const isCounter = type === 'counter';
  const family = isCounter ? openMetricsCounterFamilyName(name) : name;
  const head = `# TYPE ${family} ${OM_TYPES[type]}\n` + (help !== '' ? `# HELP ${family} ${escapeHelpOpenMetrics(help)}\n` : '');
  return { head, value: isCounter ? family + '_total' : family, base: family };
}

/** The label text every series of the family starts with: default labels, then const labels. */
export function familyPrefix(p: PlannedStoreFamily): string {
  const def = p.def;
  const constText = formatLabelPairs(Object.keys(def.constLabels), Object.values(def.constLabels));
  const dl = p.defaultLabelText;
  return dl && constText ? dl + ',' + constText : dl || constText;
}

/** Writes family `p` (which must have no fallback labels) to `sink`. */
export async function writeStoreFamily(sink: ByteSink, p: PlannedStoreFamily, view: RowView, format: Format, nowMs: number, slicer: Slicer): Promise<void> {
  const { store, f, def } = p;
  const isScalar = def.type === 'counter' || def.type === 'gauge' || def.type === 'untyped';
  if (isScalar) {
    // The head and line parts depend on the definition, the format and the default labels
    // only: made once, not on every render (a default exporter scrape writes ~250 families).
    const line = scalarLineOf(p, format);
    sink.bytes(line.head);
    const from = view.start[f] ?? 0;
    const to = view.start[f + 1] ?? from;
    if (to <= from) return;
    let shards = store.renderShards();
    let arena = store.arenaBuffer();
    let arenaView = viewOf(arena);
    for (let i = from; i < to; i += CHECK_EVERY) {
      if (i > from && (slicer.due() || sink.pending !== undefined)) {
        await sink.settle();
        await slicer.yieldNow();
        shards = store.renderShards();
        arena = store.arenaBuffer();
        arenaView = viewOf(arena);
      }
      writeScalars(sink, store, view, i, Math.min(to, i + CHECK_EVERY), line, shards, arena, arenaView);
    }
    return;
  }

  const names = familyHead(def.name, def.help, def.type, format);
  sink.text(names.head);
  const from = view.start[f] ?? 0;
  const to = view.start[f + 1] ?? from;
  if (to <= from) return;
  const prefix = Buffer.from(familyPrefix(p));
  // The family's label names, written between the values of each series' key.
  const labels = keyLabelsOf(def.labelNames);
  const gens = view.gens;
  const order = view.order;
  let shards = store.renderShards();
  let arena = store.arenaBuffer();
  let arenaView = viewOf(arena);

  // Histograms and summaries: several lines per series sharing its label text, built once.
  const isHistogram = def.type === 'histogram';
  const formatBound = format === 'text' ? formatLeText : formatOpenMetricsNumber;
  const bounds = def.buckets ?? [];
  const quantiles = def.percentiles ?? [];
  const tails = (isHistogram ? [...bounds.map((b) => 'le="' + formatBound(b) + '"} '), 'le="+Inf"} '] : quantiles.map((q) => 'quantile="' + formatBound(q) + '"} ')).map((t) =>
    wordBytes(t),
  );
  const lineOpen = wordBytes((isHistogram ? names.base + '_bucket' : names.value) + '{');
  const sumName = wordBytes(names.base + '_sum');
  const countName = wordBytes(names.base + '_count');
  const prefixWords = wordBytes(prefix);
  const tailMax = tails.reduce((m, t) => Math.max(m, t.length), 0);
  const width = tails.length;
  const qValues = new Float64Array(Math.max(1, quantiles.length));
  const merged = new Float64Array(BINS);
  const ageBuckets = effectiveAgeBuckets(def);
  const slot = summarySlot(def, store.createdAtMs, nowMs);
  let lt = Buffer.allocUnsafeSlow(256);
  let ltView = viewOf(lt);
  // values[0 .. width) are the lines' values, then the sum and the count.
  const values = new Float64Array(width + 2);
  for (let i = from; i < to; i++) {
    if ((i - from) % CHECK_EVERY === CHECK_EVERY - 1 && (slicer.due() || sink.pending !== undefined)) {
      await sink.settle();
      await slicer.yieldNow();
      shards = store.renderShards();
      arena = store.arenaBuffer();
      arenaView = viewOf(arena);
    }
    const rows = store.rows;
    const row = order[i]!;
    const r = row * ROW_FIELDS;
    const gen = gens[row]!;
    if (Atomics.load(rows, r + Row.Gen) !== gen) continue;
    const off = rows[r + Row.KeyOffset]!;
    const len = rows[r + Row.KeyLength]!;
    const cell = rows[r + Row.Cell]!;
    // The series' label text: the family prefix, then its own (with room for word copies).
    if (lt.length < prefix.length + labels.overhead + len + 4) {
      lt = Buffer.allocUnsafeSlow(2 * (prefix.length + labels.overhead + len + 4));
      ltView = viewOf(lt);
    }
    let ltLen = copyWords(ltView, 0, prefixWords.view, 0, prefixWords.length);
    ltLen = writeKeyText(lt, ltView, ltLen, arena, arenaView, off, len, labels, ltLen > 0);
    const common = store.common;
    if (isHistogram) {
      // Cumulative from the per-bucket cells; the count is the last cumulative value, so
      // `+Inf == _count` and the buckets never decrease within a line set.
      let acc = 0;
      for (let b = 0; b < width; b++) {
        acc += readCell(common, shards, cell + 1 + b);
        values[b] = acc;
      }
      values[width + 1] = acc;
    } else {
      values[width + 1] = readCell(common, shards, cell + 1);
      if (quantiles.length > 0) {
        quantilesAt(store.sketch, store.rowSketch(row), ageBuckets, slot, quantiles, qValues, 0, merged);
        for (let q = 0; q < width; q++) values[q] = qValues[q]!;
      }
    }
    values[width] = readCell(common, shards, cell);
    const lineMax = Math.max(lineOpen.length + tailMax, sumName.length + 1, countName.length + 1) + ltLen + 30;
    sink.room(lineMax * (width + 2));
    const out = sink.cur;
    const outView = sink.curView;
    const start = sink.pos;
    let pos = start;
    for (let b = 0; b < width; b++) {
      pos = copyWords(outView, pos, lineOpen.view, 0, lineOpen.length);
      if (ltLen > 0) {
        pos = copyWords(outView, pos, ltView, 0, ltLen);
        out[pos++] = 44;
      }
      const tail = tails[b]!;
      pos = copyWords(outView, pos, tail.view, 0, tail.length);
      pos = writeValue(out, pos, values[b]!);
      out[pos++] = 10;
    }
    for (let k = 0; k < 2; k++) {
      const name = k === 0 ? sumName : countName;
      pos = copyWords(outView, pos, name.view, 0, name.length);
      if (ltLen > 0) {
        out[pos++] = 123;
        pos = copyWords(outView, pos, ltView, 0, ltLen);
        out[pos++] = 125;
      }
      out[pos++] = 32;
      pos = writeValue(out, pos, values[width + k]!);
      out[pos++] = 10;
    }
    if (Atomics.load(rows, r + Row.Gen) === gen) sink.pos = pos;
    else sink.pos = start;
  }
}

/** A cell's value: the common area plus every shard. */
function readCell(common: Float64Array, shards: readonly Float64Array[], c: number): number {
  let v = common[c]!;
  for (let k = 0; k < shards.length; k++) v += shards[k]![c]!;
  return v;
}

/** Per family definition, per format and default labels: its ScalarLine. */
const scalarLines = new WeakMap<FamilyDefinition, Map<string, ScalarLine>>();

function scalarLineOf(p: PlannedStoreFamily, format: Format): ScalarLine {
  const def = p.def;
  let byKey = scalarLines.get(def);
  if (byKey === undefined) scalarLines.set(def, (byKey = new Map()));
  const key = format + '\u0000' + p.defaultLabelText;
  let line = byKey.get(key);
  if (line === undefined) {
    const names = familyHead(def.name, def.help, def.type, format);
    const prefix = Buffer.from(familyPrefix(p));
    const labels = keyLabelsOf(def.labelNames);
    const open = Buffer.concat([Buffer.from(names.value + '{'), prefix]);
    line = { head: Buffer.from(names.head), open: wordBytes(open), bare: Buffer.from(names.value + ' '), sep: prefix.length > 0, labels, room: open.length + labels.overhead + 30 };
    if (byKey.size >= 8) byKey.clear();
    byKey.set(key, line);
  }
  return line;
}

/** What every line of a counter, gauge or untyped family shares. */
interface ScalarLine {
  /** The family's HELP and TYPE lines. */
  readonly head: Buffer;
  /** `name{` and the family's label prefix. */
  readonly open: WordBytes;
  /** `name ` (a series without labels). */
  readonly bare: Buffer;
  /** Whether `open` ends with labels (the series' own then follow a comma). */
  readonly sep: boolean;
  readonly labels: KeyLabels;
  /** Bytes of room a line needs beyond its key's length. */
  readonly room: number;
}

/**
 * Writes the series `order[from .. to)` of a counter, gauge or untyped family. A synchronous
 * loop, apart from the async caller that yields between runs: V8 optimises it as a plain loop
 * (inside the async function the same loop was slower, measured).
 */
function writeScalars(sink: ByteSink, store: Store, view: RowView, from: number, to: number, line: ScalarLine, shards: readonly Float64Array[], arena: Buffer, arenaView: DataView): void {
  const { order, gens } = view;
  const { open, bare, sep, labels } = line;
  const rows = store.rows;
  const common = store.common;
  for (let i = from; i < to; i++) {
    const row = order[i]!;
    const r = row * ROW_FIELDS;
    const gen = gens[row]!;
    if (Atomics.load(rows, r + Row.Gen) !== gen) continue;
    const off = rows[r + Row.KeyOffset]!;
    const len = rows[r + Row.KeyLength]!;
    const cell = rows[r + Row.Cell]!;
    sink.room(line.room + len);
    const out = sink.cur;
    const start = sink.pos;
    const outView = sink.curView;
    let pos = copyWords(outView, start, open.view, 0, open.length);
    const labelsAt = pos;
    pos = writeKeyText(out, outView, pos, arena, arenaView, off, len, labels, sep);
    if (pos === labelsAt && !sep) pos = copyBytes(out, start, bare, 0, bare.length);
    else {
      out[pos++] = 125;
      out[pos++] = 32;
    }
    pos = writeValue(out, pos, readCell(common, shards, cell));
    out[pos++] = 10;
    // Removed or reused while being copied: leave it out.
    if (Atomics.load(rows, r + Row.Gen) === gen) sink.pos = pos;
    else sink.pos = start;
  }
}
