/** A private temp directory under os.tmpdir(), removed by remove() or when the test process exits. */
import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addExitCleanup } from './process.js';

export interface TempDir {
  readonly path: string;
  /** Removes the directory and everything in it. Idempotent. */
  remove(): Promise<void>;
}

export async function makeTempDir(prefix: string): Promise<TempDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  const unregister = addExitCleanup(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
  let removing: Promise<void> | undefined;
  return {
    path: dir,
    remove: () => {
      removing ??= rm(dir, { recursive: true, force: true, maxRetries: 3 }).finally(unregister);
      return removing;
    },
  };
}
