/**
 * The command line as data: every flag once, with its type, default, help and environment
 * variable. The parser (args.ts), the config file reader (config-file.ts), `--help` and the
 * README's environment table are all derived from these tables; subcommands (`push`,
 * `textfile`) pick the tables they need.
 *
 * The shape is the collector runtime's FlagSpec (src/runtime/flags.ts), so its flags (paths,
 * pool, one set per discovered collector) join ours unchanged; ours add a validating `parse`
 * and a placeholder for `--help`.
 */
import { accessSync, constants, statSync } from 'node:fs';
import type { FlagSpec as RuntimeFlagSpec } from '../runtime/flags.js';
import { listenAddressProblem } from '../server/address.js';

export type FlagType = RuntimeFlagSpec['type'];

export interface FlagSpec extends RuntimeFlagSpec {
  /** Placeholder shown in `--help`, e.g. `address` gives `--web.listen-address <address>`. */
  readonly valueName?: string;
  /**
   * Checks a value (text from the command line or the environment, or a value from the config
   * file) and returns what the program uses. Throws an Error whose message says what is wrong;
   * the caller adds the flag, the value and where it came from.
   */
  readonly parse?: (value: unknown) => unknown;
}

/** Environment variables are this prefix plus the flag name in upper snake case. */
export const ENV_PREFIX = 'ATOMIC_EXPORTER_';

/** `web.listen-address` → `ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS`. */
export function envName(flag: string): string {
  return ENV_PREFIX + flag.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new TypeError('expected a string');
}

function oneOf<T extends string>(...choices: T[]): (v: unknown) => T {
  return (v) => {
    const s = text(v);
    if (!(choices as string[]).includes(s)) throw new TypeError(`expected one of ${choices.join(', ')}`);
    return s as T;
  };
}

function listenAddress(v: unknown): string {
  const s = text(v);
  const problem = listenAddressProblem(s);
  if (problem !== undefined) throw new TypeError(problem);
  return s;
}

function urlPath(v: unknown): string {
  const s = text(v);
  if (!s.startsWith('/') || /[\s?#]/.test(s)) throw new TypeError('expected a URL path starting with "/" (no spaces, "?" or "#")');
  return s;
}

function nonNegativeInteger(v: unknown): number {
  const n = typeof v === 'number' ? v : /^\d+$/.test(text(v).trim()) ? Number(text(v).trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError('expected a whole number, 0 or more');
  return n;
}

/** A file that exists and can be read; '' means none. */
export function readableFile(v: unknown): string {
  const s = text(v);
  if (s === '') return s;
  try {
    accessSync(s, constants.R_OK);
    if (!statSync(s).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'not a regular file' : (err as Error).message;
    throw new TypeError(`cannot read file: ${why}`);
  }
  return s;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['logfmt', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const ENGINES = ['auto', 'uws', 'node'] as const;

/** The flags of the web server (node_exporter's names where it has one). */
export const WEB_FLAGS: readonly FlagSpec[] = [
  {
    name: 'web.listen-address',
    type: 'string',
    default: ':9479',
    valueName: 'address',
    help: 'Address on which to expose metrics and the web interface: [host]:port, an empty host for every interface.',
    parse: listenAddress,
  },
  { name: 'web.telemetry-path', type: 'string', default: '/metrics', valueName: 'path', help: 'Path under which to expose metrics.', parse: urlPath },
  {
    name: 'web.max-requests',
    type: 'number',
    default: 40,
    valueName: 'n',
    help: 'Maximum number of parallel scrape requests; more get 503. 0 disables the limit.',
    parse: nonNegativeInteger,
  },
  {
    name: 'web.config.file',
    type: 'string',
    default: '',
    valueName: 'file',
    help: "Web configuration file in exporter-toolkit's format (node_exporter's): TLS, client certificates, basic auth, response headers, rate limit. Checked at start.",
    parse: readableFile,
  },
  {
    name: 'web.render-cache-mb',
    type: 'number',
    default: 64,
    valueName: 'MiB',
    help: 'Rendered /metrics output kept for reuse while the values behind it do not change (collector series), per format, in MiB, when the whole exposition fits; 0 renders everything on every scrape. A million series are ~100 MiB of text.',
    parse: nonNegativeInteger,
  },
  {
    name: 'web.engine',
    type: 'string',
    default: 'auto',
    valueName: ENGINES.join('|'),
    help: 'HTTP implementation: uws (uWebSockets.js), node (node:http), or auto (uws when its binary loads here, else node).',
    parse: oneOf(...ENGINES),
  },
];

/** Logging flags, shared by every command. */
export const LOG_FLAGS: readonly FlagSpec[] = [
  {
    name: 'log.level',
    type: 'string',
    default: 'info',
    valueName: LOG_LEVELS.join('|'),
    help: 'Only log messages with the given severity or above.',
    parse: oneOf(...LOG_LEVELS),
  },
  { name: 'log.format', type: 'string', default: 'logfmt', valueName: LOG_FORMATS.join('|'), help: 'Output format of log messages.', parse: oneOf(...LOG_FORMATS) },
];

/** The config file flag, shared by every command. */
export const CONFIG_FLAGS: readonly FlagSpec[] = [
  {
    name: 'config.file',
    type: 'string',
    default: '',
    valueName: 'file',
    help: 'YAML file setting any flag below by name, e.g. "web.listen-address: :9479" or per collector "collector: {cpu: {enabled: true, interval: 10s}}". Unknown keys are errors; the command line and the environment win over it.',
    parse: readableFile,
  },
];

/** Checks a table: unique flag names and unique environment variables. Throws naming the clash. */
export function checkFlagTable(specs: readonly FlagSpec[]): void {
  const names = new Map<string, string>();
  const envs = new Map<string, string>();
  for (const s of specs) {
    if (names.has(s.name)) throw new Error(`flag "--${s.name}" is defined twice`);
    names.set(s.name, s.name);
    const e = envName(s.name);
    const other = envs.get(e);
    if (other !== undefined) throw new Error(`flags "--${other}" and "--${s.name}" would share the environment variable ${e}`);
    envs.set(e, s.name);
  }
}

/** How a default is shown in `--help` and the README (undefined: no default to show). */
export function formatDefault(spec: FlagSpec): string | undefined {
  const d = spec.default;
  if (d === undefined) return undefined;
  if (Array.isArray(d)) return d.length === 0 ? '(none)' : d.join(',');
  if (d === '') return '(none)';
  return typeof d === 'string' ? JSON.stringify(d) : String(d);
}

/** The table for the README: one row per flag. */
export function flagsMarkdownTable(specs: readonly FlagSpec[]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = specs.map((s) => {
    const flag = s.type === 'boolean' ? `\`--[no-]${s.name}\`` : `\`--${s.name}\``;
    const def = formatDefault(s);
    return `| ${flag} | \`${envName(s.name)}\` | ${def === undefined ? '' : cell(`\`${def}\``)} | ${cell(s.help)} |`;
  });
  return ['| Flag | Environment variable | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n';
}
