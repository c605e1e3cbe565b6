/**
 * netstat: node_netstat_<Proto>_<Field> for the fields matching `--collector.netstat.fields`,
 * as node_exporter's netstat collector.
 *
 * Source: `<procfs>/net/netstat`, `<procfs>/net/snmp` and `<procfs>/net/snmp6`, read directly:
 * systeminformation has no protocol counters. A missing snmp6 (IPv6 disabled) is skipped, as in
 * node_exporter.
 *
 * Declared fields: node_exporter's default selection, the standard MIB counters and the TcpExt
 * counters people alert on (src/host/netstat-fields.ts says why not all ~530); the pattern
 * selects among them.
 *
 * Type: `untyped`, as node_exporter exports them.
 */
import { defineCollector, type UntypedSpec } from '../src/collector/define.js';
import { parseNetstatPairs, parseSnmp6, type NetStats } from '../src/host/netstat.js';
import { NETSTAT_DECLARED, NETSTAT_DEFAULT_FIELDS } from '../src/host/netstat-fields.js';
import { stringOption } from '../src/host/options.js';
import { procFile } from '../src/host/paths.js';
import { readOptional, readSource } from '../src/host/read.js';
import { goRegExp, testMemo } from '../src/host/regexp.js';
import { untyped } from '../src/host/specs.js';

const metrics: Record<string, UntypedSpec> = {};
for (const key of NETSTAT_DECLARED) {
  const [proto, field] = key.split(/_(.*)/s) as [string, string];
  metrics[key] = untyped(`node_netstat_${key}`, `Statistic ${proto}${field}.`);
}

const options = {
  fields: {
    type: 'string',
    default: NETSTAT_DEFAULT_FIELDS,
    help: 'Regexp of fields to return for netstat collector.',
  },
} as const;

export default defineCollector({
  name: 'netstat',
  help: 'Exposes network statistics from /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6.',
  options,
  metrics,
  collect({ metrics: m, paths, options: opts }) {
    const pattern = goRegExp(stringOption('netstat', options, opts, 'fields'), '--collector.netstat.fields');
    const stats: NetStats = new Map();
    const netstat = procFile(paths, 'net', 'netstat');
    const snmp = procFile(paths, 'net', 'snmp');
    parseNetstatPairs(readSource(netstat), netstat, stats);
    parseNetstatPairs(readSource(snmp), snmp, stats);
    const snmp6 = readOptional(procFile(paths, 'net', 'snmp6'));
    if (snmp6 !== undefined) parseSnmp6(snmp6, stats);
    for (const [proto, fields] of stats) {
      for (const [field, value] of fields) {
        const key = `${proto}_${field}`;
        if (testMemo(pattern, key)) m[key]?.set(value);
      }
    }
  },
});
