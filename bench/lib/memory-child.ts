/** Runs in the child of memory.ts's measureMemory: baseline, build, keep, sample. */
import { keepAlive, memoryDelta, memorySample, type MemoryResult, type MemoryWorkload } from './memory.js';

export async function measure(a: { module: string; exportName: string; args: unknown }): Promise<MemoryResult> {
  const mod = (await import(a.module)) as Record<string, (args: unknown) => MemoryWorkload | Promise<MemoryWorkload>>;
  const build = mod[a.exportName];
  if (typeof build !== 'function') throw new Error(`${a.module} has no exported function ${a.exportName}`);
  const before = memorySample();
  const w = await build(a.args);
  const after = memorySample(w.sharedBytes?.() ?? 0);
  keepAlive(w.keep);
  return { delta: memoryDelta(before, after) };
}
