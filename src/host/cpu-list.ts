/** The kernel's CPU list format (`/sys/devices/system/cpu/isolated`, `online`): `0-2,5,7-8`. */

/** CPU numbers in the list, in order. An empty (or whitespace) text is an empty list. */
export function parseCpuList(text: string): number[] {
  const s = text.trim();
  if (s === '') return [];
  const out: number[] = [];
  for (const part of s.split(',')) {
    const dash = part.indexOf('-');
    const lo = Number(dash < 0 ? part : part.slice(0, dash));
    const hi = dash < 0 ? lo : Number(part.slice(dash + 1));
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < lo || part.trim() === '') {
      throw new Error(`invalid CPU list ${JSON.stringify(text)}`);
    }
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out;
}
