/**
 * netdev: node_network_{receive,transmit}_*_total{device} for every network device not
 * excluded, as node_exporter's netdev collector (its default netlink source, legacy names).
 *
 * Sources, read directly:
 * - `<procfs>/net/dev` for the 16 classic counters. node_exporter 1.5.0 reads netlink's
 *   rtnl_link_stats64 and folds it into the same legacy names; the kernel prints /proc/net/dev
 *   with exactly those folds (net/core/net-procfs.c), so the values are identical.
 * - `<sysfs>/class/net/<dev>/statistics/rx_nohandler` for receive_nohandler, which netlink has
 *   and /proc/net/dev does not (skipped with `--no-collector.netdev.netlink`, as node_exporter's
 *   /proc/net/dev mode).
 * - `<sysfs>/class/net/<dev>/statistics/*` for `--collector.netdev.enable-detailed-metrics`.
 * systeminformation's networkStats() reports bytes, errors and drops of one interface per call
 * (plus rates), not the other counters, and reads /sys itself by spawning `cat`.
 * - node:os networkInterfaces() for `--collector.netdev.address-info` (Go's net.Interfaces()).
 *
 * Default exclusion: none, as upstream 1.5.0 (Debian's package patches it to `^lo$`).
 */
import os from 'node:os';
import { defineCollector, type CounterSpec, type GaugeSpec } from '../src/collector/define.js';
import { deviceFilter } from '../src/host/device-filter.js';
import { PROC_NET_DEV_COLUMNS, parseProcNetDev, SYSFS_DETAILED } from '../src/host/net-dev.js';
import { boolOption, stringOption } from '../src/host/options.js';
import { procFile, sysFile } from '../src/host/paths.js';
import { readOptional, readSource } from '../src/host/read.js';
import { counter, gauge } from '../src/host/specs.js';

const options = {
  'device-include': { type: 'string', default: '', help: 'Regexp of net devices to include (mutually exclusive to device-exclude).' },
  'device-exclude': { type: 'string', default: '', help: 'Regexp of net devices to exclude (mutually exclusive to device-include).' },
  'address-info': { type: 'boolean', default: false, help: 'Collect address-info for every device' },
  'enable-detailed-metrics': { type: 'boolean', default: false, help: 'Use (incompatible) metric names that provide more detailed stats on Linux' },
  netlink: { type: 'boolean', default: true, help: 'Use netlink to gather stats instead of /proc/net/dev.' },
} as const;

/** /proc/net/dev's legacy names → its procfs (unfolded) names, for detailed mode without netlink. */
const PROC_DETAILED: Readonly<Record<string, string>> = {
  receive_errs: 'receive_errors',
  receive_drop: 'receive_dropped',
  transmit_errs: 'transmit_errors',
  transmit_drop: 'transmit_dropped',
};

const keys = new Set<string>([
  ...PROC_NET_DEV_COLUMNS,
  'receive_nohandler',
  ...Object.values(SYSFS_DETAILED),
  ...PROC_NET_DEV_COLUMNS.map((c) => PROC_DETAILED[c] ?? c),
]);
const metrics: Record<string, CounterSpec | GaugeSpec> = {};
for (const k of keys) metrics[k] = counter(`node_network_${k}_total`, `Network device statistic ${k}.`, ['device']);
/** Not a device statistic: camelCase, so it cannot clash with a snake_case statistic key. */
metrics.addressInfo = gauge('node_network_address_info', 'node network address by device', ['device', 'address', 'netmask', 'scope']);

function scope(address: string, family: string): string {
  if (family === 'IPv4') {
    if (address.startsWith('127.') || address.startsWith('169.254.')) return 'link-local';
    if (address === '0.0.0.0' || /^2(2[4-9]|3\d)\./.test(address) || address === '255.255.255.255') return '';
    return 'global';
  }
  const a = address.toLowerCase();
  if (a === '::1' || /^fe[89ab]/.test(a) || /^ff.2:/.test(a)) return 'link-local';
  if (/^ff.1:/.test(a)) return 'interface-local';
  if (a === '::' || a.startsWith('ff')) return '';
  return 'global';
}

export default defineCollector({
  name: 'netdev',
  help: 'Exposes network interface statistics such as bytes transferred.',
  options,
  metrics,
  collect({ metrics: m, paths, options: opts }) {
    const ignored = deviceFilter(stringOption('netdev', options, opts, 'device-exclude'), stringOption('netdev', options, opts, 'device-include'), '--collector.netdev');
    const detailed = boolOption('netdev', options, opts, 'enable-detailed-metrics');
    const netlink = boolOption('netdev', options, opts, 'netlink');
    const stats = (dev: string, file: string): string => sysFile(paths, 'class', 'net', dev, 'statistics', file);

    for (const { device, values } of parseProcNetDev(readSource(procFile(paths, 'net', 'dev')))) {
      if (ignored(device)) continue;
      if (detailed && netlink) {
        for (const [file, key] of Object.entries(SYSFS_DETAILED)) {
          const raw = readOptional(stats(device, file));
          const v = raw === undefined ? NaN : Number(raw.trim());
          if (raw !== undefined && Number.isFinite(v)) m[key]?.set({ device }, v);
        }
        continue;
      }
      PROC_NET_DEV_COLUMNS.forEach((col, i) => m[detailed ? (PROC_DETAILED[col] ?? col) : col]?.set({ device }, values[i]!));
      if (netlink) {
        const raw = readOptional(stats(device, 'rx_nohandler'));
        const v = raw === undefined ? NaN : Number(raw.trim());
        if (raw !== undefined && Number.isFinite(v)) m.receive_nohandler?.set({ device }, v);
      }
    }

    if (boolOption('netdev', options, opts, 'address-info')) {
      for (const [device, addrs] of Object.entries(os.networkInterfaces())) {
        for (const a of addrs ?? []) {
          const netmask = a.cidr?.split('/')[1] ?? '';
          m.addressInfo?.set({ device, address: a.address, netmask, scope: scope(a.address, String(a.family)) }, 1);
        }
      }
    }
  },
});
