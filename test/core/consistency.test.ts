/**
 * Renders while writers run: worker threads hammer histogram observes and counter increments
 * (and create series) while the main thread renders hundreds of times. Every single render must
 * be consistent: for each histogram series `le="+Inf"` == `_count` and the buckets never
 * decrease, and no counter is ever lower than in the render before. At the end the totals are
 * exact.
 */
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { Counter, Histogram, Registry } from '../../src/index.js';
import { parseExposition, sampleKey, type Sample } from '../fixtures/core/expo.js';
import { startWorker, terminateAll } from '../fixtures/core/spawn.js';
import type { Spec } from '../fixtures/core/worker.js';

const WORKERS = 3;
const RUN_MS = 1500;
const MIN_RENDERS = 300;
const SETS = [{ set: 'a' }, { set: 'b' }, { set: 'c' }];

/** Checks one render; returns the counter values to compare the next render with. */
function checkRender(samples: Sample[], previous: Map<string, number>, types: Map<string, string>, n: number): Map<string, number> {
  const counters = new Map<string, number>();
  const hist = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
  for (const s of samples) {
    // OpenMetrics names counter families without _total; the samples carry it in both formats.
    const counterFamily = types.get(s.name) === 'counter' || types.get(s.name.replace(/_total$/, '')) === 'counter';
    if (counterFamily) {
      const k = sampleKey(s.name, s.labels);
      counters.set(k, s.value);
      const before = previous.get(k);
      if (before !== undefined) assert.ok(s.value >= before, `render ${n}: counter ${k} went from ${before} to ${s.value}`);
      continue;
    }
    const m = /^(.*)_(bucket|count)$/.exec(s.name);
    if (!m || types.get(m[1]!) !== 'histogram') continue;
    const { le, ...rest } = s.labels;
    const series = sampleKey(m[1]!, rest);
    const h = hist.get(series) ?? { buckets: [] };
    hist.set(series, h);
    if (m[2] === 'bucket') h.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
    else h.count = s.value;
  }
  for (const [series, h] of hist) {
    h.buckets.sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < h.buckets.length; i++) {
      assert.ok(h.buckets[i]![1] >= h.buckets[i - 1]![1], `render ${n}: ${series} buckets decrease at le=${h.buckets[i]![0]}: ${JSON.stringify(h.buckets)}`);
    }
    const inf = h.buckets.at(-1)!;
    assert.equal(inf[0], Infinity, `render ${n}: ${series} has no +Inf bucket`);
    assert.equal(inf[1], h.count, `render ${n}: ${series} +Inf bucket ${inf[1]} != _count ${h.count}`);
  }
  return counters;
}

afterEach(terminateAll);

describe('consistent renders under concurrent writers', () => {
  it(`${WORKERS} threads hammer for ${RUN_MS} ms; every render is consistent and counters never go back`, async (t) => {
    const r = new Registry();
    const counterSpec: Spec = { type: 'counter', name: 'cons_ops_total', help: 'ops', labelNames: ['set'] };
    const histSpec: Spec = { type: 'histogram', name: 'cons_latency_seconds', help: 'latency', labelNames: ['set'], buckets: [0.1, 0.25, 0.5, 0.75, 1, 1.1] };
    const counter = new Counter({ name: counterSpec.name, help: 'ops', labelNames: ['set'], registers: [r] });
    const hist = new Histogram({ name: histSpec.name, help: 'latency', labelNames: ['set'], buckets: histSpec.buckets!, registers: [r] });
    const stop = new SharedArrayBuffer(4);
    const handle = r.share();
    const workers = Array.from({ length: WORKERS }, () =>
      startWorker(handle, { kind: 'hammer', stop, counter: counterSpec, histogram: histSpec, labelSets: SETS, newSeriesEvery: 200 }),
    );
    await Promise.all(workers.map((w) => w.next('attached')));
    t.after(() => Atomics.store(new Int32Array(stop), 0, 1));

    let previous = new Map<string, number>();
    let renders = 0;
    let mainIncs = 0;
    // At least RUN_MS, and at least MIN_RENDERS renders unless the machine is very busy.
    const until = performance.now() + RUN_MS;
    const hardStop = until + 4 * RUN_MS;
    while (performance.now() < until || (renders < MIN_RENDERS && performance.now() < hardStop)) {
      // The main thread writes too, and creates series while the workers do.
      counter.inc({ set: 'main' });
      hist.observe({ set: 'main' }, (renders % 12) * 0.1);
      if (renders % 25 === 0) counter.inc({ set: `main-${renders}` });
      mainIncs++;
      const openMetrics = renders % 2 === 1;
      const text = r.render(await r.snapshots(), openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE);
      const parsed = parseExposition(text);
      previous = checkRender(parsed.samples, previous, parsed.type, renders);
      renders++;
      if (renders % 10 === 0) await tick();
    }
    Atomics.store(new Int32Array(stop), 0, 1);
    const results = await Promise.all(workers.map((w) => w.next('done')));
    await Promise.all(workers.map((w) => w.exited));
    t.diagnostic(`${renders} renders`);
    assert.ok(renders >= 200, `only ${renders} renders`);

    // Exact totals once the writers have stopped.
    const parsed = parseExposition(await r.metrics());
    checkRender(parsed.samples, previous, parsed.type, renders);
    const value = (name: string, labels: Record<string, string>) => parsed.samples.find((s) => sampleKey(s.name, s.labels) === sampleKey(name, labels))?.value;
    const expected = new Map<string, number>();
    let observations = 0;
    for (const m of results) {
      for (const [k, v] of Object.entries(m.counts as Record<string, number>)) expected.set(k, (expected.get(k) ?? 0) + v);
      observations += m.observations as number;
    }
    assert.ok(expected.size > SETS.length, 'the workers created series while the main thread rendered');
    for (const [k, v] of expected) assert.equal(value('cons_ops_total', JSON.parse(k)), v, `counter ${k}`);
    let histCount = 0;
    for (const set of SETS) {
      const c = value('cons_latency_seconds_count', set)!;
      assert.equal(c, expected.get(JSON.stringify(set)), `histogram count ${set.set} = increments of that set`);
      histCount += c;
    }
    assert.equal(histCount, observations);
    assert.equal(value('cons_ops_total', { set: 'main' }), mainIncs);
    assert.equal(value('cons_latency_seconds_count', { set: 'main' }), mainIncs);
  });
});
