/**
 * Update throughput: `threads` worker threads update one counter series as fast as they can for
 * `durationMs`; the result is the total operations per second (wall clock of the main thread).
 * Runs in a child process of its own (bench/lib/child.ts).
 */
import { sleep, startTsWorker, stats } from '../lib/index.js';
import { COUNTER, type Variant, type WorkerArgs } from './update-shared.js';

export interface UpdateArgs {
  variant: Variant;
  threads: number;
  durationMs: number;
  warmupMs: number;
  trials: number;
}

export interface UpdateResult extends UpdateArgs {
  /** Median over trials, operations per second, all threads together. */
  opsPerSecond: number;
  trialsOpsPerSecond: number[];
  /** ours: the rendered counter equals the operations done (warmups included) in every trial. */
  exact?: boolean;
}

async function trial(a: UpdateArgs): Promise<{ rate: number; exact?: boolean }> {
  const control = new SharedArrayBuffer(4 * (16 + 16 * (a.threads + 1)));
  const ctrl = new Int32Array(control);
  const ours = a.variant.startsWith('ours') ? await import('../../src/index.js') : undefined;
  const registry = ours ? new ours.Registry() : undefined;
  const counter = ours ? new ours.Counter({ ...COUNTER, registers: [registry!] }) : undefined;
  const handle = registry?.share();
  const workers = Array.from({ length: a.threads }, (_, slot) => {
    const args: WorkerArgs = { variant: a.variant, control, slot, handle, warmupMs: a.warmupMs };
    return startTsWorker(new URL('./update-worker.ts', import.meta.url), args);
  });
  const messages = workers.map((w) => {
    const got: { ready?: Promise<void>; done?: Promise<{ ops: number; warmupOps: number }> } = {};
    let readyResolve: () => void;
    got.ready = new Promise<void>((r) => (readyResolve = r));
    got.done = new Promise((resolve, reject) => {
      w.on('error', reject);
      w.on('message', (m: { ready?: boolean; ops: number; warmupOps: number }) => {
        if (m.ready) readyResolve();
        else resolve(m);
      });
    });
    return got;
  });
  await Promise.all(messages.map((m) => m.ready));
  const t0 = performance.now();
  Atomics.store(ctrl, 0, 1);
  Atomics.notify(ctrl, 0);
  await sleep(a.durationMs);
  Atomics.store(ctrl, 0, 2);
  const t1 = performance.now();
  const done = await Promise.all(messages.map((m) => m.done!));
  await Promise.all(workers.map((w) => w.terminate()));
  const ops = done.reduce((s, d) => s + d.ops, 0);
  let exact: boolean | undefined;
  if (registry && counter) {
    const all = done.reduce((s, d) => s + d.ops + d.warmupOps, 0);
    const snap = (await counter.get()).values.reduce((s, v) => s + v.value, 0);
    exact = snap === all;
  }
  return { rate: (ops * 1000) / (t1 - t0), exact };
}

export async function runUpdates(a: UpdateArgs): Promise<UpdateResult> {
  const rates: number[] = [];
  let exact: boolean | undefined;
  for (let i = 0; i < a.trials; i++) {
    const t = await trial(a);
    rates.push(t.rate);
    if (t.exact !== undefined) exact = (exact ?? true) && t.exact;
  }
  return { ...a, opsPerSecond: stats(rates).median, trialsOpsPerSecond: rates, exact };
}
