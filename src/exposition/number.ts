/**
 * Number formatting for the exposition.
 *
 * Sample values use JavaScript's shortest round-trip rendering (`String(v)`, the digits
 * prom-client writes), which both formats accept: the text format reads values with Go's
 * `strconv.ParseFloat`, and every `String(v)` of a finite number matches the OpenMetrics
 * `realnumber` grammar (`1e+21`, `5e-324`, `0.1`). Only the non-finite spellings differ from JS.
 *
 * `le` and `quantile` label values are different: they are label values, compared as strings by
 * every query, so the same bound must always be spelled the same way. The OpenMetrics spec names
 * the canonical form: Go's `%g` of a float64 (shortest digits, exponent when it is below -4 or
 * at least 6, at least two exponent digits) with `.0` appended when there is neither a `.` nor an
 * exponent. The text format has no rule; we follow client_golang, i.e. `%g` without the `.0`.
 */

/** A sample value for either format: `String(v)`, but `+Inf`, `-Inf` (and `NaN`) as Prometheus spells them. */
export function formatSampleValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v); // NaN renders as 'NaN' already
}

/** Go's `strconv.FormatFloat(v, 'g', -1, 64)` for finite v, except that -0 is `0` as in client_golang. */
function formatGoShortest(v: number): string {
  if (v === 0) return '0';
  // toExponential() without an argument gives the shortest digits that round-trip, the same
  // digits Go chooses; only the layout differs.
  const sci = v.toExponential();
  const at = sci.indexOf('e');
  const exp = Number(sci.slice(at + 1));
  if (exp < -4 || exp >= 6) {
    const abs = exp < 0 ? -exp : exp;
    return sci.slice(0, at) + (exp < 0 ? 'e-' : 'e+') + (abs < 10 ? '0' : '') + abs;
  }
  // Between 1e-4 and 1e6 JS writes fixed notation with the same shortest digits.
  return String(v);
}

function nonFinite(v: number): string | undefined {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return undefined;
}

/**
 * An `le` or `quantile` label value for the Prometheus text format, as client_golang writes it:
 * `0.1`, `1`, `1e-05`, `1e+06`, `+Inf`.
 */
export function formatLeText(v: number): string {
  return nonFinite(v) ?? formatGoShortest(v);
}

/**
 * An `le` or `quantile` label value in the OpenMetrics canonical form: `0.1`, `1.0`, `1e-05`,
 * `100000.0`, `1e+06`, `+Inf`.
 */
export function formatOpenMetricsNumber(v: number): string {
  const special = nonFinite(v);
  if (special !== undefined) return special;
  const s = formatGoShortest(v);
  return s.includes('.') || s.includes('e') ? s : s + '.0';
}
