/**
 * End to end, issue #3 over HTTP: the real `atomic-exporter` command (src/cli.ts, as
 * startExporter runs it) with the four faulty fixture collectors at once (throwing, hung in
 * `for(;;){}`, `process.exit()`, burning CPU 90% of its interval) and a healthy one (counting),
 * scraped by a real Prometheus every second and, in parallel, by this test every ~20 ms. Each
 * fault must cost only its own series: every scrape answers 200 with a complete body, Prometheus
 * sees the target up throughout, the healthy collector keeps counting, dead threads are replaced
 * and counted by reason, the process lives on. Behaviour only: the latency bounds of the issue
 * are measured by bench/runtime-http.ts, never asserted here.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireBinary } from '../support/binaries.js';
import { startPrometheus, type PrometheusHandle, type Sample } from '../support/prometheus.js';
import { checkMetrics } from '../support/promtool.js';
import { REPO, startExporter } from './cli-process.js';

type Exporter = Awaited<ReturnType<typeof startExporter>>;

const FAULTY = ['throwing', 'hung', 'exiting'] as const;
const COLLECTORS = [...FAULTY, 'burner', 'counting'];
const OPENMETRICS = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';
/** How long the test scrapes at least, and at most while waiting for Prometheus's scrapes. */
const MIN_SCRAPE_MS = 8_000;
const MAX_SCRAPE_MS = 20_000;
/** Prometheus scrapes of the exporter wanted inside the window (one per second). */
const PROM_SCRAPES = 5;
const GAP_MS = 20;

interface Scrape {
  /** ms since the loop started. */
  at: number;
  format: 'text' | 'openmetrics';
  status: number;
  /** Why the body is not complete ('' when it is), or the fetch error. */
  problem: string;
  /** Request to last byte, ms (for failure messages only: no latency is asserted here). */
  ms: number;
  /** counting_runs_total in the body, NaN when absent. */
  countingRuns: number;
  body: string;
}

/** The value of the series written exactly `series` (name and labels as rendered), or NaN. */
function valueOf(body: string, series: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? NaN : Number(line.slice(series.length + 1).split(' ')[0]);
}

/** Family names in the order of their `# HELP` lines. */
function families(body: string): string[] {
  return [...body.matchAll(/^# HELP (\S+)/gm)].map((m) => m[1]!);
}

/** '' when `body` is a whole exposition in `format` with what the test needs in it, else why not. */
function incomplete(body: string, format: Scrape['format'], reference: readonly string[] | undefined): string {
  if (format === 'openmetrics' && !body.endsWith('\n# EOF\n')) return `OpenMetrics body does not end with "# EOF": ...${JSON.stringify(body.slice(-120))}`;
  if (format === 'text' && (!body.endsWith('\n') || body.includes('# EOF'))) return `text body is cut or has "# EOF": ...${JSON.stringify(body.slice(-120))}`;
  if (Number.isNaN(valueOf(body, 'counting_runs_total'))) return 'the healthy collector\'s counting_runs_total is missing';
  if (valueOf(body, 'atomic_exporter_collector_success{collector="counting"}') !== 1) return 'atomic_exporter_collector_success{collector="counting"} is not 1';
  if (reference !== undefined) {
    const have = new Set(families(body));
    const missing = reference.filter((f) => !have.has(f));
    // The last family of the first body stands for "the end was reached"; any other missing one too.
    if (missing.length > 0) return `families missing (last family of the first body: ${reference.at(-1)}): ${missing.join(', ')}`;
  }
  return '';
}

describe('atomic-exporter with the four faulty collectors, scraped over HTTP and by Prometheus', () => {
  let exporter: Exporter;
  let prom: PrometheusHandle | undefined;
  const skipped: string[] = [];
  const scrapes: Scrape[] = [];
  let loopMs = 0;

  before(async () => {
    const dir = path.join(REPO, 'test', 'fixtures', 'collectors');
    exporter = await startExporter([`--collectors.dir=${dir}`, '--collector.disable-defaults', ...COLLECTORS.map((c) => `--collector.${c}`)]);
    prom = await startPrometheus(
      { skip: (m?: string) => void skipped.push(m ?? 'prometheus missing') },
      { scrapeTargets: [{ job: 'faults', target: `127.0.0.1:${exporter.port}`, scrapeIntervalS: 1 }] },
    );

    // The first runs: the target is ready once every collector has finished one, whatever its outcome.
    const readyBy = Date.now() + 20_000;
    while ((await fetch(`${exporter.url}/-/ready`).then(async (r) => (await r.arrayBuffer(), r.status)).catch(() => 0)) !== 200) {
      assert.ok(Date.now() < readyBy, `/-/ready did not answer 200 within 20 s\n${exporter.output().slice(-3000)}`);
      await sleep(50);
    }

    // Scrape every ~20 ms (alternating text and OpenMetrics) until Prometheus has scraped a few
    // times too, at least MIN_SCRAPE_MS, at most MAX_SCRAPE_MS.
    // Per format (OpenMetrics names a counter family without `_total`): the families of the first
    // complete body, which every later body must have too.
    const reference: Partial<Record<Scrape['format'], string[]>> = {};
    let promScrapes = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching && prom) {
        try {
          const [s] = await prom.query('count_over_time(up{job="faults"}[1m])');
          promScrapes = s?.value ?? 0;
        } catch {
          // not answering yet: try again
        }
        await sleep(500);
      }
    })();
    const t0 = performance.now();
    for (let i = 0; ; i++) {
      const elapsed = performance.now() - t0;
      if (elapsed >= MAX_SCRAPE_MS || (elapsed >= MIN_SCRAPE_MS && (!prom || promScrapes >= PROM_SCRAPES))) break;
      const format = i % 2 === 0 ? 'text' : 'openmetrics';
      const scrape: Scrape = { at: elapsed, format, status: 0, problem: '', ms: NaN, countingRuns: NaN, body: '' };
      try {
        const res = await fetch(`${exporter.url}/metrics`, {
          headers: format === 'openmetrics' ? { accept: OPENMETRICS } : {},
          signal: AbortSignal.timeout(5_000),
        });
        scrape.status = res.status;
        scrape.body = await res.text();
        scrape.ms = performance.now() - t0 - elapsed;
        scrape.countingRuns = valueOf(scrape.body, 'counting_runs_total');
        scrape.problem = res.status === 200 ? incomplete(scrape.body, format, reference[format]) : `HTTP ${res.status}`;
        if (scrape.problem === '' && reference[format] === undefined) reference[format] = families(scrape.body);
      } catch (err) {
        scrape.problem = `fetch failed: ${err instanceof Error ? `${err.message} ${String((err as Error & { cause?: unknown }).cause ?? '')}` : String(err)}`;
      }
      // Keep the bodies of the first and last few only (memory), and of any that failed.
      if (scrapes.length > 4 && scrapes.at(-1)!.problem === '') scrapes.at(-1)!.body = '';
      scrapes.push(scrape);
      const next = t0 + (i + 1) * GAP_MS;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
    }
    loopMs = performance.now() - t0;
    watching = false;
    await watcher;
  });
  after(async () => {
    await Promise.all([prom?.stop(), exporter?.stop()]);
  });

  it('answers every scrape with 200 and a complete body while the faults run', () => {
    assert.ok(scrapes.length >= MIN_SCRAPE_MS / 100, `only ${scrapes.length} scrapes in ${loopMs.toFixed(0)} ms`);
    const bad = scrapes.filter((s) => s.status !== 200 || s.problem !== '');
    const kinds = new Map<string, number>();
    for (const s of bad) kinds.set(`${s.format}: ${s.problem}`, (kinds.get(`${s.format}: ${s.problem}`) ?? 0) + 1);
    assert.deepEqual(
      [...kinds].map(([k, n]) => `${n}× ${k} (first at ${bad.find((s) => `${s.format}: ${s.problem}` === k)!.at.toFixed(0)} ms)`),
      [],
      `${bad.length} of ${scrapes.length} scrapes failed\n--- exporter output ---\n${exporter.output().slice(-3000)}`,
    );
    assert.ok(scrapes.some((s) => s.format === 'openmetrics') && scrapes.some((s) => s.format === 'text'));
  });

  it('passes promtool check metrics on the first and last text bodies', async (t) => {
    const promtool = requireBinary(t, 'promtool');
    if (!promtool) return;
    const texts = scrapes.filter((s) => s.format === 'text' && s.body !== '');
    assert.ok(texts.length >= 2, 'kept text bodies');
    for (const s of [texts[0]!, texts.at(-1)!]) {
      const r = await checkMetrics(promtool, s.body);
      assert.deepEqual(r.problems, [], `scrape at ${s.at.toFixed(0)} ms`);
      assert.equal(r.exitCode, 0);
    }
  });

  it('keeps the healthy collector counting, never backwards', () => {
    const runs = scrapes.filter((s) => !Number.isNaN(s.countingRuns)).map((s) => s.countingRuns);
    for (let i = 1; i < runs.length; i++) assert.ok(runs[i]! >= runs[i - 1]!, `counting_runs_total went from ${runs[i - 1]} to ${runs[i]}`);
    // 100 ms interval: ~10 runs a second are due. Generous bound (2 shared cores, tsx compiling
    // every replacement thread); the real schedule is measured by bench/runtime-http.ts.
    const gained = runs.at(-1)! - runs[0]!;
    const due = loopMs / 100;
    assert.ok(gained >= due / 4, `counting ran ${gained} times in ${(loopMs / 1000).toFixed(1)} s at a 100 ms interval (${due.toFixed(0)} due)`);
  });

  it('is up in every Prometheus scrape', async (t) => {
    if (!prom) return t.skip(skipped[0]);
    const [count] = await prom.query('count_over_time(up{job="faults"}[1m])');
    const [min] = await prom.query('min_over_time(up{job="faults"}[1m])');
    assert.ok((count?.value ?? 0) >= PROM_SCRAPES, `Prometheus scraped ${count?.value ?? 0} times`);
    if (min?.value !== 1) {
      const [slowest] = await prom.query('max_over_time(scrape_duration_seconds{job="faults"}[1m])');
      const [down] = await prom.query('count_over_time(up{job="faults"}[1m]) - sum_over_time(up{job="faults"}[1m])');
      const health = (await prom.targets()).map((x) => `${x.health} ${x.lastError}`).join('; ');
      const ours = Math.max(...scrapes.map((x) => x.ms).filter((x) => !Number.isNaN(x)));
      assert.fail(`up was 0 in ${down?.value} of ${count?.value} scrapes; slowest Prometheus scrape ${slowest?.value} s, slowest of the test's ${ours.toFixed(0)} ms; target now: ${health}`);
    }
    const [samples] = await prom.query('min_over_time(scrape_samples_scraped{job="faults"}[1m])');
    assert.ok((samples?.value ?? 0) > 50, `a scrape had ${samples?.value} samples`);
  });

  it('shows success 0 for the failing collectors throughout, 1 for the burner and the healthy one', async (t) => {
    if (!prom) return t.skip(skipped[0]);
    const byCollector = (s: Sample[]) => Object.fromEntries(s.map((x) => [x.metric.collector, x.value]));
    const ever = byCollector(await prom.query('max_over_time(atomic_exporter_collector_success{job="faults"}[1m])'));
    for (const c of FAULTY) assert.equal(ever[c], 0, `${c}: success was ${ever[c]} at some scrape`);
    // The latest scrape (waited for: Prometheus may not have the latest run of each yet).
    const want = { throwing: 0, hung: 0, exiting: 0, burner: 1, counting: 1 };
    const latest = await prom
      .waitFor('atomic_exporter_collector_success{job="faults"}', (s) => Object.entries(want).every(([c, v]) => byCollector(s)[c] === v), 5_000)
      .catch((err: Error) => assert.fail(err.message));
    assert.deepEqual(byCollector(latest), want);
    // Each failure shows as its own result; the healthy collector has no failed run. (The burner
    // is not asserted beyond "it ran": a loaded CI machine may push a 180 ms burn past its 200 ms
    // timeout, which is not the fault the issue is about.)
    const results = await prom.query('sum by (collector, result) (atomic_exporter_collector_runs_total{job="faults"}) > 0');
    const got = results.map((s) => `${s.metric.collector}/${s.metric.result}`).filter((r) => !r.startsWith('burner/')).sort();
    assert.deepEqual(got, ['counting/ok', 'exiting/crash', 'hung/timeout', 'throwing/error']);
    assert.ok(results.some((s) => s.metric.collector === 'burner' && s.metric.result === 'ok'), 'the burner ran');
    // The failing collectors' own series never reach Prometheus.
    const theirs = await prom.query('count by (__name__) ({job="faults",__name__=~"(throwing|hung|exiting)_.*"})');
    assert.deepEqual(theirs, []);
  });

  it("sees the healthy collector's counter increase", async (t) => {
    if (!prom) return t.skip(skipped[0]);
    const [rate] = await prom.query('rate(counting_runs_total{job="faults"}[1m])');
    assert.ok((rate?.value ?? 0) > 0, `rate(counting_runs_total[1m]) = ${rate?.value}`);
  });

  it('counts the replaced threads by reason', async (t) => {
    if (!prom) return t.skip(skipped[0]);
    const s = await prom.query('atomic_exporter_worker_thread_replacements_total{job="faults"}');
    const by = Object.fromEntries(s.map((x) => [x.metric.reason, x.value]));
    assert.ok((by.timeout ?? 0) >= 1, `timeout replacements: ${by.timeout}`);
    assert.ok((by.crash ?? 0) >= 1, `crash replacements: ${by.crash}`);
    const [threads] = await prom.query('min_over_time(atomic_exporter_worker_threads{job="faults"}[1m])');
    assert.ok((threads?.value ?? 0) >= 1, 'the pool kept its threads');
  });

  it('is still alive at the end', async () => {
    assert.equal(exporter.running, true, `the exporter exited (code ${exporter.exitCode})\n${exporter.output().slice(-3000)}`);
    const res = await fetch(`${exporter.url}/-/healthy`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    assert.equal(res.status, 200);
  });
});
