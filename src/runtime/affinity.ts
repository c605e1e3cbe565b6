/**
 * Which CPUs the exporter's threads may run on (Linux), so a scrape finds a free core.
 *
 * A low priority for pool threads (SCHED_IDLE, priority.ts; no longer the default) did not keep
 * the main thread from waiting for a core when it woke up for a scrape: Linux's fair scheduler
 * (EEVDF) weighs a SCHED_IDLE thread low but does not always switch to a waking normal thread at
 * once (a sched_switch trace showed it run another SCHED_IDLE pool thread for 5 ms, until the next
 * 250 Hz tick, with the main thread runnable on the same core), and V8's helper threads, which do
 * the pool isolates' GC and compilation, run at normal priority beside the main thread (the same
 * trace: 5–6 ms waits behind them). bench/runtime-faults.ts (saturation) measured the scrape p99
 * 1.3–1.7× slower with the pool saturated than idle, all of it time spent waiting for a core.
 *
 * So with two or more CPUs the main thread keeps the first CPU the process may use for itself
 * (`--collectors.cpus=auto`): it is pinned to it, and pool threads pin themselves to the rest
 * when they start (replacements too). Leaving the main thread free to run anywhere
 * was not enough: Linux counts a CPU that runs only SCHED_IDLE threads as idle when it places a
 * waking thread, so the main thread moved to the pool's CPUs and waited there again (behind V8's
 * helpers, or another SCHED_IDLE thread) while the first CPU sat idle. A list
 * (`--collectors.cpus=1-3`) gives the other threads those CPUs and the main thread the rest of
 * the CPUs it may use (all of them if the list names every one); `all` changes nothing; with one
 * CPU, `auto` changes nothing.
 *
 * Pool threads run at normal priority (index.ts): the CPUs keep collectors off the main thread,
 * and a low priority would bring priority inversion on a busy host (a SCHED_IDLE pool thread
 * preempted while holding a lock the main thread also takes).
 *
 * V8's and libuv's helper threads (started before the pool) go with the main thread: they do its
 * concurrent GC work (marking, sweeping), its compiles and its gzip. On the pool's CPUs, beside
 * collectors at normal priority, they fell behind and the main thread did that work itself:
 * the saturated-pool scrape p99 went to 1.65× idle (tsx), 1.10× with the helpers on the main
 * thread's CPU. They also do the pool isolates' GC and compiles, which then share that CPU: with
 * four allocating burners saturating the pool, a scheduler trace showed them running ~42 ms/s on
 * the main thread's CPU and the main thread ~28 ms/s runnable behind them (bench/README.md, the
 * saturated-pool ratio). Moving them to the pool's CPUs, to every CPU, to nice +10 or
 * SCHED_BATCH did not measurably change that.
 *
 * Unless node runs with `--single-threaded-gc`, as the command does (own-thread-gc.ts): then
 * every isolate does its own GC on its own thread, V8's helpers only compile, and they go to the
 * pool's CPUs, so neither the pool isolates' GC nor theirs shares the main thread's CPU. libuv's
 * threads stay with the main thread (its gzip and file I/O); they are told apart by asking them
 * (`libuvThreads`). Probes of the saturation scenario (8 trials each, tsx, /metrics path):
 * saturated p99 6.6–7.5 ms (6 runs) against 7.2–9.0 ms (5 runs) without, idle 4.9–6.7 against
 * 6.2–6.7 ms, scrapes with a GC pause over 1 ms ~0.05 % against ~0.7 %; the ratio did not move
 * (1.04–1.35 against 1.16–1.35), because the idle p99 fell as well.
 *
 * The cost: collectors (and the pool isolates' GC) get one CPU fewer: on 2 cores, one core for
 * every collector, as node_exporter's default GOMAXPROCS=1 gives its collectors. And the main
 * thread cannot leave its CPU: another process keeping that CPU busy slows scrapes down, where
 * the scheduler could otherwise move the main thread away (`--collectors.cpus=all` if so).
 *
 * Node has no call for sched_setaffinity: util-linux's `taskset` sets it, for a thread id, from a
 * child process. Without taskset (or off Linux) nothing changes. When the last runtime of the
 * process stops, every thread gets back the CPUs the main thread had before.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, stat } from 'node:fs';
import { readlink } from 'node:fs/promises';

/** `auto`, `all`, or the CPU numbers the pool (and helper threads) get. */
export type CpuSetting = 'auto' | 'all' | readonly number[];

/** What the runtime does: the CPUs of the main thread and of every other thread. */
export interface AffinityPlan {
  /** The main thread's CPUs; undefined: it keeps those it has. */
  readonly main?: readonly number[];
  /** Every other thread's CPUs. */
  readonly others: readonly number[];
}

/** Parses a CPU list as taskset and /proc write it: `0-3,8,10-11`. Throws a RangeError. */
export function parseCpuList(text: string): number[] {
  const out = new Set<number>();
  const t = text.trim();
  if (t === '') throw new RangeError('empty CPU list');
  for (const part of t.split(',')) {
    const m = /^\s*(\d{1,5})(?:\s*-\s*(\d{1,5}))?\s*$/.exec(part);
    if (!m) throw new RangeError(`"${part}" is not a CPU number or range`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new RangeError(`"${part}" is a range that ends before it starts`);
    for (let c = lo; c <= hi; c++) out.add(c);
  }
  return [...out].sort((a, b) => a - b);
}

/** `[0, 1, 2, 5]` → `0-2,5`. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Parses the flag's value: `auto`, `all` or a CPU list. Throws a RangeError saying what is wrong. */
export function parseCpuSetting(text: string): CpuSetting {
  const t = text.trim().toLowerCase();
  if (t === 'auto' || t === 'all') return t;
  return parseCpuList(t);
}

/**
 * The CPUs the calling thread may run on (its sched_getaffinity: taskset, cgroup cpusets), from
 * /proc. Undefined off Linux or when /proc does not say.
 */
export function allowedCpus(): number[] | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const m = /^Cpus_allowed_list:\s*(\S+)\s*$/m.exec(readFileSync('/proc/thread-self/status', 'utf8'));
    return m ? parseCpuList(m[1]!) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a setting means on a thread allowed `allowed`. Undefined: change nothing (`all`, one
 * CPU, unknown CPUs). Throws a RangeError for a list naming a CPU the process may not use.
 */
export function planAffinity(setting: CpuSetting, allowed: readonly number[] | undefined): AffinityPlan | undefined {
  if (setting === 'all' || allowed === undefined || allowed.length === 0) return undefined;
  if (setting === 'auto') return allowed.length < 2 ? undefined : { main: [allowed[0]!], others: allowed.slice(1) };
  const missing = setting.filter((c) => !allowed.includes(c));
  if (missing.length > 0) throw new RangeError(`CPU ${formatCpuList(missing)} is not available to this process (it may use ${formatCpuList(allowed)})`);
  const rest = allowed.filter((c) => !setting.includes(c));
  return rest.length === 0 ? { others: [...setting] } : { main: rest, others: [...setting] };
}

/** The calling thread's id (Linux), or undefined. */
export function thisThreadId(): number | undefined {
  try {
    // "<pid>/task/<tid>"
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
}

/** Sets one thread's CPUs with taskset. Returns whether it did (false: no taskset, thread gone, not allowed). */
export function setThreadCpus(tid: number, cpus: readonly number[]): boolean {
  if (process.platform !== 'linux' || cpus.length === 0) return false;
  try {
    execFileSync('taskset', ['--pid', '--cpu-list', formatCpuList(cpus), String(tid)], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** Pins the calling thread (a pool thread, when it starts). */
export function pinThisThread(cpus: readonly number[]): boolean {
  const tid = thisThreadId();
  return tid === undefined ? false : setThreadCpus(tid, cpus);
}

function otherThreads(): number[] {
  try {
    return readdirSync('/proc/self/task')
      .map(Number)
      .filter((t) => Number.isInteger(t) && t !== process.pid);
  } catch {
    return [];
  }
}

/**
 * Starts libuv's thread pool from the main thread if no thread has yet, and returns the ids of
 * its threads that it finds within `waitMs` (all of them, unless some are busy). The pool starts
 * with the first asynchronous file operation of any thread and its threads inherit that thread's
 * CPUs, nice value and policy: started by a pool thread, they would serve the main thread's file
 * I/O at nice +19, and after `applyProcessAffinity` had looked for threads to pin. They are found
 * by asking them: /proc/thread-self, read by readlink on the thread pool, names the thread that
 * read it (every thread is called "node", and V8's helpers, started earlier, look the same).
 * Bounded in time: an app whose thread pool is stuck (a slow mount, a DNS lookup) must not keep
 * the runtime from starting; the questions still queued are answered, and ignored, later.
 */
export async function libuvThreads(size = Number(process.env.UV_THREADPOOL_SIZE) || 4, waitMs = 1000): Promise<Set<number>> {
  const found = new Set<number>();
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<'time'>((resolve) => (timer = setTimeout(() => resolve('time'), waitMs)));
  try {
    if (process.platform !== 'linux') {
      await Promise.race([new Promise<void>((resolve) => stat('/', () => resolve())), timeUp]);
      return found;
    }
    const ask = (): Promise<void> =>
      readlink('/proc/thread-self').then(
        (link) => {
          const tid = Number(link.split('/').pop());
          if (Number.isInteger(tid) && tid > 0 && tid !== process.pid) found.add(tid);
        },
        () => {},
      );
    // One question per thread may all land on one thread (the first to wake takes the queue):
    // rounds of many, until every thread answered, the rounds run out or the time is up.
    for (let round = 0; round < 20 && found.size < size; round++) {
      if ((await Promise.race([Promise.all(Array.from({ length: 4 * size }, ask)), timeUp])) === 'time') break;
    }
    return found;
  } finally {
    clearTimeout(timer);
  }
}

let applied: { count: number; restore: readonly number[] } | undefined;

/**
 * Main thread: applies a plan to the process (the main thread and every other thread now, its
 * helpers, → `main`, or `others` when the plan leaves the main thread's CPUs alone; threads
 * started later by the pool pin themselves to `others`). With `v8HelpersApart`, the helpers
 * that are not libuv's (V8's, the few of Node's own) go to `others` instead: see
 * own-thread-gc.ts. Counted: `releaseProcessAffinity` gives every thread `restore` back when
 * every runtime that applied it has released it. Returns whether taskset worked.
 */
export function applyProcessAffinity(plan: AffinityPlan, restore: readonly number[], v8HelpersApart?: { libuv: ReadonlySet<number> }): boolean {
  if (applied) {
    applied.count++;
    return true;
  }
  let ok = false;
  // A thread may end between the listing and taskset (a pool thread being replaced): ignored.
  // The threads there are now are V8's and libuv's helpers (the pool's start later and pin
  // themselves): they go where the main thread goes, whose GC work they share (see above),
  // except V8's when every isolate does its own GC. libuv's stay with the main thread in any
  // case: they do its gzip and file I/O, which a saturated pool's CPUs would hold up.
  const withMain = plan.main ?? plan.others;
  for (const tid of otherThreads()) ok = setThreadCpus(tid, v8HelpersApart && !v8HelpersApart.libuv.has(tid) ? plan.others : withMain) || ok;
  if (ok) {
    applied = { count: 1, restore };
    if (plan.main) setThreadCpus(process.pid, plan.main);
  }
  return ok;
}

/** Undoes `applyProcessAffinity` once the last runtime that applied it is done. */
export function releaseProcessAffinity(): void {
  if (!applied || --applied.count > 0) return;
  const { restore } = applied;
  applied = undefined;
  setThreadCpus(process.pid, restore);
  for (const tid of otherThreads()) setThreadCpus(tid, restore);
}
