/**
 * Files of `name value` lines (/proc/vmstat) and files of a single number
 * (/proc/sys/kernel/random/entropy_avail), and /proc/sys/fs/file-nr.
 */

/** `name value` per line → [name, value] pairs in file order. */
export function parseKeyValueLines(text: string, file: string): [string, number][] {
  const out: [string, number][] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const name = space < 0 ? '' : line.slice(0, space);
    const value = Number(line.slice(space + 1).trim());
    if (name === '' || !Number.isFinite(value) || line.slice(space + 1).trim() === '') {
      throw new Error(`${file}: invalid line ${JSON.stringify(line)}`);
    }
    out.push([name, value]);
  }
  return out;
}

/** A file holding one number (trailing newline allowed). */
export function parseSingleNumber(text: string, file: string): number {
  const s = text.trim();
  const v = Number(s);
  if (s === '' || !Number.isFinite(v)) throw new Error(`${file}: expected a number, got ${JSON.stringify(text.slice(0, 40))}`);
  return v;
}

/** /proc/sys/fs/file-nr: allocated, unused (always 0 since 2.6), maximum. */
export function parseFileNr(text: string): { allocated: number; maximum: number } {
  const f = text.trim().split(/\s+/);
  const allocated = Number(f[0]);
  const maximum = Number(f[2]);
  if (f.length !== 3 || !Number.isFinite(allocated) || !Number.isFinite(maximum)) {
    throw new Error(`file-nr: expected 3 numbers, got ${JSON.stringify(text.trim())}`);
  }
  return { allocated, maximum };
}
