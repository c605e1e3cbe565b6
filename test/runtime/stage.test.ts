import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from '../../src/registry.js';
import { familyDefinitionOf } from '../../src/runtime/spec.js';
import { applyStage, BoundMetric, Stage } from '../../src/runtime/stage.js';
import type { MetricSpec } from '../../src/collector/define.js';
import { sample, seriesOf } from './helpers.js';

/** The handles as a test drives them: loosely typed on purpose (wrong calls are tested too). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handles = Record<string, any>;

/** A registry with these metrics declared, and a function that runs one staged "run" on them. */
function setup(specs: Record<string, MetricSpec>) {
  const registry = new Registry();
  const bound = Object.entries(specs).map(([key, spec]) => {
    const def = familyDefinitionOf(spec);
    return new BoundMetric(key, registry.store.declareFamily(def), def);
  });
  const run = (fn: (m: Handles) => void, apply = true): Stage => {
    const stage = new Stage(bound);
    fn(stage.handles() as Handles);
    stage.close();
    if (apply) applyStage(registry.store, stage);
    return stage;
  };
  return { registry, run, text: () => registry.metrics() };
}

describe('stage and apply', () => {
  it('counter: set mirrors, inc accumulates onto the previous run, touch keeps the value', async () => {
    const { run, text } = setup({ c: { type: 'counter', name: 'c_total', help: 'h', labelNames: ['k'] } });
    run((m) => {
      m.c.set({ k: 'mirror' }, 100);
      m.c.inc({ k: 'acc' }, 2);
    });
    run((m) => {
      m.c.set({ k: 'mirror' }, 150);
      m.c.inc({ k: 'acc' }, 3);
    });
    let t = await text();
    assert.equal(sample(t, 'c_total{k="mirror"}'), 150);
    assert.equal(sample(t, 'c_total{k="acc"}'), 5);
    run((m) => {
      m.c.touch({ k: 'mirror' });
      m.c.inc({ k: 'acc' }, 0);
    });
    t = await text();
    assert.equal(sample(t, 'c_total{k="mirror"}'), 150);
    assert.equal(sample(t, 'c_total{k="acc"}'), 5);
  });

  it('series a successful run does not report are removed', async () => {
    const { run, text } = setup({
      g: { type: 'gauge', name: 'g', help: 'h', labelNames: ['k'] },
      c: { type: 'counter', name: 'c_total', help: 'h', labelNames: ['k'] },
    });
    run((m) => {
      m.g.set({ k: 'a' }, 1);
      m.g.set({ k: 'b' }, 2);
      m.c.inc({ k: 'a' });
      m.c.inc({ k: 'b' });
    });
    run((m) => {
      m.g.set({ k: 'b' }, 3);
      m.c.inc({ k: 'a' });
    });
    const t = await text();
    assert.deepEqual(seriesOf(t, 'g'), ['g{k="b"}']);
    assert.deepEqual(seriesOf(t, 'c_total'), ['c_total{k="a"}']);
    assert.equal(sample(t, 'c_total{k="a"}'), 2);
    // A run reporting nothing removes everything.
    run(() => undefined);
    assert.deepEqual(seriesOf(await text(), 'g'), []);
  });

  it('a removed series that comes back starts from zero', async () => {
    const { run, text } = setup({ c: { type: 'counter', name: 'c_total', help: 'h', labelNames: ['k'] } });
    run((m) => m.c.inc({ k: 'a' }, 5));
    run(() => undefined);
    run((m) => m.c.inc({ k: 'a' }, 1));
    assert.equal(sample(await text(), 'c_total{k="a"}'), 1);
  });

  it('a run that is not applied changes nothing', async () => {
    const { run, text } = setup({ g: { type: 'gauge', name: 'g', help: 'h' } });
    run((m) => m.g.set(1));
    run((m) => m.g.set(2), false);
    assert.equal(sample(await text(), 'g'), 1);
  });

  it('gauge: set samples, inc/dec adjust the previous value', async () => {
    const { run, text } = setup({ g: { type: 'gauge', name: 'g', help: 'h' } });
    run((m) => m.g.set(10));
    run((m) => {
      m.g.inc(5);
      m.g.dec(2);
    });
    assert.equal(sample(await text(), 'g'), 13);
    run((m) => {
      m.g.inc(1);
      m.g.set(4);
      m.g.inc(1);
    });
    assert.equal(sample(await text(), 'g'), 5);
  });

  it('histogram and summary accumulate observations; +Inf equals _count', async () => {
    const { run, text } = setup({
      h: { type: 'histogram', name: 'h_seconds', help: 'h', buckets: [1, 10] },
      s: { type: 'summary', name: 's_bytes', help: 'h', percentiles: [0.5] },
    });
    run((m) => {
      m.h.observe(0.5);
      m.h.observe(5);
      m.s.observe(100);
    });
    run((m) => {
      m.h.observe(50);
      m.s.observe(300);
      m.s.observe(200);
    });
    const t = await text();
    assert.equal(sample(t, 'h_seconds_bucket{le="1"}'), 1);
    assert.equal(sample(t, 'h_seconds_bucket{le="10"}'), 2);
    assert.equal(sample(t, 'h_seconds_bucket{le="+Inf"}'), 3);
    assert.equal(sample(t, 'h_seconds_count'), 3);
    assert.equal(sample(t, 'h_seconds_sum'), 55.5);
    assert.equal(sample(t, 's_bytes_count'), 3);
    assert.equal(sample(t, 's_bytes_sum'), 600);
    assert.ok(Math.abs(sample(t, 's_bytes{quantile="0.5"}')! - 200) <= 2);
    // touch keeps them; a new touched series starts at zero
    run((m) => {
      m.h.touch();
      m.s.touch();
    });
    assert.equal(sample(await text(), 'h_seconds_count'), 3);
  });

  it('checks values and labels, and refuses writes after the run', () => {
    const { run } = setup({
      c: { type: 'counter', name: 'c_total', help: 'h', labelNames: ['k'] },
      g: { type: 'gauge', name: 'g', help: 'h' },
    });
    assert.throws(() => run((m) => m.c.inc({ k: 'a' }, -1)), /not possible to decrease a counter \(counter "c_total"/);
    assert.throws(() => run((m) => m.c.set({ k: 'a' }, NaN)), /counter "c_total"/);
    assert.throws(() => run((m) => m.c.inc({ nope: 'a' })), /Added label "nope" is not included/);
    assert.throws(() => run((m) => m.g.set('x')), /not a valid number/);
    let saved: Handles = {};
    run((m) => (saved = m));
    assert.throws(() => saved.g.set(1), /metric "g" written after its collect\(\) returned/);
  });

  it('respects maxSeries: extra series are dropped and counted, not applied', async () => {
    const { run, text } = setup({ g: { type: 'gauge', name: 'g', help: 'h', labelNames: ['k'], maxSeries: 2 } });
    run((m) => {
      for (const k of ['a', 'b', 'c']) m.g.set({ k }, 1);
    });
    const t = await text();
    assert.equal(seriesOf(t, 'g').length, 2);
    assert.equal(sample(t, 'atomic_exporter_series_dropped_total{metric="g"}'), 1);
  });
});
