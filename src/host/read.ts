/**
 * Reading kernel files, and what a failed read means.
 *
 * Collectors run in worker threads, so a synchronous read blocks only that thread; it costs
 * less CPU than a promise round trip through libuv's thread pool (one `read` instead of
 * open/fstat/read/close hops), and procfs/sysfs files are in memory. Anything that can hang
 * (statfs on a network mount) stays asynchronous in its collector.
 */
import { closeSync, openSync, readSync, readdirSync } from 'node:fs';
import { NoDataError } from '../collector/define.js';

/** The `code` of a Node.js system error, or undefined. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The file (or a directory on its path) does not exist. */
export function isNotFound(err: unknown): boolean {
  const code = errnoOf(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The process may not read it. */
export function isPermission(err: unknown): boolean {
  const code = errnoOf(err);
  return code === 'EACCES' || code === 'EPERM';
}

/**
 * A sysfs attribute the driver does not implement or cannot answer right now: reading
 * `carrier` of a down interface gives EINVAL, `speed` of a virtual one EINVAL or EOPNOTSUPP.
 * procfs's sysfs parser (and so node_exporter) skips such attributes.
 */
export function isUnsupported(err: unknown): boolean {
  const code = errnoOf(err);
  return code === 'EINVAL' || code === 'EOPNOTSUPP' || code === 'ENOTSUP' || code === 'ENODEV' || code === 'ENXIO' || code === 'EBUSY';
}

/**
 * One buffer per thread, reused by every read. procfs and sysfs files report size 0, so
 * readFileSync would fstat, then allocate and concatenate 64 KiB chunks for each of them; this
 * reads into the same buffer with open/read/close only (the buffer doubles when a file is
 * larger, e.g. a long mount table).
 */
let buffer = Buffer.allocUnsafe(64 * 1024);

/** The whole file as text. Throws the system error as is. */
export function readText(file: string): string {
  const fd = openSync(file, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** The file's text, or undefined when it is missing, unreadable or unsupported (sysfs attributes). */
export function readOptional(file: string): string | undefined {
  try {
    return readText(file);
  } catch (err) {
    if (isNotFound(err) || isPermission(err) || isUnsupported(err)) return undefined;
    throw err;
  }
}

/** Directory entries, or undefined when the directory is missing or unreadable. */
export function listOptional(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch (err) {
    if (isNotFound(err) || isPermission(err)) return undefined;
    throw err;
  }
}

/**
 * Turns a failed read of a collector's main source into the error its run should end with:
 * a missing or forbidden file means "nothing to report on this machine" (NoDataError, logged
 * quietly, success 0), anything else is a real failure. Both name the file.
 */
export function sourceError(file: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (isNotFound(err) || isPermission(err)) return new NoDataError(`couldn't read "${file}": ${message}`);
  return new Error(`couldn't read "${file}": ${message}`, { cause: err });
}

/** readText, with a failure turned into sourceError. */
export function readSource(file: string): string {
  try {
    return readText(file);
  } catch (err) {
    throw sourceError(file, err);
  }
}
