/**
 * remove() / reset() and what happens to the freed rows: removed series vanish, come back from
 * zero, and a freed row is reused only after its quarantine, zeroed in every thread's shard, with
 * no value leaking from the old series into the new one.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { Counter, Gauge, Histogram, Registry, Summary } from '../../src/index.js';
import { Meta, ROW_QUARANTINE_SECONDS } from '../../src/store/layout.js';
import { sampleKey, sampleMap } from '../fixtures/core/expo.js';
import { startWorker, terminateAll } from '../fixtures/core/spawn.js';

const realNow = Date.now;
afterEach(async () => {
  Date.now = realNow;
  await terminateAll();
});

const rowCount = (r: Registry): number => Atomics.load(r.store.meta, Meta.RowCount);

function all(r: Registry) {
  const c = new Counter({ name: 'lc_requests_total', help: 'h', labelNames: ['method', 'code'], registers: [r] });
  const g = new Gauge({ name: 'lc_level', help: 'h', labelNames: ['tank'], registers: [r] });
  const h = new Histogram({ name: 'lc_latency', help: 'h', labelNames: ['path'], buckets: [1, 2], registers: [r] });
  const s = new Summary({ name: 'lc_size', help: 'h', labelNames: ['op'], percentiles: [0.5], registers: [r] });
  return { c, g, h, s };
}

describe('remove() and reset()', () => {
  it('removed series vanish (positional and object form) and come back from zero', async () => {
    const r = new Registry();
    const { c, g, h, s } = all(r);
    c.inc({ method: 'GET', code: '200' }, 5);
    c.inc({ method: 'PUT', code: '500' }, 7);
    g.set({ tank: 'a' }, 9);
    h.observe({ path: '/' }, 1.5);
    s.observe({ op: 'r' }, 100);
    const child = c.labels('GET', '200');
    c.remove('GET', '200');
    g.remove({ tank: 'a' });
    h.remove('/');
    s.remove({ op: 'r' });
    let out = sampleMap(await r.metrics());
    assert.deepEqual([...out.keys()], [sampleKey('lc_requests_total', { method: 'PUT', code: '500' })]);
    c.inc({ method: 'GET', code: '200' });
    child.inc(2); // a child from before the removal writes to the new series
    g.inc({ tank: 'a' });
    h.observe({ path: '/' }, 0.5);
    s.observe({ op: 'r' }, 3);
    out = sampleMap(await r.metrics());
    assert.equal(out.get(sampleKey('lc_requests_total', { method: 'GET', code: '200' })), 3);
    assert.equal(out.get(sampleKey('lc_level', { tank: 'a' })), 1);
    assert.equal(out.get(sampleKey('lc_latency_bucket', { path: '/', le: '1' })), 1);
    assert.equal(out.get(sampleKey('lc_latency_count', { path: '/' })), 1);
    assert.equal(out.get(sampleKey('lc_latency_sum', { path: '/' })), 0.5);
    assert.equal(out.get(sampleKey('lc_size_count', { op: 'r' })), 1);
    assert.ok(Math.abs(out.get(sampleKey('lc_size', { op: 'r', quantile: '0.5' }))! - 3) <= 0.03);
    // Removing what is not there is a no-op, as in prom-client.
    c.remove('nope', 'nope');
  });

  it('reset() removes every series; an unlabeled metric shows 0 right after', async () => {
    const r = new Registry();
    const { c, g, h, s } = all(r);
    const c0 = new Counter({ name: 'lc_plain_total', help: 'h', registers: [r] });
    const g0 = new Gauge({ name: 'lc_plain_gauge', help: 'h', registers: [r] });
    const h0 = new Histogram({ name: 'lc_plain_hist', help: 'h', buckets: [1], registers: [r] });
    const s0 = new Summary({ name: 'lc_plain_summary', help: 'h', percentiles: [0.5], registers: [r] });
    for (let i = 0; i < 5; i++) {
      c.inc({ method: `m${i}`, code: '1' });
      g.set({ tank: `t${i}` }, i);
      h.observe({ path: `/${i}` }, i);
      s.observe({ op: `o${i}` }, i + 1);
    }
    c0.inc(3);
    g0.set(-4);
    h0.observe(0.5);
    s0.observe(2);
    for (const m of [c, g, h, s, c0, g0, h0, s0]) m.reset();
    const out = sampleMap(await r.metrics());
    assert.deepEqual(
      Object.fromEntries(out),
      {
        [sampleKey('lc_plain_total', {})]: 0,
        [sampleKey('lc_plain_gauge', {})]: 0,
        [sampleKey('lc_plain_hist_bucket', { le: '1' })]: 0,
        [sampleKey('lc_plain_hist_bucket', { le: '+Inf' })]: 0,
        [sampleKey('lc_plain_hist_sum', {})]: 0,
        [sampleKey('lc_plain_hist_count', {})]: 0,
        [sampleKey('lc_plain_summary', { quantile: '0.5' })]: NaN,
        [sampleKey('lc_plain_summary_sum', {})]: 0,
        [sampleKey('lc_plain_summary_count', {})]: 0,
      },
    );
    c0.inc();
    assert.equal((await c0.get()).values[0]!.value, 1);
    // registry.resetMetrics() does the same for every metric.
    c.inc({ method: 'a', code: 'b' });
    r.resetMetrics();
    assert.equal((await c.get()).values.length, 0);
    assert.equal((await c0.get()).values[0]!.value, 0);
  });
});

describe('freed rows: quarantine and reuse', () => {
  it(`a freed row is not reused before ${ROW_QUARANTINE_SECONDS} s have passed, and is reused after`, () => {
    for (const offsetMs of [0, 1, 500, 999, 1500]) {
      let now = realNow();
      Date.now = () => now;
      const r = new Registry();
      const c = new Counter({ name: 'q_total', help: 'h', labelNames: ['k'], registers: [r] });
      const created = r.store.createdAtMs;
      c.inc({ k: 'old' });
      now = created + offsetMs;
      c.remove({ k: 'old' });
      const rows = rowCount(r);
      now = created + offsetMs + ROW_QUARANTINE_SECONDS * 1000 - 1;
      c.inc({ k: 'early' });
      assert.equal(rowCount(r), rows + 1, `freed at +${offsetMs} ms: reused after less than ${ROW_QUARANTINE_SECONDS} s`);
      c.remove({ k: 'early' });
      now = created + offsetMs + (ROW_QUARANTINE_SECONDS + 1) * 1000;
      c.inc({ k: 'late' });
      assert.equal(rowCount(r), rows + 1, `freed at +${offsetMs} ms: not reused ${ROW_QUARANTINE_SECONDS + 1} s later`);
    }
  });

  it('churn over a simulated minute: the row count stays bounded and no value leaks into a new series', async () => {
    let now = realNow();
    Date.now = () => now;
    const r = new Registry();
    const { c, h, s } = all(r);
    const LIVE = 5;
    const PER_SECOND = 200;
    const live: number[] = [];
    let maxRows = 0;
    for (let i = 0; i < 60 * PER_SECOND; i++) {
      now += 1000 / PER_SECOND;
      c.inc({ method: `m${i}`, code: 'x' }, i + 1);
      h.observe({ path: `/${i}` }, i % 2 === 0 ? 0.5 : 1.5);
      s.observe({ op: `o${i}` }, i + 1);
      live.push(i);
      if (live.length > LIVE) {
        const old = live.shift()!;
        c.remove(`m${old}`, 'x');
        h.remove({ path: `/${old}` });
        s.remove({ op: `o${old}` });
      }
      if (i % 97 === 0) {
        // Every new series holds exactly its own value.
        const out = sampleMap(await r.metrics());
        for (const j of live) {
          assert.equal(out.get(sampleKey('lc_requests_total', { method: `m${j}`, code: 'x' })), j + 1);
          assert.equal(out.get(sampleKey('lc_latency_count', { path: `/${j}` })), 1);
          assert.equal(out.get(sampleKey('lc_latency_bucket', { path: `/${j}`, le: '1' })), j % 2 === 0 ? 1 : 0);
          assert.equal(out.get(sampleKey('lc_size_count', { op: `o${j}` })), 1);
          assert.equal(out.get(sampleKey('lc_size_sum', { op: `o${j}` })), j + 1);
          const median = out.get(sampleKey('lc_size', { op: `o${j}`, quantile: '0.5' }))!;
          assert.ok(Math.abs(median - (j + 1)) <= 0.01 * (j + 1), `series o${j}: median ${median}, the only observation is ${j + 1}`);
        }
        assert.equal(out.size, live.length * (1 + 5 + 3), "nothing else is exposed");
      }
      maxRows = Math.max(maxRows, rowCount(r));
    }
    // Three families, each holding its live series plus what was freed in the last quarantine.
    const bound = 3 * (LIVE + PER_SECOND * (ROW_QUARANTINE_SECONDS + 1) + 1);
    assert.ok(maxRows <= bound, `${maxRows} rows for ${3 * 60 * PER_SECOND} series created, bound ${bound}`);
  });

  it('real time, over 3 s of churn: rows are reused and values start from zero', async () => {
    const r = new Registry();
    const c = new Counter({ name: 'rt_total', help: 'h', labelNames: ['k'], registers: [r] });
    const until = realNow() + (ROW_QUARANTINE_SECONDS + 1) * 1000 + 700;
    let i = 0;
    let previous: string | undefined;
    while (realNow() < until) {
      const k = `s${i++}`;
      c.inc({ k }, 0);
      assert.equal((await c.get()).values.find((v) => v.labels.k === k)!.value, 0, `${k} starts from 0`);
      c.inc({ k }, i);
      if (previous) c.remove({ k: previous });
      previous = k;
      await sleep(10);
    }
    const values = (await c.get()).values;
    assert.deepEqual(values.map((v) => [v.labels.k, v.value]), [[previous, i]]);
    assert.ok(rowCount(r) < i, `${rowCount(r)} rows for ${i} series: freed rows were reused`);
  });

  it('a row written by a worker thread is zeroed in that thread’s shard before reuse', async () => {
    let now = realNow();
    Date.now = () => now;
    const r = new Registry();
    const c = new Counter({ name: 'wz_total', help: 'h', labelNames: ['k'], registers: [r] });
    const h = new Histogram({ name: 'wz_hist', help: 'h', labelNames: ['k'], buckets: [1], registers: [r] });
    const w = startWorker(r.share(), {
      kind: 'ops',
      specs: [
        { type: 'counter', name: 'wz_total', help: 'h', labelNames: ['k'] },
        { type: 'histogram', name: 'wz_hist', help: 'h', labelNames: ['k'], buckets: [1] },
      ],
      ops: [
        { metric: 'wz_total', op: 'inc', labels: { k: 'old' }, value: 1000 },
        { metric: 'wz_hist', op: 'observe', labels: { k: 'old' }, value: 0.5, times: 10 },
      ],
    });
    await w.next('done');
    await w.exited;
    const rows = rowCount(r);
    c.remove({ k: 'old' });
    h.remove({ k: 'old' });
    now += (ROW_QUARANTINE_SECONDS + 1) * 1000;
    c.inc({ k: 'new' });
    h.observe({ k: 'new' }, 5);
    assert.equal(rowCount(r), rows, 'the rows were reused');
    const out = sampleMap(await r.metrics());
    assert.equal(out.get(sampleKey('wz_total', { k: 'new' })), 1);
    assert.equal(out.get(sampleKey('wz_hist_bucket', { k: 'new', le: '1' })), 0);
    assert.equal(out.get(sampleKey('wz_hist_count', { k: 'new' })), 1);
    assert.equal(out.get(sampleKey('wz_hist_sum', { k: 'new' })), 5);
  });

  it('a reference cached by another registry (thread) never writes into a later series of the same row', async () => {
    // Two registries on one store stand for two threads: each metric object keeps its own cache.
    // The row goes through many more lives; a generation counter that wraps would make the stale
    // reference look current again (with 7 bits: after 64 reuses, with 8 bits: 128).
    for (const lives of [1, 63, 64, 65, 128, 200]) {
      let now = realNow();
      Date.now = () => now;
      const r = new Registry();
      const a = new Counter({ name: 'aba_total', help: 'h', labelNames: ['k'], registers: [r] });
      const other = Registry.attach(r.share());
      assert.equal(other.store, r.store);
      const b = new Counter({ name: 'aba_total', help: 'h', labelNames: ['k'], registers: [other] });
      a.inc({ k: 'x' }); // `a` caches x's row
      b.remove({ k: 'x' });
      for (let i = 0; i < lives; i++) {
        now += (ROW_QUARANTINE_SECONDS + 1) * 1000;
        b.inc({ k: `y${i}` });
        if (i < lives - 1) b.remove({ k: `y${i}` });
      }
      assert.equal(rowCount(r), 1, 'one row went through every life');
      a.inc({ k: 'x' }, 1000);
      const out = sampleMap(await r.metrics());
      assert.equal(out.get(sampleKey('aba_total', { k: `y${lives - 1}` })), 1, `${lives} lives: the current series of the row is untouched`);
      assert.equal(out.get(sampleKey('aba_total', { k: 'x' })), 1000, `${lives} lives: x was created again`);
      assert.equal(out.size, 2);
    }
  });
});
