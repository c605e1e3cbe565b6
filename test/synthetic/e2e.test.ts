/**
 * End to end: the exporter serving a 100k-series synthetic target (10 gauge metrics × 10 000
 * series, 3 labels each besides series_id and cycle_id), scraped by a real Prometheus (default
 * sample_limit 0 and body_size_limit 0: unlimited). Prometheus's own scrape_samples_scraped
 * must count every sample line, and the synthetic series must all be in its TSDB.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startExporter } from '../cli/cli-process.js';
import { startPrometheus, type PrometheusHandle } from '../support/prometheus.js';
import type { ProcessHandle } from '../support/process.js';

const METRICS = 10;
const SERIES = 10_000;
const EXPECTED = METRICS * SERIES;
const SYNTHETIC = /^synthetic_(gauge|counter|histogram|summary)_metric_/;

let exporter: (ProcessHandle & { port: number; url: string }) | undefined;

async function sampleLines(url: string): Promise<string[]> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

before(async () => {
  exporter = await startExporter([
    '--collector.disable-defaults',
    '--collector.synthetic',
    `--synthetic.metric-count=${METRICS}`,
    `--synthetic.series-count=${SERIES}`,
    '--synthetic.label-count=3',
    '--synthetic.series-interval=0',
    '--log.level=warn',
  ]);
});

after(async () => {
  await exporter?.stop();
});

describe('synthetic target scraped by Prometheus', () => {
  it('serves exactly 100k synthetic series, and Prometheus scrapes every sample', async (t) => {
    const url = exporter!.url;
    // The target is built over a few runs of the collector (each stops at its time budget).
    const deadline = Date.now() + 30_000;
    let lines: string[] = [];
    for (;;) {
      lines = await sampleLines(url);
      if (lines.includes('synthetic_changes_pending 0') && lines.filter((l) => SYNTHETIC.test(l)).length === EXPECTED) break;
      assert.ok(Date.now() < deadline, `target not built in time: ${lines.filter((l) => SYNTHETIC.test(l)).length} synthetic lines`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const synthetic = lines.filter((l) => SYNTHETIC.test(l));
    assert.equal(new Set(synthetic.map((l) => l.slice(0, l.lastIndexOf(' ')))).size, EXPECTED, 'every series once');
    assert.ok(synthetic.every((l) => (l.match(/label_key_kkkkk_\d="label_val_vvvvv_\d"/g) ?? []).length === 3));

    const prom: PrometheusHandle | undefined = await startPrometheus(t, {
      scrapeTargets: [{ job: 'synthetic', target: `127.0.0.1:${exporter!.port}`, scrapeIntervalS: 3, scrapeTimeoutS: 3 }],
    });
    if (!prom) return;
    await prom.waitFor('count({job="synthetic",__name__=~"synthetic_gauge_metric_.+"})', (s) => s[0]?.value === EXPECTED, 45_000);
    const scraped = await prom.waitFor('scrape_samples_scraped{job="synthetic"}', (s) => s.length === 1 && s[0]!.value >= EXPECTED, 15_000);
    // Everything else in the scrape: the exporter's own and process metrics (their count may
    // move a little between scrapes: new GC kinds, active resources), read at the same time.
    const others = await prom.query('count({job="synthetic",__name__!~"synthetic_(gauge|counter|histogram|summary)_metric_.+|up|scrape_.+"})');
    const samples = await prom.query('scrape_samples_scraped{job="synthetic"}');
    assert.equal(samples[0]!.value, EXPECTED + others[0]!.value, `scrape_samples_scraped ${samples[0]!.value}, synthetic ${EXPECTED}, others ${others[0]!.value}`);
    assert.ok(scraped[0]!.value - EXPECTED < 1000);
    const up = await prom.query('up{job="synthetic"}');
    assert.equal(up[0]!.value, 1);
  });
});
