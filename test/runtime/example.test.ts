/** The example collector (examples/collectors/demo.ts and its .mjs twin) and the built-in loadavg. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinCollectorsDir, createRuntime, discoverCollectors } from '../../src/runtime/index.js';
import { parseLoadavg } from '../../workers/loadavg.js';
import { requireBinary } from '../support/binaries.js';
import { checkMetrics } from '../support/promtool.js';
import { makeTempDir } from '../support/tempdir.js';
import { EXAMPLES, memoryLogger, sample, seriesOf } from './helpers.js';

const PROCFS = fileURLToPath(new URL('../fixtures/procfs/', import.meta.url));

async function runDemo(dir: string, runs: number): Promise<string> {
  const rt = await createRuntime({
    collectors: await discoverCollectors({ dirs: [dir], builtin: false }),
    flags: { 'collector.demo.hosts': 'web-1,web-2' },
    logger: memoryLogger('silent').logger,
  });
  try {
    for (let i = 0; i < runs; i++) {
      const [r] = await rt.collectOnce();
      assert.equal(r!.outcome, 'ok', r!.message);
    }
    return await rt.registry.metrics();
  } finally {
    await rt.stop();
  }
}

function checkDemo(text: string): void {
  // Counter with a const label and a variable label, accumulating one per run and host.
  assert.equal(sample(text, 'demo_requests_total{owner="example",host="web-1"}'), 2);
  assert.equal(sample(text, 'demo_requests_total{owner="example",host="web-2"}'), 2);
  // Gauges from the table and runtime gauges.
  assert.ok(sample(text, 'demo_memory_total_bytes')! > 0);
  assert.ok(sample(text, 'demo_memory_free_bytes')! <= sample(text, 'demo_memory_total_bytes')!);
  assert.ok(sample(text, 'demo_cpus')! >= 1);
  assert.ok(seriesOf(text, 'demo_active_resources').length >= 1);
  // Histogram: 2 runs x (0.05, 0.3) for 200/get, 2 x 2 for 500/post.
  assert.equal(sample(text, 'demo_request_duration_seconds_bucket{owner="example",code="200",method="get",le="0.1"}'), 2);
  assert.equal(sample(text, 'demo_request_duration_seconds_bucket{owner="example",code="200",method="get",le="0.5"}'), 4);
  assert.equal(sample(text, 'demo_request_duration_seconds_bucket{owner="example",code="200",method="get",le="+Inf"}'), 4);
  assert.equal(sample(text, 'demo_request_duration_seconds_count{owner="example",code="500",method="post"}'), 2);
  assert.equal(sample(text, 'demo_request_duration_seconds_sum{owner="example",code="500",method="post"}'), 4);
  // Summary.
  assert.equal(sample(text, 'demo_response_size_bytes_count{owner="example",code="200",method="get"}'), 4);
  assert.equal(sample(text, 'demo_response_size_bytes_sum{owner="example",code="200",method="get"}'), 5120);
  assert.ok(Math.abs(sample(text, 'demo_response_size_bytes{owner="example",code="500",method="post",quantile="0.5"}')! - 128) < 2);
  assert.match(text, /# TYPE demo_response_size_bytes summary/);
  assert.equal(sample(text, 'atomic_exporter_collector_success{collector="demo"}'), 1);
}

describe('example collector', () => {
  it('demo.ts: all four types, const and variable labels, options', async (t) => {
    const text = await runDemo(EXAMPLES, 2);
    checkDemo(text);
    const promtool = requireBinary(t, 'promtool');
    if (promtool) {
      const r = await checkMetrics(promtool, text);
      assert.equal(r.exitCode, 0, r.problems.join('\n'));
    }
  });

  it('demo.mjs, its JavaScript twin, gives the same series', async () => {
    const tmp = await makeTempDir('runtime-demo-mjs');
    try {
      await copyFile(path.join(EXAMPLES, 'demo.mjs'), path.join(tmp.path, 'demo.mjs'));
      checkDemo(await runDemo(tmp.path, 2));
    } finally {
      await tmp.remove();
    }
  });
});

describe('loadavg collector', () => {
  it('parses /proc/loadavg', () => {
    assert.deepEqual(parseLoadavg('0.20 0.18 0.12 1/80 11206\n'), [0.2, 0.18, 0.12]);
    assert.throws(() => parseLoadavg('0.20 0.18'), /unexpected content in loadavg/);
    assert.throws(() => parseLoadavg('a b c 1/2 3'), /could not parse load averages: "a b c"/);
  });

  it('exposes node_load1/5/15 from --path.procfs', async () => {
    const rt = await createRuntime({
      collectors: await discoverCollectors({ files: [path.join(builtinCollectorsDir(), 'loadavg.ts')], builtin: false }),
      flags: { 'path.procfs': PROCFS },
      logger: memoryLogger('silent').logger,
    });
    try {
      const [r] = await rt.collectOnce();
      assert.equal(r!.outcome, 'ok', r!.message);
      const text = await rt.registry.metrics();
      assert.match(text, /# HELP node_load1 1m load average\.\n# TYPE node_load1 gauge\nnode_load1 0\.21\n/);
      assert.equal(sample(text, 'node_load5'), 0.18);
      assert.equal(sample(text, 'node_load15'), 1.5);
    } finally {
      await rt.stop();
    }
  });

  it('fails with context when the file is missing', async () => {
    const rt = await createRuntime({
      collectors: await discoverCollectors({ files: [path.join(builtinCollectorsDir(), 'loadavg.ts')], builtin: false }),
      flags: { 'path.procfs': '/nonexistent' },
      logger: memoryLogger('silent').logger,
    });
    try {
      const [r] = await rt.collectOnce();
      assert.equal(r!.outcome, 'error');
      assert.match(r!.message!, /^couldn't get load: ENOENT/);
    } finally {
      await rt.stop();
    }
  });
});
