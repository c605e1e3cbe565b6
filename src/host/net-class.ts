/**
 * /sys/class/net/<iface>/ attributes, parsed as procfs's sysfs.NetClassIface: integers accept
 * Go's base prefixes (`flags` is `0x1003`), and an attribute the driver does not answer is
 * simply absent.
 */

/** The attribute files node_exporter's netclass collector uses. */
export const NET_CLASS_FILES = [
  'addr_assign_type', 'address', 'broadcast', 'carrier', 'carrier_changes', 'carrier_down_count',
  'carrier_up_count', 'dev_id', 'dormant', 'duplex', 'flags', 'ifalias', 'ifindex', 'iflink',
  'link_mode', 'mtu', 'name_assign_type', 'netdev_group', 'operstate', 'speed', 'tx_queue_len', 'type',
] as const;
export type NetClassFile = (typeof NET_CLASS_FILES)[number];

export interface NetClassIface {
  name: string;
  address: string;
  broadcast: string;
  duplex: string;
  ifalias: string;
  operstate: string;
  addrAssignType?: number;
  carrier?: number;
  carrierChanges?: number;
  carrierUpCount?: number;
  carrierDownCount?: number;
  devId?: number;
  dormant?: number;
  flags?: number;
  ifindex?: number;
  iflink?: number;
  linkMode?: number;
  mtu?: number;
  nameAssignType?: number;
  netdevGroup?: number;
  speed?: number;
  txQueueLen?: number;
  type?: number;
}

/** Go's strconv.ParseInt(s, 0, 64): decimal, 0x hex, 0o/leading-0 octal, 0b binary. */
export function parseGoInt(raw: string): number | undefined {
  const s = raw.trim();
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[1-9][0-9]*|0)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  let v: number;
  if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) v = parseInt(body.slice(2), 2);
  else if (/^0[oO]/.test(body)) v = parseInt(body.slice(2), 8);
  else if (body.length > 1 && body[0] === '0') v = parseInt(body.slice(1), 8);
  else v = Number(body);
  return m[1] === '-' ? -v : v;
}

/** One interface from its attribute texts (undefined: absent or not answered). */
export function parseNetClassIface(name: string, files: Partial<Record<NetClassFile, string | undefined>>): NetClassIface {
  const str = (f: NetClassFile): string => (files[f] ?? '').trim();
  const int = (f: NetClassFile): number | undefined => {
    const raw = files[f];
    return raw === undefined ? undefined : parseGoInt(raw);
  };
  return {
    name,
    address: str('address'),
    broadcast: str('broadcast'),
    duplex: str('duplex'),
    ifalias: str('ifalias'),
    operstate: str('operstate'),
    addrAssignType: int('addr_assign_type'),
    carrier: int('carrier'),
    carrierChanges: int('carrier_changes'),
    carrierUpCount: int('carrier_up_count'),
    carrierDownCount: int('carrier_down_count'),
    devId: int('dev_id'),
    dormant: int('dormant'),
    flags: int('flags'),
    ifindex: int('ifindex'),
    iflink: int('iflink'),
    linkMode: int('link_mode'),
    mtu: int('mtu'),
    nameAssignType: int('name_assign_type'),
    netdevGroup: int('netdev_group'),
    speed: int('speed'),
    txQueueLen: int('tx_queue_len'),
    type: int('type'),
  };
}
