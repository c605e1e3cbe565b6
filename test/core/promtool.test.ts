/**
 * `promtool check metrics` on a registry holding every type, with variable labels, const labels,
 * default labels, values that need escaping, series created in a worker thread, and the
 * self-metric of dropped series: no parse error and no lint problem.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Counter, Gauge, Histogram, Registry, Summary } from '../../src/index.js';
import { requireBinary } from '../support/binaries.js';
import { checkMetrics } from '../support/promtool.js';
import { parseExposition } from '../fixtures/core/expo.js';
import { startWorker, terminateAll } from '../fixtures/core/spawn.js';

afterEach(terminateAll);

async function everything(): Promise<Registry> {
  const r = new Registry();
  const odd = 'a\\b"c\nd ü 🎉';
  const c = new Counter({ name: 'pt_http_requests_total', help: 'Requests, "quoted" \\ and\nmultiline.', labelNames: ['method', 'code'], constLabels: { service: 'shop' }, registers: [r] });
  const g = new Gauge({ name: 'pt_temperature_celsius', help: 'Temperature.', labelNames: ['zone'], constLabels: { site: odd }, registers: [r] });
  const h = new Histogram({ name: 'pt_request_duration_seconds', help: 'Latency.', labelNames: ['path'], constLabels: { service: 'shop' }, buckets: [0.00001, 0.1, 1, 1e6], registers: [r] });
  const s = new Summary({ name: 'pt_response_size_bytes', help: 'Sizes.', labelNames: ['path'], constLabels: { service: 'shop' }, percentiles: [0, 0.5, 0.99, 1], maxAgeSeconds: 60, ageBuckets: 3, registers: [r] });
  const limited = new Counter({ name: 'pt_limited_total', help: 'Limited.', labelNames: ['id'], maxSeries: 2, registers: [r] });
  new Gauge({ name: 'pt_unused', help: 'Declared, never set.', labelNames: ['x'], registers: [r] });
  new Summary({ name: 'pt_idle_wait_seconds', help: 'No observation yet.', registers: [r] });
  c.inc({ method: 'GET', code: 200 });
  c.inc({ method: odd, code: '500' }, 1e21);
  c.inc();
  g.set({ zone: 'hot' }, Infinity);
  g.set({ zone: 'cold' }, -Infinity);
  g.set({ zone: 'x' }, -0.000001);
  g.set(1e-300);
  h.observe({ path: '/' }, 0.05);
  h.observe({ path: odd }, 2e6);
  h.observe(-1);
  s.observe({ path: '/' }, 10);
  s.observe({ path: '/' }, 1e12);
  s.observe(0);
  for (let i = 0; i < 5; i++) limited.inc({ id: `${i}` });
  r.setDefaultLabels({ instance: 'host:9100', zone: 'default' });
  const w = startWorker(r.share(), {
    kind: 'ops',
    specs: [
      { type: 'counter', name: 'pt_http_requests_total', help: 'Requests, "quoted" \\ and\nmultiline.', labelNames: ['method', 'code'], constLabels: { service: 'shop' } },
      { type: 'gauge', name: 'pt_worker_level', help: 'From a worker.', labelNames: ['w'] },
    ],
    ops: [
      { metric: 'pt_http_requests_total', op: 'inc', labels: { method: 'POST', code: '201' }, times: 3 },
      { metric: 'pt_worker_level', op: 'set', labels: { w: '1' }, value: 7 },
    ],
  });
  await w.next('done');
  return r;
}

describe('promtool check metrics', () => {
  it('accepts a registry with every type, labels, const and default labels, a worker’s series and drops', async (t) => {
    const promtool = requireBinary(t, 'promtool');
    if (!promtool) return;
    const r = await everything();
    const text = await r.metrics();
    const parsed = parseExposition(text);
    for (const name of ['pt_http_requests_total', 'pt_temperature_celsius', 'pt_request_duration_seconds', 'pt_response_size_bytes', 'pt_worker_level', 'atomic_exporter_series_dropped_total', 'pt_unused']) {
      assert.ok(parsed.type.has(name), `${name} is in the output`);
    }
    assert.ok(parsed.samples.some((x) => x.name === 'pt_http_requests_total' && x.labels.method === 'POST' && x.value === 3));
    const res = await checkMetrics(promtool, text);
    assert.equal(res.exitCode, 0, res.problems.join('\n'));
    assert.deepEqual(res.problems, []);
    // The same registry as one metric at a time.
    for (const m of r.getMetricsAsArray()) {
      const one = await checkMetrics(promtool, await r.getSingleMetricAsString(m.name));
      assert.equal(one.exitCode, 0, `${m.name}: ${one.problems.join('\n')}`);
    }
  });

  it('rejects what it should: the check is not a no-op', async (t) => {
    const promtool = requireBinary(t, 'promtool');
    if (!promtool) return;
    const res = await checkMetrics(promtool, '# TYPE x counter\nx{a="unterminated} 1\n');
    assert.notEqual(res.exitCode, 0);
  });
});
