/**
 * Imports a collector file inside a worker thread.
 *
 * Under tsx on Node 20, a worker thread gets tsx's `require` hook but not its ESM loader hooks:
 * `import()` of a `.ts` file fails there with ERR_UNKNOWN_FILE_EXTENSION, while `require()`
 * compiles it (this is also how piscina loads our own `task.ts`). So: `import()` first (compiled
 * `.js`, `.mjs`, or a loader that works in workers), and `require()` for TypeScript when the
 * import is refused for its extension. A TypeScript collector therefore cannot use top-level
 * `await` under tsx.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export async function importCollectorModule(url: string): Promise<{ default?: unknown }> {
  try {
    return (await import(url)) as { default?: unknown };
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[mc]?ts$/.test(url)) throw e;
    return createRequire(url)(fileURLToPath(url)) as { default?: unknown };
  }
}
