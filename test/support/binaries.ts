/**
 * Finding the external binaries the tests run (promtool, prometheus, the Pushgateway, node_exporter)
 * and deciding what a missing one means: a skip on a developer's machine, a failure in CI.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** Other names a binary is known by: Debian's name first, then upstream's. */
const ALIASES: Record<string, readonly string[]> = {
  'prometheus-node-exporter': ['prometheus-node-exporter', 'node_exporter'],
  node_exporter: ['node_exporter', 'prometheus-node-exporter'],
  'prometheus-pushgateway': ['prometheus-pushgateway', 'pushgateway'],
  pushgateway: ['pushgateway', 'prometheus-pushgateway'],
};

/** The Debian package that ships each binary, for the skip/failure message. */
const DEBIAN_PACKAGE: Record<string, string> = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  'prometheus-node-exporter': 'prometheus-node-exporter',
  node_exporter: 'prometheus-node-exporter',
  'prometheus-pushgateway': 'prometheus-pushgateway',
  pushgateway: 'prometheus-pushgateway',
  wrk: 'wrk',
  openssl: 'openssl',
  prlimit: 'util-linux',
};

const EXTRA_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The directories searched, in order: $PATH, then the usual system directories. */
export function searchDirs(): string[] {
  const fromPath = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  return [...new Set([...fromPath, ...EXTRA_DIRS])];
}

/**
 * The absolute path of an executable, or undefined.
 * `candidates` are names (searched in $PATH, /usr/bin, /usr/sbin, ...) or absolute paths, tried in
 * order; by default `name` and its known aliases (e.g. node_exporter for prometheus-node-exporter).
 */
export function findBinary(name: string, candidates?: readonly string[]): string | undefined {
  const names = candidates ?? ALIASES[name] ?? [name];
  const dirs = searchDirs();
  for (const candidate of names) {
    if (path.isAbsolute(candidate)) {
      if (isExecutableFile(candidate)) return candidate;
      continue;
    }
    for (const dir of dirs) {
      const file = path.resolve(dir, candidate);
      if (isExecutableFile(file)) return file;
    }
  }
  return undefined;
}

/** True when running in CI (`CI=true`), where a missing binary is a failure, not a skip. */
export function inCI(): boolean {
  return process.env.CI === 'true';
}

/** The part of node:test's TestContext used here (a TestContext fits). */
export interface SkipContext {
  skip(message?: string): void;
}

/**
 * What the start* helpers take: node:test's TestContext fits. When `after` is there, the helper
 * registers its stop() with it, so the process is stopped when the test ends.
 */
export interface HelperContext extends SkipContext {
  after?(fn: () => unknown): void;
}

/**
 * The path of a binary the test needs. When it is missing: in CI (`CI=true`) throws; elsewhere
 * marks the test skipped and returns undefined, so the test goes on with
 * `const promtool = requireBinary(t, 'promtool'); if (!promtool) return;`.
 */
export function requireBinary(
  t: SkipContext,
  name: string,
  candidates?: readonly string[],
): string | undefined {
  const found = findBinary(name, candidates);
  if (found !== undefined) return found;
  const names = candidates ?? ALIASES[name] ?? [name];
  const pkg = DEBIAN_PACKAGE[name];
  const why =
    `${name} not installed: looked for ${names.join(', ')} in ${searchDirs().join(':')}` +
    (pkg !== undefined ? ` (Debian package "${pkg}"; .ci/run installs it)` : '');
  if (inCI()) throw new Error(`${why}. CI=true: a missing binary is a failure.`);
  t.skip(why);
  return undefined;
}
