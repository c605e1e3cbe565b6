/**
 * /proc/<pid>/mounts (fstab(5) layout): device, mount point, type, options. As node_exporter
 * 1.5.0 does, only `\040` (space) and `\011` (tab) are unescaped in the mount point.
 */

export interface MountEntry {
  device: string;
  mountPoint: string;
  fsType: string;
  options: string;
}

export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const f = line.trim().split(/\s+/);
    if (f.length < 4) throw new Error(`malformed mount point information: ${JSON.stringify(line)}`);
    out.push({
      device: f[0]!,
      mountPoint: f[1]!.replaceAll('\\040', ' ').replaceAll('\\011', '\t'),
      fsType: f[2]!,
      options: f[3]!,
    });
  }
  return out;
}

/** True when the options list has `ro`. */
export function isReadOnly(options: string): boolean {
  return options.split(',').includes('ro');
}
