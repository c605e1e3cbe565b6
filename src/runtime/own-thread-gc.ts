/**
 * Whether V8 runs in this process with `--single-threaded-gc`: every isolate (the main thread's,
 * each pool thread's) does all of its own GC work on its own thread, none on V8's helper threads.
 *
 * Why it matters here (affinity.ts): V8's helper threads are one set for the whole process. By
 * default they do every isolate's concurrent marking and sweeping, so with the pool saturated
 * they ran the pool isolates' GC on the main thread's CPU, where the main thread waited behind
 * them (bench/runtime-faults.ts, saturation). With the flag they only compile, and the runtime
 * moves them to the pool's CPUs: each thread's GC stays on its own CPU. The `atomic-exporter`
 * command starts node with it (`npm start`, the bin's shebang, the container's entrypoint).
 *
 * It can only come from node's command line (execArgv; NODE_OPTIONS does not take it). Set at
 * run time with v8.setFlagsFromString, V8 (11.3, Node 20) aborted at the main isolate's next
 * major GC ("Check failed: concurrent_marking_handle_ implies ...", cppgc), so the runtime
 * never sets it: it only looks.
 */

/** `--single-threaded-gc` (or `--single-threaded`, which implies it) on node's command line, the last word winning. */
export function singleThreadedGc(execArgv: readonly string[] = process.execArgv): boolean {
  let on = false;
  for (const arg of execArgv) {
    const flag = arg.replaceAll('_', '-');
    if (flag === '--single-threaded-gc' || flag === '--single-threaded') on = true;
    else if (flag === '--no-single-threaded-gc') on = false;
  }
  return on;
}
