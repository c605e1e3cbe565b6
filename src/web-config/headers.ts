/**
 * `http_server_config.headers`: security headers added to every response. As in
 * exporter-toolkit, only these five can be set, so exporters of the Prometheus ecosystem
 * behave alike (a file cannot, say, override Content-Type), and the two with a fixed
 * vocabulary only take its values. A blank value leaves the header out.
 */
import type { Fail } from './errors.js';

/** Header → allowed values (undefined: any value). Names as exporter-toolkit spells them. */
const CONFIGURABLE: ReadonlyMap<string, readonly string[] | undefined> = new Map([
  ['Strict-Transport-Security', undefined],
  ['X-Content-Type-Options', ['nosniff']],
  ['X-Frame-Options', ['deny', 'sameorigin']],
  ['X-XSS-Protection', undefined],
  ['Content-Security-Policy', undefined],
]);

/** The names that can be configured, for messages and docs. */
export const CONFIGURABLE_HEADERS: readonly string[] = [...CONFIGURABLE.keys()];

/**
 * Checks the configured headers; returns them with lower-case names (as the server writes
 * headers), blank ones left out. Names match case-insensitively; values exactly.
 */
export function responseHeaders(headers: Readonly<Record<string, string>>, fail: Fail): Record<string, string> {
  const byLower = new Map([...CONFIGURABLE.keys()].map((k) => [k.toLowerCase(), k]));
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    const canonical = byLower.get(name.toLowerCase());
    if (canonical === undefined) fail(`http_server_config.headers: header "${name}" cannot be configured (allowed: ${CONFIGURABLE_HEADERS.join(', ')})`);
    const allowed = CONFIGURABLE.get(canonical!);
    if (seen.has(canonical!)) fail(`http_server_config.headers: header "${canonical}" is set twice`);
    seen.add(canonical!);
    if (value === '') continue;
    if (/[\r\n\0]/.test(value)) fail(`http_server_config.headers.${canonical}: the value contains a line break or NUL`);
    if (allowed !== undefined && !allowed.includes(value)) {
      fail(`http_server_config.headers.${canonical}: invalid value ${JSON.stringify(value)} (expected one of: ${allowed.join(', ')})`);
    }
    out[canonical!.toLowerCase()] = value;
  }
  return out;
}
