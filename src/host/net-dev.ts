/**
 * Network device counters, in node_exporter's netdev names.
 *
 * /proc/net/dev gives the "legacy" counters (net/core/net-procfs.c folds several detailed
 * counters into each column); node_exporter's netlink path computes the same folds from
 * rtnl_link_stats64, so both sources give identical values. sysfs `statistics/*` is
 * rtnl_link_stats64 itself, used for rx_nohandler (not in /proc/net/dev) and for
 * `--collector.netdev.enable-detailed-metrics`.
 */

/** Column names of /proc/net/dev after the device name, as node_exporter names them. */
export const PROC_NET_DEV_COLUMNS = [
  'receive_bytes', 'receive_packets', 'receive_errs', 'receive_drop', 'receive_fifo', 'receive_frame', 'receive_compressed', 'receive_multicast',
  'transmit_bytes', 'transmit_packets', 'transmit_errs', 'transmit_drop', 'transmit_fifo', 'transmit_colls', 'transmit_carrier', 'transmit_compressed',
] as const;

export interface NetDevLine {
  device: string;
  /** Values in PROC_NET_DEV_COLUMNS order. */
  values: number[];
}

export function parseProcNetDev(text: string): NetDevLine[] {
  const out: NetDevLine[] = [];
  const lines = text.split('\n');
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const colon = line.lastIndexOf(':');
    if (colon < 0) throw new Error(`/proc/net/dev: invalid line ${JSON.stringify(line)}`);
    const device = line.slice(0, colon).trim();
    const values = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (values.length !== PROC_NET_DEV_COLUMNS.length || values.some((v) => !Number.isFinite(v))) {
      throw new Error(`/proc/net/dev: expected ${PROC_NET_DEV_COLUMNS.length} counters for ${JSON.stringify(device)}, got ${JSON.stringify(line)}`);
    }
    out.push({ device, values });
  }
  return out;
}

/**
 * sysfs statistics file → node_exporter's detailed (netlink) metric key, used with
 * `--collector.netdev.enable-detailed-metrics`.
 */
export const SYSFS_DETAILED: Readonly<Record<string, string>> = {
  rx_packets: 'receive_packets',
  tx_packets: 'transmit_packets',
  rx_bytes: 'receive_bytes',
  tx_bytes: 'transmit_bytes',
  rx_errors: 'receive_errors',
  tx_errors: 'transmit_errors',
  rx_dropped: 'receive_dropped',
  tx_dropped: 'transmit_dropped',
  multicast: 'multicast',
  collisions: 'collisions',
  rx_length_errors: 'receive_length_errors',
  rx_over_errors: 'receive_over_errors',
  rx_crc_errors: 'receive_crc_errors',
  rx_frame_errors: 'receive_frame_errors',
  rx_fifo_errors: 'receive_fifo_errors',
  rx_missed_errors: 'receive_missed_errors',
  tx_aborted_errors: 'transmit_aborted_errors',
  tx_carrier_errors: 'transmit_carrier_errors',
  tx_fifo_errors: 'transmit_fifo_errors',
  tx_heartbeat_errors: 'transmit_heartbeat_errors',
  tx_window_errors: 'transmit_window_errors',
  rx_compressed: 'receive_compressed',
  tx_compressed: 'transmit_compressed',
  rx_nohandler: 'receive_nohandler',
};
