/**
 * Discovery's piscina task: imports one collector file and returns the serialisable part of
 * its definition. It runs in a thread of its own so that a collector module's top-level code
 * (a loop, a `process.exit()`) never runs on the main thread.
 */
import { importCollectorModule } from './load.js';
import type { CollectorDescription } from './spec.js';

export type DescribeResult = { readonly ok: true; readonly description: CollectorDescription } | { readonly ok: false; readonly message: string };

/** Copies the known fields of a definition, leaving out `collect` and anything else. */
export function describeDefinition(def: unknown): CollectorDescription {
  if (typeof def !== 'object' || def === null) throw new TypeError('the default export is not a collector: use `export default defineCollector({...})`');
  const d = def as Record<string, unknown>;
  if (typeof d.collect !== 'function') throw new TypeError('the default export has no collect() function');
  const out: Record<string, unknown> = { name: d.name, metrics: d.metrics };
  for (const k of ['defaultEnabled', 'intervalMs', 'timeoutMs', 'help', 'options']) if (d[k] !== undefined) out[k] = d[k];
  return structuredClone(out) as unknown as CollectorDescription;
}

export default async function describeCollectorFile(url: string): Promise<DescribeResult> {
  try {
    const mod = await importCollectorModule(url);
    return { ok: true, description: describeDefinition(mod.default) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}
