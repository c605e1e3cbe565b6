import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parsePosixTz, parseTzif, zoneAt, zoneFileFor } from '../../src/host/timezone.js';
import { FIXTURES } from './fixtures.js';

const tz = (name: string) => parseTzif(readFileSync(path.join(FIXTURES, 'zoneinfo', name)));
const at = (iso: string) => Date.parse(iso) / 1000;

describe('zone abbreviations from TZif (as Go time.Now().Zone())', () => {
  it('Europe/Berlin: CET in winter, CEST in summer', () => {
    const z = tz('Europe_Berlin');
    assert.deepEqual(zoneAt(z, at('2024-01-15T12:00:00Z'), 3600), { name: 'CET', offset: 3600 });
    assert.deepEqual(zoneAt(z, at('2024-07-15T12:00:00Z'), 7200), { name: 'CEST', offset: 7200 });
  });

  it('after the last transition the footer rule decides (by the current offset)', () => {
    const z = tz('America_New_York');
    assert.deepEqual(zoneAt(z, at('2090-07-01T12:00:00Z'), -4 * 3600), { name: 'EDT', offset: -4 * 3600 });
    assert.deepEqual(zoneAt(z, at('2090-01-01T12:00:00Z'), -5 * 3600), { name: 'EST', offset: -5 * 3600 });
  });

  it('zones without DST and UTC', () => {
    assert.deepEqual(zoneAt(tz('Asia_Kolkata'), at('2024-01-01T00:00:00Z'), 19800), { name: 'IST', offset: 19800 });
    assert.deepEqual(zoneAt(tz('Etc_UTC'), at('2024-01-01T00:00:00Z'), 0), { name: 'UTC', offset: 0 });
  });

  it('parses POSIX TZ strings, <…> names included', () => {
    assert.deepEqual(parsePosixTz('CET-1CEST,M3.5.0,M10.5.0/3'), { std: { name: 'CET', offset: 3600 }, dst: { name: 'CEST', offset: 7200 } });
    assert.deepEqual(parsePosixTz('<+0330>-3:30'), { std: { name: '+0330', offset: 12600 } });
  });

  it('picks the file Go would load for $TZ', () => {
    assert.equal(zoneFileFor(undefined), '/etc/localtime');
    assert.equal(zoneFileFor(''), undefined);
    assert.equal(zoneFileFor('UTC'), undefined);
    assert.equal(zoneFileFor(':Europe/Paris'), '/usr/share/zoneinfo/Europe/Paris');
    assert.equal(zoneFileFor('/tmp/zone'), '/tmp/zone');
  });
});
