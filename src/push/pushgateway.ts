/**
 * Pushing a registry (ours, or prom-client's) to a Prometheus Pushgateway, with prom-client's
 * own `Pushgateway` client doing the HTTP. Same shape as prom-client's class (moving is an
 * import change), with what it lacks:
 *
 * - Our registry is handed to prom-client through a small adapter (the only registry members
 *   its client uses are `metrics()` and, in its typings, `contentType`): the families are
 *   gathered once, checked, rendered as the text format 0.0.4 whatever the registry's content
 *   type (the Pushgateway does not read OpenMetrics), and that text is what is sent.
 * - Metrics that already carry `job` or a grouping label are refused before any request.
 * - Grouping values with `/`, and empty ones, are sent in the Pushgateway's base64 form
 *   (grouping.ts); prom-client 15 percent-encodes them, which the Pushgateway splits wrongly.
 * - A timeout for the whole request (`timeout`, default 10 s) and an optional AbortSignal per
 *   call; basic auth from `auth`, from credentials in the URL, or an `Authorization` header.
 * - Failures are PushgatewayError: one line with the HTTP status and the gateway's message
 *   (a 401 says that authentication failed). The URL in messages never shows credentials.
 */
import type { Agent } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import { renderText, TEXT_CONTENT_TYPE } from '../exposition/text.js';
import { register as globalRegistry } from '../registry.js';
import { checkNoGroupingLabels, familiesOf, type PushableRegistry } from './families.js';
import { checkGrouping, checkJobName, encodeGroupings, groupPath, PushConfigError } from './grouping.js';

export interface PushgatewayOptions {
  /** Time the whole request may take, ms. Default 10 000. */
  readonly timeout?: number;
  /** Basic auth. Credentials in the gateway URL (`http://user:pass@host:9091`) work too. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Extra request headers (an `Authorization` header, say). */
  readonly headers?: Readonly<Record<string, string>>;
  /** An http(s).Agent for the requests. */
  readonly agent?: Agent;
}

export interface PushParameters {
  readonly jobName: string;
  /** Grouping labels besides `job`; values may contain `/` or be empty. */
  readonly groupings?: Readonly<Record<string, string>>;
  /** Aborts the request (a shutdown deadline, say). */
  readonly signal?: AbortSignal;
}

export interface PushResult {
  /** The HTTP status (200, 202). */
  readonly status: number;
  readonly body: string;
}

export type PushMethod = 'push' | 'pushAdd' | 'delete';
const HTTP_METHOD: Record<PushMethod, string> = { push: 'PUT', pushAdd: 'POST', delete: 'DELETE' };

export type PushgatewayErrorCode = 'ERR_PUSH_HTTP' | 'ERR_PUSH_TIMEOUT' | 'ERR_PUSH_ABORTED' | 'ERR_PUSH_NETWORK';

/** A push that the gateway refused or that did not reach it. `message` is one line. */
export class PushgatewayError extends Error {
  override readonly name = 'PushgatewayError';
  constructor(
    message: string,
    readonly code: PushgatewayErrorCode,
    /** The HTTP status, for ERR_PUSH_HTTP. */
    readonly status?: number,
    /** What the gateway answered (the body), for ERR_PUSH_HTTP. */
    readonly gatewayMessage?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export { PushConfigError };

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_MESSAGE = 300;

interface PromClientPushgateway {
  push(p: { jobName: string; groupings?: Record<string, string> }): Promise<{ resp?: unknown; body?: unknown }>;
  pushAdd(p: { jobName: string; groupings?: Record<string, string> }): Promise<{ resp?: unknown; body?: unknown }>;
  delete(p: { jobName: string; groupings?: Record<string, string> }): Promise<{ resp?: unknown; body?: unknown }>;
}
type PromClientPushgatewayClass = new (url: string, options: Record<string, unknown>, registry: unknown) => PromClientPushgateway;

let promClientPushgateway: PromClientPushgatewayClass | undefined;
/** prom-client is loaded on first use: a worker importing the package's entry point should not pay for it. */
function promClientClass(): PromClientPushgatewayClass {
  promClientPushgateway ??= (createRequire(import.meta.url)('prom-client') as { Pushgateway: PromClientPushgatewayClass }).Pushgateway;
  return promClientPushgateway;
}

/** The gateway URL as shown in messages: no credentials, no trailing slash. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

/** AbortSignal.any, which Node has from 20.3 on. */
function anySignal(signals: AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
  const c = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      c.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > MAX_MESSAGE ? t.slice(0, MAX_MESSAGE) + '…' : t;
}

function statusHint(status: number): string {
  if (status === 401) return ' (authentication failed: wrong or missing username or password)';
  if (status === 403) return ' (forbidden: these credentials may not push here)';
  if (status === 404) return ' (not found: is the URL a Pushgateway, with the right path prefix?)';
  return '';
}

/** Pushes a registry to a Pushgateway. See the module comment. */
export class Pushgateway {
  readonly #url: string;
  readonly #options: PushgatewayOptions;
  readonly #registry: PushableRegistry;

  /**
   * @param url The gateway, `http(s)://host:port` with an optional path prefix.
   * @param registry What to push: one of ours or a prom-client Registry (default: our global `register`).
   */
  constructor(url: string, options: PushgatewayOptions = {}, registry: PushableRegistry = globalRegistry) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new PushConfigError(`Pushgateway URL ${JSON.stringify(displayUrl(url))} is not a valid URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new PushConfigError(`Pushgateway URL ${displayUrl(url)} must start with http:// or https://`);
    if (options.timeout !== undefined && !(Number.isFinite(options.timeout) && options.timeout > 0)) throw new PushConfigError(`timeout must be a positive number of milliseconds, got ${String(options.timeout)}`);
    this.#url = url;
    this.#options = options;
    this.#registry = registry;
  }

  /** Replaces the whole group (HTTP PUT). */
  push(params: PushParameters): Promise<PushResult> {
    return this.#send('push', params);
  }

  /** Adds to the group: series of the pushed metric names are replaced, the others kept (HTTP POST). */
  pushAdd(params: PushParameters): Promise<PushResult> {
    return this.#send('pushAdd', params);
  }

  /** Deletes the group (HTTP DELETE). */
  delete(params: PushParameters): Promise<PushResult> {
    return this.#send('delete', params);
  }

  async #send(method: PushMethod, params: PushParameters): Promise<PushResult> {
    const job = checkJobName(params?.jobName);
    const grouping = checkGrouping(params.groupings);
    let body = '';
    if (method !== 'delete') {
      const families = await familiesOf(this.#registry);
      checkNoGroupingLabels(families, ['job', ...Object.keys(grouping)]);
      body = renderText(families);
    }
    // The adapter prom-client's client reads the body from: the text checked above.
    const adapter = { metrics: async () => body, contentType: TEXT_CONTENT_TYPE };
    const timeoutMs = this.#options.timeout ?? DEFAULT_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = params.signal ? anySignal([timeout, params.signal]) : timeout;
    const { auth, agent } = this.#options;
    const requestOptions: Record<string, unknown> = {
      timeout: timeoutMs,
      signal,
      headers: { 'Content-Type': TEXT_CONTENT_TYPE, ...this.#options.headers },
      ...(auth ? { auth: `${auth.username}:${auth.password}` } : {}),
      ...(agent ? { agent } : {}),
    };
    const client = new (promClientClass())(this.#url, requestOptions, adapter);
    const where = `${HTTP_METHOD[method]} ${displayUrl(this.#url)}${groupPath(job, grouping)}`;
    try {
      const r = await client[method]({ jobName: job, groupings: encodeGroupings(grouping) });
      const status = (r.resp as { statusCode?: number } | undefined)?.statusCode ?? 0;
      return { status, body: typeof r.body === 'string' ? r.body : '' };
    } catch (err) {
      throw toPushgatewayError(err, where, timeout.aborted, timeoutMs, params.signal);
    }
  }
}

function toPushgatewayError(err: unknown, where: string, timedOut: boolean, timeoutMs: number, callerSignal: AbortSignal | undefined): PushgatewayError {
  const message = err instanceof Error ? err.message : String(err);
  const http = /^push failed with status (\d+), ([\s\S]*)$/.exec(message);
  if (http) {
    const status = Number(http[1]);
    const gatewayMessage = oneLine(http[2]!);
    const reason = STATUS_CODES[status] ?? '';
    return new PushgatewayError(
      `${where} failed: HTTP ${status}${reason ? ` ${reason}` : ''}${statusHint(status)}: ${gatewayMessage === '' ? '(empty response)' : gatewayMessage}`,
      'ERR_PUSH_HTTP',
      status,
      gatewayMessage,
      { cause: err },
    );
  }
  if (timedOut) return new PushgatewayError(`${where} failed: no answer within ${timeoutMs} ms`, 'ERR_PUSH_TIMEOUT', undefined, undefined, { cause: err });
  if (callerSignal?.aborted) return new PushgatewayError(`${where} aborted: ${oneLine(String((callerSignal.reason as Error)?.message ?? callerSignal.reason))}`, 'ERR_PUSH_ABORTED', undefined, undefined, { cause: err });
  const code = (err as { code?: string }).code;
  return new PushgatewayError(`${where} failed: cannot reach the Pushgateway: ${oneLine(message)}${code && !message.includes(code) ? ` (${code})` : ''}`, 'ERR_PUSH_NETWORK', undefined, undefined, { cause: err });
}
