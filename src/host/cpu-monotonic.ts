/**
 * node_exporter's cpu collector keeps the last value of each per-CPU time and never reports a
 * smaller one: some kernels (and hypervisors) make idle/iowait step backwards a little. If idle
 * drops by 3 s or more, the CPU was probably hot-plugged and its history is reset.
 *
 * The last values live in a Float64Array the caller provides, so that they can be shared memory
 * (`ctx.direct.state()`): the same for every pool thread that runs the collector, and kept when
 * a thread dies. A per-thread copy would forget them on another thread and let a step back show
 * as a counter reset.
 *
 * Layout: CPU `id` owns the CPU_STATE_STRIDE slots from `id * CPU_STATE_STRIDE`: a flag (1 once
 * the CPU was seen; 0, the initial value of the memory, means never), then its times in
 * CPU_MODES order. A collector run never overlaps another of the same collector, so the state
 * has one writer at a time.
 */
import { CPU_MODES, type CpuTimes } from './proc-stat.js';

/** Idle may go back this much (seconds) before the CPU's history is reset. */
export const JUMP_BACK_SECONDS = 3;

/** Slots per CPU in the guard's state: the seen flag, then one per CPU_MODES field. */
export const CPU_STATE_STRIDE = 1 + CPU_MODES.length;

/** Largest CPU number accepted (Linux's NR_CPUS tops out at 8192; this leaves room). */
export const MAX_CPU_ID = 65_535;

const IDLE = 1 + CPU_MODES.indexOf('idle');

function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_CPU_ID) throw new RangeError(`/proc/stat: CPU number ${id} is out of range (0 to ${MAX_CPU_ID})`);
}

/** The state length (slots) that holds every CPU of `fresh`. */
export function cpuStateLength(fresh: ReadonlyMap<number, CpuTimes>): number {
  let max = -1;
  for (const id of fresh.keys()) {
    checkId(id);
    if (id > max) max = id;
  }
  return (max + 1) * CPU_STATE_STRIDE;
}

function timesAt(state: Float64Array, base: number): CpuTimes {
  const t = {} as CpuTimes;
  CPU_MODES.forEach((mode, i) => (t[mode] = state[base + 1 + i]!));
  return t;
}

/**
 * Merges a new reading into `state` (mutated; at least cpuStateLength(fresh) slots) and returns
 * the times to report for every CPU seen so far, by CPU number. CPUs that disappeared stay, as
 * in node_exporter 1.5.0.
 */
export function mergeCpuState(state: Float64Array, fresh: ReadonlyMap<number, CpuTimes>): Map<number, CpuTimes> {
  const need = cpuStateLength(fresh);
  if (state.length < need) throw new RangeError(`CPU guard state has ${state.length} slots, ${need} needed`);
  for (const [id, n] of fresh) {
    const base = id * CPU_STATE_STRIDE;
    // Never seen, or idle jumped back (hotplug): start from this reading.
    const reset = state[base] !== 1 || state[base + IDLE]! - n.idle >= JUMP_BACK_SECONDS;
    CPU_MODES.forEach((mode, i) => {
      const slot = base + 1 + i;
      if (reset || n[mode] >= state[slot]!) state[slot] = n[mode];
    });
    state[base] = 1;
  }
  const out = new Map<number, CpuTimes>();
  for (let base = 0, id = 0; base + CPU_STATE_STRIDE <= state.length; base += CPU_STATE_STRIDE, id++) {
    if (state[base] === 1) out.set(id, timesAt(state, base));
  }
  return out;
}
