/**
 * Issue #3: "Counters never go backwards across scrapes, including when a worker thread dies."
 * The cpu collector through the real runtime: node_cpu_seconds_total mirrors /proc/stat, and a
 * time the kernel steps back (iowait, idle a little) keeps its last value, as in node_exporter,
 * even when the run that sees the smaller value is on a replacement pool thread (its memory of
 * the last values is the collector's shared state, not the thread's). One pool thread, ended
 * between runs by the scripted fixture collector calling process.exit(), so the next cpu run is
 * on a new thread for sure.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRuntime, discoverCollectors, type CollectorRuntime } from '../../src/runtime/index.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';
import { FIXTURES as COLLECTOR_FIXTURES, memoryLogger, sample, until, writeScript } from '../runtime/helpers.js';

/** Per-CPU jiffies (USER_HZ 100): user nice system idle iowait irq softirq steal guest guest_nice. */
type Jiffies = readonly [number, number, number, number, number, number, number, number, number, number];

describe('cpu counters across pool threads (shared guard state)', () => {
  let tmp: TempDir;
  let control: string;
  let stat: string;
  let rt: CollectorRuntime;
  let crashes = 0;

  const writeStat = (cpus: readonly Jiffies[]): void => {
    const total = cpus.reduce<number[]>((acc, c) => acc.map((v, i) => v + c[i]!), Array<number>(10).fill(0));
    const lines = [`cpu  ${total.join(' ')}`, ...cpus.map((c, i) => `cpu${i} ${c.join(' ')}`), 'intr 1 0', 'ctxt 1', 'btime 1700000000', 'processes 1', 'procs_running 1', 'procs_blocked 0'];
    writeFileSync(stat, lines.join('\n') + '\n');
  };
  const seconds = (text: string, cpu: number, mode: string) => sample(text, `node_cpu_seconds_total{cpu="${cpu}",mode="${mode}"}`);
  const guest = (text: string, cpu: number, mode: string) => sample(text, `node_cpu_guest_seconds_total{cpu="${cpu}",mode="${mode}"}`);

  /** Runs every enabled collector once; cpu must succeed. */
  const once = async (): Promise<string> => {
    const results = await rt.collectOnce();
    const cpu = results.find((r) => r.collector === 'cpu');
    assert.equal(cpu?.outcome, 'ok', cpu?.message);
    return rt.registry.metrics();
  };

  /** Ends the only pool thread (scripted exits it) and waits for its replacement. */
  const replaceThread = async (): Promise<void> => {
    writeScript(control, { exit: 3 });
    await rt.collectOnce();
    crashes++;
    await until(async () => sample(await rt.registry.metrics(), 'atomic_exporter_worker_thread_replacements_total{reason="crash"}') === crashes, 10_000, 'thread replacement');
    writeScript(control, {});
  };

  before(async () => {
    tmp = await makeTempDir('cpu-threads');
    const procfs = path.join(tmp.path, 'proc');
    mkdirSync(procfs);
    mkdirSync(path.join(tmp.path, 'sys'));
    stat = path.join(procfs, 'stat');
    control = path.join(tmp.path, 'control.json');
    writeScript(control, {});
    rt = await createRuntime({
      collectors: await discoverCollectors({ dirs: [COLLECTOR_FIXTURES], builtin: true }),
      flags: { 'collector.disable-defaults': true, 'collector.cpu': true, 'collector.scripted': true, 'collector.scripted.control': control },
      paths: { procfs, sysfs: path.join(tmp.path, 'sys'), rootfs: tmp.path },
      threads: 1,
      logger: memoryLogger('info').logger,
    });
  });
  after(async () => {
    await rt.stop();
    await tmp.remove();
  });

  it('exposes the first reading', async () => {
    writeStat([[1000, 10, 500, 10_000, 300, 5, 7, 2, 40, 4]]);
    const text = await once();
    assert.equal(seconds(text, 0, 'user'), 10);
    assert.equal(seconds(text, 0, 'idle'), 100);
    assert.equal(seconds(text, 0, 'iowait'), 3);
    assert.equal(guest(text, 0, 'user'), 0.4);
  });

  it('keeps the last values when a replacement thread reads smaller ones', async () => {
    await replaceThread();
    // iowait 3 → 2.5, idle 100 → 99.9 (less than 3 s back: not a hotplug), steal and guest back too; user and system go on.
    writeStat([[1100, 10, 550, 9_990, 250, 5, 7, 1, 30, 4]]);
    const text = await once();
    assert.equal(seconds(text, 0, 'iowait'), 3, 'iowait does not go back');
    assert.equal(seconds(text, 0, 'idle'), 100, 'idle does not go back');
    assert.equal(seconds(text, 0, 'steal'), 0.02, 'steal does not go back');
    assert.equal(guest(text, 0, 'user'), 0.4, 'guest does not go back');
    assert.equal(seconds(text, 0, 'user'), 11, 'user follows');
    assert.equal(seconds(text, 0, 'system'), 5.5, 'system follows');
  });

  it('follows increases again, and keeps a CPU that appears across threads', async () => {
    writeStat([[1200, 10, 600, 10_100, 400, 5, 7, 3, 50, 4], [100, 0, 50, 5_000, 80, 0, 0, 0, 0, 0]]);
    let text = await once();
    assert.equal(seconds(text, 0, 'iowait'), 4);
    assert.equal(seconds(text, 0, 'idle'), 101);
    assert.equal(seconds(text, 0, 'steal'), 0.03);
    assert.equal(guest(text, 0, 'user'), 0.5);
    assert.equal(seconds(text, 1, 'iowait'), 0.8);

    await replaceThread();
    writeStat([[1300, 10, 600, 10_200, 390, 5, 7, 3, 50, 4], [110, 0, 50, 4_990, 60, 0, 0, 0, 0, 0]]);
    text = await once();
    assert.equal(seconds(text, 0, 'iowait'), 4);
    assert.equal(seconds(text, 0, 'idle'), 102);
    assert.equal(seconds(text, 1, 'iowait'), 0.8, 'the new CPU keeps its last iowait on another thread');
    assert.equal(seconds(text, 1, 'idle'), 50);
    assert.equal(seconds(text, 1, 'user'), 1.1);
  });

  it('resets a CPU whose idle drops by 3 s or more (hotplug), as node_exporter', async () => {
    await replaceThread();
    writeStat([[1400, 10, 600, 10_300, 400, 5, 7, 3, 50, 4], [5, 0, 1, 100, 1, 0, 0, 0, 0, 0]]);
    const text = await once();
    assert.equal(seconds(text, 1, 'idle'), 1);
    assert.equal(seconds(text, 1, 'iowait'), 0.01);
    assert.equal(seconds(text, 0, 'idle'), 103);
  });
});
