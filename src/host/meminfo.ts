/**
 * /proc/meminfo, parsed as node_exporter's meminfo collector does: `Active(anon):  123 kB`
 * becomes `Active_anon_bytes` = 123 × 1024; a line without a unit (`HugePages_Total:  0`) keeps
 * its name and value.
 */

/** The metric key of a /proc/meminfo field: `(x)` → `_x`, plus `_bytes` when it has a unit. */
export function meminfoKey(field: string, hasUnit: boolean): string {
  const key = field.replace(/\((.*)\)/, '_$1');
  return hasUnit ? `${key}_bytes` : key;
}

/** [key, value] pairs in file order, values in bytes for fields with a unit (kB). */
export function parseMeminfo(text: string): [string, number][] {
  const out: [string, number][] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 0 || parts[0] === '') continue; // empty lines occur on some kernels
    const name = parts[0]!;
    if (!name.endsWith(':') || parts.length < 2 || parts.length > 3) throw new Error(`/proc/meminfo: invalid line ${JSON.stringify(line)}`);
    const v = Number(parts[1]);
    if (!Number.isFinite(v) || parts[1] === '') throw new Error(`/proc/meminfo: invalid value in ${JSON.stringify(line)}`);
    const hasUnit = parts.length === 3;
    out.push([meminfoKey(name.slice(0, -1), hasUnit), hasUnit ? v * 1024 : v]);
  }
  return out;
}
