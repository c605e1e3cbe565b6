/**
 * The synthetic target's generator: one call per collector run, in whichever pool thread runs
 * it, writing straight into the shared store through `ctx.direct`.
 *
 * Everything it needs from one run to the next is in the collector's shared state (a Float64
 * array every pool thread sees): what is applied (metric cycle, series cycle, series per
 * metric, value epoch), the change in progress and how far it got, the store family of each
 * metric slot, and the table of series references (metric slot × series id: 8 bytes a series). A change is applied in steps that each stop after a time budget and resume at
 * the next run, so no run holds a pool thread for long, whatever the series count:
 *
 *   1. remove: metric-name churn redeclares each family under its new name (its series go, its
 *      slot and rows stay for the new ones); series churn removes the old cycle's series; a
 *      smaller count removes the series past it;
 *   2. create: the target's series are created, each new one with a first value;
 *   3. values: at each value tick every series gets a new value (gauges are set, counters
 *      increase, histograms and summaries observe one value), 0 to 99 as in avalanche.
 *
 * The store reuses the rows of removed series (after its two-second quarantine), and the slot
 * of a renamed family, so memory stays flat across churn cycles: after the first cycle the
 * store holds at most two cycles' rows.
 */
import type { DirectFamily, DirectStore } from '../collector/direct.js';
import {
  KINDS,
  maxSeriesPerMetric,
  metricSpec,
  metricTotal,
  seriesLabelText,
  seriesPrefix,
  slotKind,
  targetAt,
  type MetricKind,
  type SyntheticConfig,
  type SyntheticTarget,
} from './config.js';

const enum H {
  Magic = 0,
  MetricCycle = 1,
  SeriesCycle = 2,
  Series = 3,
  ValueEpoch = 4,
  Step = 5,
  Cursor = 6,
  TargetMetricCycle = 7,
  TargetSeriesCycle = 8,
  TargetSeries = 9,
  TargetValueEpoch = 10,
  Metrics = 12,
  MaxSeries = 13,
}
const HEADER = 64;
const MAGIC = 0x5e7;

const enum Step {
  Idle = 0,
  Remove = 1,
  Create = 2,
  Values = 3,
}

/** Time a run spends on a change before it leaves the rest to the next run. */
export const DEFAULT_BUDGET_MS = 250;
/** How many series between two looks at the clock. */
const CHECK_EVERY = 256;

export interface GeneratorRun {
  /** Unix ms of the run (default Date.now()). */
  readonly nowMs?: number;
  /** Time budget of this run (default DEFAULT_BUDGET_MS). */
  readonly budgetMs?: number;
  readonly signal?: AbortSignal;
  /** Random integer 0..99 (tests pass a fixed one). */
  readonly random?: () => number;
}

export interface GeneratorReport {
  /** Where the target should be now. */
  readonly target: SyntheticTarget;
  /** True while a change is still being applied (it goes on at the next run). */
  readonly pending: boolean;
  /** What is applied. */
  readonly metricCycle: number;
  readonly seriesCycle: number;
  readonly valueEpoch: number;
  readonly seriesPerMetric: number;
}

const defaultRandom = (): number => (Math.random() * 100) | 0;

/** Runs the generator for one collector run. */
export function runGenerator(direct: DirectStore, c: SyntheticConfig, run: GeneratorRun = {}): GeneratorReport {
  const M = metricTotal(c);
  const maxN = Math.max(1, maxSeriesPerMetric(c));
  const famBase = HEADER;
  const tableBase = HEADER + M;
  const tableSize = M * maxN;
  const st = direct.state(tableBase + tableSize);
  if (st[H.Magic] !== MAGIC) {
    st.fill(0, 0, tableBase);
    st[H.MetricCycle] = -1;
    st[H.SeriesCycle] = -1;
    st[H.Series] = 0;
    st[H.ValueEpoch] = -1;
    st[H.Metrics] = M;
    st[H.MaxSeries] = maxN;
    st[H.Magic] = MAGIC;
  }
  const now = run.nowMs ?? Date.now();
  const target = targetAt(c, now - direct.createdAtMs);
  const deadline = performance.now() + (run.budgetMs ?? DEFAULT_BUDGET_MS);
  const random = run.random ?? defaultRandom;
  const out = (): boolean => performance.now() > deadline || run.signal?.aborted === true;

  const families: (DirectFamily | undefined)[] = new Array<DirectFamily | undefined>(M);
  const familyOf = (slot: number): DirectFamily | undefined => {
    let f = families[slot];
    if (f === undefined) {
      const id = st[famBase + slot]! - 1;
      if (id >= 0) families[slot] = f = direct.familyById(id);
    }
    return f;
  };
  const kinds: MetricKind[] = [];
  for (let slot = 0; slot < M; slot++) kinds.push(slotKind(c, slot).kind);
  const write = (f: DirectFamily, kind: MetricKind, ref: number): void => {
    const v = random();
    if (kind === 'gauge') f.set(ref, v);
    else if (kind === 'counter') f.add(ref, v);
    else f.observe(ref, v);
  };

  // Each run makes progress, whatever its budget: the checks below stop only after some work.
  let worked = false;
  for (;;) {
    const step = st[H.Step]! as Step;
    if (step === Step.Idle) {
      if (st[H.MetricCycle] !== target.metricCycle || st[H.SeriesCycle] !== target.seriesCycle || st[H.Series] !== target.seriesPerMetric) {
        st[H.TargetMetricCycle] = target.metricCycle;
        st[H.TargetSeriesCycle] = target.seriesCycle;
        st[H.TargetSeries] = target.seriesPerMetric;
        st[H.Cursor] = 0;
        st[H.Step] = Step.Remove;
        continue;
      }
      if (c.valueIntervalMs > 0 && target.valueEpoch > st[H.ValueEpoch]!) {
        st[H.TargetValueEpoch] = target.valueEpoch;
        st[H.Cursor] = 0;
        st[H.Step] = Step.Values;
        continue;
      }
      break;
    }
    if (worked && out()) break;
    worked = true;

    const mc = st[H.MetricCycle]!;
    const sc = st[H.SeriesCycle]!;
    const n = st[H.Series]!;
    const tmc = st[H.TargetMetricCycle]!;
    const tsc = st[H.TargetSeriesCycle]!;
    const tn = st[H.TargetSeries]!;
    const cur = tableBase;
    let cursor = st[H.Cursor]!;
    const begin = cursor;

    if (step === Step.Remove) {
      let done = false;
      if (tmc !== mc) {
        // New metric names: each slot's family is renamed (its series go) or declared.
        for (; cursor < M; cursor++) {
          if (cursor !== begin && cursor % 4 === 0 && out()) break;
          const { kind, id } = slotKind(c, cursor);
          const spec = metricSpec(c, kind, tmc, id);
          const f = familyOf(cursor);
          if (f !== undefined) f.redeclare(spec);
          else {
            const nf = direct.family(spec);
            families[cursor] = nf;
            st[famBase + cursor] = nf.id + 1;
          }
        }
        done = cursor >= M;
      } else if (tsc !== sc || tn < n) {
        // Series churn: the old cycle's series go. A smaller count: the series past it go.
        const from = tsc !== sc ? 0 : tn;
        const per = n - from;
        const prefix = seriesPrefix(c, sc);
        for (; cursor < M * per; cursor++) {
          if (cursor !== begin && cursor % CHECK_EVERY === 0 && out()) break;
          const slot = Math.floor(cursor / per);
          familyOf(slot)?.remove(seriesLabelText(prefix, from + (cursor % per)));
        }
        done = cursor >= M * per;
      } else done = true;
      if (!done) {
        st[H.Cursor] = cursor;
        break;
      }
      st[H.Cursor] = 0;
      st[H.Step] = Step.Create;
      continue;
    }

    if (step === Step.Create) {
      const keep = tmc === mc && tsc === sc ? Math.min(n, tn) : 0;
      const prefix = seriesPrefix(c, tsc);
      for (; cursor < M * tn; cursor++) {
        if (cursor !== begin && cursor % CHECK_EVERY === 0 && out()) break;
        const slot = Math.floor(cursor / tn);
        const i = cursor % tn;
        const f = familyOf(slot);
        if (f === undefined) continue;
        const at = slot * maxN + i;
        // A series kept from the applied set keeps its reference (same slot of the table).
        if (i < keep && f.isCurrent(st[cur + at]!)) continue;
        const before = f.size();
        const ref = f.series(seriesLabelText(prefix, i));
        st[cur + at] = ref;
        if (f.size() > before) write(f, kinds[slot]!, ref);
      }
      if (cursor < M * tn) {
        st[H.Cursor] = cursor;
        break;
      }
      st[H.MetricCycle] = tmc;
      st[H.SeriesCycle] = tsc;
      st[H.Series] = tn;
      // The new series got their first value: this epoch's values are in for them.
      if (st[H.ValueEpoch]! < 0) st[H.ValueEpoch] = target.valueEpoch;
      st[H.Cursor] = 0;
      st[H.Step] = Step.Idle;
      continue;
    }

    // Step.Values: a new value for every series.
    for (; cursor < M * n; cursor++) {
      if (cursor !== begin && cursor % CHECK_EVERY === 0 && out()) break;
      const slot = Math.floor(cursor / n);
      const f = familyOf(slot);
      const ref = st[cur + slot * maxN + (cursor % n)]!;
      if (f !== undefined && f.isCurrent(ref)) write(f, kinds[slot]!, ref);
    }
    if (cursor < M * n) {
      st[H.Cursor] = cursor;
      break;
    }
    st[H.ValueEpoch] = st[H.TargetValueEpoch]!;
    st[H.Cursor] = 0;
    st[H.Step] = Step.Idle;
  }

  return {
    target,
    pending: st[H.Step] !== Step.Idle,
    metricCycle: st[H.MetricCycle]!,
    seriesCycle: st[H.SeriesCycle]!,
    valueEpoch: st[H.ValueEpoch]!,
    seriesPerMetric: st[H.Series]!,
  };
}

/** Series per kind the target serves once pending changes are applied. */
export function seriesByKind(c: SyntheticConfig, seriesPerMetric: number): Record<MetricKind, number> {
  const out = {} as Record<MetricKind, number>;
  for (const k of KINDS) out[k] = c.metrics[k] * seriesPerMetric;
  return out;
}
