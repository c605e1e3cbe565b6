import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CPU_STATE_STRIDE, JUMP_BACK_SECONDS, cpuStateLength, mergeCpuState } from '../../src/host/cpu-monotonic.js';
import { parseProcStat, type CpuTimes } from '../../src/host/proc-stat.js';
import { fixtureText } from './fixtures.js';

describe('parseProcStat', () => {
  const s = parseProcStat(fixtureText('proc', 'stat'));

  it('reads per-CPU times in seconds (USER_HZ 100) and skips the aggregate line', () => {
    assert.deepEqual([...s.cpus.keys()], [0, 1]);
    assert.deepEqual(s.cpus.get(0), { user: 321.23, nice: 2.24, system: 43.61, idle: 871.14, iowait: 0.73, irq: 0, softirq: 0.88, steal: 0.1, guest: 0.12, guestNice: 0.03 });
    assert.equal(s.cpus.get(1)?.idle, 860.5);
  });

  it('reads the scalar lines and only the interrupt total', () => {
    assert.equal(s.interrupts, 675026);
    assert.equal(s.contextSwitches, 1478347);
    assert.equal(s.bootTime, 1795675160);
    assert.equal(s.forks, 19325);
    assert.equal(s.procsRunning, 9);
    assert.equal(s.procsBlocked, 1);
  });

  it('reads softirq vectors in node_exporter order', () => {
    assert.deepEqual(s.softirqs, [1, 200000, 300, 40000, 5000, 0, 60, 150000, 0, 56984]);
  });

  it('fills missing trailing CPU fields (old kernels) with 0', () => {
    const old = parseProcStat('cpu0 100 0 50 1000\n');
    assert.equal(old.cpus.get(0)?.steal, 0);
    assert.equal(old.cpus.get(0)?.user, 1);
  });

  it('rejects a malformed number, quoting the line', () => {
    assert.throws(() => parseProcStat('ctxt abc\n'), /invalid number "abc".*ctxt abc/);
  });
});

describe('mergeCpuState (node_exporter jump-back rules, state in a Float64Array)', () => {
  const t = (over: Partial<CpuTimes>): CpuTimes => ({ user: 10, nice: 0, system: 5, idle: 100, iowait: 1, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0, ...over });
  const reading = (...cpus: [number, CpuTimes][]) => new Map(cpus);
  /** A state holding `cpus` after one reading. */
  const seeded = (...cpus: [number, CpuTimes][]) => {
    const state = new Float64Array(cpuStateLength(reading(...cpus)));
    mergeCpuState(state, reading(...cpus));
    return state;
  };

  it('takes the first reading as is, and sizes the state by the highest CPU number', () => {
    assert.equal(cpuStateLength(reading([0, t({})], [3, t({})])), 4 * CPU_STATE_STRIDE);
    const state = new Float64Array(4 * CPU_STATE_STRIDE);
    const out = mergeCpuState(state, reading([3, t({ user: 7 })], [0, t({})]));
    assert.deepEqual([...out.keys()], [0, 3], 'CPUs never seen (1, 2) are not reported');
    assert.deepEqual(out.get(3), t({ user: 7 }));
  });

  it('keeps the previous value when a time goes backwards a little', () => {
    const state = seeded([0, t({})]);
    const out = mergeCpuState(state, reading([0, t({ user: 11, iowait: 0.5, idle: 99.9 })]));
    assert.equal(out.get(0)?.user, 11);
    assert.equal(out.get(0)?.iowait, 1);
    assert.equal(out.get(0)?.idle, 100);
  });

  it('keeps it in the state: a copy of the memory (another thread) gives the same answer', () => {
    const state = seeded([0, t({ iowait: 4 })]);
    const elsewhere = Float64Array.from(state);
    assert.equal(mergeCpuState(elsewhere, reading([0, t({ iowait: 3 })])).get(0)?.iowait, 4);
  });

  it(`resets a CPU whose idle drops by ${JUMP_BACK_SECONDS}s or more (hotplug)`, () => {
    const state = seeded([0, t({})]);
    const out = mergeCpuState(state, reading([0, t({ user: 1, idle: 2 })]));
    assert.equal(out.get(0)?.user, 1);
    assert.equal(out.get(0)?.idle, 2);
  });

  it('keeps CPUs that went offline; a CPU that appears needs a larger state', () => {
    const state = seeded([0, t({})], [1, t({})]);
    assert.deepEqual([...mergeCpuState(state, reading([0, t({ user: 12 })])).keys()], [0, 1]);
    assert.throws(() => mergeCpuState(state, reading([2, t({})])), /22 slots, 33 needed/);
    const grown = new Float64Array(3 * CPU_STATE_STRIDE);
    grown.set(state);
    assert.deepEqual([...mergeCpuState(grown, reading([2, t({})])).keys()], [0, 1, 2]);
  });

  it('refuses a CPU number out of range, quoting it', () => {
    assert.throws(() => cpuStateLength(reading([-1, t({})])), /CPU number -1 is out of range/);
    assert.throws(() => cpuStateLength(reading([1e9, t({})])), /CPU number 1000000000 is out of range/);
  });
});
