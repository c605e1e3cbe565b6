/**
 * Each metric object keeps a bounded cache of the series its thread touched (two generations of
 * a few thousand entries); the series themselves live in shared memory. Past the cache's size,
 * updates find their series in the store: values stay exact, removed series stay removed, and the
 * heap does not grow with the number of series.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Counter, Gauge, Registry } from '../../src/index.js';
import { sampleKey, sampleMap } from '../fixtures/core/expo.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

describe('the per-thread series cache', () => {
  it('many more series than it holds: every update lands on its own series, in any order', async () => {
    const r = new Registry();
    const c = new Counter({ name: 'cache_requests_total', help: 'h', labelNames: ['id', 'kind'], registers: [r] });
    const n = 30_000;
    // Three passes in different orders, so most updates miss the cache and find the series in the store.
    for (let i = 0; i < n; i++) c.inc({ id: String(i), kind: 'a' }, 1);
    for (let i = n - 1; i >= 0; i--) c.inc({ id: String(i), kind: 'a' }, 2);
    for (let k = 0; k < n; k++) c.inc({ kind: 'a', id: String((k * 7919) % n) }, i3(k));
    const out = sampleMap(await r.metrics());
    for (let i = 0; i < n; i += 997) assert.equal(out.get(sampleKey('cache_requests_total', { id: String(i), kind: 'a' })), 3 + i3(inverse(i, n)), `series ${i}`);
    assert.equal([...out.keys()].filter((k) => k.startsWith('cache_requests_total')).length, n);
  });

  it('remove() of a series no longer cached, then updates again: it comes back from zero', async () => {
    const r = new Registry();
    const g = new Gauge({ name: 'cache_level', help: 'h', labelNames: ['id'], registers: [r] });
    for (let i = 0; i < 20_000; i++) g.set({ id: String(i) }, i);
    g.remove({ id: '5' }); // long evicted from the young generation
    g.inc({ id: '6' }, 0.5);
    let out = sampleMap(await r.metrics());
    assert.equal(out.has(sampleKey('cache_level', { id: '5' })), false);
    assert.equal(out.get(sampleKey('cache_level', { id: '6' })), 6.5);
    g.inc({ id: '5' });
    out = sampleMap(await r.metrics());
    assert.equal(out.get(sampleKey('cache_level', { id: '5' })), 1);
  });

  it('the heap does not grow with the series: 300k series cost shared memory, not per-thread cache entries', () => {
    const r = new Registry();
    const c = new Counter({ name: 'cache_many_total', help: 'h', labelNames: ['method', 'route', 'status'], registers: [r] });
    const labels = (i: number) => ({ method: 'GET', route: `/api/v1/items/${i}`, status: '200' });
    for (let i = 0; i < 10_000; i++) c.inc(labels(i));
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 10_000; i < 310_000; i++) c.inc(labels(i));
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // A cache of every series held ~78 bytes per series (23 MB here).
    assert.ok(grown < 5e6, `heap grew by ${(grown / 1e6).toFixed(1)} MB for 300k series`);
  });
});

/** The third pass's increment for pass index k. */
function i3(k: number): number {
  return (k % 5) + 1;
}

/** The pass index k at which the third pass updated series i ((k * 7919) % n === i). */
function inverse(i: number, n: number): number {
  for (let k = 0; k < n; k++) if ((k * 7919) % n === i) return k;
  throw new Error(`no k for ${i}`);
}
