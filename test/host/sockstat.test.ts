import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pageSizeFromAuxv } from '../../src/host/page-size.js';
import { parseSockstat } from '../../src/host/sockstat.js';
import { fixtureText } from './fixtures.js';

describe('parseSockstat', () => {
  it('reads sockets used and each protocol key', () => {
    const s = parseSockstat(fixtureText('proc', 'net', 'sockstat'), 'sockstat');
    assert.equal(s.used, 24);
    assert.deepEqual(s.protocols[0], { protocol: 'TCP', values: { inuse: 4, orphan: 1, tw: 2, alloc: 5, mem: 217 } });
    assert.deepEqual(s.protocols.find((p) => p.protocol === 'FRAG')?.values, { inuse: 0, memory: 0 });
  });

  it('keeps IPv6 protocol names as printed', () => {
    const s = parseSockstat(fixtureText('proc', 'net', 'sockstat6'), 'sockstat6');
    assert.equal(s.used, undefined);
    assert.deepEqual(s.protocols.map((p) => p.protocol), ['TCP6', 'UDP6', 'UDPLITE6', 'RAW6', 'FRAG6']);
  });

  it('rejects malformed lines', () => {
    assert.throws(() => parseSockstat('TCP: inuse\n', 'sockstat'), /malformed line/);
    assert.throws(() => parseSockstat('TCP: inuse x\n', 'sockstat'), /invalid value "x"/);
  });
});

describe('pageSizeFromAuxv', () => {
  it('finds AT_PAGESZ (6) among native-word pairs', () => {
    const buf = new Uint8Array(48);
    const v = new DataView(buf.buffer);
    v.setBigUint64(0, 33n, true);
    v.setBigUint64(8, 1234n, true);
    v.setBigUint64(16, 6n, true);
    v.setBigUint64(24, 16384n, true);
    assert.equal(pageSizeFromAuxv(buf, 8, true), 16384);
    assert.equal(pageSizeFromAuxv(new Uint8Array(16), 8, true), undefined);
  });
});
