/**
 * What node_exporter 1.5 serves from the `.prom` files that parsed: its textfile collector's
 * Update (help for families without one, label padding) followed by client_golang's Gather
 * (consistency checks, sorting), as const families. Pure: tested on parsed strings.
 *
 * In order, as node_exporter does it:
 * 1. A family without HELP gets `Metric read from <every file with a family of that name>`
 *    (joined with ", ").
 * 2. Within one file's family, every series gets every label name the family uses, the missing
 *    ones with an empty value (`m{a="1"}` and `m{b="2"}` become `m{a="1",b=""}`, `m{a="",b="2"}`);
 *    label names are sorted.
 * 3. Series are then taken in file order and checked against what was taken before: a series
 *    whose family was already seen with another HELP or another type is left out, so is one
 *    that repeats a series (same name and labels, empty values included), and a family whose
 *    name collides with a histogram's or summary's samples (`h_bucket` beside histogram `h`).
 *    node_exporter logs these and still reports `node_textfile_scrape_error 0`: they are
 *    problems of the combination, not of a file.
 * 4. Families come out sorted by name, series sorted by label values, as client_golang writes
 *    them. Bucket and quantile values given twice in a series keep the last one.
 *
 * Differences, where node_exporter 1.5 has no usable behaviour: a label name starting with `__`
 * makes node_exporter panic (the whole exporter exits); here the series is left out with a
 * problem. And our exposition needs the same buckets (quantiles) in every series of a histogram
 * (summary): a series with other bounds than most series of its family is left out with a
 * problem, where node_exporter would serve it.
 */
import type { ConstFamily, ConstSeries } from '../collector/const-family.js';
import type { MetricType } from '../exposition/snapshot.js';
import { goQuote, type TextFamily, type TextMetric } from './parse.js';

/** One file that parsed, with what it holds. */
export interface ParsedTextfile {
  /** The path as node_exporter shows it: the directory joined with the file name. */
  readonly path: string;
  readonly families: ReadonlyMap<string, TextFamily>;
}

export interface TextfileGather {
  /** Sorted by name, series sorted. */
  readonly families: ConstFamily[];
  /** What was left out and why, as node_exporter logs it (one line each). */
  readonly problems: string[];
}

interface Series {
  readonly labels: [string, string][];
  readonly metric: TextMetric;
}

interface Gathered {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly series: Series[];
}

const GO_TYPE_NAMES: Record<MetricType, string> = { counter: 'Counter', gauge: 'Gauge', untyped: 'Untyped', summary: 'Summary', histogram: 'Histogram' };

/** Go compares strings bytewise; code point order is the same as UTF-8 byte order. */
export function compareGo(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function labelsText(labels: readonly [string, string][]): string {
  return labels.map(([k, v]) => `${k}=${goQuote(v)}`).join(',');
}

/** The suffix collision check of client_golang's Gather, for a family seen for the first time. */
function suffixCollision(name: string, type: MetricType, seen: ReadonlyMap<string, Gathered>): string | undefined {
  const base = name.endsWith('_count') ? name.slice(0, -6) : name.endsWith('_sum') ? name.slice(0, -4) : name.endsWith('_bucket') ? name.slice(0, -7) : '';
  if (base !== '') {
    const existing = seen.get(base);
    if (existing?.type === 'summary' && !name.endsWith('_bucket')) return `collected metric named ${goQuote(name)} collides with previously collected summary named ${goQuote(base)}`;
    if (existing?.type === 'histogram') return `collected metric named ${goQuote(name)} collides with previously collected histogram named ${goQuote(base)}`;
  }
  if (type === 'summary' || type === 'histogram') {
    for (const suffix of ['_count', '_sum']) {
      if (seen.has(name + suffix)) return `collected ${type} named ${goQuote(name)} collides with previously collected metric named ${goQuote(name + suffix)}`;
    }
  }
  if (type === 'histogram' && seen.has(name + '_bucket')) return `collected histogram named ${goQuote(name)} collides with previously collected metric named ${goQuote(name + '_bucket')}`;
  return undefined;
}

function compareSeries(a: Series, b: Series): number {
  if (a.labels.length !== b.labels.length) return a.labels.length - b.labels.length;
  for (let i = 0; i < a.labels.length; i++) {
    const c = compareGo(a.labels[i]![1], b.labels[i]![1]);
    if (c !== 0) return c;
  }
  return 0;
}

/** Last value wins per key, keys sorted: Go's map of bucket bounds or quantiles. */
function lastWins(list: readonly { k: number; v: number }[] | undefined): [number, number][] {
  const m = new Map<number, number>();
  for (const { k, v } of list ?? []) m.set(k, v);
  return [...m.entries()].sort((x, y) => x[0] - y[0]);
}

function keysOf(s: ConstSeries): string {
  const keys = (s.buckets ?? s.quantiles ?? []).map(([k]) => k).filter((k) => k !== Infinity);
  return '[' + keys.map((k) => (k === -Infinity ? '-Inf' : String(k))).join(', ') + ']';
}

function toConst(g: Gathered, problems: string[]): ConstFamily {
  let series: ConstSeries[] = g.series.map(({ labels, metric: m }) => {
    const out: { labels: Record<string, string>; value?: number; buckets?: [number, number][]; quantiles?: [number, number][]; sum?: number; count?: number } = { labels: Object.fromEntries(labels) };
    if (g.type === 'histogram') {
      out.buckets = lastWins(m.buckets?.map((b) => ({ k: b.upperBound, v: b.cumulativeCount })));
      out.sum = m.sum ?? 0;
      out.count = m.count ?? 0;
    } else if (g.type === 'summary') {
      out.quantiles = lastWins(m.quantiles?.map((q) => ({ k: q.quantile, v: q.value })));
      out.sum = m.sum ?? 0;
      out.count = m.count ?? 0;
    } else out.value = m.value ?? 0;
    return out;
  });
  if (g.type === 'histogram' || g.type === 'summary') {
    const what = g.type === 'histogram' ? 'buckets' : 'quantiles';
    // The bounds (quantiles) most series have are the family's; ties go to the first seen.
    const counts = new Map<string, number>();
    for (const s of series) if (!(s.buckets ?? s.quantiles ?? []).some(([x]) => Number.isNaN(x))) counts.set(keysOf(s), (counts.get(keysOf(s)) ?? 0) + 1);
    let keys: string | undefined;
    for (const [k, c] of counts) if (keys === undefined || c > counts.get(keys)!) keys = k;
    const kept: ConstSeries[] = [];
    for (const s of series) {
      const k = keysOf(s);
      const nan = (s.buckets ?? s.quantiles ?? []).some(([x]) => Number.isNaN(x));
      if (nan || k !== keys) {
        problems.push(`${g.type} ${goQuote(g.name)}: series {${labelsText(Object.entries(s.labels ?? {}))}} left out: its ${what} ${nan ? 'include NaN' : `${k} differ from the family's ${keys}`} (every series of a family needs the same ${what} here)`);
        continue;
      }
      kept.push(s);
    }
    series = kept;
  }
  return { name: g.name, help: g.help, type: g.type, series };
}

/**
 * Combines parsed files, in the order node_exporter reads them (directories in the order
 * given, files sorted by name), into the families it would serve.
 */
export function gatherTextfiles(files: readonly ParsedTextfile[]): TextfileGather {
  const problems: string[] = [];
  // Within a file Go visits families in map order (random); name order keeps runs reproducible.
  const perFile = files.map((f) => ({ path: f.path, families: [...f.families.values()].sort((a, b) => compareGo(a.name, b.name)) }));
  const filesOf = new Map<string, string[]>();
  for (const f of perFile) for (const fam of f.families) filesOf.set(fam.name, [...(filesOf.get(fam.name) ?? []), f.path]);

  const byName = new Map<string, Gathered>();
  const hashes = new Set<string>();
  for (const f of perFile) {
    for (const fam of f.families) {
      const help = fam.help ?? `Metric read from ${filesOf.get(fam.name)!.join(', ')}`;
      const type = fam.type;
      const allNames = new Set<string>();
      for (const m of fam.metrics) for (const l of m.labels) allNames.add(l.name);
      for (const m of fam.metrics) {
        const given = new Map(m.labels.map((l) => [l.name, l.value]));
        const labels: [string, string][] = [...allNames].sort(compareGo).map((n) => [n, given.get(n) ?? '']);
        const shown = `${fam.name} {${labelsText(labels)}}`;
        const reserved = labels.find(([n]) => n.startsWith('__'));
        if (reserved) {
          problems.push(`${goQuote(reserved[0])} is not a valid label name for metric ${goQuote(fam.name)}: series left out`);
          continue;
        }
        let g = byName.get(fam.name);
        if (g) {
          if (g.help !== help) {
            problems.push(`collected metric ${shown} has help ${goQuote(help)} but should have ${goQuote(g.help)}`);
            continue;
          }
          if (g.type !== type) {
            problems.push(`collected metric ${shown} should be a ${GO_TYPE_NAMES[g.type]}`);
            continue;
          }
        } else {
          const collision = suffixCollision(fam.name, type, byName);
          if (collision !== undefined) {
            problems.push(collision);
            continue;
          }
          g = { name: fam.name, help, type, series: [] };
          byName.set(fam.name, g);
        }
        const hash = JSON.stringify([fam.name, labels]);
        if (hashes.has(hash)) {
          problems.push(`collected metric ${goQuote(fam.name)} {${labelsText(labels)}} was collected before with the same name and label values`);
          continue;
        }
        hashes.add(hash);
        g.series.push({ labels, metric: m });
      }
    }
  }
  const families: ConstFamily[] = [];
  for (const name of [...byName.keys()].sort(compareGo)) {
    const g = byName.get(name)!;
    if (g.series.length === 0) continue;
    g.series.sort(compareSeries);
    const c = toConst(g, problems);
    if (c.series.length > 0) families.push(c);
  }
  return { families, problems };
}
