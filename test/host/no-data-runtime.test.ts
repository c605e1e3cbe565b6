/**
 * Through the real runtime: a host collector that cannot read its source (here procfs points at
 * an empty folder, as on a kernel without /proc/pressure) ends with outcome `nodata`, its
 * `atomic_exporter_collector_success` is 0 and it leaves no series, while the other collectors
 * report as usual.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { createRuntime } from '../../src/runtime/index.js';
import { samples } from './fixtures.js';

const empty = mkdtempSync(path.join(os.tmpdir(), 'host-nodata-'));
after(() => rmSync(empty, { recursive: true, force: true }));

describe('a collector without its source, in the runtime', () => {
  it('is nodata with success 0; the others are unaffected', async () => {
    const flags = { 'collector.disable-defaults': true, 'collector.pressure': true, 'collector.meminfo': true, 'collector.uname': true };
    const runtime = await createRuntime({ flags, paths: { procfs: empty }, logger: pino({ level: 'silent' }), threads: 1 });
    try {
      const results = await runtime.collectOnce();
      const outcome = Object.fromEntries(results.map((r) => [r.collector, r.outcome]));
      assert.deepEqual(outcome, { meminfo: 'nodata', pressure: 'nodata', uname: 'ok' });
      const pressure = results.find((r) => r.collector === 'pressure')!;
      assert.match(pressure.message ?? '', /pressure information is unavailable/);
      const s = samples(await runtime.registry.metrics());
      assert.equal(s.get('atomic_exporter_collector_success{collector="pressure"}'), 0);
      assert.equal(s.get('atomic_exporter_collector_success{collector="uname"}'), 1);
      assert.equal([...s.keys()].some((k) => k.startsWith('node_pressure_') || k.startsWith('node_memory_')), false);
      assert.equal([...s.keys()].filter((k) => k.startsWith('node_uname_info')).length, 1);
    } finally {
      await runtime.stop();
    }
  });
});
