/**
 * Names and options, checked once at definition time with messages that quote the offender.
 * The regexes are the Prometheus data model's.
 */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

export function checkMetricName(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw new TypeError('Missing mandatory name parameter');
  if (!isValidMetricName(name)) {
    throw new Error(`Invalid metric name: ${JSON.stringify(name)} (must match [a-zA-Z_:][a-zA-Z0-9_:]*)`);
  }
  return name;
}

export function checkHelp(metric: string, help: unknown): string {
  if (typeof help !== 'string' || help === '') throw new TypeError(`Missing mandatory help parameter for metric "${metric}"`);
  return help;
}

export function checkLabelNames(metric: string, names: unknown, reserved: readonly string[]): string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names)) throw new TypeError(`labelNames of metric "${metric}" must be an array of strings`);
  const seen = new Set<string>();
  for (const n of names) {
    if (typeof n !== 'string' || !isValidLabelName(n)) {
      throw new Error(`Invalid label name: ${JSON.stringify(n)} for metric "${metric}" (must match [a-zA-Z_][a-zA-Z0-9_]* and not start with "__")`);
    }
    if (reserved.includes(n)) throw new Error(`Label name "${n}" is reserved for metric "${metric}" of this type`);
    if (seen.has(n)) throw new Error(`Duplicate label name "${n}" for metric "${metric}"`);
    seen.add(n);
  }
  return [...names] as string[];
}

export function checkConstLabels(
  metric: string,
  constLabels: unknown,
  labelNames: readonly string[],
  reserved: readonly string[],
): Record<string, string> {
  if (constLabels === undefined) return {};
  if (typeof constLabels !== 'object' || constLabels === null) throw new TypeError(`constLabels of metric "${metric}" must be an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(constLabels)) {
    checkLabelNames(metric, [k], reserved);
    if (labelNames.includes(k)) throw new Error(`Label name "${k}" of metric "${metric}" is both a const label and a variable label`);
    if (typeof v !== 'string' && typeof v !== 'number') throw new TypeError(`Const label "${k}" of metric "${metric}" must be a string`);
    out[k] = String(v);
  }
  return out;
}

export function checkBuckets(metric: string, buckets: unknown): number[] {
  // An empty list is allowed, as in prom-client and client_golang: the histogram has only +Inf.
  if (!Array.isArray(buckets)) throw new TypeError(`buckets of histogram "${metric}" must be an array of numbers`);
  const out: number[] = [];
  for (let i = 0; i < buckets.length; i++) {
    const b: unknown = buckets[i];
    if (typeof b !== 'number' || Number.isNaN(b)) throw new TypeError(`Bucket ${JSON.stringify(b)} of histogram "${metric}" is not a number`);
    if (b === Infinity) {
      // +Inf is always there; accept it written out as the last bound, as client_golang does.
      if (i !== buckets.length - 1) throw new Error(`Buckets of histogram "${metric}" must be in increasing order (+Inf then ${String(buckets[i + 1])})`);
      continue;
    }
    if (out.length > 0 && b <= out[out.length - 1]!) {
      throw new Error(`Buckets of histogram "${metric}" must be in increasing order (${out[out.length - 1]} then ${b})`);
    }
    out.push(b);
  }
  return out;
}

export function checkPercentiles(metric: string, percentiles: unknown): number[] {
  // An empty list is allowed, as in prom-client: the summary exposes only _sum and _count.
  if (!Array.isArray(percentiles)) throw new TypeError(`percentiles of summary "${metric}" must be an array of numbers`);
  const out = [...percentiles] as number[];
  for (const p of out) {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`Percentile ${JSON.stringify(p)} of summary "${metric}" must be a number in [0, 1]`);
  }
  out.sort((a, b) => a - b);
  for (let i = 1; i < out.length; i++) {
    // Two equal quantile lines would be one series written twice in each scrape.
    if (out[i] === out[i - 1]) throw new Error(`Percentile ${out[i]} of summary "${metric}" is listed twice`);
  }
  return out;
}

export function checkPositiveInteger(metric: string, option: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new TypeError(`${option} of metric "${metric}" must be a positive integer`);
  return v;
}

export function checkValue(metric: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`Value is not a valid number: ${String(v)} (metric "${metric}")`);
  return v;
}
