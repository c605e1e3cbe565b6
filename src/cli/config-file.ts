/**
 * `--config.file`: YAML setting flags by name, for what the command line expresses badly (lists,
 * per-collector settings). A key is a flag name; dots may be written as nesting, so these are
 * the same:
 *
 *     collector.cpu.interval: 10s
 *
 *     collector:
 *       cpu:
 *         enabled: true      # --collector.cpu (a boolean flag that also has sub-keys)
 *         interval: 10s      # --collector.cpu.interval
 *
 * Unknown keys are errors, naming the key and the file. Values keep their YAML type (lists stay
 * lists); each is checked by its flag's parser like a command-line value.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { FlagSpec } from './flags.js';
import { UsageError } from './usage-error.js';

/** A value from the file, with the key path it was written under (for messages). */
export interface ConfigValue {
  readonly value: unknown;
  readonly key: string;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads and parses the file. Throws UsageError naming the file. */
export function readConfigFile(file: string): unknown {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(`config file "${file}": cannot read it (${code ?? (err as Error).message})`);
  }
  try {
    return YAML.parse(source, { uniqueKeys: true, prettyErrors: false }) as unknown;
  } catch (err) {
    const first = ((err as Error).message ?? String(err)).split('\n')[0];
    throw new UsageError(`config file "${file}": invalid YAML: ${first}`);
  }
}

/**
 * The flag values a parsed config document sets, by flag name. Throws UsageError for an
 * unknown key, a key set twice, or a document that is not a mapping.
 */
export function configValues(file: string, doc: unknown, specs: readonly FlagSpec[], notAllowed: readonly string[] = ['config.file']): Map<string, ConfigValue> {
  const out = new Map<string, ConfigValue>();
  if (doc === null || doc === undefined) return out; // an empty file
  const fail = (msg: string): never => {
    throw new UsageError(`config file "${file}": ${msg}`);
  };
  if (!isMapping(doc)) fail('the top level must be a mapping of flag names to values');
  const byName = new Map(specs.map((s) => [s.name, s]));
  const isPrefix = (name: string): boolean => specs.some((s) => s.name.startsWith(name + '.'));

  const set = (name: string, key: string, value: unknown): void => {
    if (notAllowed.includes(name)) fail(`key "${key}" cannot be set in a config file`);
    if (value === null || value === undefined) fail(`key "${key}" has no value`);
    const prev = out.get(name);
    if (prev) fail(`"${name}" is set twice (as "${prev.key}" and as "${key}")`);
    out.set(name, { value, key });
  };

  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(node)) {
      const name = prefix === '' ? k : `${prefix}.${k}`;
      if (k === 'enabled' && prefix !== '' && byName.get(prefix)?.type === 'boolean') set(prefix, name, v);
      else if (byName.has(name) && !isMapping(v)) set(name, name, v);
      else if (isMapping(v) && isPrefix(name)) walk(v, name);
      else fail(`unknown key "${name}"${byName.has(name) ? ' (expected a value, not a mapping)' : ''}`);
    }
  };
  walk(doc as Record<string, unknown>, '');
  return out;
}
