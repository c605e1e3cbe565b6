/**
 * Reading a collector's resolved options. The runtime fills `ctx.options` from flags,
 * environment and the config file; these helpers fall back to the declared default when a key
 * is absent (e.g. in tests) and reject values of the wrong type with a message naming the flag.
 */
import type { CollectorOption } from '../collector/define.js';

type Options = Readonly<Record<string, unknown>>;
type Declared = Readonly<Record<string, CollectorOption>>;

/** The flag the runtime derives for an option: its own `flag`, else `collector.NAME.<kebab-key>`. */
function flagName(collector: string, key: string, spec: CollectorOption | undefined): string {
  const kebab = key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
  return `--${spec?.flag ?? `collector.${collector}.${kebab}`}`;
}

/** A string option (a regex, a path, a duration). */
export function stringOption(collector: string, declared: Declared, options: Options, key: string): string {
  const spec = declared[key];
  const v = options[key] ?? spec?.default ?? '';
  if (typeof v !== 'string') throw new TypeError(`${flagName(collector, key, spec)} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

/** A boolean option; the strings "true"/"false" are accepted too (environment variables). */
export function boolOption(collector: string, declared: Declared, options: Options, key: string): boolean {
  const spec = declared[key];
  const v = options[key] ?? spec?.default ?? false;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new TypeError(`${flagName(collector, key, spec)} must be a boolean, got ${JSON.stringify(v)}`);
}
