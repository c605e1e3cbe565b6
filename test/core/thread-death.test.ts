/**
 * Counters never go backwards when a worker thread dies: what it wrote stays counted after it is
 * terminated (worker.terminate()) or exits (process.exit()), and after
 * `registry.releaseThread(threadId)`; a new worker reuses the freed shard and adds to it.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { Counter, Histogram, Registry, Summary } from '../../src/index.js';
import { Meta } from '../../src/store/layout.js';
import { BINS } from '../../src/store/sketch.js';
import { summarySlot } from '../../src/store/snapshot.js';
import { sampleKey, sampleMap } from '../fixtures/core/expo.js';
import { startWorker, terminateAll, type TestWorker } from '../fixtures/core/spawn.js';
import type { Op, Spec } from '../fixtures/core/worker.js';

afterEach(terminateAll);

const COUNTER: Spec = { type: 'counter', name: 'death_ops_total', help: 'ops', labelNames: ['k'] };
const HIST: Spec = { type: 'histogram', name: 'death_latency', help: 'latency', buckets: [1] };

function setup(): { r: Registry; counter: Counter; hist: Histogram } {
  const r = new Registry();
  const counter = new Counter({ name: COUNTER.name, help: 'ops', labelNames: ['k'], registers: [r] });
  const hist = new Histogram({ name: HIST.name, help: 'latency', buckets: [1], registers: [r] });
  return { r, counter, hist };
}

const incs = (n: number, k = 'x'): Op[] => [
  { metric: COUNTER.name, op: 'inc', labels: { k }, times: n },
  { metric: HIST.name, op: 'observe', value: 0.5, times: n },
];

async function holder(r: Registry, ops: Op[]): Promise<{ w: TestWorker; shard: number }> {
  const w = startWorker(r.share(), { kind: 'hold', specs: [COUNTER, HIST], ops });
  const { shard } = await w.next('attached');
  await w.next('ready');
  return { w, shard: shard as number };
}

async function totals(r: Registry): Promise<{ x: number; count: number }> {
  const out = sampleMap(await r.metrics());
  return { x: out.get(sampleKey(COUNTER.name, { k: 'x' })) ?? 0, count: out.get(sampleKey('death_latency_count', {}))! };
}

describe('a worker thread that dies', () => {
  for (const how of ['terminate', 'process.exit'] as const) {
    it(`keeps its counts after ${how}() and releaseThread(); a new worker reuses the shard and counts on`, async () => {
      const { r, counter } = setup();
      counter.inc({ k: 'x' }, 5);
      const first = await holder(r, incs(10_000));
      assert.deepEqual(await totals(r), { x: 10_005, count: 10_000 });

      if (how === 'terminate') await first.w.worker.terminate();
      else {
        first.w.send({ type: 'exit' });
        assert.equal(await first.w.exited, 0);
      }
      assert.deepEqual(await totals(r), { x: 10_005, count: 10_000 }, 'after the thread ended');
      r.releaseThread(first.w.threadId);
      assert.deepEqual(await totals(r), { x: 10_005, count: 10_000 }, 'after releaseThread');

      const second = await holder(r, incs(2_000));
      assert.equal(second.shard, first.shard, 'the new thread got the released shard');
      assert.deepEqual(await totals(r), { x: 12_005, count: 12_000 });
      counter.inc({ k: 'x' });
      assert.deepEqual(await totals(r), { x: 12_006, count: 12_000 });
    });
  }

  it('without releaseThread the new worker takes another shard, and nothing is lost either', async () => {
    const { r } = setup();
    const first = await holder(r, incs(1_000));
    await first.w.worker.terminate();
    const second = await holder(r, incs(1_000));
    assert.notEqual(second.shard, first.shard);
    assert.deepEqual(await totals(r), { x: 2_000, count: 2_000 });
  });

  it('killed mid-stream (creating series), its totals freeze and never decrease; a replacement counts on', async () => {
    const { r } = setup();
    const stop = new SharedArrayBuffer(4);
    const w = startWorker(r.share(), {
      kind: 'hammer',
      stop,
      counter: COUNTER,
      histogram: { type: 'histogram', name: 'death_hammer_seconds', help: 'h', labelNames: ['k'], buckets: [0.5] },
      labelSets: [{ k: 'x' }, { k: 'y' }],
      newSeriesEvery: 5,
    });
    await w.next('attached');
    let last = new Map<string, number>();
    const check = async (what: string): Promise<Map<string, number>> => {
      const now = sampleMap(await r.metrics());
      for (const [k, v] of last) if (k.startsWith(COUNTER.name)) assert.ok((now.get(k) ?? -1) >= v, `${what}: ${k} went from ${v} to ${now.get(k)}`);
      last = now;
      return now;
    };
    for (let i = 0; i < 10; i++) {
      await sleep(20);
      await check('while running');
    }
    await w.worker.terminate();
    const frozen = await check('after terminate');
    r.releaseThread(w.threadId);
    assert.equal(Atomics.load(r.store.meta, Meta.Lock), 0, 'the structural lock is free');
    for (let i = 0; i < 3; i++) assert.deepEqual(await check('after release'), frozen);
    const x = frozen.get(sampleKey(COUNTER.name, { k: 'x' }))!;
    assert.ok(x > 0);
    const next = await holder(r, incs(100));
    const after = await check('after the replacement');
    assert.equal(after.get(sampleKey(COUNTER.name, { k: 'x' })), x + 100);
    next.w.send({ type: 'ops', ops: [{ metric: COUNTER.name, op: 'inc', labels: { k: 'brand-new' }, value: 4 }] });
    await next.w.next('done');
    assert.equal(sampleMap(await r.metrics()).get(sampleKey(COUNTER.name, { k: 'brand-new' })), 4);
  });

  it('a windowed summary bucket left half-cleared by a dead thread does not block other writers', async () => {
    const r = new Registry();
    const s = new Summary({ name: 'death_window_seconds', help: 'h', percentiles: [0.5], maxAgeSeconds: 600, ageBuckets: 5, registers: [r] });
    s.observe(1);
    // What a thread terminated in the middle of clearing the current age bucket leaves behind:
    // the bucket's slot word in its "being cleared" state (slot * 2 + 1).
    const store = r.store;
    const { start, order } = store.rowsByFamily();
    const row = order[start[s.familyId]!]!;
    const slot = summarySlot(store.family(s.familyId), store.createdAtMs, Date.now());
    const slotWord = store.rowSketch(row) + (slot % 5) * (1 + BINS);
    Atomics.store(store.sketch, slotWord, slot * 2 + 1);
    // Another thread observes (in a worker, so that a regression fails here instead of hanging the test).
    const w = startWorker(r.share(), {
      kind: 'ops',
      specs: [{ type: 'summary', name: 'death_window_seconds', help: 'h', percentiles: [0.5], maxAgeSeconds: 600, ageBuckets: 5 }],
      ops: [{ metric: 'death_window_seconds', op: 'observe', value: 3, times: 10 }],
    });
    const ac = new AbortController();
    const timeout = sleep(10_000, undefined, { signal: ac.signal }).then(
      () => {
        throw new Error('the worker is still spinning on the abandoned bucket after 10 s');
      },
      () => {},
    );
    try {
      await Promise.race([w.next('done'), timeout]);
    } finally {
      ac.abort();
    }
    s.observe(3);
    const out = sampleMap(await r.metrics());
    assert.equal(out.get(sampleKey('death_window_seconds_count', {})), 12);
    assert.ok(Math.abs(out.get(sampleKey('death_window_seconds', { quantile: '0.5' }))! - 3) <= 0.03);
  });

  it('releaseThread frees the structural lock a terminated thread held', async () => {
    const { r, counter } = setup();
    const w = startWorker(r.share(), { kind: 'lock' });
    await w.next('locked');
    assert.equal(Atomics.load(r.store.meta, Meta.Lock), w.threadId + 1, 'the worker holds the lock');
    await w.worker.terminate();
    r.releaseThread(w.threadId);
    assert.equal(Atomics.load(r.store.meta, Meta.Lock), 0);
    // Creating a series takes the lock: with the lock still held this would never return.
    counter.inc({ k: 'after-the-lock' });
    assert.equal(sampleMap(await r.metrics()).get(sampleKey(COUNTER.name, { k: 'after-the-lock' })), 1);
  });
});
