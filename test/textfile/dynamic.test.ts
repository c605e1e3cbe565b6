/**
 * Const families (`ctx.emit`) and run warnings (`ctx.warn`) through the real collector runtime:
 * worker threads, the task result, the registry's rendering. The collector is
 * test/fixtures/emit/emitter.ts, scripted through a JSON file per run.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ConstFamily } from '../../src/collector/const-family.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Registry } from '../../src/registry.js';
import { createRuntime, discoverCollectors, type CollectorRuntime } from '../../src/runtime/index.js';
import { requireBinary } from '../support/binaries.js';
import { checkMetrics } from '../support/promtool.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';
import { memoryLogger } from '../runtime/helpers.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/emit/emitter.ts', import.meta.url));

interface Script {
  families?: ConstFamily[];
  warnings?: string[];
  throw?: string;
}

describe('const families through the runtime', () => {
  let tmp: TempDir;
  let runtime: CollectorRuntime;
  let registry: Registry;
  let script: string;
  let script2: string;
  const { logger, lines } = memoryLogger('info');
  const write = (file: string, s: Script): void => writeFileSync(file, JSON.stringify(s));
  const warnings = (): string[] => lines.filter((l) => l.msg === 'collector warning').map((l) => `${String(l.collector)}: ${String(l.warning)}`);

  before(async () => {
    tmp = await makeTempDir('emit');
    // A second collector of the same code under another name, to check clashes between collectors.
    const source = readFileSync(FIXTURE, 'utf8').replace("name: 'emitter'", "name: 'emitter2'").replace('emitter_runs_total', 'emitter2_runs_total').replace("'../../../src/collector/define.js'", JSON.stringify(new URL('../../src/collector/define.js', import.meta.url).href));
    writeFileSync(path.join(tmp.path, 'emitter2.ts'), source);
    copyFileSync(FIXTURE, path.join(tmp.path, 'emitter.ts'));
    writeFileSync(path.join(tmp.path, 'emitter.ts'), readFileSync(FIXTURE, 'utf8').replace("'../../../src/collector/define.js'", JSON.stringify(new URL('../../src/collector/define.js', import.meta.url).href)));
    script = path.join(tmp.path, 'script.json');
    script2 = path.join(tmp.path, 'script2.json');
    write(script, {});
    write(script2, {});
    registry = new Registry();
    new Gauge({ name: 'app_temperature_celsius', help: 'An application gauge.', registers: [registry] }).set(1);
    const collectors = await discoverCollectors({ dirs: [tmp.path], builtin: false });
    runtime = await createRuntime({
      registry,
      collectors,
      logger,
      flags: { 'collector.emitter': true, 'collector.emitter2': true, 'collector.emitter.script': script, 'collector.emitter2.script': script2 },
    });
  });
  after(async () => {
    await runtime?.stop();
    await tmp?.remove();
  });

  it('renders the families of every type a run emits, after the registry own, and promtool accepts them', async (t) => {
    write(script, {
      families: [
        { name: 'job_last_success_seconds', help: 'Last success.', type: 'gauge', series: [{ labels: { job: 'backup' }, value: 1700000000 }] },
        { name: 'files_total', help: 'Files.', type: 'counter', series: [{ labels: { dir: '/var' }, value: 12 }, { labels: { dir: '/tmp' }, value: 3 }] },
        { name: 'legacy_value', help: 'Untyped.', type: 'untyped', series: [{ value: 7 }] },
        { name: 'latency_seconds', help: 'Latency.', type: 'histogram', series: [{ buckets: [[0.1, 1], [1, 3]], sum: 1.5, count: 4 }] },
        { name: 'rpc_seconds', help: 'RPC.', type: 'summary', series: [{ quantiles: [[0.5, 0.2], [0.99, 0.9]], sum: 10, count: 30 }] },
      ],
    });
    const [r] = await runtime.collectOnce();
    assert.equal(r!.outcome, 'ok', r!.message);
    const text = await registry.metrics();
    assert.ok(text.indexOf('app_temperature_celsius 1') < text.indexOf('job_last_success_seconds'), 'the registry families come first');
    for (const line of [
      'job_last_success_seconds{job="backup"} 1700000000',
      'files_total{dir="/var"} 12',
      '# TYPE legacy_value untyped',
      'legacy_value 7',
      'latency_seconds_bucket{le="1"} 3',
      'latency_seconds_bucket{le="+Inf"} 4',
      'rpc_seconds{quantile="0.99"} 0.9',
      'rpc_seconds_count 30',
      'emitter_runs_total 1',
    ]) {
      assert.ok(text.includes(line + '\n'), `missing ${line}\n${text}`);
    }
    const promtool = requireBinary(t, 'promtool');
    if (promtool) {
      const res = await checkMetrics(promtool, text);
      assert.equal(res.exitCode, 0, res.problems.join('\n'));
    }
  });

  it('replaces the families with each run, and drops them after a failed run (declared counters stay)', async () => {
    write(script, { families: [{ name: 'second_run', help: 'x', type: 'gauge', series: [{ value: 2 }] }] });
    await runtime.collectOnce();
    let text = await registry.metrics();
    assert.ok(text.includes('second_run 2\n'));
    assert.ok(!text.includes('job_last_success_seconds'), 'a family the run did not emit is gone');

    write(script, { families: [{ name: 'third_run', help: 'x', type: 'gauge', series: [{ value: 3 }] }], throw: 'boom' });
    const [r] = await runtime.collectOnce();
    assert.equal(r!.outcome, 'error');
    text = await registry.metrics();
    assert.ok(!text.includes('second_run') && !text.includes('third_run'), 'a failed run shows no const family');
    assert.ok(text.includes('emitter_runs_total 2\n'), 'declared counters keep their totals');
  });

  it('fails the run on a family that cannot be rendered, naming it', async () => {
    write(script, { families: [{ name: 'bad name', help: 'x', type: 'gauge', series: [] }] });
    const [r] = await runtime.collectOnce();
    assert.equal(r!.outcome, 'error');
    assert.match(r!.message!, /const family name "bad name" is not a valid metric name/);
    write(script, { families: [{ name: 'atomic_exporter_fake', help: 'x', type: 'gauge', series: [] }] });
    const [r2] = await runtime.collectOnce();
    assert.match(r2!.message!, /reserved for the exporter's self-metrics/);
    write(script, { families: [{ name: 'twice', help: 'x', type: 'gauge', series: [] }, { name: 'twice', help: 'x', type: 'gauge', series: [] }] });
    const [r3] = await runtime.collectOnce();
    assert.match(r3!.message!, /"twice" emitted twice in one run/);
  });

  it('leaves out a family whose name is taken, with a warning, and keeps the rest', async () => {
    lines.length = 0;
    write(script, {
      families: [
        { name: 'app_temperature_celsius', help: 'x', type: 'gauge', series: [{ value: 9 }] },
        { name: 'emitter_runs', help: 'x', type: 'counter', series: [{ value: 9 }] },
        { name: 'shared', help: 'x', type: 'histogram', series: [{ count: 1 }] },
        { name: 'kept', help: 'x', type: 'gauge', series: [{ value: 1 }] },
      ],
    });
    write(script2, { families: [{ name: 'shared_bucket', help: 'x', type: 'gauge', series: [{ value: 1 }] }] });
    const results = await runtime.collectOnce();
    assert.deepEqual(results.map((r) => r.outcome), ['ok', 'ok']);
    await runtime.collectOnce(); // both collectors have a result now: the clash shows whichever came second
    const text = await registry.metrics();
    assert.ok(text.includes('app_temperature_celsius 1\n') && !text.includes('app_temperature_celsius 9'), 'the registry metric wins');
    assert.ok(!text.includes('# TYPE emitter_runs counter'), 'emitter_runs_total is a declared counter: a counter emitter_runs clashes');
    assert.ok(text.includes('kept 1\n'));
    assert.equal(text.includes('# TYPE shared_bucket gauge') && text.includes('# TYPE shared histogram'), false, 'one of the clashing families is left out');
    assert.ok(text.includes('# TYPE shared_bucket gauge') || text.includes('# TYPE shared histogram'), 'the other is kept');
    const w = warnings();
    assert.ok(w.some((x) => /emitter: family "app_temperature_celsius" left out: the name "app_temperature_celsius" is already exposed by declared metric "app_temperature_celsius"/.test(x)), w.join('\n'));
    assert.ok(w.some((x) => /emitter: family "emitter_runs" left out: the name "emitter_runs(_total)?" is already exposed by declared metric "emitter_runs_total"/.test(x)), w.join('\n'));
    assert.ok(w.some((x) => /family "shared(_bucket)?" left out: the name "shared_bucket" is already exposed by collector "emitter2?"/.test(x)), w.join('\n'));
  });

  it('logs a warning when it first appears, not again while it lasts, and again once it came back', async () => {
    write(script2, {});
    write(script, { warnings: ['file a.prom is bad'] });
    lines.length = 0;
    await runtime.collectOnce();
    await runtime.collectOnce();
    assert.deepEqual(warnings(), ['emitter: file a.prom is bad']);
    write(script, {});
    await runtime.collectOnce();
    write(script, { warnings: ['file a.prom is bad'] });
    await runtime.collectOnce();
    assert.deepEqual(warnings(), ['emitter: file a.prom is bad', 'emitter: file a.prom is bad']);
  });

  it("adds the registry's default labels to const families", async () => {
    write(script, { families: [{ name: 'with_defaults', help: 'x', type: 'gauge', series: [{ value: 1 }, { labels: { region: 'own' }, value: 2 }] }] });
    await runtime.collectOnce();
    registry.setDefaultLabels({ region: 'eu' });
    try {
      const text = await registry.metrics();
      assert.ok(text.includes('with_defaults{region="eu"} 1\n'), text);
      assert.ok(text.includes('with_defaults{region="own"} 2\n'), 'a series with the label keeps its own');
    } finally {
      registry.setDefaultLabels({});
    }
  });
});
