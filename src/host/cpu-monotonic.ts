/**
 * node_exporter's cpu collector keeps the last value of each per-CPU time and never reports a
 * smaller one: some kernels (and hypervisors) make idle/iowait step backwards a little. If idle
 * drops by 3 s or more, the CPU was probably hot-plugged and its history is reset.
 */
import { CPU_MODES, type CpuTimes } from './proc-stat.js';

/** Idle may go back this much (seconds) before the CPU's history is reset. */
export const JUMP_BACK_SECONDS = 3;

const ZERO: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0 };

/**
 * Merges a new reading into the cache (mutated) and returns it. CPUs that disappeared stay, as
 * in node_exporter 1.5.0.
 */
export function mergeCpuTimes(cache: Map<number, CpuTimes>, fresh: ReadonlyMap<number, CpuTimes>): Map<number, CpuTimes> {
  for (const [id, n] of fresh) {
    let prev = cache.get(id) ?? ZERO;
    if (prev.idle - n.idle >= JUMP_BACK_SECONDS) prev = ZERO;
    const merged = { ...prev };
    for (const mode of CPU_MODES) if (n[mode] >= prev[mode]) merged[mode] = n[mode];
    cache.set(id, merged);
  }
  return cache;
}
