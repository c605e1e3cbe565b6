/**
 * The CPU priority of pool threads, beyond piscina's nice increment.
 *
 * Linux's SCHED_IDLE policy: a thread under it runs only on what other threads leave, and a
 * normal thread that wakes up (the main thread, for a scrape) takes the core from it at once.
 * At nice +19 alone the scheduler (EEVDF) still lets the running collector finish its time
 * slice first, so a scrape waits for a core behind a CPU-bound collector (bench/runtime-faults.ts,
 * saturation). Any thread may put itself under SCHED_IDLE without privileges, but Node has no
 * call for it: each pool thread runs `chrt --idle --pid 0 <its tid>` (util-linux) once, when it
 * starts. A thread that cannot (no chrt, not Linux) keeps its nice value.
 *
 * Off by default (createRuntime's `schedIdle`): on a host whose cores other processes keep
 * busy, a SCHED_IDLE thread preempted while holding a lock the main thread also takes stalls
 * scrapes for up to a second, and collectors starve (src/runtime/index.ts has the numbers).
 */
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';

/** Puts the calling thread under SCHED_IDLE (Linux). Returns whether it did. */
export function schedIdleThisThread(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // "<pid>/task/<tid>": the calling thread's id, which sched_setscheduler takes on its own.
    const tid = readlinkSync('/proc/thread-self').split('/').pop()!;
    execFileSync('chrt', ['--idle', '--pid', '0', tid], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
