/**
 * udev's database file for a block device (`/run/udev/data/b<major>:<minor>`): the `E:KEY=value`
 * lines are its properties (udevadm(8)); other lines (S:, W:, I:, G:) are bookkeeping.
 */
export function parseUdevData(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=', 2);
    if (eq < 0) continue;
    out.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return out;
}
