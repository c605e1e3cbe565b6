/**
 * V8's parallel scavenge, and why the runtime turns it off when it pins threads (affinity.ts).
 *
 * A scavenge (young-generation GC) of the main thread's heap is a job V8 shares with its helper
 * threads, and the main thread waits until every helper that took a share has finished it. With
 * `--collectors.cpus=auto` (or a list) those helpers were first put on the pool's CPUs, beside
 * collectors that kept them busy (they also do the pool threads' own GC work): a helper that
 * took a share of the main thread's scavenge had to get a core there first. Since then they
 * share the main thread's CPU (affinity.ts), where a parallel scavenge gains nothing: the
 * helpers and the main thread take turns on one core. (A process started with
 * `--single-threaded-gc`, as the command is, scavenges serially anyway: own-thread-gc.ts.)
 * bench/runtime-faults.ts (saturation, compiled build, `--trace-gc`, the pool saturated
 * throughout, 28 main-thread scavenges per 8 s run): scavenge pauses p90 1.81 / 1.45 ms, max 23.0 / 14.7 ms in two runs
 * with parallel scavenges, p90 1.41 / 1.08 ms, max 4.77 / 2.13 ms without; with the pool idle,
 * max 5.9 ms with, 2.5 / 1.6 ms without. A scrape that meets such a scavenge waits for it.
 *
 * So a runtime that applies a CPU affinity also makes scavenges serial (the main thread does
 * its own, p50 0.72 vs 0.61 ms in the same runs), unless `parallelScavenge: true`. The flag is
 * V8's, for the whole process (every isolate: the pool threads' scavenges become serial too,
 * and run on their own threads), and V8 reads it at every scavenge. It stays set
 * when the runtime stops: V8 has no call to read a flag back, so the runtime cannot tell what
 * to restore. The `atomic-exporter` command sets it at start anyway (src/cli.ts).
 */
import { setFlagsFromString } from 'node:v8';

let serial = false;

/**
 * Whether a runtime makes scavenges serial: `parallelScavenge` false always, true never,
 * undefined when it applied a CPU affinity (its helper threads are on the pool's CPUs).
 */
export function wantsSerialScavenges(parallelScavenge: boolean | undefined, pinned: boolean): boolean {
  return parallelScavenge === undefined ? pinned : !parallelScavenge;
}

/** `--no-parallel-scavenge` for the process, once. */
export function serialScavenges(): void {
  if (serial) return;
  setFlagsFromString('--no-parallel-scavenge');
  serial = true;
}
