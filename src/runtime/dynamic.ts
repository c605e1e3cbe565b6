/**
 * Const families (`ctx.emit`) and run warnings (`ctx.warn`): the part of the collector contract
 * for metrics only known at run time (the textfile collector's families read from files).
 *
 * They do not go through the store: the store holds families declared up front, with a fixed
 * type, labels and buckets, while these are whole families of any type (`untyped` included,
 * summaries with given quantile values), replaced by every run. So:
 * - worker side (`DynamicRun`): `emit` checks a family and converts it to a FamilySnapshot in
 *   the worker; what a successful run emitted travels back with the task's result;
 * - main side (`DynamicFamilies`): keeps the families of each collector's latest successful run
 *   (none after a failed run, as for the collector's gauges), leaves out a family whose name is
 *   taken by a declared metric or another collector's family, logs new warnings once, and
 *   hands the families to the registry, which renders them after its own.
 */
import type { Logger } from 'pino';
import { constFamilyNames, constFamilySnapshot, type ConstFamily } from '../collector/const-family.js';
import type { FamilySnapshot } from '../exposition/snapshot.js';
import type { Registry } from '../registry.js';
import { exposedNames, SELF_PREFIX } from './spec.js';

/** What a successful run emitted, as it crosses back to the main thread. */
export interface DynamicOutput {
  readonly families: readonly FamilySnapshot[];
  readonly warnings: readonly string[];
}

const MAX_WARNINGS = 100;
const MAX_WARNING_CHARS = 1000;

/** Worker side: the `emit` and `warn` of one run. */
export class DynamicRun {
  readonly #families = new Map<string, FamilySnapshot>();
  readonly #warnings: string[] = [];
  #open = true;

  /** The functions added to the run's CollectContext. */
  context(): { emit: (family: ConstFamily) => void; warn: (message: string) => void } {
    return {
      emit: (family) => {
        if (!this.#open) throw new Error(`family "${String(family?.name)}" emitted after collect() returned: emit is valid for one run only`);
        const snapshot = constFamilySnapshot(family);
        if (snapshot.name.startsWith(SELF_PREFIX)) throw new TypeError(`const family "${snapshot.name}": names starting with ${SELF_PREFIX} are reserved for the exporter's self-metrics`);
        if (this.#families.has(snapshot.name)) throw new TypeError(`const family "${snapshot.name}" emitted twice in one run`);
        this.#families.set(snapshot.name, snapshot);
      },
      warn: (message) => {
        if (!this.#open || this.#warnings.length >= MAX_WARNINGS) return;
        const m = String(message);
        this.#warnings.push(m.length > MAX_WARNING_CHARS ? m.slice(0, MAX_WARNING_CHARS) + '…' : m);
      },
    };
  }

  close(): void {
    this.#open = false;
  }

  /** What to send back with a successful run (undefined when the run emitted and warned nothing). */
  output(): DynamicOutput | undefined {
    if (this.#families.size === 0 && this.#warnings.length === 0) return undefined;
    return { families: [...this.#families.values()], warnings: this.#warnings };
  }
}

/** Main side: the current const families of every collector, and their warnings. */
export class DynamicFamilies {
  readonly #registry: Registry;
  readonly #logger: Logger;
  /** Collector → families of its latest successful run (in collector order of first result). */
  readonly #families = new Map<string, readonly FamilySnapshot[]>();
  /** Collector → warnings of its latest run, to log only new ones. */
  readonly #warned = new Map<string, Set<string>>();

  constructor(registry: Registry, logger: Logger) {
    this.#registry = registry;
    this.#logger = logger;
    registry.addFamilySource(() => this.families());
  }

  /** Every collector's current families. */
  *families(): Iterable<FamilySnapshot> {
    for (const fs of this.#families.values()) yield* fs;
  }

  /** Takes a finished run: its families replace the collector's (none unless it succeeded). */
  record(collector: string, ok: boolean, output: DynamicOutput | undefined): void {
    if (!ok) {
      this.#families.delete(collector);
      return;
    }
    const warnings = [...(output?.warnings ?? [])];
    const families = output?.families ?? [];
    let kept: FamilySnapshot[] = [];
    if (families.length > 0) {
      const taken = this.#takenNames(collector);
      for (const f of families) {
        const clash = constFamilyNames(f.name, f.type).find((n) => taken.has(n));
        if (clash !== undefined) {
          warnings.push(`family "${f.name}" left out: the name "${clash}" is already exposed by ${taken.get(clash)}`);
          continue;
        }
        kept.push(f);
      }
    } else kept = [];
    if (kept.length > 0) this.#families.set(collector, kept);
    else this.#families.delete(collector);
    this.#logNew(collector, warnings);
  }

  /** Exposed names owned by declared families (any thread's) and by other collectors' families. */
  #takenNames(collector: string): Map<string, string> {
    const taken = new Map<string, string>();
    const store = this.#registry.store;
    const n = store.familyCount();
    for (let f = 0; f < n; f++) {
      if (store.isRetired(f)) continue;
      for (const name of exposedNames(store.family(f))) taken.set(name, `declared metric "${store.family(f).name}"`);
    }
    for (const [other, fs] of this.#families) {
      if (other === collector) continue;
      for (const f of fs) for (const name of constFamilyNames(f.name, f.type)) taken.set(name, `collector "${other}"`);
    }
    return taken;
  }

  #logNew(collector: string, warnings: readonly string[]): void {
    const before = this.#warned.get(collector);
    const now = new Set(warnings);
    for (const w of now) if (!before?.has(w)) this.#logger.warn({ collector, warning: w }, 'collector warning');
    if (now.size > 0) this.#warned.set(collector, now);
    else this.#warned.delete(collector);
  }
}
