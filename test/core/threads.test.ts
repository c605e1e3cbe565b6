/**
 * Threads: `registry.share()` posted to worker_threads, `Registry.attach(handle)` there. Values
 * written in any thread are in the main thread's output, exactly.
 */
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { Counter, Gauge, Histogram, Registry } from '../../src/index.js';
import { parseExposition, sampleKey, sampleMap } from '../fixtures/core/expo.js';
import { startWorker, terminateAll, type TestWorker } from '../fixtures/core/spawn.js';
import type { Op, Spec } from '../fixtures/core/worker.js';

const N = 4;
const M = 200_000;
const SETS = [{ k: 'a' }, { k: 'b' }, { k: 'c"q' }, { k: 'd\n' }];

async function finish(w: TestWorker): Promise<void> {
  await w.next('done');
  await w.exited;
}

afterEach(terminateAll);

describe('metrics shared with worker threads', () => {
  it(`${N} threads × ${M} inc() over ${SETS.length} label sets, with the main thread incrementing too, sum exactly`, async () => {
    const r = new Registry();
    const counterSpec: Spec = { type: 'counter', name: 'thr_ops_total', help: 'ops', labelNames: ['k'] };
    const histSpec: Spec = { type: 'histogram', name: 'thr_latency', help: 'latency', labelNames: ['k'], buckets: [0.3, 1, 10] };
    const counter = new Counter({ ...counterSpec, registers: [r] } as { name: string; help: string; labelNames: string[]; registers: Registry[] });
    const hist = new Histogram({ ...histSpec, registers: [r] } as { name: string; help: string; labelNames: string[]; buckets: number[]; registers: Registry[] });
    const unlabeled = new Counter({ name: 'thr_plain_total', help: 'plain', registers: [r] });
    const handle = r.share();
    const perSet = M / SETS.length;
    // Dyadic values: their sums are exact whatever the order of addition.
    const observed = [0.25, 0.5, 2, 16];
    const ops: Op[] = [
      ...SETS.map((labels) => ({ metric: counterSpec.name, op: 'inc' as const, labels, times: perSet })),
      ...observed.map((value) => ({ metric: histSpec.name, op: 'observe' as const, labels: { k: 'w' }, value, times: 5_000 })),
      { metric: 'thr_plain_total', op: 'inc', value: 3, times: 1000 },
    ];
    const workers = Array.from({ length: N }, () =>
      startWorker(handle, { kind: 'ops', specs: [counterSpec, histSpec, { type: 'counter', name: 'thr_plain_total', help: 'plain' }], ops }),
    );
    const shards = await Promise.all(workers.map((w) => w.next('attached')));
    assert.equal(new Set(shards.map((m) => m.shard)).size, N, 'each thread has its own shard');
    assert.ok(shards.every((m) => (m.shard as number) > 0), 'shard 0 is the main thread’s');

    // The main thread increments while the workers run.
    let mainIncs = 0;
    let done = false;
    const all = Promise.all(workers.map(finish)).then(() => (done = true));
    while (!done) {
      for (let i = 0; i < 1000; i++) {
        counter.inc(SETS[i % SETS.length]!);
        counter.labels(SETS[i % SETS.length]!).inc(0.5);
        hist.observe({ k: 'main' }, 0.25);
        unlabeled.inc();
      }
      mainIncs += 1000;
      await tick();
    }
    await all;

    const out = sampleMap(await r.metrics());
    for (const labels of SETS) {
      assert.equal(out.get(sampleKey('thr_ops_total', labels)), N * perSet + (mainIncs / SETS.length) * 1.5, `series ${JSON.stringify(labels)}`);
    }
    assert.equal(out.get(sampleKey('thr_plain_total', {})), N * 3000 + mainIncs);
    const bucket = (k: string, le: string) => out.get(sampleKey('thr_latency_bucket', { k, le }));
    assert.equal(bucket('w', '0.3'), N * 5000 * 1);
    assert.equal(bucket('w', '1'), N * 5000 * 2);
    assert.equal(bucket('w', '10'), N * 5000 * 3);
    assert.equal(bucket('w', '+Inf'), N * 5000 * 4);
    assert.equal(out.get(sampleKey('thr_latency_count', { k: 'w' })), N * 5000 * 4);
    assert.equal(out.get(sampleKey('thr_latency_sum', { k: 'w' })), N * 5000 * (0.25 + 0.5 + 2 + 16));
    assert.equal(bucket('main', '+Inf'), mainIncs);
    assert.equal(out.get(sampleKey('thr_latency_sum', { k: 'main' })), mainIncs * 0.25);
  });

  it('series created only in a worker, metrics declared only in a worker, gauges set and summaries observed there show in main', async () => {
    const r = new Registry();
    const requests = new Counter({ name: 'thr_requests_total', help: 'requests', labelNames: ['path'], registers: [r] });
    const level = new Gauge({ name: 'thr_level', help: 'level', labelNames: ['tank'], registers: [r] });
    requests.inc({ path: '/main' });
    level.set({ tank: 'a' }, 1);
    const w = startWorker(r.share(), {
      kind: 'ops',
      specs: [
        { type: 'counter', name: 'thr_requests_total', help: 'requests', labelNames: ['path'] },
        { type: 'gauge', name: 'thr_level', help: 'level', labelNames: ['tank'] },
        { type: 'gauge', name: 'thr_worker_only', help: 'declared in the worker "only"', labelNames: ['x'], constLabels: { origin: 'worker' } },
        { type: 'summary', name: 'thr_worker_summary', help: 'worker summary', percentiles: [0.5] },
        { type: 'histogram', name: 'thr_worker_hist', help: 'worker histogram', buckets: [1] },
      ],
      ops: [
        { metric: 'thr_requests_total', op: 'inc', labels: { path: '/worker' }, value: 7 },
        { metric: 'thr_level', op: 'set', labels: { tank: 'a' }, value: 42.5 },
        { metric: 'thr_level', op: 'set', labels: { tank: 'w' }, value: -1 },
        { metric: 'thr_worker_only', op: 'set', labels: { x: 'y' }, value: 3 },
        { metric: 'thr_worker_summary', op: 'observe', value: 10, times: 99 },
        { metric: 'thr_worker_hist', op: 'observe', value: 0.5, times: 3 },
      ],
    });
    await finish(w);
    const text = await r.metrics();
    const parsed = parseExposition(text);
    const out = sampleMap(text);
    assert.equal(out.get(sampleKey('thr_requests_total', { path: '/main' })), 1);
    assert.equal(out.get(sampleKey('thr_requests_total', { path: '/worker' })), 7);
    assert.equal(out.get(sampleKey('thr_level', { tank: 'a' })), 42.5, 'a gauge set in a worker wins over the main thread’s value');
    assert.equal(out.get(sampleKey('thr_level', { tank: 'w' })), -1);
    assert.equal(out.get(sampleKey('thr_worker_only', { x: 'y', origin: 'worker' })), 3);
    assert.equal(parsed.type.get('thr_worker_only'), 'gauge');
    assert.equal(parsed.help.get('thr_worker_only'), 'declared in the worker "only"');
    assert.equal(out.get(sampleKey('thr_worker_summary_count', {})), 99);
    assert.equal(out.get(sampleKey('thr_worker_summary_sum', {})), 990);
    assert.ok(Math.abs(out.get(sampleKey('thr_worker_summary', { quantile: '0.5' }))! - 10) <= 0.1);
    assert.equal(out.get(sampleKey('thr_worker_hist_bucket', { le: '1' })), 3);
    // getMetricsAsJSON() and getSingleMetricAsString() know the worker-only families too, as
    // metrics() does (prom-client users read these).
    const json = await r.getMetricsAsJSON();
    assert.deepEqual(new Set(json.map((m) => m.name)), new Set(parsed.type.keys()), 'getMetricsAsJSON lists every family metrics() renders');
    const only = json.find((m) => m.name === 'thr_worker_only')!;
    assert.equal(only.type, 'gauge');
    assert.equal(only.help, 'declared in the worker "only"');
    assert.deepEqual(only.values, [{ value: 3, labels: { x: 'y', origin: 'worker' } }]);
    const hist = json.find((m) => m.name === 'thr_worker_hist')!;
    assert.deepEqual(
      hist.values.map((v) => [v.metricName, v.labels.le, v.value]),
      [['thr_worker_hist_bucket', 1, 3], ['thr_worker_hist_bucket', '+Inf', 3], ['thr_worker_hist_sum', undefined, 1.5], ['thr_worker_hist_count', undefined, 3]],
    );
    const single = await r.getSingleMetricAsString('thr_worker_summary');
    assert.match(single, /^# HELP thr_worker_summary worker summary\n# TYPE thr_worker_summary summary\n/);
    assert.match(single, /^thr_worker_summary_count 99$/m);
    assert.doesNotMatch(single, /thr_requests_total/);
    await assert.rejects(r.getSingleMetricAsString('thr_nope'), /"thr_nope"/);
    // The main thread can keep writing to a series the worker created.
    requests.inc({ path: '/worker' });
    level.inc({ tank: 'w' }, 2);
    const after = sampleMap(await r.metrics());
    assert.equal(after.get(sampleKey('thr_requests_total', { path: '/worker' })), 8);
    assert.equal(after.get(sampleKey('thr_level', { tank: 'w' })), 1);
  });

  it('a metric declared in a worker with the same name but another definition throws there, naming the metric', async () => {
    const r = new Registry();
    new Counter({ name: 'thr_clash_total', help: 'clash', labelNames: ['a'], registers: [r] });
    new Histogram({ name: 'thr_clash_seconds', help: 'clash', buckets: [1, 2], registers: [r] });
    const handle = r.share();
    const cases: Spec[] = [
      { type: 'counter', name: 'thr_clash_total', help: 'clash', labelNames: ['b'] },
      { type: 'gauge', name: 'thr_clash_total', help: 'clash', labelNames: ['a'] },
      { type: 'counter', name: 'thr_clash_total', help: 'other help', labelNames: ['a'] },
      { type: 'histogram', name: 'thr_clash_seconds', help: 'clash', buckets: [1, 3] },
    ];
    for (const spec of cases) {
      const w = startWorker(handle, { kind: 'ops', specs: [spec], ops: [] });
      const m = await w.next('declare-error');
      await w.exited;
      assert.match(String(m.message), new RegExp(`"${spec.name}".*different definition`), JSON.stringify(spec));
    }
    // The main thread's metrics are unharmed.
    const out = parseExposition(await r.metrics());
    assert.equal(out.type.get('thr_clash_total'), 'counter');
    assert.equal(out.type.get('thr_clash_seconds'), 'histogram');
  });
});
