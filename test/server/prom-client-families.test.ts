import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import client from 'prom-client';
import { renderOpenMetrics } from '../../src/exposition/openmetrics.js';
import { renderText } from '../../src/exposition/text.js';
import { Counter, Registry } from '../../src/index.js';
import { familiesFromPromClient } from '../../src/server/prom-client-families.js';
import { claimedNames, MetricNameClashError, Sources } from '../../src/server/sources.js';

/** Samples of a text exposition as `name{sorted labels}` → value, so label order does not matter. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparsable line ${JSON.stringify(line)}`);
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((x) => `${x[1]}=${x[2]}`).sort();
    const v = m[3] === 'Nan' || m[3] === 'NaN' ? NaN : m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    // prom-client writes bucket bounds as JS numbers; ours use Go's spelling. Compare as numbers.
    out.set(`${m[1]}{${labels.map((l) => l.replace(/^le=(.*)$/, (_, b: string) => `le=${b === '+Inf' ? b : Number(b)}`)).join(',')}}`, v);
  }
  return out;
}

function promClientRegistry(): client.Registry {
  const r = new client.Registry();
  const c = new client.Counter({ name: 'pc_requests_total', help: 'Requests.', labelNames: ['code'], registers: [r] });
  c.inc({ code: '200' }, 3);
  c.inc({ code: 'a "quoted"\\ \nvalue' });
  const g = new client.Gauge({ name: 'pc_temperature', help: 'Temp with \\ and \n.', registers: [r] });
  g.set(NaN);
  const h = new client.Histogram({ name: 'pc_latency_seconds', help: 'Latency.', labelNames: ['route'], buckets: [0.1, 1, 10], registers: [r] });
  h.observe({ route: '/a' }, 0.05);
  h.observe({ route: '/a' }, 5);
  h.observe({ route: '/b' }, 50);
  new client.Histogram({ name: 'pc_empty_seconds', help: 'Never observed.', labelNames: ['x'], registers: [r] });
  const s = new client.Summary({ name: 'pc_size_bytes', help: 'Sizes.', labelNames: ['kind'], percentiles: [0.5, 0.9], registers: [r] });
  s.observe({ kind: 'a' }, 10);
  s.observe({ kind: 'a' }, 20);
  s.observe({ kind: 'b' }, 1);
  r.setDefaultLabels({ app: 'shop' });
  return r;
}

describe('familiesFromPromClient', () => {
  it("renders the same samples as prom-client's own text", async () => {
    const r = promClientRegistry();
    const ours = renderText(familiesFromPromClient(await r.getMetricsAsJSON()));
    const theirs = await r.metrics();
    assert.deepEqual(samples(ours), samples(theirs));
    assert.match(ours, /^# TYPE pc_latency_seconds histogram$/m);
    assert.match(ours, /^pc_latency_seconds_bucket\{route="\/a",app="shop",le="\+Inf"\} 2$/m);
    assert.match(ours, /^pc_requests_total\{code="a \\"quoted\\"\\\\ \\nvalue",app="shop"\} 1$/m);
    assert.match(ours, /^pc_temperature\{app="shop"\} NaN$/m);
    assert.match(ours, /^# TYPE pc_empty_seconds histogram$/m);
  });

  it('writes valid OpenMetrics from them (counter family names without _total)', async () => {
    const om = renderOpenMetrics(familiesFromPromClient(await promClientRegistry().getMetricsAsJSON()));
    assert.match(om, /^# TYPE pc_requests counter$/m);
    assert.match(om, /^pc_requests_total\{code="200",app="shop"\} 3$/m);
    assert.match(om, /^pc_size_bytes\{kind="a",app="shop",quantile="0.9"\} 20$/m);
    assert.ok(om.endsWith('# EOF\n'));
  });

  it('maps default process metrics', async () => {
    const r = new client.Registry();
    client.collectDefaultMetrics({ register: r });
    const families = familiesFromPromClient(await r.getMetricsAsJSON());
    const byName = new Map(families.map((f) => [f.name, f]));
    assert.equal(byName.get('process_cpu_user_seconds_total')?.type, 'counter');
    assert.equal(byName.get('nodejs_gc_duration_seconds')?.type, 'histogram');
    assert.equal(byName.get('nodejs_heap_space_size_used_bytes')?.type, 'gauge');
    assert.ok((byName.get('nodejs_heap_space_size_used_bytes')?.labelTexts.length ?? 0) > 1);
  });
});

describe('Sources', () => {
  it('claims the sample names of each type', () => {
    assert.deepEqual(claimedNames('a_total', 'counter'), ['a', 'a_total']);
    assert.deepEqual(claimedNames('a', 'counter'), ['a', 'a_total']);
    assert.deepEqual(claimedNames('h', 'histogram'), ['h', 'h_bucket', 'h_sum', 'h_count']);
    assert.deepEqual(claimedNames('g', 'gauge'), ['g']);
  });

  it('refuses a prom-client registry whose names clash with ours, naming both', () => {
    const ours = new Registry();
    new Counter({ name: 'pc_requests_total', help: 'x', registers: [ours] });
    const warnings: string[] = [];
    const sources = new Sources((w) => warnings.push(w));
    sources.addRegistry(ours, 'the atomic-exporter registry');
    assert.throws(
      () => sources.addPromClientRegistry(promClientRegistry(), 'app'),
      (err: unknown) =>
        err instanceof MetricNameClashError &&
        /metric name "pc_requests_total" is exposed by both the atomic-exporter registry and prom-client registry 1 \(app\)/.test(err.message),
    );
    // A counter `x` in OpenMetrics is family `x` with samples `x_total`: clashes with a gauge `x_total`.
    const pc = new client.Registry();
    new client.Gauge({ name: 'other_total', help: 'x', registers: [pc] });
    const ours2 = new Registry();
    new Counter({ name: 'other', help: 'x', registers: [ours2] });
    const s2 = new Sources(() => {});
    s2.addRegistry(ours2, 'ours');
    assert.throws(() => s2.addPromClientRegistry(pc), MetricNameClashError);
  });

  it('serves a name that appears in two sources later only once, with one warning', async () => {
    const ours = new Registry();
    const pc = new client.Registry();
    new client.Gauge({ name: 'late_metric', help: 'theirs', registers: [pc] });
    const warnings: string[] = [];
    const sources = new Sources((w) => warnings.push(w));
    sources.addRegistry(ours, 'ours');
    sources.addPromClientRegistry(pc);
    new Counter({ name: 'late_metric', help: 'ours', registers: [ours] }).inc();
    for (let i = 0; i < 3; i++) {
      const names = (await sources.gather()).map((f) => f.name).filter((n) => n === 'late_metric');
      assert.deepEqual(names, ['late_metric']);
    }
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /"late_metric" is exposed by both ours and prom-client registry 1; serving the one from ours only/);
    assert.throws(() => sources.check(), MetricNameClashError);
  });
});
