/**
 * From argv, the environment and the config file to one value per flag.
 *
 * commander recognises the flags (unknown ones, missing values, `--help`, `--version`); the
 * values are then checked here, by the flag table's parsers, whatever their source, so a bad
 * value reads the same from any of them. Precedence: command line, then environment
 * (`ATOMIC_EXPORTER_…`, empty counts as unset), then config file, then the default.
 */
import { Command, CommanderError, Option } from 'commander';
import { parseDuration } from '../runtime/duration.js';
import type { ConfigValue } from './config-file.js';
import { envName, formatDefault, type FlagSpec, type FlagType } from './flags.js';
import { UsageError } from './usage-error.js';

export type FlagSource = 'cli' | 'env' | 'config' | 'default';

export interface ResolvedFlag {
  readonly value: unknown;
  readonly source: FlagSource;
}

export type ParseOutcome =
  /** `--help` or `--version`: print `output` to stdout, exit 0. */
  | { readonly kind: 'exit'; readonly output: string }
  /** Flag values by flag name: every flag given anywhere, and every flag with a default. */
  | { readonly kind: 'run'; readonly flags: ReadonlyMap<string, ResolvedFlag> };

export interface ProgramInfo {
  readonly name: string;
  readonly description: string;
  /** The text `--version` prints. */
  readonly version: string;
}

/** Converts a raw value to a flag's type; throws an Error whose message is the reason. */
function coerce(type: FlagType, v: unknown): unknown {
  switch (type) {
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && /^(true|1|yes)$/i.test(v)) return true;
      if (typeof v === 'string' && /^(false|0|no)$/i.test(v)) return false;
      throw new TypeError('expected true or false');
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) throw new TypeError('expected a number');
      return n;
    }
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw new TypeError('expected a string');
    case 'string[]':
      if (typeof v === 'string') return v === '' ? [] : v.split(',').map((s) => s.trim());
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return [...(v as string[])];
      throw new TypeError('expected a list of strings (comma-separated in the environment)');
    case 'duration': {
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
      let ms: number;
      try {
        ms = parseDuration(String(v));
      } catch {
        throw new TypeError('expected a duration such as 500ms, 5s or 1m30s');
      }
      if (ms <= 0) throw new TypeError('expected a duration above zero');
      return ms;
    }
  }
}

function show(v: unknown): string {
  return Array.isArray(v) ? JSON.stringify(v.join(',')) : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Checks and converts one value with the flag's parser (or its type). Throws UsageError. */
export function flagValue(spec: FlagSpec, raw: unknown, from?: string): unknown {
  try {
    return spec.parse ? spec.parse(raw) : coerce(spec.type, raw);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new UsageError(`invalid value ${show(raw)} for --${spec.name}${from ? ` (from ${from})` : ''}: ${reason}`);
  }
}

function describe(spec: FlagSpec): string {
  const parts: string[] = [];
  const def = formatDefault(spec);
  if (spec.type === 'boolean') {
    if (spec.default !== undefined) parts.push(`default: ${spec.default ? 'on' : 'off'}`);
  } else if (def !== undefined) parts.push(`default: ${def}`);
  if (spec.type === 'string[]') parts.push('repeatable');
  parts.push(`env: ${envName(spec.name)}`);
  return `${spec.help} (${parts.join('; ')})`;
}

/** The placeholder after a flag in `--help`. */
function placeholder(spec: FlagSpec): string {
  if (spec.valueName !== undefined) return spec.valueName;
  if (spec.name.startsWith('path.') || spec.name.endsWith('.dir') || spec.name.endsWith('.file')) return 'path';
  return spec.type === 'number' ? 'n' : spec.type === 'duration' ? 'duration' : 'value';
}

/** A commander program that knows the flags (and does not exit, print or parse values itself). */
export function buildProgram(info: ProgramInfo, specs: readonly FlagSpec[]): { program: Command; keys: Map<string, FlagSpec> } {
  const program = new Command(info.name)
    .description(info.description)
    .version(info.version, '--version', 'Print the version and exit.')
    .helpOption('-h, --help', 'Show this help and exit.')
    .allowExcessArguments(false)
    .exitOverride()
    .configureHelp({
      helpWidth: 120,
      // Booleans read as kingpin writes them: `--[no-]collector.cpu`, one line for both forms.
      optionTerm: (o) => (o.negate || !o.long || o.required || o.optional || !keys.has(o.attributeName()) ? o.flags : `--[no-]${o.long.slice(2)}`),
    });
  const keys = new Map<string, FlagSpec>();
  for (const spec of specs) {
    let opt: Option;
    if (spec.type === 'boolean') {
      opt = new Option(`--${spec.name}`, describe(spec));
      program.addOption(opt);
      program.addOption(new Option(`--no-${spec.name}`).hideHelp());
    } else {
      opt = new Option(`--${spec.name} <${placeholder(spec)}>`, describe(spec));
      if (spec.type === 'string[]') opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
      program.addOption(opt);
    }
    keys.set(opt.attributeName(), spec);
  }
  return { program, keys };
}

export interface ParseInput {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Values from the config file, by flag name. */
  readonly config?: ReadonlyMap<string, ConfigValue>;
  /** The config file's path, for messages. */
  readonly configFile?: string;
}

/**
 * Parses and resolves every flag. Throws UsageError (one line) for an unknown flag, a missing
 * or bad value, or an unexpected argument.
 */
export function parseFlags(info: ProgramInfo, specs: readonly FlagSpec[], input: ParseInput): ParseOutcome {
  const { program, keys } = buildProgram(info, specs);
  let output = '';
  program.configureOutput({ writeOut: (s) => (output += s), writeErr: () => {}, outputError: () => {} });
  try {
    program.parse([...input.argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return { kind: 'exit', output };
      if (err.code === 'commander.unknownOption') throw unknownFlag(err.message, specs);
      throw new UsageError(err.message.replace(/^error: /, ''));
    }
    throw err;
  }
  const opts = program.opts<Record<string, unknown>>();
  const flags = new Map<string, ResolvedFlag>();
  for (const [key, spec] of keys) {
    const env = input.env[envName(spec.name)];
    const fromConfig = input.config?.get(spec.name);
    if (program.getOptionValueSource(key) === 'cli' && opts[key] !== undefined) {
      flags.set(spec.name, { value: flagValue(spec, opts[key]), source: 'cli' });
    } else if (env !== undefined && env !== '') {
      flags.set(spec.name, { value: flagValue(spec, env, `environment variable ${envName(spec.name)}`), source: 'env' });
    } else if (fromConfig !== undefined) {
      const where = `config file "${input.configFile ?? '?'}", key "${fromConfig.key}"`;
      flags.set(spec.name, { value: flagValue(spec, fromConfig.value, where), source: 'config' });
    } else if (spec.default !== undefined) {
      flags.set(spec.name, { value: spec.parse ? spec.parse(spec.default) : spec.default, source: 'default' });
    }
  }
  return { kind: 'run', flags };
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** `unknown flag "--x"`, with the closest known flag when one is close (commander's suggestion misses `--x=value`). */
function unknownFlag(message: string, specs: readonly FlagSpec[]): UsageError {
  const arg = /'([^']*)'/.exec(message)?.[1] ?? '';
  const given = arg.split('=')[0]!;
  const bare = given.replace(/^--(no-)?/, '');
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(bare.length / 5)) + 1;
  for (const s of specs) {
    const d = editDistance(bare, s.name);
    if (d < bestDistance) {
      bestDistance = d;
      best = s.name;
    }
  }
  return new UsageError(`unknown flag "${given}"${best !== undefined ? ` (did you mean --${best}?)` : ''}`);
}

/**
 * The values of `--NAME` in argv (`--NAME=V` and `--NAME V`), for the few flags read before the
 * rest can be known (`--config.file`, `--collectors.dir`).
 */
export function scanArgv(argv: readonly string[], name: string): string[] {
  const out: string[] = [];
  const flag = `--${name}`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith(flag + '=')) out.push(a.slice(flag.length + 1));
    else if (a === flag && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return out;
}
