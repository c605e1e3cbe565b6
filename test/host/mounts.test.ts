import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isReadOnly, parseMounts } from '../../src/host/mounts.js';
import { stripRootfs } from '../../src/host/paths.js';
import { fixtureText } from './fixtures.js';

describe('parseMounts', () => {
  const mounts = parseMounts(fixtureText('proc', '1', 'mounts'));

  it('reads device, mount point, type and options', () => {
    assert.deepEqual(mounts[3], { device: '/dev/vda', mountPoint: '/', fsType: 'ext4', options: 'rw,relatime,discard' });
  });

  it('unescapes \\040 and \\011 in mount points, as node_exporter', () => {
    assert.equal(mounts.at(-1)?.mountPoint, '/mnt/my share');
    assert.equal(parseMounts('a /x\\011y t o 0 0\n')[0]?.mountPoint, '/x\ty');
  });

  it('rejects a line with fewer than 4 fields', () => {
    assert.throws(() => parseMounts('/dev/sda /\n'), /malformed mount point information/);
  });

  it('isReadOnly looks for the ro option exactly', () => {
    assert.equal(isReadOnly('ro,relatime'), true);
    assert.equal(isReadOnly('rw,errors=remount-ro'), false);
  });
});

describe('stripRootfs', () => {
  it('maps <rootfs>/x to /x and <rootfs> to /', () => {
    const paths = { procfs: '/host/proc', sysfs: '/host/sys', rootfs: '/rootfs' };
    assert.equal(stripRootfs(paths, '/rootfs/home'), '/home');
    assert.equal(stripRootfs(paths, '/rootfs'), '/');
    assert.equal(stripRootfs(paths, '/other'), '/other');
    assert.equal(stripRootfs({ ...paths, rootfs: '/' }, '/home'), '/home');
  });
});
