/**
 * Escaping for the two exposition formats.
 *
 * Label values escape the same three characters in the Prometheus text format 0.0.4 and in
 * OpenMetrics 1.0.0 (`\` → `\\`, `"` → `\"`, newline → `\n`), so the store escapes each series'
 * labels once, when the series is created, and the renderers copy the result. HELP text differs:
 * the text format escapes only backslash and newline (a `\"` there would be read back as two
 * characters), while OpenMetrics uses the label-value escaping.
 *
 * These functions scan char codes rather than run a regex: most strings need no escaping and are
 * returned as they are, without a copy.
 */

const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const QUOTE = 0x22;

function escape(s: string, quote: boolean): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let replacement: string;
    if (c === BACKSLASH) replacement = '\\\\';
    else if (c === NEWLINE) replacement = '\\n';
    else if (c === QUOTE && quote) replacement = '\\"';
    else continue;
    out += s.slice(from, i) + replacement;
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

/** Escapes a label value for both formats: `\` → `\\`, `"` → `\"`, newline → `\n`. */
export function escapeLabelValue(s: string): string {
  return escape(s, true);
}

/** Escapes HELP text for the Prometheus text format 0.0.4: `\` → `\\`, newline → `\n`. */
export function escapeHelpText(s: string): string {
  return escape(s, false);
}

/** Escapes HELP text for OpenMetrics 1.0.0: `\` → `\\`, `"` → `\"`, newline → `\n`. */
export function escapeHelpOpenMetrics(s: string): string {
  return escape(s, true);
}

/**
 * Joins label names and values into the text the store keeps per series (the
 * `FamilySnapshot.labelTexts` entry): `a="x",b="y"`, values escaped, no braces; `''` when there
 * are no labels. Names must already be valid label names; they are copied as they are.
 *
 * The result is flattened (see flattenString) because the store keeps it for the life of the
 * series and every render copies it.
 */
export function formatLabelPairs(names: readonly string[], values: readonly string[]): string {
  if (names.length !== values.length) {
    throw new RangeError(
      `formatLabelPairs: ${names.length} label names but ${values.length} values`,
    );
  }
  let out = '';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ',';
    out += names[i] + '="' + escapeLabelValue(values[i] as string) + '"';
  }
  return flattenString(out);
}

/**
 * Returns `s` after making V8 store it as one contiguous string.
 *
 * `a + b` in V8 builds a rope (a "cons string" node pointing at both parts), flattened lazily.
 * A label text kept as a rope of a dozen pieces costs about three times the memory of the flat
 * string and slows every render that copies it (measured: 1M label texts, 259 MB of heap vs
 * 83 MB, and the render's copy 3x slower). Reading a character forces V8 to flatten the rope in
 * place. This is an engine detail, not a language guarantee; on an engine that does not do it
 * the call is a harmless no-op.
 * @internal also used by the renderers on their chunks
 */
export function flattenString(s: string): string {
  s.charCodeAt(0);
  return s;
}
