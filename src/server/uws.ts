/**
 * The one place that loads uWebSockets.js. Another build of it (the official package, a newer
 * republish) replaces this file and nothing else.
 *
 * We load the native binary ourselves rather than through the package's `main`: that entry
 * falls back silently (with console output) to a slow JavaScript imitation when the binary does
 * not load. We want to know, log once, and fall back to our own node:http backend instead, which
 * behaves exactly like the uWS one.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Uws from '@trufflesuite/uws-js-unofficial';

export type UwsModule = typeof Uws;
export type { HttpRequest as UwsRequest, HttpResponse as UwsResponse, TemplatedApp as UwsApp, us_listen_socket as UwsListenSocket } from '@trufflesuite/uws-js-unofficial';

const PACKAGE = '@trufflesuite/uws-js-unofficial';

/** What loading the native module gave: the module, or why it could not load. */
export type UwsLoadResult = { readonly ok: true; readonly uws: UwsModule } | { readonly ok: false; readonly reason: string };

let loaded: UwsLoadResult | undefined;

/** The file name of the binary for this platform, architecture and Node ABI. */
export function uwsBinaryName(): string {
  return `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
}

/**
 * Loads uWebSockets.js' native binary for this Node (once per process). Never throws: a missing
 * binary (another Node ABI), one that cannot be linked (musl, an older glibc) or a missing
 * package all give `{ ok: false, reason }`.
 */
export function loadUws(): UwsLoadResult {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  try {
    const dir = path.dirname(require.resolve(`${PACKAGE}/package.json`));
    loaded = { ok: true, uws: require(path.join(dir, 'binaries', uwsBinaryName())) as UwsModule };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    loaded = { ok: false, reason: `${PACKAGE} (${uwsBinaryName()}) did not load: ${message}` };
  }
  return loaded;
}
