/**
 * Runs one exported function of a module in a fresh Node process and returns its result.
 *
 * Each measurement that could be disturbed by another (heap size, GC state, JIT feedback, the
 * peer library's allocations) gets its own process: prom-client's 1M series never share a heap
 * with ours. The child runs with `--import tsx` (TypeScript) and `--expose-gc` (so memory.ts can
 * collect before sampling); stderr is inherited so the child can print progress.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildOptions {
  /** Extra Node flags, e.g. `['--max-old-space-size=4096']` or `['--cpu-prof']`. */
  execArgv?: string[];
  /** Kill the child after this long. Default 10 minutes. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const entry = fileURLToPath(new URL('./child-entry.ts', import.meta.url));

/**
 * `runInChild(new URL('./core/workloads.ts', import.meta.url), 'renderScenario', { series: 1000 })`
 * imports that module in a new process, awaits `renderScenario(args)` and resolves with its
 * result (structured-cloned: plain objects, arrays, typed arrays, Maps).
 */
export function runInChild<R>(module: string | URL, exportName: string, args: unknown, opts: ChildOptions = {}): Promise<R> {
  const modulePath = module instanceof URL ? module.href : module;
  return new Promise<R>((resolve, reject) => {
    const child = fork(entry, [], {
      execArgv: ['--import', 'tsx', '--expose-gc', ...(opts.execArgv ?? [])],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...opts.env },
    });
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`bench child ${exportName} timed out after ${opts.timeoutMs ?? 600_000} ms`));
    }, opts.timeoutMs ?? 600_000);
    child.on('message', (m: { ok: boolean; result?: R; error?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (m.ok) resolve(m.result as R);
      else reject(new Error(`bench child ${exportName} failed: ${m.error}`));
      child.disconnect();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(new Error(`bench child ${exportName} exited (${signal ?? code}) without a result`));
    });
    child.send({ module: modulePath, exportName, args });
  });
}
