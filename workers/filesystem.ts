/**
 * filesystem: node_filesystem_{size,free,avail}_bytes, _files, _files_free, _readonly and
 * _device_error{device,fstype,mountpoint} for every mounted filesystem that is not excluded,
 * as node_exporter's filesystem collector, with its default exclusions and flags.
 *
 * Sources:
 * - the mount table, `<procfs>/1/mounts` (falling back to `<procfs>/mounts` when pid 1's is
 *   hidden), read directly;
 * - statfs(2) on `<rootfs>/<mount point>` through Node's fs.statfs, the same system call
 *   node_exporter makes. systeminformation's fsSize() runs `df`, reports no inode counts, no
 *   errors per mount and its own exclusion list, and always reads the real root; so it is not
 *   used.
 *
 * A statfs that has not answered within `--collector.filesystem.mount-timeout` marks the mount
 * stuck: it reports device_error=1 (and no sizes) until that call returns, and is not asked
 * again meanwhile. node_exporter waits for the first stuck call inside the scrape; here the run
 * does not wait, so one dead NFS mount cannot time the whole collector out. The call itself
 * keeps one libuv thread busy until the kernel answers.
 */
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { defineCollector } from '../src/collector/define.js';
import { parseDurationMs } from '../src/host/duration.js';
import { isReadOnly, parseMounts, type MountEntry } from '../src/host/mounts.js';
import { stringOption } from '../src/host/options.js';
import { procFile, stripRootfs } from '../src/host/paths.js';
import { isNotFound, isPermission, readText, sourceError } from '../src/host/read.js';
import { goRegExp } from '../src/host/regexp.js';
import { gauge } from '../src/host/specs.js';

/** node_exporter 1.5.0's defaults (upstream; Debian's package patches the mount points one). */
export const DEFAULT_MOUNT_POINTS_EXCLUDE = '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)';
export const DEFAULT_FS_TYPES_EXCLUDE =
  '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$';

const options = {
  'mount-points-exclude': { type: 'string', default: DEFAULT_MOUNT_POINTS_EXCLUDE, help: 'Regexp of mount points to exclude for filesystem collector.' },
  'fs-types-exclude': { type: 'string', default: DEFAULT_FS_TYPES_EXCLUDE, help: 'Regexp of filesystem types to exclude for filesystem collector.' },
  'mount-timeout': { type: 'string', default: '5s', help: 'how long to wait for a mount to respond before marking it as stale' },
} as const;

const labels = ['device', 'fstype', 'mountpoint'];

/** Mount points whose statfs has not returned yet (per worker thread). */
const stuck = new Map<string, Promise<unknown>>();

type StatResult = { ok: true; bsize: number; blocks: number; bfree: number; bavail: number; files: number; ffree: number } | { ok: false };

function statWithTimeout(file: string, mountPoint: string, timeoutMs: number): Promise<StatResult> {
  if (stuck.has(mountPoint)) return Promise.resolve({ ok: false });
  const call = statfs(file).then(
    (s): StatResult => ({ ok: true, bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree }),
    (): StatResult => ({ ok: false }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<StatResult>((resolve) => {
    timer = setTimeout(() => {
      stuck.set(mountPoint, call);
      void call.finally(() => stuck.delete(mountPoint));
      resolve({ ok: false });
    }, timeoutMs);
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

function readMounts(procfs: { primary: string; fallback: string }): MountEntry[] {
  try {
    return parseMounts(readText(procfs.primary));
  } catch (err) {
    if (!isNotFound(err) && !isPermission(err)) throw sourceError(procfs.primary, err);
  }
  try {
    return parseMounts(readText(procfs.fallback));
  } catch (err) {
    throw sourceError(procfs.fallback, err);
  }
}

export default defineCollector({
  name: 'filesystem',
  help: 'Exposes filesystem statistics, such as disk space used.',
  options,
  metrics: {
    size: gauge('node_filesystem_size_bytes', 'Filesystem size in bytes.', labels),
    free: gauge('node_filesystem_free_bytes', 'Filesystem free space in bytes.', labels),
    avail: gauge('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.', labels),
    files: gauge('node_filesystem_files', 'Filesystem total file nodes.', labels),
    filesFree: gauge('node_filesystem_files_free', 'Filesystem total free file nodes.', labels),
    readonly: gauge('node_filesystem_readonly', 'Filesystem read-only status.', labels),
    deviceError: gauge('node_filesystem_device_error', 'Whether an error occurred while getting statistics for the given device.', labels),
  },
  async collect({ metrics, paths, options: opts }) {
    const mpExclude = goRegExp(stringOption('filesystem', options, opts, 'mount-points-exclude'), '--collector.filesystem.mount-points-exclude');
    const fsExclude = goRegExp(stringOption('filesystem', options, opts, 'fs-types-exclude'), '--collector.filesystem.fs-types-exclude');
    const timeoutMs = parseDurationMs(stringOption('filesystem', options, opts, 'mount-timeout'), '--collector.filesystem.mount-timeout');

    const mounts = readMounts({ primary: procFile(paths, '1', 'mounts'), fallback: procFile(paths, 'mounts') });
    const seen = new Set<string>();
    const todo: { l: { device: string; fstype: string; mountpoint: string }; ro: number; file: string }[] = [];
    for (const m of mounts) {
      const mountpoint = stripRootfs(paths, m.mountPoint);
      if (mpExclude.test(mountpoint) || fsExclude.test(m.fsType)) continue;
      // The same filesystem mounted twice with the same labels is reported once (the first).
      const key = `${m.device}\u0000${mountpoint}\u0000${m.fsType}`;
      if (seen.has(key)) continue;
      seen.add(key);
      todo.push({ l: { device: m.device, fstype: m.fsType, mountpoint }, ro: isReadOnly(m.options) ? 1 : 0, file: path.join(paths.rootfs, mountpoint) });
    }
    const results = await Promise.all(todo.map((t) => statWithTimeout(t.file, t.l.mountpoint, timeoutMs)));
    todo.forEach((t, i) => {
      const s = results[i]!;
      metrics.deviceError.set(t.l, s.ok ? 0 : 1);
      if (!s.ok) return;
      metrics.size.set(t.l, s.blocks * s.bsize);
      metrics.free.set(t.l, s.bfree * s.bsize);
      metrics.avail.set(t.l, s.bavail * s.bsize);
      metrics.files.set(t.l, s.files);
      metrics.filesFree.set(t.l, s.ffree);
      metrics.readonly.set(t.l, t.ro);
    });
  },
});
