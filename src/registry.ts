import { formatLabelPairs } from './exposition/escape.js';
import { OPENMETRICS_CONTENT_TYPE, renderOpenMetrics } from './exposition/openmetrics.js';
import type { FamilySnapshot } from './exposition/snapshot.js';
import { TEXT_CONTENT_TYPE, renderText } from './exposition/text.js';
import type { LabelValues } from './metrics/labels.js';
import { setDefaultHost, type MetricHost, type MetricObjectWithValues, type RegistrableMetric } from './metrics/metric.js';
import { familyJson } from './metrics/json.js';
import { checkLabelNames } from './metrics/validate.js';
import type { PlannedFamily } from './render/plan.js';
import { renderToString } from './render/to-string.js';
import { batchWaitStep } from './store/batch-wait.js';
import { snapshotFamily, viewOf, type FallbackLabel, type StoreView } from './store/snapshot.js';
import { Store, type FamilyDefinition, type StoreHandle } from './store/store.js';

export type RegistryContentType = typeof TEXT_CONTENT_TYPE | typeof OPENMETRICS_CONTENT_TYPE;

/** A metric as a registry holds it: anything with a family in a store, and prom-client's methods. */
export interface RegisteredMetric extends RegistrableMetric {
  reset(): void;
  get(): Promise<MetricObjectWithValues<string>>;
}

/** Per-metric cardinality, for self-metrics. */
export interface Cardinality {
  metric: string;
  series: number;
  dropped: number;
}

const DROPPED_FAMILY = 'atomic_exporter_series_dropped_total';
/** Longest a render waits for batches being applied (see #wholeBatches). */
const BATCH_WAIT_MS = 25;

/**
 * How many registries hold each metric. A metric can be in several (`registers: [a, b]`);
 * removing it from one must not take its values from the others, so its family is retired (its
 * series dropped) only when the last registry lets go.
 */
const holders = new WeakMap<RegistrableMetric, number>();

/**
 * A set of metrics rendered together, with prom-client's Registry API.
 *
 * A registry owns a store (shared memory). `share()` gives a handle for another thread and
 * `Registry.attach(handle)` there returns a registry on the same store: metrics declared there
 * with the same definition bind to the same families, and families declared only there are
 * rendered here too.
 */
export class Registry implements MetricHost {
  static readonly PROMETHEUS_CONTENT_TYPE = TEXT_CONTENT_TYPE;
  static readonly OPENMETRICS_CONTENT_TYPE = OPENMETRICS_CONTENT_TYPE;

  #store: Store | undefined;
  #metrics = new Map<string, RegisteredMetric>();
  /** Other registries' stores whose worker-declared families this one renders too (merge). */
  #sources: Registry[] = [];
  #contentType: RegistryContentType;
  #defaultLabels: Record<string, string> = {};
  /** Families of this registry's store removed from it but still held by another registry: not rendered here. */
  #hidden = new Set<number>();
  /** Families from outside the store (see addFamilySource). */
  #familySources: (() => Iterable<FamilySnapshot>)[] = [];

  #omitEmptyFamilies = false;

  /**
   * `omitEmptyFamilies`: leave families without series out of the output, as client_golang and
   * node_exporter do (prom-client, and so the default here, writes their HELP and TYPE).
   */
  constructor(contentType: RegistryContentType = TEXT_CONTENT_TYPE, options: { omitEmptyFamilies?: boolean } = {}) {
    this.#contentType = Registry.#checkContentType(contentType);
    this.#omitEmptyFamilies = options.omitEmptyFamilies ?? false;
  }

  static #checkContentType(t: string): RegistryContentType {
    if (t !== TEXT_CONTENT_TYPE && t !== OPENMETRICS_CONTENT_TYPE) throw new TypeError(`Content type ${t} is unsupported`);
    return t;
  }

  /** The shared store this registry's metrics live in (created on first use). */
  get store(): Store {
    this.#store ??= Store.create();
    return this.#store;
  }

  get contentType(): RegistryContentType {
    return this.#contentType;
  }

  setContentType(t: RegistryContentType): void {
    this.#contentType = Registry.#checkContentType(t);
  }

  /** A handle to post to a worker thread; `Registry.attach(handle)` there maps the same store. */
  share(): StoreHandle {
    return this.store.share();
  }

  static attach(handle: StoreHandle, contentType?: RegistryContentType): Registry {
    const r = new Registry(contentType);
    r.#store = Store.attach(handle);
    return r;
  }

  /**
   * Tells the store that a thread which wrote to it has ended, so its shard can be reused.
   * Its values stay counted.
   */
  releaseThread(threadId: number): void {
    this.#store?.releaseThread(threadId);
  }

  registerMetric(metric: RegistrableMetric): void {
    const existing = this.#metrics.get(metric.name);
    if (existing === metric) return;
    if (existing) throw new Error(`A metric with the name ${metric.name} has already been registered.`);
    this.#metrics.set(metric.name, metric as RegisteredMetric);
    holders.set(metric, (holders.get(metric) ?? 0) + 1);
    if (metric.store === this.#store) this.#hidden.delete(metric.familyId);
  }

  getSingleMetric(name: string): RegisteredMetric | undefined {
    const own = this.#metrics.get(name);
    if (own) return own;
    for (const r of this.#sources) {
      const m = r.getSingleMetric(name);
      if (m) return m;
    }
    return undefined;
  }

  /** The metrics of this registry, and of the registries it merges. */
  getMetricsAsArray(): RegisteredMetric[] {
    return [...this.#allMetrics()];
  }

  removeSingleMetric(name: string): void {
    const m = this.#metrics.get(name);
    if (!m) return;
    this.#metrics.delete(name);
    const left = (holders.get(m) ?? 1) - 1;
    holders.set(m, left);
    if (left === 0) m.store.retireFamily(m.familyId);
    else if (m.store === this.#store) this.#hidden.add(m.familyId);
  }

  clear(): void {
    for (const name of [...this.#metrics.keys()]) this.removeSingleMetric(name);
    const store = this.#store;
    if (store) for (let f = 0; f < store.familyCount(); f++) if (!store.isRetired(f) && !this.#hidden.has(f)) store.retireFamily(f);
    this.#defaultLabels = {};
  }

  resetMetrics(): void {
    for (const m of this.#metrics.values()) m.reset();
  }

  /** Labels added to every series that does not already have a label of that name. */
  setDefaultLabels(labels: LabelValues): void {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(labels)) {
      checkLabelNames('default labels', [k], []);
      out[k] = String(v);
    }
    this.#defaultLabels = out;
  }

  /**
   * Snapshots of every family: this registry's metrics, then families that other threads
   * declared in its store (or in the stores of merged registries).
   */
  async snapshots(): Promise<FamilySnapshot[]> {
    await Promise.all([...this.#allMetrics()].map((m) => m.runCollect()));
    return this.#wholeBatches();
  }

  /**
   * Snapshots that contain no half-applied batch (a collector run is applied as one batch):
   * waits while a batch is being applied and retries if one ended during the copy. Applying a
   * run takes microseconds to a few milliseconds; the wait is bounded so that a writer that died
   * mid-batch can delay a scrape by BATCH_WAIT_MS at most, never block it.
   */
  async #wholeBatches(): Promise<FamilySnapshot[]> {
    const stores = new Set<Store>([...this.#stores()].map(([s]) => s));
    for (const m of this.#allMetrics()) stores.add(m.store);
    const list = [...stores];
    const since = performance.now();
    const deadline = since + BATCH_WAIT_MS;
    for (;;) {
      const before = list.map((s) => s.batchState());
      if (before.some((b) => b.inFlight > 0) && performance.now() < deadline) {
        await batchWaitStep(since);
        continue;
      }
      const out = this.snapshotsNow();
      const torn = list.some((s, i) => {
        const after = s.batchState();
        return after.inFlight > 0 || after.ended !== before[i]!.ended;
      });
      if (!torn || performance.now() >= deadline) return out;
    }
  }

  /** The same without running `collect` hooks: synchronous, for callers that must not wait. */
  snapshotsNow(): FamilySnapshot[] {
    const nowMs = Date.now();
    const views = new Map<Store, StoreView>();
    const viewFor = (s: Store): StoreView => {
      let v = views.get(s);
      if (!v) views.set(s, (v = viewOf(s, nowMs)));
      return v;
    };
    const out: FamilySnapshot[] = [];
    const seen = new Set<string>();
    const dropped: Cardinality[] = [];
    const add = (store: Store, f: number): void => {
      const def = store.family(f);
      seen.add(def.name);
      out.push(this.#snapshot(viewFor(store), f, def));
      const d = store.familyDropped(f);
      if (d > 0) dropped.push({ metric: def.name, series: store.familyLiveSeries(f), dropped: d });
    };
    for (const m of this.#allMetrics()) add(m.store, m.familyId);
    for (const [store, hidden] of this.#stores()) {
      const n = store.familyCount();
      for (let f = 0; f < n; f++) {
        if (store.isRetired(f) || hidden.has(f) || seen.has(store.family(f).name)) continue;
        add(store, f);
      }
    }
    this.#addSourceFamilies(out, seen);
    if (dropped.length > 0 && !seen.has(DROPPED_FAMILY)) out.push(droppedFamily(dropped));
    return this.#omitEmptyFamilies ? out.filter((f) => f.labelTexts.length > 0) : out;
  }

  /**
   * The families a render takes, in the order snapshots() gives them, without copying the series
   * of store families out of shared memory (src/render/ writes those straight from the store).
   * Runs the `collect` hooks first, as snapshots() does.
   * @internal
   */
  async renderPlan(): Promise<PlannedFamily[]> {
    await Promise.all([...this.#allMetrics()].map((m) => m.runCollect()));
    return this.renderPlanNow();
  }

  /** renderPlan() without the `collect` hooks. @internal */
  renderPlanNow(): PlannedFamily[] {
    const out: PlannedFamily[] = [];
    const seen = new Set<string>();
    const dropped: Cardinality[] = [];
    const omit = this.#omitEmptyFamilies;
    const add = (store: Store, f: number): void => {
      const def = store.family(f);
      seen.add(def.name);
      const d = store.familyDropped(f);
      if (d > 0) dropped.push({ metric: def.name, series: store.familyLiveSeries(f), dropped: d });
      out.push({ kind: 'store', store, f, def, omitIfEmpty: omit, ...this.#labelsOf(def) });
    };
    for (const m of this.#allMetrics()) add(m.store, m.familyId);
    for (const [store, hidden] of this.#stores()) {
      const n = store.familyCount();
      for (let f = 0; f < n; f++) {
        if (store.isRetired(f) || hidden.has(f) || seen.has(store.family(f).name)) continue;
        add(store, f);
      }
    }
    const rest: FamilySnapshot[] = [];
    this.#addSourceFamilies(rest, seen);
    if (dropped.length > 0 && !seen.has(DROPPED_FAMILY)) rest.push(droppedFamily(dropped));
    for (const family of rest) if (!omit || family.labelTexts.length > 0) out.push({ kind: 'snapshot', family });
    return out;
  }

  /**
   * Renders the families `source()` returns, after the store's, with this registry's default
   * labels. A family whose name the store already has is left out. The collector runtime uses
   * this for the const families collectors emit (`ctx.emit`), which are not store families.
   * Returns a function that removes the source.
   * @internal
   */
  addFamilySource(source: () => Iterable<FamilySnapshot>): () => void {
    this.#familySources.push(source);
    return () => {
      this.#familySources = this.#familySources.filter((s) => s !== source);
    };
  }

  #addSourceFamilies(out: FamilySnapshot[], seen: Set<string>): void {
    const registries: Registry[] = [this, ...this.#sources];
    const defaults = Object.entries(this.#defaultLabels);
    for (const r of registries) {
      for (const source of r.#familySources) {
        for (const f of source()) {
          if (seen.has(f.name)) continue;
          seen.add(f.name);
          out.push(defaults.length === 0 ? f : withDefaultLabels(f, defaults));
        }
      }
    }
  }

  /** Series and drops per metric (for the exporter's self-metrics). */
  cardinality(): Cardinality[] {
    const out: Cardinality[] = [];
    const seen = new Set<string>();
    const add = (store: Store, f: number): void => {
      const name = store.family(f).name;
      if (seen.has(name)) return;
      seen.add(name);
      out.push({ metric: name, series: store.familyLiveSeries(f), dropped: store.familyDropped(f) });
    };
    for (const m of this.#allMetrics()) add(m.store, m.familyId);
    for (const [store, hidden] of this.#stores()) for (let f = 0; f < store.familyCount(); f++) if (!store.isRetired(f) && !hidden.has(f)) add(store, f);
    return out;
  }

  *#allMetrics(): Iterable<RegisteredMetric> {
    yield* this.#metrics.values();
    for (const r of this.#sources) yield* r.#allMetrics();
  }

  /** The stores to render families from, each with the families this registry does not show. */
  *#stores(): Iterable<[Store, ReadonlySet<number>]> {
    if (this.#store) yield [this.#store, this.#hidden];
    for (const r of this.#sources) yield* r.#stores();
  }

  /**
   * One family with this registry's default labels: a default label is added to every series
   * without a label of that name (const labels win; a declared label wins where it was given).
   */
  #snapshot(view: StoreView, f: number, def: FamilyDefinition): FamilySnapshot {
    const { defaultLabelText, fallbacks } = this.#labelsOf(def);
    return snapshotFamily(view, f, defaultLabelText, fallbacks);
  }

  /** This registry's default labels for one family: as label text, and those it declares. */
  #labelsOf(def: FamilyDefinition): { defaultLabelText: string; fallbacks: FallbackLabel[] } {
    const names: string[] = [];
    const values: string[] = [];
    const fallbacks: FallbackLabel[] = [];
    // A histogram's own `le` and a summary's own `quantile` win, as in prom-client: a default
    // label of that name would put the label twice on the line.
    const reserved = def.type === 'histogram' ? 'le' : def.type === 'summary' ? 'quantile' : undefined;
    for (const [k, v] of Object.entries(this.#defaultLabels)) {
      if (k === reserved || Object.hasOwn(def.constLabels, k)) continue;
      if (def.labelNames.includes(k)) {
        fallbacks.push({ name: k, text: formatLabelPairs([k], [v]) });
        continue;
      }
      names.push(k);
      values.push(v);
    }
    return { defaultLabelText: formatLabelPairs(names, values), fallbacks };
  }

  /** The exposition of every metric, in this registry's content type. */
  async metrics(): Promise<string> {
    return renderToString(await this.renderPlan(), this.#contentType === OPENMETRICS_CONTENT_TYPE ? 'openmetrics' : 'text');
  }

  render(families: Iterable<FamilySnapshot>, contentType: RegistryContentType = this.#contentType): string {
    return contentType === OPENMETRICS_CONTENT_TYPE ? renderOpenMetrics(families) : renderText(families);
  }

  async getSingleMetricAsString(name: string): Promise<string> {
    const m = this.getSingleMetric(name);
    if (m) {
      await m.runCollect();
      return this.render([this.#snapshot(viewOf(m.store), m.familyId, m.store.family(m.familyId))]);
    }
    // A family no Metric object of this thread holds (declared in a worker, emitted by a
    // collector) is still part of metrics(), so it is found here too.
    const family = (await this.snapshots()).find((f) => f.name === name);
    if (!family) throw new Error(`No metric named "${name}" in this registry`);
    return this.render([family]);
  }

  /** prom-client's `getMetricsAsJSON`: every metric's `get()`, with the default labels added. */
  async getMetricsAsJSON(): Promise<MetricObjectWithValues<string>[]> {
    const items = await Promise.all([...this.#allMetrics()].map((m) => m.get()));
    // Then the families metrics() renders that no Metric object of this thread holds (declared
    // in a worker, emitted by a collector, the dropped-series counter), in metrics()' order.
    // Their snapshots carry this registry's default labels already.
    const held = new Set(items.map((i) => i.name));
    for (const f of await this.#wholeBatches()) if (!held.has(f.name)) items.push(familyJson(f, 'sum'));
    const defaults = Object.entries(this.#defaultLabels);
    if (defaults.length === 0) return items;
    for (const item of items) {
      const reserved = item.type === 'histogram' ? 'le' : item.type === 'summary' ? 'quantile' : undefined;
      for (const v of item.values) {
        const labels: Partial<Record<string, string | number>> = { ...v.labels };
        for (const [k, value] of defaults) if (labels[k] === undefined && k !== reserved) labels[k] = value;
        v.labels = labels;
      }
    }
    return items;
  }

  /**
   * A registry rendering all of these (prom-client's `Registry.merge`). Names must be unique
   * across them.
   */
  static merge(registers: Registry[]): Registry {
    const contentType = registers[0]?.contentType;
    for (const r of registers) {
      if (r.contentType !== contentType) throw new Error('Registers can only be merged if they have the same content type');
    }
    const merged = new Registry(contentType);
    const names = new Set<string>();
    for (const r of registers) {
      for (const m of r.#metrics.values()) {
        if (names.has(m.name)) throw new Error(`Metric with name ${m.name} already exists in another merged registry`);
        names.add(m.name);
      }
    }
    merged.#sources = [...registers];
    return merged;
  }
}

/** A family with default labels added to the series that lack them (before their own labels). */
function withDefaultLabels(f: FamilySnapshot, defaults: readonly [string, string][]): FamilySnapshot {
  const labelTexts = f.labelTexts.map((own) => {
    const names: string[] = [];
    const values: string[] = [];
    for (const [k, v] of defaults) {
      if (own.startsWith(k + '="') || own.includes(',' + k + '="')) continue;
      names.push(k);
      values.push(v);
    }
    const prefix = formatLabelPairs(names, values);
    return prefix === '' ? own : own === '' ? prefix : prefix + ',' + own;
  });
  return { ...f, labelTexts };
}

function droppedFamily(rows: Cardinality[]): FamilySnapshot {
  return {
    name: DROPPED_FAMILY,
    help: 'Updates refused because the metric reached its series limit (maxSeries); each would have created a new series.',
    type: 'counter',
    labelTexts: rows.map((r) => formatLabelPairs(['metric'], [r.metric])),
    values: Float64Array.from(rows, (r) => r.dropped),
  };
}

/** The global registry, which metrics join when `registers` is not given (as in prom-client). */
export const register = new Registry();
setDefaultHost(register);
