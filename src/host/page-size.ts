/**
 * The system page size, for sockstat's `mem` (counted in pages). Go's os.Getpagesize() takes it
 * from the auxiliary vector the kernel hands every process; Node.js has no API for it, so it is
 * read from `<procfs>/self/auxv` (AT_PAGESZ). The page size is a property of the machine, the
 * same in every process and namespace; when the file cannot be read (a fixture procfs, a
 * foreign pid namespace) the common 4096 is used.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

const AT_NULL = 0;
const AT_PAGESZ = 6;
export const DEFAULT_PAGE_SIZE = 4096;

/** AT_PAGESZ from an auxv image (pairs of native words), or undefined. */
export function pageSizeFromAuxv(auxv: Uint8Array, wordBytes: 4 | 8 = 8, littleEndian = true): number | undefined {
  const view = new DataView(auxv.buffer, auxv.byteOffset, auxv.byteLength);
  const word = (at: number): number =>
    wordBytes === 8 ? Number(view.getBigUint64(at, littleEndian)) : view.getUint32(at, littleEndian);
  for (let at = 0; at + 2 * wordBytes <= auxv.byteLength; at += 2 * wordBytes) {
    const type = word(at);
    if (type === AT_NULL) break;
    if (type === AT_PAGESZ) return word(at + wordBytes);
  }
  return undefined;
}

let cached: number | undefined;

/** The page size, read once per thread from `auxvFile`. */
export function systemPageSize(auxvFile: string): number {
  if (cached !== undefined) return cached;
  let size: number | undefined;
  try {
    const wordBytes = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].includes(process.arch) ? 8 : 4;
    size = pageSizeFromAuxv(readFileSync(auxvFile), wordBytes, os.endianness() === 'LE');
  } catch {
    size = undefined;
  }
  cached = size !== undefined && size > 0 ? size : DEFAULT_PAGE_SIZE;
  return cached;
}
