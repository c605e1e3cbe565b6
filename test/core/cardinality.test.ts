/**
 * The series bound: past `maxSeries` new series are dropped (never stored), each refused update
 * is counted in `atomic_exporter_series_dropped_total{metric="..."}`, and the store does not grow.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Counter, Gauge, Histogram, Registry, Summary } from '../../src/index.js';
import { Meta } from '../../src/store/layout.js';
import { parseExposition, sampleKey, sampleMap } from '../fixtures/core/expo.js';
import { startWorker, terminateAll } from '../fixtures/core/spawn.js';

afterEach(terminateAll);

const DROPPED = 'atomic_exporter_series_dropped_total';
const rowCount = (r: Registry): number => Atomics.load(r.store.meta, Meta.RowCount);
const arenaUsed = (r: Registry): number => Atomics.load(r.store.meta, Meta.ArenaUsed);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

describe('maxSeries', () => {
  it('maxSeries: 10 keeps 10 series, drops the rest and counts every refused update', async () => {
    const r = new Registry();
    const c = new Counter({ name: 'card_requests_total', help: 'h', labelNames: ['user'], maxSeries: 10, registers: [r] });
    for (let i = 0; i < 10; i++) c.inc({ user: `u${i}` });
    const rows = rowCount(r);
    const arena = arenaUsed(r);
    for (let i = 10; i < 5000; i++) c.inc({ user: `u${i}` });
    for (let i = 0; i < 100; i++) c.labels(`late${i}`).inc(); // through a child, too
    c.labels('bound-but-never-updated'); // not an update: not a drop
    for (let i = 0; i < 10; i++) c.inc({ user: `u${i}` }, 2); // existing series still count
    const parsed = parseExposition(await r.metrics());
    const own = parsed.samples.filter((s) => s.name === 'card_requests_total');
    assert.equal(own.length, 10);
    assert.deepEqual(own.map((s) => s.value), new Array(10).fill(3));
    assert.deepEqual(own.map((s) => s.labels.user).sort(), Array.from({ length: 10 }, (_, i) => `u${i}`).sort());
    const out = sampleMap(await r.metrics());
    assert.equal(out.get(sampleKey(DROPPED, { metric: 'card_requests_total' })), 4990 + 100);
    assert.equal(parsed.type.get(DROPPED), 'counter');
    assert.equal(rowCount(r), rows, 'no row for a dropped series');
    assert.equal(arenaUsed(r), arena, 'no label bytes stored for a dropped series');
    assert.deepEqual(r.cardinality().find((c) => c.metric === 'card_requests_total'), { metric: 'card_requests_total', series: 10, dropped: 5090 });
  });

  it('every type honours the bound; a metric without drops is not listed', async () => {
    const r = new Registry();
    const metrics = [
      new Gauge({ name: 'card_g', help: 'h', labelNames: ['k'], maxSeries: 3, registers: [r] }),
      new Histogram({ name: 'card_h', help: 'h', labelNames: ['k'], maxSeries: 3, buckets: [1], registers: [r] }),
      new Summary({ name: 'card_s', help: 'h', labelNames: ['k'], maxSeries: 3, percentiles: [0.5], registers: [r] }),
    ];
    new Counter({ name: 'card_fine_total', help: 'h', labelNames: ['k'], maxSeries: 3, registers: [r] }).inc({ k: 'a' });
    const [g, h, s] = metrics as [Gauge, Histogram, Summary];
    for (let i = 0; i < 5; i++) {
      g.set({ k: `${i}` }, i);
      h.observe({ k: `${i}` }, i);
      s.observe({ k: `${i}` }, i);
    }
    const parsed = parseExposition(await r.metrics());
    const series = (name: string) => new Set(parsed.samples.filter((x) => x.name.startsWith(name)).map((x) => x.labels.k)).size;
    assert.equal(series('card_g'), 3);
    assert.equal(series('card_h'), 3);
    assert.equal(series('card_s'), 3);
    const drops = parsed.samples.filter((x) => x.name === DROPPED);
    assert.deepEqual(drops.map((x) => [x.labels.metric, x.value]).sort(), [['card_g', 2], ['card_h', 2], ['card_s', 2]]);
  });

  it('memory stays bounded: a million distinct label sets against maxSeries: 10', async () => {
    const r = new Registry();
    const c = new Counter({ name: 'card_flood_total', help: 'h', labelNames: ['id'], maxSeries: 10, registers: [r] });
    for (let i = 0; i < 10; i++) c.inc({ id: `${i}` });
    const rows = rowCount(r);
    const arena = arenaUsed(r);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 10; i < 1_000_000; i++) c.inc({ id: `${i}` });
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    assert.equal(rowCount(r), rows);
    assert.equal(arenaUsed(r), arena);
    // The per-thread lookup cache is bounded too (a few thousand entries): a million label sets
    // must not keep a million strings alive.
    assert.ok(heapAfter - heapBefore < 10e6, `heap grew by ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB`);
    assert.equal(sampleMap(await r.metrics()).get(sampleKey(DROPPED, { metric: 'card_flood_total' })), 1_000_000 - 10);
  });

  it('a series refused while the metric was full is accepted once series were removed', async () => {
    const r = new Registry();
    const c = new Counter({ name: 'card_room_total', help: 'h', labelNames: ['k'], maxSeries: 2, registers: [r] });
    c.inc({ k: 'a' });
    c.inc({ k: 'b' });
    c.inc({ k: 'c' }); // dropped (and remembered as dropped by this thread's cache)
    const child = c.labels('d');
    child.inc(); // dropped
    c.remove({ k: 'a' });
    c.inc({ k: 'c' }, 5);
    let out = sampleMap(await r.metrics());
    assert.equal(out.get(sampleKey('card_room_total', { k: 'c' })), 5, 'c gets the freed place');
    child.inc(); // still full: dropped again
    c.reset();
    child.inc(3);
    out = sampleMap(await r.metrics());
    assert.equal(out.get(sampleKey('card_room_total', { k: 'd' })), 3, 'the child writes once there is room');
    assert.equal(out.get(sampleKey(DROPPED, { metric: 'card_room_total' })), 3);
  });

  it('the bound holds across threads: a worker’s series count against the same limit', async () => {
    const r = new Registry();
    const c = new Counter({ name: 'card_threads_total', help: 'h', labelNames: ['k'], maxSeries: 5, registers: [r] });
    c.inc({ k: 'main' });
    const w = startWorker(r.share(), {
      kind: 'ops',
      specs: [{ type: 'counter', name: 'card_threads_total', help: 'h', labelNames: ['k'], maxSeries: 5 }],
      ops: Array.from({ length: 20 }, (_, i) => ({ metric: 'card_threads_total', op: 'inc' as const, labels: { k: `w${i}` } })),
    });
    await w.next('done');
    const out = sampleMap(await r.metrics());
    assert.equal([...out.keys()].filter((k) => k.startsWith('card_threads_total{')).length, 5);
    assert.equal(out.get(sampleKey(DROPPED, { metric: 'card_threads_total' })), 16);
  });
});
