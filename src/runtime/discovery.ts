/**
 * Finding collectors: every collector file in the built-in `workers/` folder and in the
 * folders given with `--collectors.dir`, without a hand-kept list. Files are read in a
 * separate thread (describe.ts), so the main thread never runs collector code; what comes back
 * is the serialisable description, validated here.
 *
 * Which files: `.js` and `.mjs`; `.ts` and `.mts` too when a TypeScript loader is active (tsx,
 * or Node's type stripping). When a folder holds the same basename twice (`demo.ts` and
 * `demo.mjs`), one is taken: the TypeScript source under a loader, the JavaScript otherwise.
 * Skipped: dotfiles, names starting with `_`, `.d.ts`, `*.test.*`, `*.map`.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { CollectorRuntimeError, loadError } from './errors.js';
import type { DescribeResult } from './describe.js';
import { checkDescription, type CollectorDescription } from './spec.js';

/** A collector found on disk: where it is and what it declares. */
export interface DiscoveredCollector extends CollectorDescription {
  /** Absolute path of the file. */
  readonly file: string;
  /** `file:` URL, what the worker imports. */
  readonly url: string;
  /** From the built-in `workers/` folder (as opposed to `--collectors.dir`). */
  readonly builtin: boolean;
}

export interface DiscoverOptions {
  /** Folders of user collectors (`--collectors.dir`). */
  readonly dirs?: readonly string[];
  /** Single collector files, in addition to the folders (counted as user collectors). */
  readonly files?: readonly string[];
  /** Include the built-in collectors of `workers/` (default true). */
  readonly builtin?: boolean;
  /** How long one file may take to load before discovery fails naming it (default 10 s). */
  readonly loadTimeoutMs?: number;
}

const HERE = import.meta.url;
const OWN_EXT = HERE.endsWith('.ts') ? '.ts' : '.js';
const DEFAULT_LOAD_TIMEOUT_MS = 10_000;

/** The built-in collectors folder: `workers/` from source, `dist/workers/` once compiled. */
export function builtinCollectorsDir(): string {
  return fileURLToPath(new URL('../../workers/', HERE));
}

/** A sibling module of this one, in whichever form is running (`.ts` under tsx, `.js` in dist). */
export function runtimeModuleUrl(name: string): URL {
  return new URL(`./${name}${OWN_EXT}`, HERE);
}

/** Whether `.ts` files can be imported in this process (and its workers, which inherit execArgv). */
export function typeScriptLoaderActive(): boolean {
  if (OWN_EXT === '.ts') return true;
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (/\btsx\b|ts-node|--experimental-strip-types|--experimental-transform-types/.test(flags)) return true;
  return Boolean((process.features as { typescript?: unknown }).typescript);
}

const JS_EXT = ['.js', '.mjs'];
const TS_EXT = ['.ts', '.mts'];

/** The collector files of one folder, sorted, one per basename. */
export async function listCollectorFiles(dir: string, ts = typeScriptLoaderActive()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new CollectorRuntimeError('ERR_COLLECTOR_LOAD', `collectors folder "${dir}" cannot be read: ${(e as Error).message}`);
  }
  const byBase = new Map<string, string[]>();
  for (const n of names) {
    if (n.startsWith('.') || n.startsWith('_') || /\.d\.[mc]?ts$/.test(n) || /\.test\./.test(n)) continue;
    const ext = path.extname(n);
    if (!JS_EXT.includes(ext) && !TS_EXT.includes(ext)) continue;
    const base = n.slice(0, -ext.length);
    byBase.set(base, [...(byBase.get(base) ?? []), n]);
  }
  const preference = ts ? [...TS_EXT, ...JS_EXT] : JS_EXT;
  const out: string[] = [];
  for (const [base, files] of [...byBase].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const pick = preference.map((ext) => base + ext).find((n) => files.includes(n));
    if (pick === undefined) {
      throw loadError(path.join(dir, files[0]!), 'is TypeScript and no TypeScript loader is active: run with `node --import tsx`, or compile it to .js');
    }
    out.push(path.join(dir, pick));
  }
  return out;
}

/**
 * Imports the files in a discovery thread, one at a time, and returns their descriptions in
 * order. Throws naming the first file that fails to load, exports no collector, ends the thread
 * or hangs while loading.
 */
export async function describeFiles(files: readonly string[], loadTimeoutMs = DEFAULT_LOAD_TIMEOUT_MS): Promise<CollectorDescription[]> {
  if (files.length === 0) return [];
  const pool = new Piscina({ filename: runtimeModuleUrl('describe').href, minThreads: 1, maxThreads: 1, atomics: 'disabled', recordTiming: false });
  const out: CollectorDescription[] = [];
  try {
    for (const file of files) {
      let r: DescribeResult;
      try {
        r = (await pool.run(pathToFileURL(file).href, { signal: AbortSignal.timeout(loadTimeoutMs) })) as DescribeResult;
      } catch (e) {
        const timedOut = (e as Error).name === 'AbortError';
        throw loadError(file, timedOut ? `did not finish loading within ${loadTimeoutMs} ms` : `ended the discovery thread while loading: ${(e as Error).message}`);
      }
      if (!r.ok) throw loadError(file, r.message);
      out.push(r.description);
    }
  } finally {
    await pool.destroy();
  }
  return out;
}

/** Every collector file of the built-in folder, of `dirs` and `files`, loaded, validated, sorted by name. */
export async function discoverCollectors(options: DiscoverOptions = {}): Promise<DiscoveredCollector[]> {
  const sources: { dir: string; builtin: boolean }[] = [];
  if (options.builtin !== false) sources.push({ dir: builtinCollectorsDir(), builtin: true });
  for (const d of options.dirs ?? []) sources.push({ dir: path.resolve(d), builtin: false });
  const files: { file: string; builtin: boolean }[] = [];
  for (const s of sources) for (const file of await listCollectorFiles(s.dir)) files.push({ file, builtin: s.builtin });
  for (const f of options.files ?? []) files.push({ file: path.resolve(f), builtin: false });
  const descriptions = await describeFiles(files.map((f) => f.file), options.loadTimeoutMs);
  const byName = new Map<string, DiscoveredCollector>();
  descriptions.forEach((d, i) => {
    const { file, builtin } = files[i]!;
    try {
      checkDescription(d);
    } catch (e) {
      throw loadError(file, (e as Error).message);
    }
    const other = byName.get(d.name);
    if (other) throw new CollectorRuntimeError('ERR_COLLECTOR_CONFLICT', `collector "${d.name}" is defined twice: in "${other.file}" and in "${file}"`);
    byName.set(d.name, { ...d, file, url: pathToFileURL(file).href, builtin });
  });
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
