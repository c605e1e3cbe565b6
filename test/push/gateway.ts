/** Reading a real Pushgateway back in the push tests: its `/api/v1/metrics` groups. */
import bcrypt from 'bcryptjs';
import { startPushgateway, type PushgatewayHandle } from '../support/pushgateway.js';
import type { SkipContext } from '../support/binaries.js';

export const USER = 'alice';
export const PASSWORD = 'corr3ct horse';

/** A Pushgateway behind bcrypt basic auth (alice / PASSWORD), kept until `stop()`. */
export function startSecuredGateway(t: SkipContext): Promise<PushgatewayHandle | undefined> {
  // No `after`: the gateway outlives the test that starts it; the suite stops it.
  return startPushgateway({ skip: (m) => t.skip(m) }, { webConfig: { basicAuthUsers: { [USER]: bcrypt.hashSync(PASSWORD, 4) } } });
}

export interface GatewayMetric {
  labels: Record<string, string>;
  value?: string;
  buckets?: Record<string, string>;
  quantiles?: Record<string, string>;
  sum?: string;
  count?: string;
}

export interface GatewayGroup {
  /** The grouping labels, job included. */
  labels: Record<string, string>;
  /** Metric families by name (push_time_seconds and push_failure_time_seconds included). */
  families: Record<string, { type: string; help?: string; metrics: GatewayMetric[] }>;
}

export function basicAuth(user = USER, password = PASSWORD): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** Every group the gateway holds. */
export async function groups(gw: PushgatewayHandle): Promise<GatewayGroup[]> {
  const res = await fetch(`${gw.url}/api/v1/metrics`, { headers: { authorization: basicAuth() } });
  if (res.status !== 200) throw new Error(`GET /api/v1/metrics: HTTP ${res.status}`);
  const body = (await res.json()) as { data: Record<string, unknown>[] };
  return body.data.map((g) => {
    const { labels, last_push_successful: _ok, ...families } = g as { labels: Record<string, string>; last_push_successful: boolean };
    return { labels, families: families as GatewayGroup['families'] };
  });
}

/** The group with exactly these grouping labels, or undefined. */
export async function group(gw: PushgatewayHandle, labels: Record<string, string>): Promise<GatewayGroup | undefined> {
  const key = JSON.stringify(Object.entries(labels).sort());
  return (await groups(gw)).find((g) => JSON.stringify(Object.entries(g.labels).sort()) === key);
}
