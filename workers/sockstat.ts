/**
 * sockstat: node_sockstat_*, as node_exporter's sockstat collector: sockets in use, and per
 * protocol (TCP, UDP, UDPLITE, RAW, FRAG and their IPv6 twins) inuse, orphan, tw, alloc, mem
 * (pages), memory, plus mem_bytes = mem × page size.
 *
 * Source: `<procfs>/net/sockstat` and `<procfs>/net/sockstat6`, read directly:
 * systeminformation has no socket statistics. A missing file (IPv4 or IPv6 disabled) is
 * skipped, as in node_exporter; both missing ends the run with NoDataError.
 */
import { defineCollector, NoDataError, type GaugeSpec } from '../src/collector/define.js';
import { systemPageSize } from '../src/host/page-size.js';
import { procFile } from '../src/host/paths.js';
import { isNotFound, readText, sourceError } from '../src/host/read.js';
import { parseSockstat, SOCKSTAT_KEYS, type Sockstat } from '../src/host/sockstat.js';
import { gauge } from '../src/host/specs.js';

/** Protocol lines of sockstat and sockstat6 (net/ipv4/proc.c, net/ipv6/proc.c), and their keys. */
const PROTOCOLS: Record<string, readonly string[]> = {
  TCP: ['inuse', 'orphan', 'tw', 'alloc', 'mem', 'mem_bytes'],
  UDP: ['inuse', 'mem', 'mem_bytes'],
  UDPLITE: ['inuse'],
  RAW: ['inuse'],
  FRAG: ['inuse', 'memory'],
  TCP6: ['inuse'],
  UDP6: ['inuse'],
  UDPLITE6: ['inuse'],
  RAW6: ['inuse'],
  FRAG6: ['inuse', 'memory'],
};

const metrics: Record<string, GaugeSpec> = {
  sockets_used: gauge('node_sockstat_sockets_used', 'Number of IPv4 sockets in use.'),
};
for (const [p, keys] of Object.entries(PROTOCOLS)) {
  for (const k of keys) metrics[`${p}_${k}`] = gauge(`node_sockstat_${p}_${k}`, `Number of ${p} sockets in state ${k}.`);
}

function read(file: string): Sockstat | undefined {
  try {
    return parseSockstat(readText(file), file);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw sourceError(file, err);
  }
}

export default defineCollector({
  name: 'sockstat',
  help: 'Exposes various statistics from /proc/net/sockstat.',
  metrics,
  collect({ metrics: m, paths }) {
    const v4 = read(procFile(paths, 'net', 'sockstat'));
    const v6 = read(procFile(paths, 'net', 'sockstat6'));
    if (v4 === undefined && v6 === undefined) throw new NoDataError(`no sockstat data: "${procFile(paths, 'net', 'sockstat')}" and sockstat6 are missing`);
    if (v4?.used !== undefined) m.sockets_used?.set(v4.used);
    const pageSize = systemPageSize(procFile(paths, 'self', 'auxv'));
    for (const s of [v4, v6]) {
      for (const { protocol, values } of s?.protocols ?? []) {
        for (const k of SOCKSTAT_KEYS) {
          const v = values[k];
          if (v !== undefined) m[`${protocol}_${k}`]?.set(v);
        }
        if (values.mem !== undefined) m[`${protocol}_mem_bytes`]?.set(values.mem * pageSize);
      }
    }
  },
});
