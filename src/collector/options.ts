/**
 * Checks on a collector option's value, declared as data next to the option (they cross threads
 * with the collector's description, so they cannot be functions). The runtime applies them when
 * it resolves flags (src/runtime/flags.ts), and the CLI resolves flags before anything starts,
 * so a bad value ends the command with exit status 2 and a line naming the flag.
 */

/** Declarative checks of one option's value. */
export interface OptionConstraints {
  /** `number`: a whole number. */
  readonly integer?: boolean;
  /** `number`: at least this. `duration` strings: at least this many milliseconds. */
  readonly min?: number;
  /** `number`: at most this. `duration` strings: at most this many milliseconds. */
  readonly max?: number;
  /** `string`: one of these. */
  readonly choices?: readonly string[];
  /** `string`, or each item of a `string[]`: matches this regular expression (its source; anchor it). */
  readonly pattern?: string;
  /** What `pattern` asks for, in words, for the error message (e.g. `NAME=VALUE`). */
  readonly patternHelp?: string;
  /** `string`: a duration as Prometheus writes it (`30s`, `1m30s`, `250ms`) or `0`. */
  readonly duration?: boolean;
  /**
   * Keys of options of the same collector that cannot be given together with this one. Only
   * meaningful between options without a default (an option with a default is always set).
   */
  readonly conflicts?: readonly string[];
  /** `number`: must be less than the value of this other `number` option of the same collector. */
  readonly lessThan?: string;
}

const DURATION = /^(?:0|(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?)$/;
const UNIT_MS: Readonly<Record<string, number>> = { y: 31_536_000_000, w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Milliseconds of a duration option's value (`0` included); undefined when it is not one. */
export function durationOptionMs(text: string): number | undefined {
  if (typeof text !== 'string' || text === '' || !DURATION.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

function range(c: OptionConstraints, unit = ''): string {
  if (c.min !== undefined && c.max !== undefined) return ` from ${c.min}${unit} to ${c.max}${unit}`;
  if (c.min !== undefined) return c.min === 0 && unit === '' ? ', 0 or more' : ` of at least ${c.min}${unit}`;
  if (c.max !== undefined) return ` of at most ${c.max}${unit}`;
  return '';
}

/** What a valid value looks like, in words (for `--help` and error messages). */
export function describeConstraints(type: string, c: OptionConstraints): string | undefined {
  if (type === 'number') {
    if (c.integer || c.min !== undefined || c.max !== undefined) return `${c.integer ? 'a whole number' : 'a number'}${range(c)}`;
    return undefined;
  }
  if (c.duration) return `a duration such as 30s or 1m30s, or 0 for never${c.min !== undefined || c.max !== undefined ? ` (otherwise${range(c, ' ms')})` : ''}`;
  if (c.choices) return `one of ${c.choices.join(', ')}`;
  if (c.pattern) return c.patternHelp ?? `a value matching /${c.pattern}/`;
  return undefined;
}

/**
 * Returns what is wrong with `value` (a value of the option's type, after coercion), or
 * undefined when it passes every check.
 */
export function optionValueProblem(type: string, c: OptionConstraints, value: unknown): string | undefined {
  const expected = (): string => `expected ${describeConstraints(type, c) ?? type}`;
  if (type === 'number' && typeof value === 'number') {
    if (c.integer && !Number.isSafeInteger(value)) return expected();
    if (c.min !== undefined && value < c.min) return expected();
    if (c.max !== undefined && value > c.max) return expected();
    return undefined;
  }
  const strings = type === 'string[]' && Array.isArray(value) ? (value as unknown[]) : type === 'string' ? [value] : [];
  for (const s of strings) {
    if (typeof s !== 'string') return expected();
    if (c.duration) {
      // 0 means "never" and is always allowed; min and max bound the other values.
      const ms = durationOptionMs(s);
      if (ms === undefined || (ms !== 0 && ((c.min !== undefined && ms < c.min) || (c.max !== undefined && ms > c.max)))) return expected();
    }
    if (c.choices && !c.choices.includes(s)) return expected();
    if (c.pattern && !new RegExp(c.pattern).test(s)) return type === 'string[]' ? `${JSON.stringify(s)}: ${expected()}` : expected();
  }
  return undefined;
}

/** Checks the constraints themselves (a collector file's mistake); returns the problem. */
export function constraintsProblem(type: string, c: OptionConstraints): string | undefined {
  const num = (k: keyof OptionConstraints): boolean => c[k] === undefined || (typeof c[k] === 'number' && Number.isFinite(c[k]));
  if (!num('min') || !num('max')) return 'min and max must be finite numbers';
  if (c.integer !== undefined && typeof c.integer !== 'boolean') return 'integer must be a boolean';
  if (c.duration !== undefined && (typeof c.duration !== 'boolean' || (c.duration && type !== 'string'))) return 'duration applies to string options';
  if (c.choices !== undefined && (!Array.isArray(c.choices) || !c.choices.every((x) => typeof x === 'string'))) return 'choices must be a list of strings';
  if (c.pattern !== undefined) {
    try {
      new RegExp(c.pattern);
    } catch {
      return `pattern ${JSON.stringify(c.pattern)} is not a regular expression`;
    }
  }
  if (c.conflicts !== undefined && (!Array.isArray(c.conflicts) || !c.conflicts.every((x) => typeof x === 'string'))) return 'conflicts must be a list of option keys';
  if (c.lessThan !== undefined && (typeof c.lessThan !== 'string' || type !== 'number')) return 'lessThan must be the key of another number option';
  return undefined;
}
