import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { osVersionNumber, parseOsRelease } from '../../src/host/os-release.js';
import { fixtureText } from './fixtures.js';

describe('parseOsRelease', () => {
  const r = parseOsRelease(fixtureText('rootfs', 'etc', 'os-release'));

  it('reads double-quoted, single-quoted and bare values, skipping comments', () => {
    assert.equal(r.get('PRETTY_NAME'), 'Ubuntu 22.04.3 LTS');
    assert.equal(r.get('VERSION_CODENAME'), 'jammy');
    assert.equal(r.get('BUILD_ID'), 'rolling "x"');
    assert.equal(r.get('VARIANT'), 'Server "edition"');
    assert.equal(r.size, 10);
  });

  it('rejects a line that is not KEY=value', () => {
    assert.throws(() => parseOsRelease('NAME\n'), /invalid line "NAME"/);
    assert.throws(() => parseOsRelease('NAME="x\n'), /unterminated double quote/);
  });
});

describe('osVersionNumber', () => {
  it('takes the leading major[.minor] of VERSION_ID', () => {
    assert.equal(osVersionNumber('22.04'), 22.04);
    assert.equal(osVersionNumber('12'), 12);
    assert.equal(osVersionNumber('3.18.4'), 3.18);
    assert.equal(osVersionNumber('rolling'), 0);
    assert.equal(osVersionNumber(''), 0);
  });
});
