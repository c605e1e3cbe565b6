import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDiskstats } from '../../src/host/diskstats.js';
import { parseUdevData } from '../../src/host/udev.js';
import { fixtureText } from './fixtures.js';

describe('parseDiskstats', () => {
  const disks = parseDiskstats(fixtureText('proc', 'diskstats'));

  it('reads major, minor, name and every counter the kernel prints', () => {
    const vda = disks.find((d) => d.device === 'vda');
    assert.deepEqual(vda, { major: 254, minor: 0, device: 'vda', stats: [49653, 7775, 2619290, 25987, 8984, 15744, 1768504, 3119, 0, 3916, 29527, 4464, 42, 4280584, 386, 1029, 35] });
  });

  it('accepts the 11-counter layout of kernels before 4.18', () => {
    assert.equal(disks.find((d) => d.device === 'sda')?.stats.length, 11);
  });

  it('rejects a short line', () => {
    assert.throws(() => parseDiskstats('8 0 sda 1 2 3\n'), /invalid line/);
  });
});

describe('parseUdevData', () => {
  it('keeps E: properties, splits on the first =, ignores other lines', () => {
    const p = parseUdevData(fixtureText('udev', 'b8:0'));
    assert.equal(p.get('ID_MODEL'), 'Samsung_SSD_860_EVO_500GB');
    assert.equal(p.get('ID_PATH'), 'pci-0000:00:17.0-ata-1');
    assert.equal(p.get('ID_FS_TYPE'), '');
    assert.equal(p.has('MALFORMED'), false);
    assert.equal(p.has('S'), false);
    assert.equal(parseUdevData('E:ID_WWN=a=b==\n').get('ID_WWN'), 'a=b==');
  });
});
