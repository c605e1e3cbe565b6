/**
 * `writeToTextfile`: client_golang's `WriteToTextfile` for our registries (and prom-client's):
 * the text format 0.0.4 written atomically, for node_exporter's textfile collector.
 *
 * Atomic: the text is rendered first (a failure there writes nothing), then written to a temp
 * file in the same folder (same filesystem, so the rename is atomic), made mode 0644 whatever
 * the umask, fsynced, and renamed over the target; then the folder is fsynced so the rename
 * itself survives a crash. A reader sees the old file or the new one, never a partial one. The
 * temp name starts with `.` and does not end in `.prom`, so a textfile collector never reads
 * it. On failure the temp file is removed and the error names the target path.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { textOf, type PushableRegistry } from './families.js';

/** A write that failed; `path` is the target. */
export class TextfileWriteError extends Error {
  override readonly name = 'TextfileWriteError';
  readonly code = 'ERR_TEXTFILE_WRITE';
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot write metrics to ${JSON.stringify(path)}: ${reason}`, options);
  }
}

function reasonOf(err: unknown): string {
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case 'ENOENT':
      return 'its folder does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return e.message ?? String(err);
  }
}

/** Writes `data` to `file` atomically with mode 0644 (see the module comment). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(tmp, 'wx', 0o644);
    await handle.chmod(0o644);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, file);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw new TextfileWriteError(file, reasonOf(err), { cause: err });
  }
  // Make the rename durable. Not every filesystem lets a folder be fsynced: that is not an error.
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // ignore
  }
}

/**
 * Writes the registry's metrics (ours or a prom-client Registry) to `file` in the text format,
 * atomically, mode 0644. Rejects with TextfileWriteError naming the path.
 */
export async function writeToTextfile(registry: PushableRegistry, file: string): Promise<void> {
  if (typeof file !== 'string' || file === '') throw new TypeError('writeToTextfile needs a file path');
  const text = await textOf(registry);
  await writeFileAtomic(file, text);
}
