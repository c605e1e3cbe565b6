/**
 * The runtime's flags as data. The CLI turns these specs into commander options; the values it
 * parsed come back to `resolveCollectors` as a map from flag name (without dashes) to value.
 *
 * - `--collector.NAME` / `--no-collector.NAME`: enable or disable one collector.
 * - `--collector.disable-defaults`: start from nothing; only collectors named with
 *   `--collector.NAME` run (node_exporter's flag).
 * - `--collector.NAME.interval=5s`, `--collector.NAME.timeout=2s`: durations in Prometheus
 *   syntax (`250ms`, `5s`, `1m30s`).
 * - `--collector.NAME.KEY=VALUE` for each option a collector declares (KEY in kebab-case), or
 *   the option's own `flag` name.
 * - `--collectors.dir`, `--collectors.threads`, `--collectors.cpus`, `--collectors.interval`,
 *   `--collectors.timeout`: runtime-wide settings; `--path.procfs`, `--path.sysfs`,
 *   `--path.rootfs`: where collectors read the host from (node_exporter's flags).
 */
import { availableParallelism } from 'node:os';
import type { CollectorOption, HostPaths } from '../collector/define.js';
import { optionValueProblem } from '../collector/options.js';
import type { DiscoveredCollector } from './discovery.js';
import { allowedCpus, parseCpuSetting, planAffinity, type CpuSetting } from './affinity.js';
import { formatDuration, parseDuration } from './duration.js';
import { CollectorRuntimeError, unknownCollector } from './errors.js';
import { kebab } from './spec.js';

export type FlagType = 'boolean' | 'string' | 'number' | 'string[]' | 'duration';

/** One command-line flag. */
export interface FlagSpec {
  /** Without leading dashes, e.g. `collector.loadavg`. */
  readonly name: string;
  readonly help: string;
  readonly type: FlagType;
  /**
   * The value when the flag is absent. Left undefined for `--collector.NAME`, whose absence
   * must stay distinguishable from an explicit value (see `enabledByDefault`).
   */
  readonly default?: boolean | string | number | readonly string[];
  /** Boolean flags that also take `--no-NAME`. */
  readonly negatable?: boolean;
  /** The collector this flag belongs to, if any. */
  readonly collector?: string;
  /** For `--collector.NAME`: whether the collector runs when neither flag form is given. */
  readonly enabledByDefault?: boolean;
}

export const DEFAULT_INTERVAL_MS = 5000;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_PATHS: HostPaths = { procfs: '/proc', sysfs: '/sys', rootfs: '/' };

/**
 * Default pool size: twice the CPU count, at least 4, at most one thread per enabled collector
 * (a collector never overlaps itself, so more threads could never all be busy). More threads
 * than cores on purpose: a hung collector holds its thread until its timeout, and collectors
 * mostly wait on I/O; with CPU-count threads on a 2-core machine, one hung and one CPU-bound
 * collector would leave the others nothing.
 */
export function defaultThreads(enabledCollectors: number): number {
  return Math.max(1, Math.min(enabledCollectors, Math.max(4, 2 * availableParallelism())));
}

/** Flags that exist before any collector is discovered (the CLI parses `collectors.dir` first). */
export const RUNTIME_FLAGS: readonly FlagSpec[] = [
  { name: 'collectors.dir', type: 'string[]', default: [], help: 'Folder of extra collector files (.js, .mjs; .ts under a TypeScript loader). Repeatable.' },
  {
    name: 'collector.disable-defaults',
    type: 'boolean',
    default: false,
    help: 'Disable every collector by default: only those enabled with --collector.NAME run.',
  },
  { name: 'collectors.threads', type: 'number', default: 0, help: 'Worker threads running collectors (0: 2 x CPUs, at least 4, at most one per enabled collector).' },
  {
    name: 'collectors.cpus',
    type: 'string',
    default: 'auto',
    help:
      'CPUs of collector threads (Linux): auto (with 2+ CPUs, every CPU but the first, which the main thread and its helper threads keep for scrapes), all (no CPU affinity) or a list such as 1-3 (the main thread and its helpers get the other CPUs).',
  },
  { name: 'collectors.interval', type: 'duration', default: formatDuration(DEFAULT_INTERVAL_MS), help: 'Interval of collectors that do not set their own.' },
  { name: 'collectors.timeout', type: 'duration', default: formatDuration(DEFAULT_TIMEOUT_MS), help: 'Timeout of collectors that do not set their own (never longer than the interval).' },
  { name: 'path.procfs', type: 'string', default: DEFAULT_PATHS.procfs, help: 'procfs mountpoint.' },
  { name: 'path.sysfs', type: 'string', default: DEFAULT_PATHS.sysfs, help: 'sysfs mountpoint.' },
  { name: 'path.rootfs', type: 'string', default: DEFAULT_PATHS.rootfs, help: 'rootfs mountpoint.' },
];

function optionFlag(collector: string, key: string, o: CollectorOption): string {
  return o.flag ?? `collector.${collector}.${kebab(key)}`;
}

/** The flags of discovered collectors, in collector order. */
export function collectorFlagSpecs(collectors: readonly DiscoveredCollector[]): FlagSpec[] {
  const out: FlagSpec[] = [];
  for (const c of collectors) {
    const on = c.defaultEnabled !== false;
    const what = c.help ? ` (${c.help})` : '';
    out.push({
      name: `collector.${c.name}`,
      type: 'boolean',
      negatable: true,
      collector: c.name,
      enabledByDefault: on,
      help: `Enable the ${c.name} collector${what} (default: ${on ? 'enabled' : 'disabled'}).`,
    });
    out.push({
      name: `collector.${c.name}.interval`,
      type: 'duration',
      collector: c.name,
      help: `Interval of the ${c.name} collector${c.intervalMs ? ` (default: ${formatDuration(c.intervalMs)})` : ' (default: --collectors.interval)'}.`,
    });
    out.push({
      name: `collector.${c.name}.timeout`,
      type: 'duration',
      collector: c.name,
      help: `Timeout of one run of the ${c.name} collector${c.timeoutMs ? ` (default: ${formatDuration(c.timeoutMs)})` : ' (default: --collectors.timeout)'}.`,
    });
    for (const [key, o] of Object.entries(c.options ?? {})) {
      out.push({ name: optionFlag(c.name, key, o), type: o.type, default: o.default, collector: c.name, help: o.help });
    }
  }
  return out;
}

/** Every flag: the runtime's and the collectors'. Names are unique; a clash is an error. */
export function allFlagSpecs(collectors: readonly DiscoveredCollector[]): FlagSpec[] {
  const out = [...RUNTIME_FLAGS, ...collectorFlagSpecs(collectors)];
  const seen = new Set<string>();
  for (const f of out) {
    if (seen.has(f.name)) throw new CollectorRuntimeError('ERR_COLLECTOR_CONFLICT', `flag "--${f.name}" is defined twice (collector "${f.collector ?? 'runtime'}")`);
    seen.add(f.name);
  }
  return out;
}

/** A collector as the runtime will run it: flags applied. */
export interface ResolvedCollector {
  readonly collector: DiscoveredCollector;
  readonly name: string;
  readonly enabled: boolean;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface ResolvedRuntimeFlags {
  readonly collectors: readonly ResolvedCollector[];
  /** 0 when not given (then `defaultThreads`). */
  readonly threads: number;
  /** `--collectors.cpus` (affinity.ts). */
  readonly cpus: CpuSetting;
  readonly paths: HostPaths;
  readonly dirs: readonly string[];
}

/** Flag values keyed by flag name; commander's camelCase keys (`collector.disableDefaults`) are accepted too. */
export type FlagValues = Readonly<Record<string, unknown>>;

function normalise(values: FlagValues): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out.set(kebab(k), v);
  return out;
}

function invalid(flag: string, v: unknown, expected: string): CollectorRuntimeError {
  return new CollectorRuntimeError('ERR_INVALID_FLAG_VALUE', `invalid value ${JSON.stringify(v)} for --${flag}: expected ${expected}`);
}

/** Coerces a flag value (a string from the command line, or already typed) to its type. */
export function coerceFlag(flag: string, type: FlagType, v: unknown): unknown {
  switch (type) {
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      throw invalid(flag, v, 'true or false');
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) throw invalid(flag, v, 'a number');
      return n;
    }
    case 'string':
      if (typeof v !== 'string') throw invalid(flag, v, 'a string');
      return v;
    case 'string[]':
      if (typeof v === 'string') return v === '' ? [] : v.split(',');
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return [...(v as string[])];
      throw invalid(flag, v, 'a list of strings');
    case 'duration': {
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
      try {
        const ms = parseDuration(v as string);
        if (ms <= 0) throw new RangeError('zero');
        return ms;
      } catch {
        throw invalid(flag, v, 'a positive duration such as 500ms, 5s or 1m30s');
      }
    }
  }
}

/**
 * Applies flag values to discovered collectors: which run, with which interval, timeout and
 * options. Throws naming an unknown collector, an unknown `collector.*` flag or a bad value.
 */
export function resolveCollectors(collectors: readonly DiscoveredCollector[], values: FlagValues = {}): ResolvedRuntimeFlags {
  const specs = new Map(allFlagSpecs(collectors).map((f) => [f.name, f]));
  const known = collectors.map((c) => c.name);
  const v = normalise(values);
  for (const key of v.keys()) {
    if (specs.has(key) || !(key.startsWith('collector.') || key.startsWith('collectors.'))) continue;
    const name = key.split('.')[1]!;
    if (key.startsWith('collector.') && !known.includes(name)) throw unknownCollector(name, known);
    throw new CollectorRuntimeError('ERR_UNKNOWN_COLLECTOR_FLAG', `unknown flag "--${key}"`);
  }
  const get = (flag: string): unknown => {
    const spec = specs.get(flag)!;
    const raw = v.get(flag);
    return raw === undefined ? spec.default : coerceFlag(flag, spec.type, raw);
  };
  const disableDefaults = get('collector.disable-defaults') === true;
  const defaultInterval = get('collectors.interval');
  const defaultTimeout = get('collectors.timeout');
  const baseInterval = typeof defaultInterval === 'number' ? defaultInterval : parseDuration(defaultInterval as string);
  const baseTimeout = typeof defaultTimeout === 'number' ? defaultTimeout : parseDuration(defaultTimeout as string);
  const out: ResolvedCollector[] = collectors.map((c) => {
    const explicit = get(`collector.${c.name}`) as boolean | undefined;
    const enabled = explicit ?? (!disableDefaults && c.defaultEnabled !== false);
    const intervalMs = (get(`collector.${c.name}.interval`) as number | undefined) ?? c.intervalMs ?? baseInterval;
    const flagTimeout = get(`collector.${c.name}.timeout`) as number | undefined;
    if (flagTimeout !== undefined && flagTimeout > intervalMs) {
      throw new CollectorRuntimeError(
        'ERR_INVALID_FLAG_VALUE',
        `--collector.${c.name}.timeout=${formatDuration(flagTimeout)} is longer than the collector's interval (${formatDuration(intervalMs)}): a run never outlives its interval`,
      );
    }
    const timeoutMs = Math.min(flagTimeout ?? c.timeoutMs ?? baseTimeout, intervalMs);
    const options: Record<string, unknown> = {};
    for (const [key, o] of Object.entries(c.options ?? {})) {
      const flag = optionFlag(c.name, key, o);
      const value = get(flag);
      // The option's declared constraints (src/collector/options.ts): a bad value names its flag.
      const problem = value === undefined ? undefined : optionValueProblem(o.type, o, value);
      if (problem !== undefined) throw new CollectorRuntimeError('ERR_INVALID_FLAG_VALUE', `invalid value ${JSON.stringify(Array.isArray(value) ? value.join(',') : value)} for --${flag}: ${problem}`);
      options[key] = value;
    }
    for (const [key, o] of Object.entries(c.options ?? {})) {
      const bound = o.lessThan === undefined ? undefined : c.options?.[o.lessThan];
      if (bound !== undefined && typeof options[key] === 'number' && typeof options[o.lessThan!] === 'number' && !((options[key] as number) < (options[o.lessThan!] as number))) {
        throw new CollectorRuntimeError(
          'ERR_INVALID_FLAG_VALUE',
          `invalid value ${String(options[key])} for --${optionFlag(c.name, key, o)}: expected less than --${optionFlag(c.name, o.lessThan!, bound)} (${String(options[o.lessThan!])})`,
        );
      }
      for (const other of o.conflicts ?? []) {
        const otherOption = c.options?.[other];
        if (otherOption !== undefined && options[key] !== undefined && options[other] !== undefined) {
          throw new CollectorRuntimeError('ERR_INVALID_FLAG_VALUE', `--${optionFlag(c.name, key, o)} and --${optionFlag(c.name, other, otherOption)} cannot be used together`);
        }
      }
    }
    return { collector: c, name: c.name, enabled, intervalMs, timeoutMs, options };
  });
  const paths: HostPaths = { procfs: get('path.procfs') as string, sysfs: get('path.sysfs') as string, rootfs: get('path.rootfs') as string };
  const threads = get('collectors.threads') as number;
  if (!Number.isInteger(threads) || threads < 0) throw invalid('collectors.threads', threads, 'a whole number of threads (0: automatic)');
  return { collectors: out, threads, cpus: resolveCpus(get('collectors.cpus') as string), paths, dirs: get('collectors.dir') as string[] };
}

/** `--collectors.cpus`: `auto`, `all` or a list of CPUs this process may use. */
function resolveCpus(value: string): CpuSetting {
  let setting: CpuSetting;
  try {
    setting = parseCpuSetting(value);
  } catch (e) {
    throw invalid('collectors.cpus', value, `auto, all or a CPU list such as 1-3 (${(e as Error).message})`);
  }
  try {
    planAffinity(setting, allowedCpus());
  } catch (e) {
    throw new CollectorRuntimeError('ERR_INVALID_FLAG_VALUE', `invalid value ${JSON.stringify(value)} for --collectors.cpus: ${(e as Error).message}`);
  }
  return setting;
}

/**
 * Checks raw command-line arguments for `--collector.NAME…` / `--no-collector.NAME` naming a
 * collector that does not exist, so the CLI can fail with that message before its parser
 * reports a bare unknown option.
 */
export function checkCollectorArgs(argv: readonly string[], collectors: readonly DiscoveredCollector[]): void {
  const known = collectors.map((c) => c.name);
  for (const arg of argv) {
    if (arg === '--') break;
    const m = /^--(?:no-)?collector\.([^.=\s]+)/.exec(arg);
    if (!m || m[1] === 'disable-defaults') continue;
    if (!known.includes(m[1]!)) throw unknownCollector(m[1]!, known);
  }
}
