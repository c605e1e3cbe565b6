/** What updates.ts and update-worker.ts agree on (kept apart: importing the worker runs it). */
import type { StoreHandle } from '../../src/index.js';

export type Variant = 'atomics-own' | 'atomics-shared' | 'ours-inc' | 'ours-child' | 'prom-inc' | 'prom-child';

export interface WorkerArgs {
  variant: Variant;
  /** Int32: [0] phase (0 wait, 1 run, 2 stop); Atomics.add cells from 16 on, one per 64 bytes. */
  control: SharedArrayBuffer;
  slot: number;
  handle?: StoreHandle;
  warmupMs: number;
}

export const COUNTER = { name: 'bench_updates_total', help: 'Bench updates.', labelNames: ['method', 'route', 'status'] };
