import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meminfoKey, parseMeminfo } from '../../src/host/meminfo.js';
import { MEMINFO_FIELDS } from '../../src/host/meminfo-fields.js';
import { fixtureText } from './fixtures.js';

describe('parseMeminfo', () => {
  const fields = new Map(parseMeminfo(fixtureText('proc', 'meminfo')));

  it('names fields as node_exporter: (x) → _x, kB fields get _bytes and × 1024', () => {
    assert.equal(fields.get('MemTotal_bytes'), 16384000 * 1024);
    assert.equal(fields.get('Active_anon_bytes'), 512000 * 1024);
    assert.equal(fields.get('Inactive_file_bytes'), 2816000 * 1024);
    assert.equal(fields.get('VmallocTotal_bytes'), 34359738367 * 1024);
  });

  it('keeps unit-less fields as they are', () => {
    assert.equal(fields.get('HugePages_Total'), 4);
    assert.equal(fields.get('HugePages_Rsvd'), 1);
    assert.equal(fields.has('HugePages_Total_bytes'), false);
  });

  it('skips empty lines and rejects malformed ones', () => {
    assert.deepEqual(parseMeminfo('MemTotal: 1 kB\n\n'), [['MemTotal_bytes', 1024]]);
    assert.throws(() => parseMeminfo('MemTotal: x kB\n'), /invalid value.*MemTotal/);
    assert.throws(() => parseMeminfo('MemTotal: 1 kB extra\n'), /invalid line/);
  });

  it('every field of the fixture (and of this machine) is in the catalogue', () => {
    const known = new Set(MEMINFO_FIELDS.map((f) => meminfoKey(f.field, f.hasUnit)));
    for (const key of fields.keys()) assert.ok(known.has(key), key);
  });
});
