import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNetstatPairs, parseSnmp6, type NetStats } from '../../src/host/netstat.js';
import { NETSTAT_KNOWN_FIELDS } from '../../src/host/netstat-fields.js';
import { fixtureText } from './fixtures.js';

describe('netstat parsers', () => {
  const stats: NetStats = new Map();
  parseNetstatPairs(fixtureText('proc', 'net', 'netstat'), 'netstat', stats);
  parseNetstatPairs(fixtureText('proc', 'net', 'snmp'), 'snmp', stats);
  parseSnmp6(fixtureText('proc', 'net', 'snmp6'), stats);

  it('reads header/value line pairs by protocol', () => {
    assert.ok(stats.get('TcpExt')?.has('ListenDrops'));
    assert.ok(stats.get('IpExt')?.has('InOctets'));
    assert.equal(stats.get('Tcp')?.get('MaxConn'), -1);
    assert.ok(stats.get('Udp')?.has('InDatagrams'));
  });

  it('splits snmp6 names after the first 6', () => {
    assert.ok(stats.get('Ip6')?.has('InOctets'));
    assert.ok(stats.get('Icmp6')?.has('InMsgs'));
    assert.ok(stats.get('UdpLite6')?.has('InErrors'));
    assert.equal(stats.has('Udp6InDatagrams'), false);
  });

  it('rejects a value line that does not match its header', () => {
    assert.throws(() => parseNetstatPairs('Tcp: A B\nTcp: 1\n', 'snmp'), /field count mismatch for "Tcp"/);
    assert.throws(() => parseNetstatPairs('Tcp: A\nTcp: x\n', 'snmp'), /invalid value "x" for TcpA/);
  });

  it('every field of the fixture is in the catalogue (per-type ICMP counters aside)', () => {
    for (const [proto, fields] of stats) {
      const known = new Set(NETSTAT_KNOWN_FIELDS[proto] ?? []);
      for (const f of fields.keys()) if (!/^(In|Out)Type\d+$/.test(f)) assert.ok(known.has(f), `${proto}_${f}`);
    }
  });
});

describe('declared netstat fields', () => {
  it('include every field node_exporter selects by default, and only known ones', async () => {
    const { NETSTAT_DECLARED, NETSTAT_DEFAULT_FIELDS } = await import('../../src/host/netstat-fields.js');
    const known = new Set(Object.entries(NETSTAT_KNOWN_FIELDS).flatMap(([p, fs]) => fs.map((f) => `${p}_${f}`)));
    const declared = new Set(NETSTAT_DECLARED);
    for (const k of known) if (new RegExp(NETSTAT_DEFAULT_FIELDS).test(k)) assert.ok(declared.has(k), k);
    for (const k of declared) assert.ok(known.has(k), k);
  });
});
