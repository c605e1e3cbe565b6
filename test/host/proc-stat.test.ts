import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JUMP_BACK_SECONDS, mergeCpuTimes } from '../../src/host/cpu-monotonic.js';
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

describe('mergeCpuTimes (node_exporter jump-back rules)', () => {
  const t = (over: Partial<CpuTimes>): CpuTimes => ({ user: 10, nice: 0, system: 5, idle: 100, iowait: 1, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0, ...over });

  it('keeps the previous value when a time goes backwards a little', () => {
    const cache = new Map([[0, t({})]]);
    mergeCpuTimes(cache, new Map([[0, t({ user: 11, iowait: 0.5, idle: 99.9 })]]));
    assert.equal(cache.get(0)?.user, 11);
    assert.equal(cache.get(0)?.iowait, 1);
    assert.equal(cache.get(0)?.idle, 100);
  });

  it(`resets a CPU whose idle drops by ${JUMP_BACK_SECONDS}s or more (hotplug)`, () => {
    const cache = new Map([[0, t({})]]);
    mergeCpuTimes(cache, new Map([[0, t({ user: 1, idle: 2 })]]));
    assert.equal(cache.get(0)?.user, 1);
    assert.equal(cache.get(0)?.idle, 2);
  });

  it('keeps CPUs that went offline', () => {
    const cache = new Map([[0, t({})], [1, t({})]]);
    mergeCpuTimes(cache, new Map([[0, t({ user: 12 })]]));
    assert.deepEqual([...cache.keys()], [0, 1]);
  });
});
