/**
 * netclass: node_network_{up,info,mtu_bytes,speed_bytes,carrier,flags,…}{device} from each
 * interface's /sys/class/net attributes, as node_exporter's netclass collector (sysfs mode).
 *
 * Source: `<sysfs>/class/net/<iface>/*`, read directly. systeminformation's
 * networkInterfaces() has MTU, MAC, operstate, duplex, speed and carrier changes but none of
 * flags, ifindex, iflink, link mode, dev_id, address/name assign type, protocol type, queue
 * length or broadcast; it spawns a shell per interface and always reads /sys.
 *
 * An attribute the driver does not answer (EINVAL for `carrier` of a down link, `speed` of a
 * virtual one) is left out, as node_exporter does. `speed` -1 (unknown) gives -125000 bytes/s
 * unless `--collector.netclass.ignore-invalid-speed`.
 */
import { readdirSync } from 'node:fs';
import { defineCollector, NoDataError } from '../src/collector/define.js';
import { NET_CLASS_FILES, parseNetClassIface, type NetClassFile } from '../src/host/net-class.js';
import { boolOption, stringOption } from '../src/host/options.js';
import { sysFile } from '../src/host/paths.js';
import { isNotFound, isPermission, readOptional, sourceError } from '../src/host/read.js';
import { goRegExp } from '../src/host/regexp.js';
import { counter, gauge } from '../src/host/specs.js';

const options = {
  'ignored-devices': { type: 'string', default: '^$', help: 'Regexp of net devices to ignore for netclass collector.' },
  'ignore-invalid-speed': { type: 'boolean', default: false, help: 'Ignore devices where the speed is invalid. This will be the default behavior in 2.x.' },
} as const;

const d = ['device'];
const prop = (name: string) => gauge(`node_network_${name}`, `Network device property: ${name}`, d);
const propCounter = (name: string) => counter(`node_network_${name}`, `Network device property: ${name}`, d);

function devices(dir: string): string[] {
  try {
    // Interfaces are symlinks; regular files such as bonding_masters are not interfaces.
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.isFile())
      .map((e) => e.name);
  } catch (err) {
    if (isNotFound(err) || isPermission(err)) throw new NoDataError(`could not read netclass directory "${dir}": ${(err as Error).message}`);
    throw sourceError(dir, err);
  }
}

export default defineCollector({
  name: 'netclass',
  help: 'Exposes network interface info from /sys/class/net/.',
  options,
  metrics: {
    up: gauge('node_network_up', "Value is 1 if operstate is 'up', 0 otherwise.", d),
    info: gauge('node_network_info', 'Non-numeric data from /sys/class/net/<iface>, value is always 1.', ['device', 'address', 'broadcast', 'duplex', 'operstate', 'ifalias']),
    addressAssignType: prop('address_assign_type'),
    carrier: prop('carrier'),
    carrierChanges: propCounter('carrier_changes_total'),
    carrierUpChanges: propCounter('carrier_up_changes_total'),
    carrierDownChanges: propCounter('carrier_down_changes_total'),
    deviceId: prop('device_id'),
    dormant: prop('dormant'),
    flags: prop('flags'),
    ifaceId: prop('iface_id'),
    ifaceLink: prop('iface_link'),
    ifaceLinkMode: prop('iface_link_mode'),
    mtu: prop('mtu_bytes'),
    nameAssignType: prop('name_assign_type'),
    netDevGroup: prop('net_dev_group'),
    speed: prop('speed_bytes'),
    txQueueLength: prop('transmit_queue_length'),
    protocolType: prop('protocol_type'),
  },
  collect({ metrics: m, paths, options: opts }) {
    const ignoredRe = goRegExp(stringOption('netclass', options, opts, 'ignored-devices'), '--collector.netclass.ignored-devices');
    const ignoreInvalidSpeed = boolOption('netclass', options, opts, 'ignore-invalid-speed');
    const classDir = sysFile(paths, 'class', 'net');
    for (const name of devices(classDir)) {
      if (ignoredRe.test(name)) continue;
      const files: Partial<Record<NetClassFile, string | undefined>> = {};
      for (const f of NET_CLASS_FILES) files[f] = readOptional(sysFile(paths, 'class', 'net', name, f));
      const i = parseNetClassIface(name, files);
      const device = { device: name };
      const put = (h: { set(l: { device: string }, v: number): void }, v: number | undefined): void => {
        if (v !== undefined) h.set(device, v);
      };
      m.up.set(device, i.operstate === 'up' ? 1 : 0);
      m.info.set({ device: name, address: i.address, broadcast: i.broadcast, duplex: i.duplex, operstate: i.operstate, ifalias: i.ifalias }, 1);
      put(m.addressAssignType, i.addrAssignType);
      put(m.carrier, i.carrier);
      put(m.carrierChanges, i.carrierChanges);
      put(m.carrierUpChanges, i.carrierUpCount);
      put(m.carrierDownChanges, i.carrierDownCount);
      put(m.deviceId, i.devId);
      put(m.dormant, i.dormant);
      put(m.flags, i.flags);
      put(m.ifaceId, i.ifindex);
      put(m.ifaceLink, i.iflink);
      put(m.ifaceLinkMode, i.linkMode);
      put(m.mtu, i.mtu);
      put(m.nameAssignType, i.nameAssignType);
      put(m.netDevGroup, i.netdevGroup);
      if (i.speed !== undefined && (i.speed >= 0 || !ignoreInvalidSpeed)) m.speed.set(device, Math.trunc((i.speed * 1000 * 1000) / 8));
      put(m.txQueueLength, i.txQueueLen);
      put(m.protocolType, i.type);
    }
  },
});
