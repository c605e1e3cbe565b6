/** Paths and texts of the host fixtures in test/fixtures (a fake procfs, sysfs, rootfs, udev). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const PROC = path.join(FIXTURES, 'proc');
export const SYS = path.join(FIXTURES, 'sys');
export const ROOTFS = path.join(FIXTURES, 'rootfs');
export const UDEV = path.join(FIXTURES, 'udev');
export const FIXTURE_PATHS = { procfs: PROC, sysfs: SYS, rootfs: ROOTFS };

export function fixtureText(...parts: string[]): string {
  return readFileSync(path.join(FIXTURES, ...parts), 'utf8');
}

/** Sample lines of a text exposition as `name{labels} value` → value (comments dropped). */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
