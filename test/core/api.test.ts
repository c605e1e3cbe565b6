/**
 * prom-client compatibility for the common subset: every option and method the issue lists,
 * used the way prom-client documents them, and (where the result is data) compared with what
 * prom-client 15 itself returns.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import * as prom from 'prom-client';
import * as ours from '../../src/index.js';
import { Counter, Gauge, Histogram, Registry, Summary, register } from '../../src/index.js';
import { parseExposition, parseValue, sampleKey, sampleMap } from '../fixtures/core/expo.js';

const realNow = performance.now.bind(performance);
afterEach(() => {
  performance.now = realNow;
});

/** Makes `performance.now()` advance by `ms` at each call after the first, for startTimer. */
function fakeClock(stepMs: number): void {
  let t = 1000;
  performance.now = () => (t += stepMs) - stepMs;
}

describe('metric options', () => {
  it('name, help, labelNames, registers (several registries), constLabels', async () => {
    const a = new Registry();
    const b = new Registry();
    const c = new Counter({ name: 'api_jobs_total', help: 'Jobs.', labelNames: ['queue'], constLabels: { team: 'core', shard: 7 }, registers: [a, b] });
    c.inc({ queue: 'q1' }, 2);
    for (const r of [a, b]) {
      const text = await r.metrics();
      assert.match(text, /^# HELP api_jobs_total Jobs\.\n# TYPE api_jobs_total counter\n/);
      assert.deepEqual(Object.fromEntries(sampleMap(text)), { [sampleKey('api_jobs_total', { queue: 'q1', team: 'core', shard: '7' })]: 2 });
      assert.equal(r.getSingleMetric('api_jobs_total'), c);
    }
    assert.equal(c.name, 'api_jobs_total');
    assert.equal(c.help, 'Jobs.');
    assert.deepEqual(c.labelNames, ['queue']);
  });

  it('without registers a metric joins the global registry; registers: [] joins none', async () => {
    const c = new Counter({ name: 'api_global_total', help: 'h' });
    try {
      assert.equal(register.getSingleMetric('api_global_total'), c);
      assert.match(await register.metrics(), /api_global_total 0/);
      const loose = new Counter({ name: 'api_loose_total', help: 'h', registers: [] });
      loose.inc();
      assert.equal(register.getSingleMetric('api_loose_total'), undefined);
      assert.equal((await loose.get()).values[0]!.value, 1);
    } finally {
      register.removeSingleMetric('api_global_total');
    }
  });

  it('buckets (default: prom-client’s), percentiles (default: prom-client’s), maxAgeSeconds, ageBuckets', async () => {
    assert.deepEqual(ours.DEFAULT_BUCKETS, [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
    assert.deepEqual(ours.DEFAULT_PERCENTILES, [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999]);
    const r = new Registry();
    new Histogram({ name: 'api_default_buckets', help: 'h', registers: [r] });
    new Histogram({ name: 'api_buckets', help: 'h', buckets: [0.5, 2], registers: [r] });
    new Summary({ name: 'api_default_quantiles', help: 'h', registers: [r] });
    const s = new Summary({ name: 'api_window', help: 'h', percentiles: [0.5, 0.99], maxAgeSeconds: 60, ageBuckets: 3, registers: [r] });
    s.observe(4);
    const parsed = parseExposition(await r.metrics());
    const les = (n: string) => parsed.samples.filter((x) => x.name === `${n}_bucket`).map((x) => parseValue(x.labels.le!));
    assert.deepEqual(les('api_default_buckets'), [...ours.DEFAULT_BUCKETS, Infinity]);
    assert.deepEqual(les('api_buckets'), [0.5, 2, Infinity]);
    const qs = (n: string) => parsed.samples.filter((x) => x.name === n).map((x) => Number(x.labels.quantile));
    assert.deepEqual(qs('api_default_quantiles'), ours.DEFAULT_PERCENTILES);
    assert.deepEqual(qs('api_window'), [0.5, 0.99]);
    assert.ok(parsed.samples.filter((x) => x.name === 'api_window').every((x) => Math.abs(x.value - 4) <= 0.04));
  });

  it('prom-client options we do not need are accepted (aggregator, compressCount, pruneAgedBuckets, collect)', async () => {
    let collected = 0;
    const r = new Registry();
    const g = new Gauge({
      name: 'api_collected',
      help: 'h',
      aggregator: 'max',
      registers: [r],
      collect() {
        collected++;
        (this as unknown as Gauge).set(42);
      },
    });
    new Summary({ name: 'api_s', help: 'h', compressCount: 100, pruneAgedBuckets: true, maxAgeSeconds: 10, ageBuckets: 2, registers: [r] });
    assert.match(await r.metrics(), /\napi_collected 42\n/);
    assert.equal(collected, 1);
    assert.equal((await g.get()).aggregator, 'max');
    assert.equal(collected, 2, 'get() runs collect too');
  });
});

describe('metric methods', () => {
  it('Counter: inc(), inc(v), inc(labels), inc(labels, v), labels(...).inc, remove, reset, get', async () => {
    const c = new Counter({ name: 'api_c_total', help: 'h', labelNames: ['a', 'b'], registers: [] });
    c.inc();
    c.inc(2);
    c.inc({ a: 'x' });
    c.inc({ a: 'x', b: 1 }, 3);
    c.labels('x', '1').inc();
    c.labels({ a: 'x', b: '1' }).inc(0.5);
    c.labels('y', 'z').inc();
    c.remove('y', 'z');
    assert.deepEqual((await c.get()).values, [
      { value: 3, labels: {} },
      { value: 1, labels: { a: 'x' } },
      { value: 4.5, labels: { a: 'x', b: '1' } },
    ]);
    c.remove({ a: 'x' });
    assert.equal((await c.get()).values.length, 2);
    c.reset();
    assert.deepEqual((await c.get()).values, []);
  });

  it('Gauge: inc, dec, set (with and without labels), setToCurrentTime, startTimer, labels(...)', async () => {
    const g = new Gauge({ name: 'api_g', help: 'h', labelNames: ['k'], registers: [] });
    g.set(10);
    g.inc();
    g.inc(2);
    g.dec();
    g.dec(0.5);
    g.set({ k: 'a' }, 5);
    g.inc({ k: 'a' });
    g.inc({ k: 'a' }, 2);
    g.dec({ k: 'a' });
    g.dec({ k: 'a' }, 3);
    const child = g.labels('b');
    child.set(1);
    child.inc();
    child.inc(3);
    child.dec();
    child.dec(2);
    g.labels({ k: 'c' }).set(-7);
    const before = Date.now() / 1000;
    g.setToCurrentTime({ k: 't' });
    fakeClock(1500);
    const end = g.startTimer({ k: 'timer' });
    assert.equal(end(), 1.5);
    const end2 = g.labels('timer2').startTimer();
    end2();
    const values = new Map((await g.get()).values.map((v) => [v.labels.k ?? '', v.value]));
    assert.equal(values.get(''), 11.5);
    assert.equal(values.get('a'), 4);
    assert.equal(values.get('b'), 2);
    assert.equal(values.get('c'), -7);
    assert.ok(values.get('t')! >= before && values.get('t')! <= Date.now() / 1000 + 1);
    assert.equal(values.get('timer'), 1.5);
    assert.equal(values.get('timer2'), 1.5);
  });

  it('Histogram: observe (with and without labels), startTimer (labels at start and at end), labels(...), zero, remove, reset', async () => {
    const h = new Histogram({ name: 'api_h', help: 'h', labelNames: ['m', 'code'], buckets: [1, 2], registers: [] });
    h.observe(0.5);
    h.observe({ m: 'GET' }, 1.5);
    h.labels('GET', '200').observe(3);
    h.labels({ m: 'GET', code: '200' }).observe(1);
    fakeClock(2000);
    h.startTimer({ m: 'PUT' })({ code: '201' });
    h.labels('DEL', '204').startTimer()();
    h.zero({ m: 'Z', code: '0' });
    const out = sampleMap(await new Promise<string>((resolve) => {
      const r = new Registry();
      r.registerMetric(h);
      void r.metrics().then(resolve);
    }));
    assert.equal(out.get(sampleKey('api_h_bucket', { le: '1' })), 1);
    assert.equal(out.get(sampleKey('api_h_bucket', { m: 'GET', le: '2' })), 1);
    assert.equal(out.get(sampleKey('api_h_bucket', { m: 'GET', code: '200', le: '1' })), 1);
    assert.equal(out.get(sampleKey('api_h_count', { m: 'GET', code: '200' })), 2);
    assert.equal(out.get(sampleKey('api_h_sum', { m: 'GET', code: '200' })), 4);
    assert.equal(out.get(sampleKey('api_h_sum', { m: 'PUT', code: '201' })), 2);
    assert.equal(out.get(sampleKey('api_h_bucket', { m: 'PUT', code: '201', le: '2' })), 1);
    assert.equal(out.get(sampleKey('api_h_sum', { m: 'DEL', code: '204' })), 2);
    assert.equal(out.get(sampleKey('api_h_count', { m: 'Z', code: '0' })), 0);
    h.remove('GET', '200');
    h.remove({ m: 'GET' });
    assert.equal((await h.get()).values.filter((v) => v.labels.m === 'GET').length, 0);
    h.reset();
    assert.deepEqual((await h.get()).values, [], 'a metric with labelNames has no series after reset()');
  });

  it('Summary: observe, startTimer, labels(...), remove, reset, get', async () => {
    const s = new Summary({ name: 'api_s', help: 'h', labelNames: ['op'], percentiles: [0.5], registers: [] });
    s.observe(2);
    s.observe({ op: 'r' }, 10);
    s.labels('w').observe(20);
    s.labels({ op: 'w' }).observe(20);
    fakeClock(250);
    assert.equal(s.startTimer({ op: 't' })(), 0.25);
    s.labels('t2').startTimer()();
    const got = (await s.get()).values;
    const q = (op: string | undefined) => got.find((v) => v.labels.op === op && v.labels.quantile === 0.5)!.value;
    const count = (op: string | undefined) => got.find((v) => v.labels.op === op && v.metricName === 'api_s_count')!.value;
    assert.ok(Math.abs(q(undefined) - 2) <= 0.02);
    assert.ok(Math.abs(q('w') - 20) <= 0.2);
    assert.ok(Math.abs(q('t') - 0.25) <= 0.0025);
    assert.equal(count('w'), 2);
    assert.equal(count('t2'), 1);
    s.remove('w');
    s.remove({ op: 'r' });
    assert.equal((await s.get()).values.filter((v) => v.labels.op === 'w' || v.labels.op === 'r').length, 0);
    s.reset();
    assert.deepEqual((await s.get()).values, []);
  });

  it('get() returns what prom-client’s get() returns (values and labels; exemplars aside)', async () => {
    const build = (lib: typeof prom | typeof ours) => {
      const r = new lib.Registry();
      const c = new lib.Counter({ name: 'cmp_total', help: 'h', labelNames: ['a'], registers: [r as never] });
      const g = new lib.Gauge({ name: 'cmp_g', help: 'h', labelNames: ['a'], registers: [r as never] });
      const h = new lib.Histogram({ name: 'cmp_h', help: 'h', labelNames: ['a'], buckets: [1, 5], registers: [r as never] });
      c.inc({ a: 'x' }, 3);
      c.inc();
      g.set({ a: 'y' }, -2);
      h.observe({ a: 'x' }, 2);
      h.observe(0.5);
      return [c, g, h] as const;
    };
    const normalize = (v: { values: Array<{ value: number; labels: object; metricName?: string }>; name: string; help: string; type: unknown; aggregator: string }) => ({
      name: v.name,
      help: v.help,
      type: String(v.type),
      aggregator: v.aggregator,
      values: v.values.map((x) => JSON.stringify([x.metricName ?? v.name, Object.entries(x.labels).sort(), x.value])).sort(),
    });
    const theirs = build(prom);
    const mine = build(ours);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(normalize(await mine[i]!.get()), normalize((await theirs[i]!.get()) as never));
    }
  });
});

describe('registry', () => {
  it('metrics(), contentType, setContentType (text and OpenMetrics), the content type constants', async () => {
    const r = new Registry();
    assert.equal(r.contentType, prom.Registry.PROMETHEUS_CONTENT_TYPE);
    assert.equal(Registry.PROMETHEUS_CONTENT_TYPE, prom.Registry.PROMETHEUS_CONTENT_TYPE);
    assert.equal(Registry.OPENMETRICS_CONTENT_TYPE, prom.Registry.OPENMETRICS_CONTENT_TYPE);
    assert.equal(ours.prometheusContentType, prom.prometheusContentType);
    assert.equal(ours.openMetricsContentType, prom.openMetricsContentType);
    const c = new Counter({ name: 'reg_requests_total', help: 'h', registers: [r] });
    c.inc();
    assert.equal(await r.metrics(), '# HELP reg_requests_total h\n# TYPE reg_requests_total counter\nreg_requests_total 1\n');
    r.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    assert.equal(r.contentType, Registry.OPENMETRICS_CONTENT_TYPE);
    assert.equal(await r.metrics(), '# TYPE reg_requests counter\n# HELP reg_requests h\nreg_requests_total 1\n# EOF\n');
    const om = new Registry(Registry.OPENMETRICS_CONTENT_TYPE);
    assert.equal(om.contentType, Registry.OPENMETRICS_CONTENT_TYPE);
  });

  it('getSingleMetricAsString(name) is that metric’s part of metrics(), default labels included', async () => {
    const r = new Registry();
    const c = new Counter({ name: 'reg_a_total', help: 'a', labelNames: ['k'], registers: [r] });
    new Gauge({ name: 'reg_b', help: 'b', registers: [r] });
    c.inc({ k: 'v' });
    r.setDefaultLabels({ app: 'x' });
    const single = await r.getSingleMetricAsString('reg_a_total');
    assert.equal(single, '# HELP reg_a_total a\n# TYPE reg_a_total counter\nreg_a_total{app="x",k="v"} 1\n');
    assert.ok((await r.metrics()).startsWith(single));
    await assert.rejects(r.getSingleMetricAsString('reg_nope'), /reg_nope/);
  });

  it('registerMetric, getSingleMetric, getMetricsAsArray, removeSingleMetric, clear', async () => {
    const r = new Registry();
    const c = new Counter({ name: 'reg_c_total', help: 'h', registers: [] });
    r.registerMetric(c);
    r.registerMetric(c); // the same object again: a no-op
    const g = new Gauge({ name: 'reg_g', help: 'h', registers: [r] });
    assert.deepEqual(r.getMetricsAsArray(), [c, g]);
    c.inc(5);
    assert.match(await r.metrics(), /reg_c_total 5/);
    r.removeSingleMetric('reg_g');
    assert.equal(r.getSingleMetric('reg_g'), undefined);
    assert.doesNotMatch(await r.metrics(), /reg_g/);
    // The name is free again, for another definition.
    const g2 = new Counter({ name: 'reg_g', help: 'now a counter', labelNames: ['x'], registers: [r] });
    g2.inc({ x: '1' });
    assert.match(await r.metrics(), /# TYPE reg_g counter\nreg_g\{x="1"\} 1/);
    r.setDefaultLabels({ a: 'b' });
    r.clear();
    assert.equal(await r.metrics(), '');
    assert.deepEqual(r.getMetricsAsArray(), []);
    const again = new Gauge({ name: 'reg_g', help: 'h', registers: [r] });
    again.set(1);
    assert.equal(await r.metrics(), '# HELP reg_g h\n# TYPE reg_g gauge\nreg_g 1\n', 'clear() also dropped the default labels');
  });

  it('setDefaultLabels: added to every series that lacks them, in metrics() and getMetricsAsJSON(), as prom-client does', async () => {
    const build = (lib: typeof prom | typeof ours) => {
      const r = new lib.Registry();
      const c = new lib.Counter({ name: 'dl_total', help: 'h', labelNames: ['region', 'k'], registers: [r as never] });
      const h = new lib.Histogram({ name: 'dl_h', help: 'h', buckets: [1], registers: [r as never] });
      r.setDefaultLabels({ region: 'eu', app: 'shop' });
      c.inc({ k: 'a' });
      c.inc({ region: 'us', k: 'b' });
      h.observe(0.5);
      return r;
    };
    const theirs = build(prom);
    const mine = build(ours);
    assert.deepEqual(sampleMap(await mine.metrics()), sampleMap(await theirs.metrics()));
    const json = async (r: { getMetricsAsJSON(): Promise<unknown[]> }) =>
      ((await r.getMetricsAsJSON()) as Array<{ name: string; values: Array<{ labels: object; value: number; metricName?: string }> }>).map((m) => ({
        name: m.name,
        values: m.values.map((v) => JSON.stringify([v.metricName ?? m.name, Object.entries(v.labels).sort(), v.value])).sort(),
      }));
    assert.deepEqual(await json(mine), await json(theirs));
  });

  it('default labels named le / quantile never put a label twice on a line', async () => {
    const r = new Registry();
    new Histogram({ name: 'dl_seconds', help: 'h', buckets: [1], registers: [r] }).observe(0.5);
    new Summary({ name: 'dl_bytes', help: 'h', percentiles: [0.5], registers: [r] }).observe(1);
    new Counter({ name: 'dl_c_total', help: 'h', registers: [r] }).inc();
    r.setDefaultLabels({ le: 'x', quantile: 'q' });
    const parsed = parseExposition(await r.metrics()); // throws on a label given twice
    const bucket = parsed.samples.find((x) => x.name === 'dl_seconds_bucket')!;
    assert.deepEqual(bucket.labels, { quantile: 'q', le: '1' });
    assert.deepEqual(parsed.samples.find((x) => x.name === 'dl_bytes')!.labels, { le: 'x', quantile: '0.5' });
    assert.deepEqual(parsed.samples.find((x) => x.name === 'dl_c_total')!.labels, { le: 'x', quantile: 'q' });
    for (const m of await r.getMetricsAsJSON()) {
      for (const v of m.values) if (v.metricName?.endsWith('_bucket')) assert.notEqual(v.labels.le, 'x');
    }
  });

  it('a metric in two registries: removing it from one leaves it, and its values, in the other', async () => {
    const a = new Registry();
    const b = new Registry();
    const c = new Counter({ name: 'two_total', help: 'h', registers: [a, b] });
    c.inc(5);
    a.removeSingleMetric('two_total');
    c.inc();
    assert.equal(await a.metrics(), '');
    assert.match(await b.metrics(), /^two_total 6$/m, 'the counter did not go back in b');
    a.registerMetric(c);
    assert.match(await a.metrics(), /^two_total 6$/m, 'registered again in a');
    a.clear();
    assert.equal(await a.metrics(), '');
    assert.match(await b.metrics(), /^two_total 6$/m, 'a.clear() left b alone');
    b.removeSingleMetric('two_total');
    assert.equal(await b.metrics(), '');
    // Nobody holds it now: the name is free for another definition in a.
    new Gauge({ name: 'two_total', help: 'a gauge now', registers: [a] }).set(1);
    assert.match(await a.metrics(), /# TYPE two_total gauge\ntwo_total 1\n/);
  });

  it('Registry.merge: renders all, finds each metric, refuses duplicate names', async () => {
    const a = new Registry();
    const b = new Registry();
    new Counter({ name: 'm_a_total', help: 'h', registers: [a] }).inc(2);
    new Gauge({ name: 'm_b', help: 'h', registers: [b] }).set(3);
    const merged = Registry.merge([a, b]);
    assert.deepEqual(Object.fromEntries(sampleMap(await merged.metrics())), { [sampleKey('m_a_total', {})]: 2, [sampleKey('m_b', {})]: 3 });
    assert.deepEqual((await merged.getMetricsAsJSON()).map((m) => m.name).sort(), ['m_a_total', 'm_b']);
    assert.equal(await merged.getSingleMetricAsString('m_b'), '# HELP m_b h\n# TYPE m_b gauge\nm_b 3\n');
    assert.ok(merged.getSingleMetric('m_a_total'));
    assert.equal(merged.getMetricsAsArray().length, 2);
    const dup = new Registry();
    new Counter({ name: 'm_a_total', help: 'h', registers: [dup] });
    assert.throws(() => Registry.merge([a, dup]), /m_a_total/);
    // As in prom-client: one content type for all.
    assert.throws(() => Registry.merge([a, new Registry(Registry.OPENMETRICS_CONTENT_TYPE)]), /content type/);
    assert.equal(Registry.merge([new Registry(Registry.OPENMETRICS_CONTENT_TYPE)]).contentType, Registry.OPENMETRICS_CONTENT_TYPE);
  });

  it('the public API exports what prom-client users import', () => {
    for (const name of ['Registry', 'register', 'Counter', 'Gauge', 'Histogram', 'Summary', 'prometheusContentType', 'openMetricsContentType']) {
      assert.ok(name in ours, name);
      assert.ok(name in prom, `${name} (prom-client)`);
    }
  });
});
