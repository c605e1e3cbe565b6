/**
 * The job and grouping labels of a push, checked and encoded as the Pushgateway reads them.
 *
 * The Pushgateway takes them from the URL path, `/metrics/job/<job>/<label>/<value>/…`, and
 * decodes the path before splitting it at `/`. So a value containing `/` cannot simply be
 * percent-encoded (`%2F` is split like `/`, checked against the real Pushgateway 1.5): it must
 * be sent as `<label>@base64/<URL-safe base64 of the value>`, and an empty value as
 * `<label>@base64/=`, which is what client_golang's push package does.
 *
 * prom-client 15's Pushgateway percent-encodes keys and values (`encodeURIComponent`), so a `/`
 * in a value breaks the grouping and an empty value makes an empty path segment. We give it
 * keys and values already in the Pushgateway's form (`path@base64` → `path%40base64`, which the
 * gateway decodes back): `encodeGroupings`. The job is written by prom-client as `/job/<job>`
 * with no way to choose the base64 form, so a job name containing `/` is refused.
 */
import { isValidLabelName } from '../metrics/validate.js';

/** Why a push is refused before any request: bad job or grouping, or metrics carrying those labels. */
export class PushConfigError extends Error {
  override readonly name = 'PushConfigError';
  readonly code = 'ERR_PUSH_CONFIG';
}

/** Checks a job name: not empty, no `/`. Returns it. */
export function checkJobName(job: unknown): string {
  if (typeof job !== 'string' || job === '') throw new PushConfigError('a push needs a job name (jobName): the Pushgateway groups pushes by job');
  if (job.includes('/')) {
    throw new PushConfigError(`job name ${JSON.stringify(job)} contains "/": the Pushgateway needs such a job base64-encoded (job@base64), which prom-client's client cannot send; use a job name without "/" and put the rest in a grouping label`);
  }
  return job;
}

/** Checks grouping labels: valid label names, not `job`, string values. Returns a copy. */
export function checkGrouping(grouping: unknown): Record<string, string> {
  if (grouping === undefined || grouping === null) return {};
  if (typeof grouping !== 'object' || Array.isArray(grouping)) throw new PushConfigError('groupings must be an object of label names to values');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(grouping as Record<string, unknown>)) {
    if (!isValidLabelName(k)) throw new PushConfigError(`grouping label name ${JSON.stringify(k)} is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__")`);
    if (k === 'job') throw new PushConfigError('"job" cannot be a grouping label: it is the job name (jobName, --job)');
    if (typeof v !== 'string' && typeof v !== 'number') throw new PushConfigError(`grouping label "${k}" must have a string value, got ${JSON.stringify(v)}`);
    out[k] = String(v);
  }
  return out;
}

/** URL-safe base64 without padding (Go's base64.RawURLEncoding). */
function base64Url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}

/**
 * The grouping as prom-client's Pushgateway should be given it (`groupings`): values with `/`
 * as `name@base64` → base64url, empty values as `name@base64` → `=`, the others unchanged
 * (prom-client percent-encodes them).
 */
export function encodeGroupings(grouping: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(grouping)) {
    if (v === '') out[`${k}@base64`] = '=';
    else if (v.includes('/')) out[`${k}@base64`] = base64Url(v);
    else out[k] = v;
  }
  return out;
}

/** The group's path under the gateway, as it is sent (for messages and tests). */
export function groupPath(job: string, grouping: Readonly<Record<string, string>>): string {
  let p = `/metrics/job/${encodeURIComponent(job)}`;
  for (const [k, v] of Object.entries(encodeGroupings(grouping))) p += `/${encodeURIComponent(k)}/${encodeURIComponent(v)}`;
  return p;
}
