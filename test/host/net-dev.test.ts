import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProcNetDev, PROC_NET_DEV_COLUMNS } from '../../src/host/net-dev.js';
import { fixtureText } from './fixtures.js';

describe('parseProcNetDev', () => {
  const devs = parseProcNetDev(fixtureText('proc', 'net', 'dev'));

  it('skips the two header lines and reads 16 counters per device', () => {
    assert.deepEqual(devs.map((d) => d.device), ['lo', 'eth0', 'wg-0.5']);
    const eth0 = devs[1]!;
    const byName = Object.fromEntries(PROC_NET_DEV_COLUMNS.map((c, i) => [c, eth0.values[i]]));
    assert.equal(byName.receive_bytes, 236465178);
    assert.equal(byName.receive_errs, 1);
    assert.equal(byName.receive_multicast, 6);
    assert.equal(byName.transmit_colls, 10);
    assert.equal(byName.transmit_compressed, 12);
  });

  it('handles names with dots and dashes and no space after the colon', () => {
    assert.equal(devs[2]?.values[8], 200);
  });

  it('rejects a line with the wrong number of counters, naming the device', () => {
    assert.throws(() => parseProcNetDev('h1\nh2\n eth0: 1 2 3\n'), /16 counters for "eth0"/);
  });
});
