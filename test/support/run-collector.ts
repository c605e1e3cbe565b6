/**
 * Test-only stand-in for the collector runtime (src/runtime/): runs one collector's `collect`
 * once, in this thread, with handles that write into a fresh Registry, and returns the text
 * exposition. It mirrors the runtime's observable contract for one successful run: only series
 * the run reported appear, a counter's `set` mirrors an external counter, and a family appears
 * only once the run wrote a series to it (node_exporter never prints a family without samples).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Counter, Gauge, Histogram, Registry, Summary } from '../../src/index.js';
import type { CollectorDefinition, HostPaths, MetricSpec } from '../../src/collector/define.js';
import type { LabelValues } from '../../src/metrics/labels.js';

export const DEFAULT_PATHS: HostPaths = { procfs: '/proc', sysfs: '/sys', rootfs: '/' };

export interface RunOptions {
  paths?: Partial<HostPaths>;
  /** Option values by key (as the collector declares them); defaults fill the rest. */
  options?: Record<string, unknown>;
  /** Aborts the run (the runtime's timeout). */
  signal?: AbortSignal;
}

type AnyMetric = Counter | Gauge | Histogram | Summary;

function split(a: LabelValues | number | undefined, b: number | undefined, fallback?: number): [LabelValues | undefined, number] {
  if (typeof a === 'object' && a !== null) return [a, b ?? fallback ?? NaN];
  return [undefined, (a as number | undefined) ?? fallback ?? NaN];
}

/** Handles for every spec of `def`, creating each family in `registry` on its first write. */
export function bindHandles(def: CollectorDefinition, registry: Registry): Record<string, unknown> {
  const created = new Map<string, AnyMetric>();
  const family = (spec: MetricSpec): AnyMetric => {
    let m = created.get(spec.name);
    if (m) return m;
    const base = {
      name: spec.name,
      help: spec.help,
      labelNames: [...(spec.labelNames ?? [])],
      constLabels: spec.constLabels ? { ...spec.constLabels } : undefined,
      registers: [registry],
    };
    switch (spec.type) {
      case 'counter': m = new Counter(base); break;
      case 'gauge':
      case 'untyped': m = new Gauge(base); break; // this stand-in has no untyped type: the runtime path has
      case 'histogram': m = new Histogram({ ...base, buckets: spec.buckets ? [...spec.buckets] : undefined }); break;
      case 'summary': m = new Summary({ ...base, percentiles: spec.percentiles ? [...spec.percentiles] : undefined, maxAgeSeconds: spec.maxAgeSeconds, ageBuckets: spec.ageBuckets }); break;
    }
    created.set(spec.name, m);
    return m;
  };
  const handles: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(def.metrics)) {
    switch (spec.type) {
      case 'counter':
        handles[key] = {
          inc: (a?: LabelValues | number, b?: number) => {
            const [l, v] = split(a, b, 1);
            (family(spec) as Counter).inc(l ?? {}, v);
          },
          // Mirrors an external monotonic counter: the series takes exactly this value.
          touch: (l?: LabelValues) => (family(spec) as Counter).inc(l ?? {}, 0),
          set: (a: LabelValues | number, b?: number) => {
            const [l, v] = split(a, b);
            const c = family(spec) as Counter;
            if (spec.labelNames?.length) c.remove(l ?? {});
            else c.reset();
            c.inc(l ?? {}, v);
          },
        };
        break;
      case 'gauge':
      case 'untyped':
        handles[key] = {
          set: (a: LabelValues | number, b?: number) => {
            const [l, v] = split(a, b);
            (family(spec) as Gauge).set(l ?? {}, v);
          },
          inc: (a?: LabelValues | number, b?: number) => {
            const [l, v] = split(a, b, 1);
            (family(spec) as Gauge).inc(l ?? {}, v);
          },
          touch: (l?: LabelValues) => (family(spec) as Gauge).inc(l ?? {}, 0),
          dec: (a?: LabelValues | number, b?: number) => {
            const [l, v] = split(a, b, 1);
            (family(spec) as Gauge).dec(l ?? {}, v);
          },
        };
        break;
      default:
        handles[key] = {
          touch: (l?: LabelValues) => {
            family(spec).labels(l ?? {});
          },
          observe: (a: LabelValues | number, b?: number) => {
            const [l, v] = split(a, b);
            (family(spec) as Histogram | Summary).observe(l ?? {}, v);
          },
        };
    }
  }
  return handles;
}

/** The option values a run gets: declared defaults, overridden by `given`. */
export function resolveOptions(def: CollectorDefinition, given: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, o] of Object.entries(def.options ?? {})) if (o.default !== undefined) out[k] = o.default;
  return { ...out, ...given };
}

/** Runs `collect` once into a fresh registry. Rejects with the collector's own error. */
export async function runCollector(def: CollectorDefinition, opts: RunOptions = {}): Promise<Registry> {
  const registry = new Registry();
  const metrics = bindHandles(def, registry);
  await def.collect({
    metrics: metrics as never,
    signal: opts.signal ?? new AbortController().signal,
    options: resolveOptions(def, opts.options),
    paths: { ...DEFAULT_PATHS, ...opts.paths },
  });
  return registry;
}

/** runCollector, then the text exposition. */
export async function collectText(def: CollectorDefinition, opts: RunOptions = {}): Promise<string> {
  return (await runCollector(def, opts)).metrics();
}

/** The repository's workers/ folder. */
export const WORKERS_DIR = fileURLToPath(new URL('../../workers/', import.meta.url));

/** Imports workers/<name>.ts and returns its default export. */
export async function loadCollector(name: string, dir = WORKERS_DIR): Promise<CollectorDefinition> {
  const mod = (await import(pathToFileURL(path.join(dir, `${name}.ts`)).href)) as { default?: CollectorDefinition };
  if (!mod.default || typeof mod.default.collect !== 'function') throw new Error(`${name}: no collector default export in ${dir}`);
  return mod.default;
}

/** Names of the collector files in `dir` (without extension). */
export function collectorFiles(dir = WORKERS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}
