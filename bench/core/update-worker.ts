/**
 * One updating thread of the core bench's update-throughput measurement (see updates.ts).
 *
 * Each variant has its own loop so the measured operation is inlined in a loop of its own. The
 * thread warms up (JIT), reports ready, waits for the start signal, counts operations in batches
 * until the stop signal, and reports its count.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { tsWorkerData } from '../lib/worker.js';
import { COUNTER, type WorkerArgs } from './update-shared.js';

const BATCH = 4096;

const a = tsWorkerData<WorkerArgs>(workerData);
const ctrl = new Int32Array(a.control);
const cell = 16 + a.slot * 16;

async function makeLoop(): Promise<(n: number) => void> {
  switch (a.variant) {
    case 'atomics-own':
      return (n) => {
        for (let i = 0; i < n; i++) Atomics.add(ctrl, cell, 1);
      };
    case 'atomics-shared':
      return (n) => {
        for (let i = 0; i < n; i++) Atomics.add(ctrl, 16, 1);
      };
    case 'ours-inc':
    case 'ours-child': {
      const { Counter, Registry } = await import('../../src/index.js');
      const registry = Registry.attach(a.handle!);
      const c = new Counter({ ...COUNTER, registers: [registry] });
      if (a.variant === 'ours-inc') {
        return (n) => {
          for (let i = 0; i < n; i++) c.inc({ method: 'GET', route: '/api/v1/items', status: '200' });
        };
      }
      const child = c.labels('GET', '/api/v1/items', '200');
      return (n) => {
        for (let i = 0; i < n; i++) child.inc();
      };
    }
    case 'prom-inc':
    case 'prom-child': {
      const client = (await import('prom-client')).default;
      const c = new client.Counter({ ...COUNTER, registers: [] });
      if (a.variant === 'prom-inc') {
        return (n) => {
          for (let i = 0; i < n; i++) c.inc({ method: 'GET', route: '/api/v1/items', status: '200' });
        };
      }
      const child = c.labels('GET', '/api/v1/items', '200');
      return (n) => {
        for (let i = 0; i < n; i++) child.inc();
      };
    }
  }
}

const loop = await makeLoop();
let warmupOps = 0;
const w0 = performance.now();
while (performance.now() - w0 < a.warmupMs) {
  loop(BATCH);
  warmupOps += BATCH;
}
parentPort!.postMessage({ ready: true });
Atomics.wait(ctrl, 0, 0);
let ops = 0;
const t0 = performance.now();
while (Atomics.load(ctrl, 0) === 1) {
  loop(BATCH);
  ops += BATCH;
}
parentPort!.postMessage({ ops, warmupOps, elapsedMs: performance.now() - t0 });
