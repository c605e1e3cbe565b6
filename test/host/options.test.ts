import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceFilter } from '../../src/host/device-filter.js';
import { parseDurationMs } from '../../src/host/duration.js';
import { boolOption, stringOption } from '../../src/host/options.js';
import { goRegExp } from '../../src/host/regexp.js';

describe('goRegExp', () => {
  it('compiles node_exporter defaults unanchored, as Go MatchString', () => {
    const re = goRegExp('^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$', 'x');
    assert.equal(re.test('sda1'), true);
    assert.equal(re.test('nvme0n1p2'), true);
    assert.equal(re.test('sda'), false);
    assert.equal(goRegExp('lo', 'x').test('veth-lo0'), true);
  });

  it('turns a leading (?i) into a flag and quotes bad patterns', () => {
    assert.equal(goRegExp('(?i)^ETH', 'x').test('eth0'), true);
    assert.throws(() => goRegExp('(', '--collector.vmstat.fields'), /--collector\.vmstat\.fields: invalid regular expression "\("/);
  });
});

describe('deviceFilter', () => {
  it('excludes, includes, and lets include replace a default exclude', () => {
    assert.equal(deviceFilter('^lo$', '', 'f')('lo'), true);
    assert.equal(deviceFilter('', '^eth', 'f')('lo'), true);
    assert.equal(deviceFilter('', '^eth', 'f')('eth0'), false);
    assert.equal(deviceFilter('^x$', '^eth', 'f', '^x$')('eth0'), false);
    assert.throws(() => deviceFilter('^y$', '^eth', '--collector.diskstats', '^x$'), /--collector\.diskstats\.device-exclude and --collector\.diskstats\.device-include are mutually exclusive/);
    assert.equal(deviceFilter('', '', 'f')('anything'), false);
  });
});

describe('parseDurationMs', () => {
  it('reads Go durations', () => {
    assert.equal(parseDurationMs('5s', 'x'), 5000);
    assert.equal(parseDurationMs('1m30s', 'x'), 90_000);
    assert.equal(parseDurationMs('250ms', 'x'), 250);
    assert.equal(parseDurationMs('1.5h', 'x'), 5_400_000);
    assert.throws(() => parseDurationMs('5', '--collector.filesystem.mount-timeout'), /mount-timeout: invalid duration "5"/);
  });
});

describe('option readers', () => {
  const declared = { fields: { type: 'string', default: 'd', help: '' }, on: { type: 'boolean', default: true, help: '' } } as const;
  it('fall back to defaults and check types, naming the flag', () => {
    assert.equal(stringOption('vmstat', declared, {}, 'fields'), 'd');
    assert.equal(stringOption('vmstat', declared, { fields: 'x' }, 'fields'), 'x');
    assert.equal(boolOption('vmstat', declared, {}, 'on'), true);
    assert.equal(boolOption('vmstat', declared, { on: 'false' }, 'on'), false);
    assert.throws(() => stringOption('vmstat', declared, { fields: 1 }, 'fields'), /--collector\.vmstat\.fields must be a string, got 1/);
    assert.throws(() => boolOption('vmstat', declared, { on: 'yes' }, 'on'), /--collector\.vmstat\.on must be a boolean/);
  });
});
