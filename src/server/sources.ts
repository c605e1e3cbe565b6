/**
 * Everything `/metrics` serves, gathered into one list of families: our registries (the
 * collector runtime's, the server's own self-metrics) and any prom-client registries added
 * (default process metrics, an application's own during a gradual move).
 *
 * Two sources must not expose the same name: that would be two families of one name in a
 * scrape, which Prometheus rejects. "The same name" includes the sample names a family writes
 * (`foo_bucket` of a histogram `foo`, `foo_total` of an OpenMetrics counter `foo`). A clash is an
 * error when a source is added; families that appear later (a worker declaring a metric) are
 * checked at each render, and the later source's family is left out with one warning.
 */
import { openMetricsCounterFamilyName } from '../exposition/openmetrics.js';
import type { FamilySnapshot, MetricType } from '../exposition/snapshot.js';
import type { Registry } from '../registry.js';
import { plannedName, plannedType, type PlannedFamily } from '../render/plan.js';
import { familiesFromPromClient, type PromClientMetricJson } from './prom-client-families.js';

/** The part of prom-client's Registry we use (a prom-client `Registry` fits). */
export interface PromClientRegistryLike {
  getMetricsAsJSON(): Promise<readonly PromClientMetricJson[]> | readonly PromClientMetricJson[];
  getMetricsAsArray(): readonly { name: string; type?: unknown }[];
}

interface Source {
  /** For messages: "the atomic-exporter registry", "prom-client registry 1". */
  readonly label: string;
  /** Names and types known now, for the clash check when a source is added. */
  declared(): { name: string; type: MetricType }[];
  gather(): Promise<FamilySnapshot[]>;
  /** The families as a render plan (store families left in the store: src/render/). */
  plan(): Promise<PlannedFamily[]>;
}

const KNOWN_TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary']);

/** Every name a family's samples and metadata use, in either format. */
export function claimedNames(name: string, type: MetricType): string[] {
  switch (type) {
    case 'counter': {
      const base = openMetricsCounterFamilyName(name);
      return [base, base + '_total'];
    }
    case 'histogram':
      return [name, name + '_bucket', name + '_sum', name + '_count'];
    case 'summary':
      return [name, name + '_sum', name + '_count'];
    default:
      return [name];
  }
}

/** Thrown when two sources expose the same metric name. */
export class MetricNameClashError extends Error {
  override readonly name = 'MetricNameClashError';
  readonly code = 'ATOMIC_EXPORTER_METRIC_NAME_CLASH';
  constructor(
    readonly metric: string,
    readonly sources: readonly [string, string],
  ) {
    super(`metric name "${metric}" is exposed by both ${sources[0]} and ${sources[1]}; rename or remove one of them`);
  }
}

export class Sources {
  readonly #sources: Source[] = [];
  readonly #warned = new Set<string>();
  #promClientCount = 0;
  readonly #warn: (message: string) => void;

  constructor(warn: (message: string) => void) {
    this.#warn = warn;
  }

  addRegistry(registry: Registry, label: string): void {
    this.#add({
      label,
      declared: () => registry.renderPlanNow().map((p) => ({ name: plannedName(p), type: plannedType(p) })),
      gather: () => registry.snapshots(),
      plan: () => registry.renderPlan(),
    });
  }

  /** Adds a prom-client registry; throws MetricNameClashError if a name is already served. */
  addPromClientRegistry(registry: PromClientRegistryLike, description?: string): void {
    const n = ++this.#promClientCount;
    this.#add({
      label: `prom-client registry ${n}${description ? ` (${description})` : ''}`,
      declared: () =>
        registry.getMetricsAsArray().map((m) => ({
          name: m.name,
          type: (KNOWN_TYPES.has(String(m.type)) ? String(m.type) : 'untyped') as MetricType,
        })),
      gather: async () => familiesFromPromClient(await registry.getMetricsAsJSON()),
      plan: async () => familiesFromPromClient(await registry.getMetricsAsJSON()).map((family) => ({ kind: 'snapshot', family }) as const),
    });
  }

  #add(source: Source): void {
    const owners = this.#owners(this.#sources);
    for (const { name, type } of source.declared()) {
      for (const claimed of claimedNames(name, type)) {
        const owner = owners.get(claimed);
        if (owner !== undefined) throw new MetricNameClashError(owner.family, [owner.source, source.label]);
      }
    }
    this.#sources.push(source);
  }

  /** Re-runs the clash check over every source (for a startup check after collectors declared their metrics). */
  check(): void {
    this.#owners(this.#sources, true);
  }

  #owners(sources: readonly Source[], throwOnClash = false): Map<string, { source: string; family: string }> {
    const owners = new Map<string, { source: string; family: string }>();
    for (const s of sources) {
      for (const { name, type } of s.declared()) {
        for (const claimed of claimedNames(name, type)) {
          const owner = owners.get(claimed);
          if (owner === undefined) owners.set(claimed, { source: s.label, family: name });
          else if (throwOnClash && owner.source !== s.label) throw new MetricNameClashError(owner.family, [owner.source, s.label]);
        }
      }
    }
    return owners;
  }

  /** All families, in source order; a family clashing with an earlier source's is left out. */
  async gather(): Promise<FamilySnapshot[]> {
    return this.#merge(await Promise.all(this.#sources.map((s) => s.gather())), (f) => f);
  }

  /** The same as a render plan: store families stay in their store (src/render/). */
  async plan(): Promise<PlannedFamily[]> {
    return this.#merge(await Promise.all(this.#sources.map((s) => s.plan())), (p) => ({ name: plannedName(p), type: plannedType(p) }));
  }

  #merge<T>(parts: T[][], id: (f: T) => { name: string; type: MetricType }): T[] {
    if (parts.length === 1) return parts[0]!;
    const owner = new Map<string, number>();
    const out: T[] = [];
    for (let i = 0; i < parts.length; i++) {
      for (const item of parts[i]!) {
        const f = id(item);
        const claims = claimedNames(f.name, f.type);
        const clash = claims.find((c) => {
          const o = owner.get(c);
          return o !== undefined && o !== i;
        });
        if (clash !== undefined) {
          this.#warnOnce(f.name, this.#sources[owner.get(clash)!]!.label, this.#sources[i]!.label);
          continue;
        }
        for (const c of claims) owner.set(c, i);
        out.push(item);
      }
    }
    return out;
  }

  #warnOnce(name: string, kept: string, dropped: string): void {
    if (this.#warned.has(name)) return;
    this.#warned.add(name);
    this.#warn(`metric name "${name}" is exposed by both ${kept} and ${dropped}; serving the one from ${kept} only`);
  }
}
