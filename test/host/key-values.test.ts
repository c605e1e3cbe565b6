import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFileNr, parseKeyValueLines, parseSingleNumber } from '../../src/host/key-values.js';
import { VMSTAT_KNOWN_FIELDS } from '../../src/host/vmstat-fields.js';
import { fixtureText } from './fixtures.js';

describe('parseKeyValueLines (/proc/vmstat)', () => {
  const vm = new Map(parseKeyValueLines(fixtureText('proc', 'vmstat'), 'vmstat'));

  it('reads every name value line', () => {
    assert.ok(vm.has('pgfault'));
    assert.ok(vm.has('oom_kill'));
    assert.ok(vm.size > 100);
  });

  it('every field of the fixture is in the catalogue', () => {
    const known = new Set(VMSTAT_KNOWN_FIELDS);
    for (const k of vm.keys()) assert.ok(known.has(k), k);
  });

  it('rejects a line without a number', () => {
    assert.throws(() => parseKeyValueLines('pgfault\n', 'vmstat'), /vmstat: invalid line "pgfault"/);
  });
});

describe('single-number files and file-nr', () => {
  it('reads entropy_avail', () => {
    assert.equal(parseSingleNumber(fixtureText('proc', 'sys', 'kernel', 'random', 'entropy_avail'), 'entropy_avail'), 256);
    assert.throws(() => parseSingleNumber('\n', 'poolsize'), /poolsize: expected a number/);
  });

  it('reads allocated and maximum from file-nr', () => {
    assert.deepEqual(parseFileNr(fixtureText('proc', 'sys', 'fs', 'file-nr')), { allocated: 579, maximum: 2466170 });
    assert.throws(() => parseFileNr('1 2\n'), /expected 3 numbers/);
  });
});

describe('declared vmstat fields', () => {
  it('include every field node_exporter selects by default, and only known ones', async () => {
    const { VMSTAT_DECLARED_FIELDS, VMSTAT_DEFAULT_FIELDS } = await import('../../src/host/vmstat-fields.js');
    const declared = new Set(VMSTAT_DECLARED_FIELDS);
    for (const f of VMSTAT_KNOWN_FIELDS) if (new RegExp(VMSTAT_DEFAULT_FIELDS).test(f)) assert.ok(declared.has(f), f);
    for (const f of declared) assert.ok(VMSTAT_KNOWN_FIELDS.includes(f), f);
  });
});
