import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCpuList } from '../../src/host/cpu-list.js';
import { parseCpuinfo } from '../../src/host/cpuinfo.js';
import { fixtureText } from './fixtures.js';

describe('parseCpuinfo', () => {
  const cpus = parseCpuinfo(fixtureText('proc', 'cpuinfo'));

  it('reads one entry per processor with node_cpu_info fields', () => {
    assert.equal(cpus.length, 2);
    assert.equal(cpus[1]?.coreId, '1');
    assert.equal(cpus[0]?.modelName, 'Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz');
    assert.equal(cpus[0]?.cacheSize, '28160 KB');
    assert.equal(cpus[0]?.microcode, '0x2006b06');
  });

  it('splits flags and bugs', () => {
    assert.ok(cpus[0]?.flags.includes('avx2'));
    assert.deepEqual(cpus[0]?.bugs, ['cpu_meltdown', 'spectre_v1', 'spectre_v2']);
  });
});

describe('parseCpuList', () => {
  it('expands ranges', () => {
    assert.deepEqual(parseCpuList('0-2,5,7-8\n'), [0, 1, 2, 5, 7, 8]);
    assert.deepEqual(parseCpuList('\n'), []);
    assert.throws(() => parseCpuList('3-1'), /invalid CPU list "3-1"/);
  });
});
