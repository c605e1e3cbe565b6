/**
 * Worker threads running TypeScript. On Node 20 a Worker does not get the main thread's
 * `--import tsx` hooks for its entry module, so the entry is a tiny CommonJS bootstrap that
 * registers tsx in the worker and then imports the real (TypeScript) module.
 */
import { Worker } from 'node:worker_threads';

const tsxApi = import.meta.resolve('tsx/esm/api');

export function startTsWorker(entry: URL, workerData?: unknown): Worker {
  const boot =
    "const { workerData } = require('node:worker_threads');" +
    'import(workerData.tsxApi).then((m) => { m.register(); return import(workerData.entry); })' +
    '.catch((e) => { setImmediate(() => { throw e; }); });';
  return new Worker(boot, { eval: true, workerData: { tsxApi, entry: entry.href, data: workerData } });
}

/** In the worker: the data passed to startTsWorker. */
export function tsWorkerData<T>(wd: unknown): T {
  return (wd as { data: T }).data;
}
