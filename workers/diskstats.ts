/**
 * diskstats: node_disk_* per block device (reads, writes, bytes, times, I/Os in progress,
 * discards, flushes) and node_disk_info, plus node_disk_filesystem_info,
 * node_disk_device_mapper_info and node_disk_ata_* where udev knows them; as node_exporter's
 * diskstats collector, with its device exclusion.
 *
 * Sources, read directly:
 * - `<procfs>/diskstats`: systeminformation's disksIO() sums all disks into one total (and
 *   computes rates), and fsStats() does the same for bytes; node_exporter's per-device raw
 *   counters are only in this file.
 * - udev's database, `--path.udev.data` (default /run/udev/data), for model, serial, path, wwn
 *   and revision: systeminformation's blockDevices() gets some of these by running lsblk, and
 *   not the udev property names node_exporter uses.
 *
 * Units: sectors are 512 bytes (Documentation/admin-guide/iostats.rst); times are in ms,
 * exported in seconds (× 0.001, the same float product as node_exporter).
 */
import path from 'node:path';
import { defineCollector } from '../src/collector/define.js';
import { deviceFilter } from '../src/host/device-filter.js';
import { parseDiskstats } from '../src/host/diskstats.js';
import { stringOption } from '../src/host/options.js';
import { procFile } from '../src/host/paths.js';
import { readOptional, readSource } from '../src/host/read.js';
import { counter, gauge } from '../src/host/specs.js';
import { parseUdevData } from '../src/host/udev.js';

const DEFAULT_EXCLUDE = '^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$';
const SECONDS_PER_TICK = 1.0 / 1000.0;
const SECTOR_BYTES = 512;

const options = {
  'device-exclude': { type: 'string', default: DEFAULT_EXCLUDE, help: 'Regexp of diskstats devices to exclude (mutually exclusive to device-include).' },
  'device-include': { type: 'string', default: '', help: 'Regexp of diskstats devices to include (mutually exclusive to device-exclude).' },
  'udev-data': { type: 'string', default: '/run/udev/data', flag: 'path.udev.data', help: 'udev data path.' },
} as const;

const d = ['device'];
const metrics = {
  readsCompleted: counter('node_disk_reads_completed_total', 'The total number of reads completed successfully.', d),
  readsMerged: counter('node_disk_reads_merged_total', 'The total number of reads merged.', d),
  readBytes: counter('node_disk_read_bytes_total', 'The total number of bytes read successfully.', d),
  readTime: counter('node_disk_read_time_seconds_total', 'The total number of seconds spent by all reads.', d),
  writesCompleted: counter('node_disk_writes_completed_total', 'The total number of writes completed successfully.', d),
  writesMerged: counter('node_disk_writes_merged_total', 'The number of writes merged.', d),
  writtenBytes: counter('node_disk_written_bytes_total', 'The total number of bytes written successfully.', d),
  writeTime: counter('node_disk_write_time_seconds_total', 'This is the total number of seconds spent by all writes.', d),
  ioNow: gauge('node_disk_io_now', 'The number of I/Os currently in progress.', d),
  ioTime: counter('node_disk_io_time_seconds_total', 'Total seconds spent doing I/Os.', d),
  ioTimeWeighted: counter('node_disk_io_time_weighted_seconds_total', 'The weighted # of seconds spent doing I/Os.', d),
  discardsCompleted: counter('node_disk_discards_completed_total', 'The total number of discards completed successfully.', d),
  discardsMerged: counter('node_disk_discards_merged_total', 'The total number of discards merged.', d),
  discardedSectors: counter('node_disk_discarded_sectors_total', 'The total number of sectors discarded successfully.', d),
  discardTime: counter('node_disk_discard_time_seconds_total', 'This is the total number of seconds spent by all discards.', d),
  flushRequests: counter('node_disk_flush_requests_total', 'The total number of flush requests completed successfully', d),
  flushTime: counter('node_disk_flush_requests_time_seconds_total', 'This is the total number of seconds spent by all flush requests.', d),
  info: gauge('node_disk_info', 'Info of /sys/block/<block_device>.', ['device', 'major', 'minor', 'path', 'wwn', 'model', 'serial', 'revision']),
  filesystemInfo: gauge('node_disk_filesystem_info', 'Info about disk filesystem.', ['device', 'type', 'usage', 'uuid', 'version']),
  deviceMapperInfo: gauge('node_disk_device_mapper_info', 'Info about disk device mapper.', ['device', 'name', 'uuid', 'vg_name', 'lv_name', 'lv_layer']),
  ataWriteCache: gauge('node_disk_ata_write_cache', 'ATA disk has a write cache.', d),
  ataWriteCacheEnabled: gauge('node_disk_ata_write_cache_enabled', 'ATA disk has its write cache enabled.', d),
  ataRotationRate: gauge('node_disk_ata_rotation_rate_rpm', 'ATA disk rotation rate in RPMs (0 for SSDs).', d),
};

/** The counters of a /proc/diskstats line, in order, with their scale. */
const COUNTERS: readonly [keyof typeof metrics, number][] = [
  ['readsCompleted', 1],
  ['readsMerged', 1],
  ['readBytes', SECTOR_BYTES],
  ['readTime', SECONDS_PER_TICK],
  ['writesCompleted', 1],
  ['writesMerged', 1],
  ['writtenBytes', SECTOR_BYTES],
  ['writeTime', SECONDS_PER_TICK],
  ['ioNow', 1],
  ['ioTime', SECONDS_PER_TICK],
  ['ioTimeWeighted', SECONDS_PER_TICK],
  ['discardsCompleted', 1],
  ['discardsMerged', 1],
  ['discardedSectors', 1],
  ['discardTime', SECONDS_PER_TICK],
  ['flushRequests', 1],
  ['flushTime', SECONDS_PER_TICK],
];

const ATA: readonly [string, 'ataWriteCache' | 'ataWriteCacheEnabled' | 'ataRotationRate'][] = [
  ['ID_ATA_WRITE_CACHE', 'ataWriteCache'],
  ['ID_ATA_WRITE_CACHE_ENABLED', 'ataWriteCacheEnabled'],
  ['ID_ATA_ROTATION_RATE_RPM', 'ataRotationRate'],
];

export default defineCollector({
  name: 'diskstats',
  help: 'Exposes disk I/O statistics.',
  options,
  metrics,
  collect({ metrics: m, paths, options: opts }) {
    const ignored = deviceFilter(
      stringOption('diskstats', options, opts, 'device-exclude'),
      stringOption('diskstats', options, opts, 'device-include'),
      '--collector.diskstats',
      DEFAULT_EXCLUDE,
    );
    const udevDir = stringOption('diskstats', options, opts, 'udev-data');
    for (const disk of parseDiskstats(readSource(procFile(paths, 'diskstats')))) {
      const device = disk.device;
      if (ignored(device)) continue;
      const udevText = readOptional(path.join(udevDir, `b${disk.major}:${disk.minor}`));
      const udev = udevText === undefined ? new Map<string, string>() : parseUdevData(udevText);
      const prop = (k: string): string => udev.get(k) ?? '';
      m.info.set(
        {
          device,
          major: String(disk.major),
          minor: String(disk.minor),
          path: prop('ID_PATH'),
          wwn: prop('ID_WWN'),
          model: prop('ID_MODEL'),
          // The serial printed on the label; else the short one udev derives.
          serial: prop('SCSI_IDENT_SERIAL') || prop('ID_SERIAL_SHORT'),
          revision: prop('ID_REVISION'),
        },
        1,
      );
      const n = Math.min(disk.stats.length, COUNTERS.length);
      for (let i = 0; i < n; i++) {
        const [key, scale] = COUNTERS[i]!;
        m[key].set({ device }, disk.stats[i]! * scale);
      }
      const fsType = prop('ID_FS_TYPE');
      if (fsType !== '') m.filesystemInfo.set({ device, type: fsType, usage: prop('ID_FS_USAGE'), uuid: prop('ID_FS_UUID'), version: prop('ID_FS_VERSION') }, 1);
      const dmName = prop('DM_NAME');
      if (dmName !== '') {
        m.deviceMapperInfo.set({ device, name: dmName, uuid: prop('DM_UUID'), vg_name: prop('DM_VG_NAME'), lv_name: prop('DM_LV_NAME'), lv_layer: prop('DM_LV_LAYER') }, 1);
      }
      if (prop('ID_ATA') !== '') {
        for (const [attr, key] of ATA) {
          const raw = udev.get(attr);
          const v = raw === undefined ? NaN : Number(raw);
          if (raw !== undefined && raw.trim() !== '' && Number.isFinite(v)) m[key].set({ device }, v);
        }
      }
    }
  },
});
