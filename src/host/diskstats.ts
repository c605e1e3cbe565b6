/**
 * /proc/diskstats: `major minor name` then 11 (up to 4.18), 15 (4.18+: discards) or 17 (5.5+:
 * flushes) counters. See Documentation/admin-guide/iostats.rst.
 */

export interface DiskStats {
  major: number;
  minor: number;
  device: string;
  /** The counters after the name, as many as the kernel prints. */
  stats: number[];
}

export function parseDiskstats(text: string): DiskStats[] {
  const out: DiskStats[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length === 1 && f[0] === '') continue;
    if (f.length < 14) throw new Error(`/proc/diskstats: invalid line ${JSON.stringify(line)}`);
    const nums = f.slice(3).map(Number);
    const major = Number(f[0]);
    const minor = Number(f[1]);
    if (!Number.isInteger(major) || !Number.isInteger(minor) || nums.some((n) => !Number.isFinite(n))) {
      throw new Error(`/proc/diskstats: invalid line ${JSON.stringify(line)}`);
    }
    out.push({ major, minor, device: f[2]!, stats: nums });
  }
  return out;
}
