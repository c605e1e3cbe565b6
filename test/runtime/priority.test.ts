/**
 * Pool threads' CPU priority (src/runtime/priority.ts): normal by default; with `schedIdle` each
 * pool thread puts itself under SCHED_IDLE on Linux (when util-linux's chrt is there),
 * replacements too, and the main thread keeps its policy; `niceIncrement` sets their nice value.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCpuList } from '../../src/runtime/affinity.js';
import { createRuntime, discoverCollectors, type DiscoveredCollector } from '../../src/runtime/index.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';
import { memoryLogger, sample } from './helpers.js';

const SCHED_OTHER = 0;
const SCHED_IDLE = 5;
const linux = process.platform === 'linux';
const hasChrt = linux && spawnSync('chrt', ['--help'], { stdio: 'ignore' }).status === 0;
const hasTaskset = linux && spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
const cpuCount = linux ? parseCpuList(/^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]!).length : 1;

/** Reports the policy and nice value of the thread that runs it; ends its thread if `exitFile` exists. */
const probe = (exitFile: string) => `import { existsSync, readFileSync, readlinkSync, unlinkSync } from 'node:fs';
export default {
  name: 'probe',
  metrics: {
    policy: { type: 'gauge', name: 'probe_thread_policy', help: 'sched policy of the thread.' },
    nice: { type: 'gauge', name: 'probe_thread_nice', help: 'nice of the thread.' },
    tid: { type: 'gauge', name: 'probe_thread_tid', help: 'tid of the thread.' },
  },
  collect({ metrics }) {
    if (existsSync(${JSON.stringify(exitFile)})) { unlinkSync(${JSON.stringify(exitFile)}); process.exit(1); }
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    const sched = readFileSync('/proc/thread-self/sched', 'utf8');
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    metrics.policy.set(Number(/^policy\\s+:\\s+(\\d+)/m.exec(sched)[1]));
    metrics.nice.set(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    metrics.tid.set(tid);
  },
};
`;

function policyOf(tid: number): number {
  return Number(/^policy\s+:\s+(\d+)/m.exec(readFileSync(`/proc/${process.pid}/task/${tid}/sched`, 'utf8'))![1]);
}

describe('pool thread priority', { skip: !linux ? 'Linux only' : false }, () => {
  let tmp: TempDir;
  let collectors: DiscoveredCollector[];
  let exitFile: string;

  before(async () => {
    tmp = await makeTempDir('runtime-priority');
    exitFile = path.join(tmp.path, 'exit-now');
    writeFileSync(path.join(tmp.path, 'probe.mjs'), probe(exitFile));
    collectors = await discoverCollectors({ dirs: [tmp.path], builtin: false });
  });
  after(async () => {
    await tmp.remove();
  });

  async function probeOnce(options: { schedIdle?: boolean; niceIncrement?: number; cpus?: 'auto' | 'all' }): Promise<{ policy: number; nice: number; tid: number }> {
    const rt = await createRuntime({ collectors, threads: 1, logger: memoryLogger().logger, ...options });
    try {
      const [r] = await rt.collectOnce();
      assert.equal(r!.outcome, 'ok', r!.message);
      const text = await rt.registry.metrics();
      return { policy: sample(text, 'probe_thread_policy')!, nice: sample(text, 'probe_thread_nice')!, tid: sample(text, 'probe_thread_tid')! };
    } finally {
      await rt.stop();
    }
  }

  it('runs collectors at normal priority by default (a low one brings priority inversion on a busy host)', async () => {
    const p = await probeOnce({});
    assert.equal(p.policy, SCHED_OTHER);
    assert.equal(p.nice, 0);
  });

  it('runs collectors under SCHED_IDLE at nice +19 when asked, and leaves the main thread alone', { skip: !hasChrt ? 'no chrt' : false }, async () => {
    const p = await probeOnce({ schedIdle: true, niceIncrement: 19 });
    assert.equal(p.policy, SCHED_IDLE);
    assert.equal(p.nice, 19);
    assert.notEqual(p.tid, process.pid);
    assert.equal(policyOf(process.pid), SCHED_OTHER);
  });

  it('keeps the normal policy with schedIdle: false (nice still applies)', async () => {
    const p = await probeOnce({ schedIdle: false, niceIncrement: 19 });
    assert.equal(p.policy, SCHED_OTHER);
    assert.equal(p.nice, 19);
  });

  it('the same with a CPU affinity (cpus auto, what the command does); explicit options still win', { skip: !hasTaskset ? 'no taskset' : cpuCount < 2 ? 'one CPU' : false }, async () => {
    const p = await probeOnce({ cpus: 'auto' });
    assert.equal(p.policy, SCHED_OTHER);
    assert.equal(p.nice, 0);
    if (hasChrt) assert.equal((await probeOnce({ cpus: 'auto', schedIdle: true, niceIncrement: 5 })).policy, SCHED_IDLE);
    assert.equal((await probeOnce({ cpus: 'auto', schedIdle: false, niceIncrement: 5 })).nice, 5);
  });

  it('applies to a thread that replaces a dead one', { skip: !hasChrt ? 'no chrt' : false }, async () => {
    const rt = await createRuntime({ collectors, threads: 1, logger: memoryLogger().logger, schedIdle: true, niceIncrement: 19 });
    try {
      await rt.collectOnce();
      const first = sample(await rt.registry.metrics(), 'probe_thread_tid');
      writeFileSync(exitFile, '');
      const [crashed] = await rt.collectOnce();
      assert.equal(crashed!.outcome, 'crash');
      const [r] = await rt.collectOnce();
      assert.equal(r!.outcome, 'ok', r!.message);
      const text = await rt.registry.metrics();
      assert.notEqual(sample(text, 'probe_thread_tid'), first);
      assert.equal(sample(text, 'probe_thread_policy'), SCHED_IDLE);
    } finally {
      await rt.stop();
    }
  });
});
