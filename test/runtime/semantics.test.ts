/**
 * What a run does to its collector's series, through the whole runtime (pool threads, staging,
 * apply), driven run by run with the scripted fixture collector and collectOnce().
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { Counter } from '../../src/metrics/counter.js';
import { Registry } from '../../src/registry.js';
import { MAX_SHARDS, Meta } from '../../src/store/layout.js';
import { createRuntime, discoverCollectors, type CollectorRuntime, type DiscoveredCollector } from '../../src/runtime/index.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';
import { fixtureCollectors, memoryLogger, sample, seriesOf, until, writeScript } from './helpers.js';

describe('run semantics', () => {
  let collectors: DiscoveredCollector[];
  let tmp: TempDir;
  let control: string;
  let rt: CollectorRuntime;
  let log: ReturnType<typeof memoryLogger>;

  before(async () => {
    collectors = await fixtureCollectors();
    tmp = await makeTempDir('runtime-semantics');
    control = path.join(tmp.path, 'control.json');
    log = memoryLogger();
    rt = await createRuntime({
      collectors,
      flags: { 'collector.disable-defaults': true, 'collector.scripted': true, 'collector.scripted.control': control, 'collector.scripted.timeout': '300ms' },
      threads: 1,
      logger: log.logger,
      logIntervalMs: 60_000,
    });
  });
  after(async () => {
    await rt.stop();
    await tmp.remove();
  });

  const once = async () => {
    const [r] = await rt.collectOnce();
    return { r: r!, text: await rt.registry.metrics() };
  };

  it('is not ready before its first run, and ready after', async () => {
    assert.equal(rt.ready(), false);
    writeScript(control, { gauge: { a: 1, b: 2 }, counterInc: { a: 1, b: 1 }, counterSet: { m: 100 }, observe: { a: [0.5, 5] }, summarize: { a: [10] } });
    const { r, text } = await once();
    assert.equal(r.outcome, 'ok', r.message);
    assert.equal(r.series, 7);
    assert.equal(rt.ready(), true);
    assert.equal(sample(text, 'scripted_value{k="a"}'), 1);
    assert.equal(sample(text, 'scripted_events_total{src="script",k="m"}'), 100);
    assert.equal(sample(text, 'scripted_seconds_count{k="a"}'), 2);
    assert.equal(sample(text, 'atomic_exporter_collector_success{collector="scripted"}'), 1);
  });

  it('removes the series the latest successful run did not report', async () => {
    writeScript(control, { gauge: { b: 3 }, counterInc: { a: 1 }, counterSet: { m: 120 }, touch: ['a'] });
    const { r, text } = await once();
    assert.equal(r.outcome, 'ok', r.message);
    assert.deepEqual(seriesOf(text, 'scripted_value').sort(), ['scripted_value{k="a"}', 'scripted_value{k="b"}']);
    assert.equal(sample(text, 'scripted_value{k="a"}'), 1, 'touch keeps the value');
    assert.equal(sample(text, 'scripted_value{k="b"}'), 3);
    assert.deepEqual(seriesOf(text, 'scripted_events_total').sort(), ['scripted_events_total{src="script",k="a"}', 'scripted_events_total{src="script",k="m"}']);
    assert.equal(sample(text, 'scripted_events_total{src="script",k="a"}'), 2, 'inc accumulates onto the previous run');
    assert.equal(sample(text, 'scripted_events_total{src="script",k="m"}'), 120, 'set mirrors');
    assert.equal(sample(text, 'scripted_seconds_count{k="a"}'), 2, 'touched histogram keeps its counts');
  });

  const before_ = async () => rt.registry.metrics();
  const lastSuccess = (t: string) => sample(t, 'atomic_exporter_collector_last_success_timestamp_seconds{collector="scripted"}');

  for (const [what, script, outcome] of [
    ['throws', { throw: 'boom' }, 'error'],
    ['reports no data', { nodata: true }, 'nodata'],
    ['exits its thread', { exit: 3 }, 'crash'],
    ['hangs past its timeout', { hang: true }, 'timeout'],
  ] as const) {
    it(`a run that ${what} applies none of its writes, drops the gauges, keeps the counters`, async () => {
      const prev = await before_();
      writeScript(control, { gauge: { a: 99, z: 1 }, counterInc: { a: 50, z: 1 }, counterSet: { m: 1 }, ...script });
      const { r, text } = await once();
      assert.equal(r.outcome, outcome, r.message);
      assert.deepEqual(seriesOf(text, 'scripted_value'), [], 'gauges are dropped after a failed run');
      assert.equal(sample(text, 'scripted_events_total{src="script",k="a"}'), 2);
      assert.equal(sample(text, 'scripted_events_total{src="script",k="m"}'), 120);
      assert.equal(sample(text, 'scripted_events_total{src="script",k="z"}'), undefined);
      assert.equal(sample(text, 'scripted_seconds_count{k="a"}'), 2);
      assert.equal(sample(text, 'atomic_exporter_collector_success{collector="scripted"}'), 0);
      assert.equal(lastSuccess(text), lastSuccess(prev), 'last success timestamp shows the staleness');
      assert.equal(sample(text, `atomic_exporter_collector_runs_total{collector="scripted",result="${outcome}"}`), 1);
    });
  }

  it('counts the replaced threads, and the next run continues where the counters were', async () => {
    await until(async () => sample(await rt.registry.metrics(), 'atomic_exporter_worker_thread_replacements_total{reason="crash"}') === 1, 5000, 'crash replacement');
    await until(async () => sample(await rt.registry.metrics(), 'atomic_exporter_worker_thread_replacements_total{reason="timeout"}') === 1, 5000, 'timeout replacement');
    writeScript(control, { gauge: { a: 5 }, counterInc: { a: 1 }, counterSet: { m: 130 } });
    const { r, text } = await once();
    assert.equal(r.outcome, 'ok', r.message);
    assert.equal(sample(text, 'scripted_events_total{src="script",k="a"}'), 3);
    assert.equal(sample(text, 'scripted_value{k="a"}'), 5);
    assert.equal(sample(text, 'atomic_exporter_worker_threads'), 1);
    // Pool threads write only the common area (runs are applied there), so they attach without
    // a store shard: none was made for them (each is 4 GiB of address space), none is held.
    assert.equal(rt.registry.store.shards.length, 1);
    const meta = rt.registry.store.meta;
    assert.equal(Array.from({ length: MAX_SHARDS - 1 }, (_, k) => Atomics.load(meta, Meta.ShardOwnerBase + 1 + k)).filter((o) => o !== 0).length, 0);
  });

  it('logs one line per failure, rate-limited per collector, with name and error', () => {
    const errors = log.lines.filter((l) => l.msg === 'collector failed');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0]!.collector, 'scripted');
    assert.equal(errors[0]!.err, 'boom');
    assert.ok(log.lines.some((l) => l.msg === 'collector returned no data' && l.level === 20));
    assert.ok(log.lines.some((l) => l.msg === 'collector recovered' && l.collector === 'scripted'));
  });

  it('lists collectors with their state', () => {
    const s = rt.collectors.find((c) => c.name === 'scripted')!;
    assert.equal(s.enabled, true);
    assert.equal(s.state, 'idle');
    assert.equal(s.runs, 7);
    assert.equal(s.timeoutMs, 300);
    assert.equal(s.lastResult?.outcome, 'ok');
    assert.equal(rt.collectors.find((c) => c.name === 'counting')!.state, 'disabled');
  });
});

describe('counters across thread deaths', () => {
  it('never go backwards in any scrape while runs succeed, crash and hang', async () => {
    const collectors = await fixtureCollectors();
    const tmp = await makeTempDir('runtime-monotonic');
    const control = path.join(tmp.path, 'control.json');
    const rt = await createRuntime({
      collectors,
      flags: { 'collector.disable-defaults': true, 'collector.scripted': true, 'collector.scripted.control': control, 'collector.scripted.timeout': '100ms' },
      threads: 1,
      logger: memoryLogger('silent').logger,
    });
    // What "across scrapes" means: a scrape that starts after another one ended never shows
    // less than it did (Prometheus scrapes a target one scrape at a time). Scrapes overlapping
    // each other may end in any order: one that started before a run was applied can end after
    // one that started later, and show the value from before the run.
    let ended = -1;
    let last = -1;
    const backwards: string[] = [];
    const scrape = async () => {
      const floor = ended;
      const v = sample(await rt.registry.metrics(), 'scripted_events_total{src="script",k="a"}') ?? 0;
      if (v < floor) backwards.push(`a scrape showed ${v} after one that ended before it started showed ${floor}`);
      ended = Math.max(ended, v);
      last = v;
    };
    const inFlight = new Set<Promise<void>>();
    const scraper = setInterval(() => {
      const p = scrape().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }, 5);
    try {
      for (let i = 0; i < 12; i++) {
        const fault = i % 3 === 1 ? { exit: 1 } : i % 3 === 2 ? { hang: true } : {};
        writeScript(control, { counterInc: { a: 1 }, ...fault });
        await rt.collectOnce();
        await scrape();
      }
    } finally {
      clearInterval(scraper);
      await Promise.allSettled([...inFlight]);
      await rt.stop();
      await tmp.remove();
    }
    assert.deepEqual(backwards, []);
    assert.equal(last, 4);
  });
});

describe('a scrape between a run\'s apply and the main thread learning its result', () => {
  it('shows the run\'s values with the self-metrics of the same run', async () => {
    const tmp = await makeTempDir('runtime-apply-window');
    const control = path.join(tmp.path, 'control.json');
    const rt = await createRuntime({
      collectors: await fixtureCollectors(),
      flags: { 'collector.disable-defaults': true, 'collector.scripted': true, 'collector.scripted.control': control },
      threads: 1,
      logger: memoryLogger('silent').logger,
    });
    const series = 'scripted_events_total{src="script",k="a"}';
    // Read synchronously, without giving the event loop a turn (snapshotsNow waits for nothing).
    const valueNow = () => {
      const f = rt.registry.snapshotsNow().find((x) => x.name === 'scripted_events_total');
      const i = f?.labelTexts.indexOf('src="script",k="a"') ?? -1;
      return i >= 0 ? f!.values![i]! : 0;
    };
    try {
      writeScript(control, { counterInc: { a: 1 } });
      assert.equal((await rt.collectOnce())[0]!.outcome, 'ok');
      writeScript(control, { counterInc: { a: 1 } });
      const second = rt.collectOnce();
      await new Promise((r) => setImmediate(r));
      // Hold the main thread until the pool thread has applied the run: its reply is then
      // waiting, unread, when the scrape starts.
      const nap = new Int32Array(new SharedArrayBuffer(4));
      const end = Date.now() + 10_000;
      while (valueNow() < 2 && Date.now() < end) Atomics.wait(nap, 0, 0, 1);
      assert.equal(valueNow(), 2, 'the run was not applied while the main thread waited');
      const text = await rt.registry.metrics();
      assert.equal(sample(text, series), 2);
      assert.equal(sample(text, 'atomic_exporter_collector_runs_total{collector="scripted",result="ok"}'), 2, 'the run the values come from is counted in the same scrape');
      assert.equal(sample(text, 'atomic_exporter_collector_success{collector="scripted"}'), 1);
      assert.equal((await second)[0]!.outcome, 'ok');
      // And no batch is left open for later scrapes to wait on.
      assert.equal(rt.registry.store.batchState().inFlight, 0);
    } finally {
      await rt.stop();
      await tmp.remove();
    }
  });
});

describe('cooperative timeout', () => {
  it('aborts ctx.signal at the timeout; a collector that honours it keeps its thread', async () => {
    const rt = await createRuntime({
      collectors: await fixtureCollectors(),
      flags: { 'collector.disable-defaults': true, 'collector.sleepy': true },
      logger: memoryLogger('silent').logger,
    });
    try {
      const [r] = await rt.collectOnce();
      assert.equal(r!.outcome, 'timeout');
      assert.match(r!.message!, /timed out after 100 ms/);
      const text = await rt.registry.metrics();
      assert.equal(sample(text, 'atomic_exporter_worker_thread_replacements_total{reason="timeout"}'), 0);
      assert.equal(sample(text, 'sleepy_value'), undefined);
    } finally {
      await rt.stop();
    }
  });
});

describe('module import in a new thread', () => {
  it('does not count against the run\'s timeout, and the timeout still applies after it', async () => {
    const tmp = await makeTempDir('runtime-slowload');
    const slow = (name: string, body: string) =>
      `const end = Date.now() + 400; while (Date.now() < end);\n` +
      `export default { name: '${name}', intervalMs: 1000, timeoutMs: 100, metrics: { v: { type: 'gauge', name: '${name}_value', help: 'h' } }, collect({ metrics }) { metrics.v.set(1); ${body} } };\n`;
    await writeFile(path.join(tmp.path, 'slowok.mjs'), slow('slowok', ''));
    await writeFile(path.join(tmp.path, 'slowhang.mjs'), slow('slowhang', 'for (;;);'));
    const rt = await createRuntime({ collectors: await discoverCollectors({ dirs: [tmp.path], builtin: false }), threads: 2, logger: memoryLogger('silent').logger });
    try {
      const t0 = Date.now();
      const results = await rt.collectOnce();
      const byName = new Map(results.map((r) => [r.collector, r]));
      assert.equal(byName.get('slowok')!.outcome, 'ok', byName.get('slowok')!.message);
      assert.equal(byName.get('slowhang')!.outcome, 'timeout');
      assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms: the timeout was not enforced after the import`);
    } finally {
      await rt.stop();
      await tmp.remove();
    }
  });
});

describe('ownership of names', () => {
  it('rejects a collector metric that the registry already has', async () => {
    const registry = new Registry();
    new Counter({ name: 'counting_runs_total', help: 'mine', registers: [registry] });
    await assert.rejects(
      createRuntime({ registry, collectors: await fixtureCollectors(), flags: { 'collector.disable-defaults': true, 'collector.counting': true }, logger: memoryLogger('silent').logger }),
      (e: Error & { code?: string }) => e.code === 'ERR_COLLECTOR_CONFLICT' && /metric "counting_runs_total" of collector "counting"/.test(e.message) && /the registry/.test(e.message),
    );
  });

  it('rejects two enabled collectors declaring the same metric', async () => {
    const [counting] = (await fixtureCollectors()).filter((c) => c.name === 'counting');
    const twin = { ...counting!, name: 'twin' };
    await assert.rejects(
      createRuntime({ collectors: [counting!, twin], logger: memoryLogger('silent').logger }),
      (e: Error & { code?: string }) => e.code === 'ERR_COLLECTOR_CONFLICT' && /collector "twin"/.test(e.message) && /already defined by collector "counting"/.test(e.message),
    );
  });
});
