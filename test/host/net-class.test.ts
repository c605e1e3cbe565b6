import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { NET_CLASS_FILES, parseGoInt, parseNetClassIface, type NetClassFile } from '../../src/host/net-class.js';
import { readOptional } from '../../src/host/read.js';
import { SYS } from './fixtures.js';

function readIface(name: string) {
  const files: Partial<Record<NetClassFile, string | undefined>> = {};
  for (const f of NET_CLASS_FILES) files[f] = readOptional(path.join(SYS, 'class', 'net', name, f));
  return parseNetClassIface(name, files);
}

describe('parseGoInt (strconv.ParseInt base 0)', () => {
  it('reads decimal, hex, octal, binary and signs', () => {
    assert.equal(parseGoInt('0x1003\n'), 4099);
    assert.equal(parseGoInt('0'), 0);
    assert.equal(parseGoInt('-1'), -1);
    assert.equal(parseGoInt('010'), 8);
    assert.equal(parseGoInt('0b101'), 5);
    assert.equal(parseGoInt('65536'), 65536);
    assert.equal(parseGoInt(''), undefined);
    assert.equal(parseGoInt('up'), undefined);
  });
});

describe('parseNetClassIface', () => {
  it('reads every attribute of a physical interface', () => {
    const eth0 = readIface('eth0');
    assert.equal(eth0.flags, 4099);
    assert.equal(eth0.mtu, 1400);
    assert.equal(eth0.speed, 10000);
    assert.equal(eth0.operstate, 'up');
    assert.equal(eth0.ifalias, 'uplink');
    assert.equal(eth0.duplex, 'full');
    assert.equal(eth0.devId, 0);
  });

  it('leaves out attributes that are absent, and empty strings stay empty', () => {
    const wg = readIface('wg-0.5');
    assert.equal(wg.carrier, undefined);
    assert.equal(wg.dormant, undefined);
    assert.equal(wg.nameAssignType, undefined);
    assert.equal(wg.speed, -1);
    assert.equal(wg.address, '');
    assert.equal(wg.duplex, '');
  });

  it('the fixture has a regular file next to the interfaces (bonding_masters)', () => {
    assert.ok(readdirSync(path.join(SYS, 'class', 'net')).includes('bonding_masters'));
  });
});
