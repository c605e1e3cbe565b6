/**
 * Where host files live: every kernel file a collector reads goes through these, so
 * `--path.procfs`, `--path.sysfs` and `--path.rootfs` redirect all of them (node_exporter's
 * procFilePath, sysFilePath, rootfsFilePath). Nothing under src/host or workers/ names `/proc`,
 * `/sys` or `/` directly.
 */
import path from 'node:path';
import type { HostPaths } from '../collector/define.js';

/** A file under procfs, e.g. `procFile(paths, 'net', 'dev')`. */
export function procFile(paths: HostPaths, ...parts: string[]): string {
  return path.join(paths.procfs, ...parts);
}

/** A file under sysfs, e.g. `sysFile(paths, 'class', 'net')`. */
export function sysFile(paths: HostPaths, ...parts: string[]): string {
  return path.join(paths.sysfs, ...parts);
}

/** A file under the host's root, e.g. `rootFile(paths, 'etc', 'os-release')`. */
export function rootFile(paths: HostPaths, ...parts: string[]): string {
  return path.join(paths.rootfs, ...parts);
}

/**
 * A mount point as the host sees it, when the exporter runs with the host's root mounted at
 * `paths.rootfs` (node_exporter's rootfsStripPrefix): `/rootfs/home` → `/home`.
 */
export function stripRootfs(paths: HostPaths, mountPoint: string): string {
  const root = paths.rootfs;
  if (root === '/' || root === '') return mountPoint;
  if (!mountPoint.startsWith(root)) return mountPoint;
  const stripped = mountPoint.slice(root.length);
  return stripped === '' ? '/' : stripped;
}
