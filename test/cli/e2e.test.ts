/**
 * End to end: the exporter started with its defaults (only the address chosen), scraped by a
 * real Prometheus every second, linted by promtool. One Prometheus for the file: its first
 * scrape comes ~5 s after it starts.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireBinary } from '../support/binaries.js';
import { startNodeExporter } from '../support/node-exporter.js';
import { startPrometheus, type PrometheusHandle } from '../support/prometheus.js';
import { checkMetrics } from '../support/promtool.js';
import { REPO, startExporter } from './cli-process.js';

type Exporter = Awaited<ReturnType<typeof startExporter>>;

function memTotalBytes(): number {
  const m = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  assert.ok(m, 'MemTotal in /proc/meminfo');
  return Number(m[1]) * 1024;
}

describe('atomic-exporter scraped by Prometheus', () => {
  let exporter: Exporter;
  let fallback: Exporter;
  let prom: PrometheusHandle | undefined;
  const skipped: string[] = [];

  before(async () => {
    [exporter, fallback] = await Promise.all([startExporter(), startExporter(['--web.engine=node'])]);
    prom = await startPrometheus(
      { skip: (m?: string) => void skipped.push(m ?? 'prometheus missing') },
      {
        scrapeTargets: [
          { job: 'atomic', target: `127.0.0.1:${exporter.port}`, scrapeIntervalS: 1 },
          { job: 'atomic-node-http', target: `127.0.0.1:${fallback.port}`, scrapeIntervalS: 1 },
        ],
      },
    );
  });
  after(async () => {
    await Promise.all([prom?.stop(), exporter?.stop(), fallback?.stop()]);
  });

  it('is up, on both engines', async (t) => {
    if (!prom) return t.skip(skipped[0]);
    const up = await prom.waitFor('up{job=~"atomic.*"} == 1', (s) => s.length === 2, 30_000);
    assert.deepEqual(up.map((s) => s.metric.job).sort(), ['atomic', 'atomic-node-http']);
    const targets = await prom.targets();
    for (const target of targets) assert.equal(target.health, 'up', `${target.job}: ${target.lastError}`);
  });

  it('reports node_memory_MemTotal_bytes equal to /proc/meminfo', async (t) => {
    if (!prom) return t.skip(skipped[0]);
    if (!existsSync(path.join(REPO, 'workers', 'meminfo.ts'))) return t.skip('workers/meminfo.ts (the meminfo collector) is not there yet');
    const [sample] = await prom.waitFor('node_memory_MemTotal_bytes{job="atomic"}', (s) => s.length === 1, 30_000);
    assert.equal(sample?.value, memTotalBytes());
  });

  it('serves process metrics, build info and render times through Prometheus', async (t) => {
    if (!prom) return t.skip(skipped[0]);
    await prom.waitFor('atomic_exporter_build_info{job="atomic"}', (s) => s.length === 1 && s[0]!.value === 1, 15_000);
    const cpu = await prom.query('process_cpu_user_seconds_total{job="atomic"}');
    assert.equal(cpu.length, 1);
    // Prometheus asks for OpenMetrics first: the renders it caused are counted under that format.
    const renders = await prom.waitFor('atomic_exporter_scrape_render_seconds_count{job="atomic",format="openmetrics"}', (s) => (s[0]?.value ?? 0) >= 1, 15_000);
    assert.ok(renders[0]!.value >= 1);
  });

  it("passes promtool check metrics, with no lint note beyond those node_exporter's own names draw", async (t) => {
    const promtool = requireBinary(t, 'promtool');
    if (!promtool) return;
    const text = await (await fetch(`${exporter.url}/metrics`)).text();
    const ours = await checkMetrics(promtool, text);
    assert.notEqual(ours.exitCode, 1, `promtool could not parse our output:\n${ours.problems.join('\n')}`);
    // The reference: the notes promtool gives node_exporter's own output on this machine (names
    // like node_memory_MemTotal_bytes draw "camelCase", node_entropy_available_bits "base unit").
    const ne = await startNodeExporter(t);
    let allowed: (p: string) => boolean;
    if (ne) {
      const reference = new Set((await checkMetrics(promtool, await ne.scrape())).problems);
      await ne.stop();
      allowed = (p) => reference.has(p);
    } else {
      allowed = (p) => /^node_\w+ metric names should be written in 'snake_case' not 'camelCase'$/.test(p);
    }
    assert.deepEqual(ours.problems.filter((p) => !allowed(p)), []);
    assert.ok(ours.problems.some((p) => /camelCase/.test(p)), 'node_memory_* names draw the camelCase note, as in node_exporter');
  });
});
