/**
 * CPU affinity of the runtime's threads (src/runtime/affinity.ts, `--collectors.cpus`): with 2+
 * CPUs the main thread keeps the first to itself and every other thread (pool threads,
 * replacements too; V8's and libuv's helpers) runs on the rest; `all` changes nothing; a list
 * gives the others those CPUs and the main thread the rest; one CPU or no taskset changes
 * nothing; stop() puts every thread back. In a process started with `--single-threaded-gc`
 * (as the command is), V8's helpers go with the pool threads instead, libuv's stay.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRuntime, discoverCollectors, resolveCollectors, type CollectorRuntime, type DiscoveredCollector } from '../../src/runtime/index.js';
import { formatCpuList, parseCpuList, parseCpuSetting, planAffinity } from '../../src/runtime/affinity.js';
import { runCli, startExporter } from '../cli/cli-process.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';
import { memoryLogger, sample } from './helpers.js';

describe('CPU lists and plans', () => {
  it('parses and formats CPU lists as taskset and /proc write them', () => {
    assert.deepEqual(parseCpuList('0-3,8,10-11'), [0, 1, 2, 3, 8, 10, 11]);
    assert.deepEqual(parseCpuList(' 3, 1 ,2'), [1, 2, 3]);
    assert.deepEqual(parseCpuList('5,5,4-5'), [4, 5]);
    assert.equal(formatCpuList([0, 1, 2, 3, 8, 10, 11]), '0-3,8,10-11');
    assert.equal(formatCpuList([7]), '7');
    assert.equal(formatCpuList([2, 1, 1]), '1-2');
    for (const bad of ['', 'x', '1-', '-1', '3-1', '1,,2', '1.5']) assert.throws(() => parseCpuList(bad), RangeError, bad);
    assert.equal(parseCpuSetting('auto'), 'auto');
    assert.equal(parseCpuSetting('ALL'), 'all');
    assert.deepEqual(parseCpuSetting('1-2'), [1, 2]);
  });

  it('auto: the main thread keeps the first CPU, the others get the rest; one CPU or unknown: no change', () => {
    assert.deepEqual(planAffinity('auto', [0, 1]), { main: [0], others: [1] });
    assert.deepEqual(planAffinity('auto', [2, 3, 5, 7]), { main: [2], others: [3, 5, 7] });
    assert.equal(planAffinity('auto', [3]), undefined);
    assert.equal(planAffinity('auto', undefined), undefined);
    assert.equal(planAffinity('all', [0, 1, 2]), undefined);
  });

  it('a list: the others get it, the main thread the rest (or all); a CPU outside the allowed set is an error', () => {
    assert.deepEqual(planAffinity([2, 3], [0, 1, 2, 3]), { main: [0, 1], others: [2, 3] });
    assert.deepEqual(planAffinity([0, 1], [0, 1]), { others: [0, 1] });
    assert.throws(() => planAffinity([1, 4], [0, 1, 2]), /CPU 4 is not available to this process \(it may use 0-2\)/);
  });

  it('--collectors.cpus: auto by default, checked when the flags are resolved', () => {
    assert.equal(resolveCollectors([], {}).cpus, 'auto');
    assert.equal(resolveCollectors([], { 'collectors.cpus': 'all' }).cpus, 'all');
    assert.deepEqual(resolveCollectors([], { 'collectors.cpus': '0' }).cpus, [0]);
    const code = (e: unknown) => (e as { code?: string }).code === 'ERR_INVALID_FLAG_VALUE';
    assert.throws(() => resolveCollectors([], { 'collectors.cpus': 'some' }), (e) => code(e) && /invalid value "some" for --collectors\.cpus: expected auto, all or a CPU list such as 1-3/.test((e as Error).message));
    assert.throws(() => resolveCollectors([], { 'collectors.cpus': '4096' }), (e) => code(e) && /invalid value "4096" for --collectors\.cpus: CPU 4096 is not available to this process/.test((e as Error).message));
  });

  it('the command exits 2 with one line for a bad --collectors.cpus', async () => {
    for (const [value, line] of [
      ['1-0', /^atomic-exporter: invalid value "1-0" for --collectors\.cpus: expected auto, all or a CPU list such as 1-3 \("1-0" is a range that ends before it starts\)$/],
      ['4096', /^atomic-exporter: invalid value "4096" for --collectors\.cpus: CPU 4096 is not available to this process \(it may use [\d,-]+\)$/],
    ] as const) {
      const r = await runCli([`--collectors.cpus=${value}`]);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(r.code, 2, r.stderr);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, line);
    }
  });
});

const linux = process.platform === 'linux';
const hasTaskset = linux && spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;

function cpusOf(tid: number): string {
  return /^Cpus_allowed_list:\s*(\S+)\s*$/m.exec(readFileSync(`/proc/${process.pid}/task/${tid}/status`, 'utf8'))![1]!;
}
const threads = (): number[] => readdirSync(`/proc/${process.pid}/task`).map(Number);

/** Reports the CPUs and the id of the thread that runs it; ends its thread if `exitFile` exists. */
const probe = (exitFile: string) => `import { existsSync, readFileSync, readlinkSync, unlinkSync } from 'node:fs';
export default {
  name: 'probe',
  metrics: {
    cpus: { type: 'gauge', name: 'probe_thread_cpus', help: 'CPUs the thread may run on.', labelNames: ['cpus'] },
    tid: { type: 'gauge', name: 'probe_thread_tid', help: 'tid of the thread.' },
  },
  collect({ metrics }) {
    if (existsSync(${JSON.stringify(exitFile)})) { unlinkSync(${JSON.stringify(exitFile)}); process.exit(1); }
    metrics.cpus.set({ cpus: /^Cpus_allowed_list:\\s*(\\S+)/m.exec(readFileSync('/proc/thread-self/status', 'utf8'))[1] }, 1);
    metrics.tid.set(Number(readlinkSync('/proc/thread-self').split('/').pop()));
  },
};
`;

describe('runtime thread affinity', { skip: !linux ? 'Linux only' : false }, () => {
  let tmp: TempDir;
  let collectors: DiscoveredCollector[];
  let exitFile: string;
  // The CPUs this test process may use: what every thread has before and after a runtime.
  const allowed = linux ? cpusOf(process.pid) : '';
  const cpus = linux ? parseCpuList(allowed) : [];

  before(async () => {
    tmp = await makeTempDir('runtime-affinity');
    exitFile = path.join(tmp.path, 'exit-now');
    writeFileSync(path.join(tmp.path, 'probe.mjs'), probe(exitFile));
    collectors = await discoverCollectors({ dirs: [tmp.path], builtin: false });
  });
  after(async () => {
    await tmp.remove();
  });

  /** The CPU list the probe's thread reported, and its id. */
  async function probeRun(rt: CollectorRuntime): Promise<{ cpus: string; tid: number }> {
    const [r] = await rt.collectOnce();
    assert.equal(r!.outcome, 'ok', r!.message);
    const text = await rt.registry.metrics();
    const line = text.split('\n').find((l) => l.startsWith('probe_thread_cpus{'))!;
    return { cpus: /cpus="([^"]+)"/.exec(line)![1]!, tid: sample(text, 'probe_thread_tid')! };
  }

  it('auto: pool threads off the first CPU, the main thread and its helper threads on it; stop() undoes it', { skip: !hasTaskset ? 'no taskset' : cpus.length < 2 ? 'one CPU' : false }, async () => {
    const rest = formatCpuList(cpus.slice(1));
    const before = threads();
    const rt = await createRuntime({ collectors, threads: 1, logger: memoryLogger().logger, flags: { 'collectors.cpus': 'auto' } });
    try {
      assert.deepEqual(rt.affinity, { main: [cpus[0]], others: cpus.slice(1) });
      assert.equal(rt.serialScavenges, true);
      const p = await probeRun(rt);
      assert.notEqual(p.tid, process.pid);
      assert.equal(p.cpus, rest);
      assert.equal(cpusOf(process.pid), String(cpus[0]));
      // The helper threads there were when the runtime started (V8's, libuv's) went with the
      // main thread; threads started since pin themselves (the pool's) or are not the runtime's.
      const now = threads();
      for (const t of before) if (now.includes(t)) assert.equal(cpusOf(t), String(cpus[0]), `thread ${t}`);
    } finally {
      await rt.stop();
    }
    for (const t of threads()) assert.equal(cpusOf(t), allowed, `thread ${t} after stop`);
  });

  it('applies to a thread that replaces a dead one', { skip: !hasTaskset ? 'no taskset' : cpus.length < 2 ? 'one CPU' : false }, async () => {
    const rt = await createRuntime({ collectors, threads: 1, logger: memoryLogger().logger, cpus: 'auto' });
    try {
      const first = await probeRun(rt);
      writeFileSync(exitFile, '');
      const [crashed] = await rt.collectOnce();
      assert.equal(crashed!.outcome, 'crash');
      const p = await probeRun(rt);
      assert.notEqual(p.tid, first.tid);
      assert.equal(p.cpus, formatCpuList(cpus.slice(1)));
    } finally {
      await rt.stop();
    }
  });

  it('a list: pool threads get those CPUs, the main thread and its helpers the rest', { skip: !hasTaskset ? 'no taskset' : cpus.length < 2 ? 'one CPU' : false }, async () => {
    const last = cpus.at(-1)!;
    const before = threads();
    const rt = await createRuntime({ collectors, threads: 1, logger: memoryLogger().logger, flags: { 'collectors.cpus': String(last) } });
    try {
      const p = await probeRun(rt);
      assert.equal(p.cpus, String(last));
      const mainCpus = formatCpuList(cpus.slice(0, -1));
      assert.equal(cpusOf(process.pid), mainCpus);
      for (const t of threads()) {
        if (before.includes(t)) assert.equal(cpusOf(t), mainCpus, `helper thread ${t}`);
        else assert.equal(cpusOf(t), String(last), `pool thread ${t}`);
      }
    } finally {
      await rt.stop();
    }
    for (const t of threads()) assert.equal(cpusOf(t), allowed, `thread ${t} after stop`);
  });

  it('the exporter command keeps the first CPU for its main thread by default, and none with --collectors.cpus=all', { skip: !hasTaskset ? 'no taskset' : cpus.length < 2 ? 'one CPU' : false }, async () => {
    for (const [args, main] of [[[], String(cpus[0])], [['--collectors.cpus=all'], allowed]] as const) {
      const exporter = await startExporter(['--collector.disable-defaults', '--collector.loadavg', '--web.engine=node', ...args]);
      try {
        assert.equal(/^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${exporter.pid}/status`, 'utf8'))?.[1], main, `main thread with ${JSON.stringify(args)}`);
      } finally {
        await exporter.stop();
      }
    }
  });

  it('all, and a library user who sets nothing (the command states auto): no thread changes CPUs', async () => {
    for (const flags of [{ 'collectors.cpus': 'all' }, {}]) {
      const rt = await createRuntime({ collectors, threads: 1, logger: memoryLogger().logger, flags });
      try {
        assert.equal(rt.affinity, undefined, JSON.stringify(flags));
        assert.equal(rt.serialScavenges, false, JSON.stringify(flags));
        assert.equal((await probeRun(rt)).cpus, allowed);
        for (const t of threads()) assert.equal(cpusOf(t), allowed, `thread ${t}`);
      } finally {
        await rt.stop();
      }
    }
  });

  it('without taskset nothing changes and collectors still run', async () => {
    const { logger, lines } = memoryLogger();
    const saved = process.env.PATH;
    process.env.PATH = path.join(tmp.path, 'no-such-bin');
    let rt: CollectorRuntime | undefined;
    try {
      rt = await createRuntime({ collectors, threads: 1, logger, cpus: 'auto' });
      assert.equal((await probeRun(rt)).cpus, allowed);
    } finally {
      process.env.PATH = saved;
      await rt?.stop();
    }
    assert.equal(rt.affinity, undefined);
    for (const t of threads()) assert.equal(cpusOf(t), allowed, `thread ${t}`);
    if (cpus.length >= 2) assert.ok(lines.some((l) => /could not set CPU affinity/.test(String(l.msg))), JSON.stringify(lines));
  });

  it('in a process started with --single-threaded-gc, V8\'s helpers go to the pool\'s CPUs and libuv\'s stay with the main thread', { skip: !hasTaskset ? 'no taskset' : cpus.length < 2 ? 'one CPU' : false }, () => {
    mkdirSync(path.join(tmp.path, 'script'), { recursive: true });
    const file = path.join(tmp.path, 'script', 'own-gc.mjs');
    // libuv's threads are told by what they do: an asynchronous read of /proc/thread-self/status
    // runs on one of them and reads its own id and CPUs. The threads started before them are
    // V8's helpers (and Node's signal thread), which node starts before it runs any script.
    writeFileSync(
      file,
      `import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRuntime, discoverCollectors } from ${JSON.stringify(new URL('../../src/runtime/index.ts', import.meta.url).href)};
const cpusOf = (t) => /^Cpus_allowed_list:\\s*(\\S+)/m.exec(readFileSync('/proc/self/task/' + t + '/status', 'utf8'))[1];
const early = readdirSync('/proc/self/task').map(Number).filter((t) => t !== process.pid);
const rt = await createRuntime({ collectors: await discoverCollectors({ dirs: [${JSON.stringify(tmp.path)}], builtin: false }), threads: 1, cpus: 'auto' });
const [r] = await rt.collectOnce();
const libuv = new Map();
for (let i = 0; i < 20; i++) for (const text of await Promise.all(Array.from({ length: 16 }, () => readFile('/proc/thread-self/status', 'utf8')))) {
  libuv.set(Number(/^Pid:\\s*(\\d+)/m.exec(text)[1]), /^Cpus_allowed_list:\\s*(\\S+)/m.exec(text)[1]);
}
const firstLibuv = Math.min(...libuv.keys());
const v8 = early.filter((t) => t < firstLibuv);
console.log(JSON.stringify({ outcome: r.outcome, apart: rt.v8HelpersOnPoolCpus, main: cpusOf(process.pid), libuv: [...new Set(libuv.values())], v8: [...new Set(v8.map(cpusOf))], v8Count: v8.length }));
await rt.stop();`,
    );
    const run = (flags: string[]) => {
      const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', file], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { outcome: string; apart: boolean; main: string; libuv: string[]; v8: string[]; v8Count: number };
    };
    const first = String(cpus[0]);
    const rest = formatCpuList(cpus.slice(1));
    const own = run(['--single-threaded-gc']);
    assert.ok(own.v8Count >= 2, JSON.stringify(own));
    assert.deepEqual({ ...own, v8Count: 0 }, { outcome: 'ok', apart: true, main: first, libuv: [first], v8: [rest], v8Count: 0 });
    // Without the flag V8's helpers do the main thread's concurrent GC work: they stay with it.
    const shared = run([]);
    assert.deepEqual({ ...shared, v8Count: 0 }, { outcome: 'ok', apart: false, main: first, libuv: [first], v8: [first], v8Count: 0 });
  });

  it('a stuck libuv thread pool does not hold up the start: V8\'s helpers then stay with the main thread', { skip: !hasTaskset ? 'no taskset' : cpus.length < 2 ? 'one CPU' : false }, () => {
    mkdirSync(path.join(tmp.path, 'script'), { recursive: true });
    const fifo = path.join(tmp.path, 'script', 'stuck.fifo');
    const made = spawnSync('mkfifo', [fifo]);
    assert.equal(made.status, 0, String(made.stderr));
    const file = path.join(tmp.path, 'script', 'stuck-pool.mjs');
    // Each read of the FIFO holds a libuv thread in open() until a writer comes, as a slow mount
    // or a DNS lookup would; the writer comes only after createRuntime has returned.
    writeFileSync(
      file,
      `import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRuntime, discoverCollectors } from ${JSON.stringify(new URL('../../src/runtime/index.ts', import.meta.url).href)};
const collectors = await discoverCollectors({ dirs: [${JSON.stringify(tmp.path)}], builtin: false });
const stuck = Array.from({ length: 4 }, () => readFile(${JSON.stringify(fifo)}));
await new Promise((resolve) => setTimeout(resolve, 200));
const rt = await createRuntime({ collectors, threads: 1, cpus: 'auto' });
const started = { apart: rt.v8HelpersOnPoolCpus, pinned: rt.affinity !== undefined };
closeSync(openSync(${JSON.stringify(fifo)}, 'w'));
await Promise.all(stuck);
const [r] = await rt.collectOnce();
console.log(JSON.stringify({ ...started, outcome: r.outcome }));
await rt.stop();`,
    );
    const r = spawnSync(process.execPath, ['--single-threaded-gc', '--import', 'tsx', file], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr || 'timed out: the runtime waited for the stuck thread pool');
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').at(-1)!), { apart: false, pinned: true, outcome: 'ok' });
  });

  it('with one CPU nothing changes', { skip: !hasTaskset ? 'no taskset' : false }, () => {
    // A process confined to one CPU (as by a cpuset): auto leaves every thread alone.
    // Not in the collectors' folder (discovery would take it for a collector).
    mkdirSync(path.join(tmp.path, 'script'), { recursive: true });
    const file = path.join(tmp.path, 'script', 'one-cpu.mjs');
    writeFileSync(
      file,
      `import { createRuntime, discoverCollectors } from ${JSON.stringify(new URL('../../src/runtime/index.ts', import.meta.url).href)};
const rt = await createRuntime({ collectors: await discoverCollectors({ dirs: [${JSON.stringify(tmp.path)}], builtin: false }), threads: 1, cpus: 'auto' });
const [r] = await rt.collectOnce();
console.log(JSON.stringify({ outcome: r.outcome, affinity: rt.affinity ?? null }));
await rt.stop();`,
    );
    const r = spawnSync('taskset', ['--cpu-list', String(cpus[0]), process.execPath, '--import', 'tsx', file], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').at(-1)!), { outcome: 'ok', affinity: null });
  });
});
