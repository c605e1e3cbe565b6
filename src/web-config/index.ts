/**
 * `--web.config.file`: TLS, basic authentication, security headers and a rate limit, in
 * exporter-toolkit's format, turned into what MetricsServer takes (`tls`, `headers`,
 * `onRequest`). Everything is read and checked once, at start; a problem is a WebConfigError
 * naming the file, and the exporter does not start.
 *
 * Differences from exporter-toolkit: the file is not re-read per request (a changed file, or
 * a renewed certificate, needs a restart); `http_server_config.http2` is accepted and has no
 * effect (HTTP/1.1 only); a certificate and its key are checked to belong together at start.
 */
import type { HookResponse, RequestHook } from '../server/server.js';
import type { ResponseHeaders, TlsSettings } from '../server/backend.js';
import { BasicAuth, checkUsers, type AuthVerdict, type BasicAuthOptions } from './basic-auth.js';
import { failFor } from './errors.js';
import { responseHeaders } from './headers.js';
import { readWebConfig, type WebConfigFile } from './parse.js';
import { rateLimiterOf } from './rate-limit.js';
import { tlsSettingsOf, type ClientAuthType } from './tls.js';

export { WebConfigError } from './errors.js';
export { parseWebConfig, readWebConfig, type WebConfigFile, type TlsServerConfig } from './parse.js';
export { BasicAuth, parseBasicAuth, type AuthVerdict, type BasicAuthOptions } from './basic-auth.js';
export { CONFIGURABLE_HEADERS } from './headers.js';
export { RateLimiter, parseGoDuration } from './rate-limit.js';
export { CLIENT_AUTH_TYPES, subjectAltNames, type ClientAuthType } from './tls.js';

/** What the server gets from a web config file. */
export interface WebConfig {
  readonly file: string;
  /** HTTPS settings; undefined: plain HTTP. */
  readonly tls?: TlsSettings;
  /** Headers added to every response. */
  readonly headers: ResponseHeaders;
  /** Rate limit and basic authentication; undefined when neither is configured. */
  readonly onRequest?: RequestHook;
  /** For the start-up log line. */
  readonly summary: {
    readonly tls: boolean;
    readonly clientAuth: ClientAuthType | 'none';
    readonly users: number;
    readonly headers: readonly string[];
    readonly rateLimit: boolean;
  };
  /** Things to warn about at start. */
  readonly warnings: readonly string[];
}

export interface WebConfigOptions {
  /** Told about refused TLS connections (log them at debug level). */
  readonly onTlsRefused?: (reason: string, remoteAddress: string) => void;
  /** For tests: the bcrypt comparison and limits. */
  readonly basicAuth?: BasicAuthOptions;
}

const UNAUTHORIZED: HookResponse = { status: 401, headers: { 'www-authenticate': 'Basic' }, body: 'Unauthorized\n' };
const TOO_MANY: HookResponse = { status: 429, body: 'Too Many Requests\n' };

/** Turns a parsed file into server settings. Throws WebConfigError. */
export function webConfigOf(parsed: WebConfigFile, options: WebConfigOptions = {}): WebConfig {
  const fail = failFor(parsed.file);
  const warnings: string[] = [];
  const tls = parsed.tls ? tlsSettingsOf(parsed.tls, fail, options.onTlsRefused) : undefined;
  if (tls) warnings.push(...tls.warnings);
  if (parsed.tlsIgnoredKeys !== undefined) {
    warnings.push(`tls_server_config sets ${parsed.tlsIgnoredKeys.join(', ')} but no certificate: TLS is off, serving plain HTTP`);
  }
  const headers = responseHeaders(parsed.http.headers, fail);
  checkUsers(parsed.users, fail);
  const limiter = rateLimiterOf(parsed.rateLimit, fail);
  const auth = parsed.users.size > 0 ? new BasicAuth(parsed.users, options.basicAuth) : undefined;
  if (headers['strict-transport-security'] !== undefined && !tls) warnings.push('Strict-Transport-Security is set but TLS is not: browsers ignore it over plain HTTP');

  let onRequest: RequestHook | undefined;
  if (limiter || auth) {
    onRequest = (req) => {
      if (limiter && !limiter.allow()) return TOO_MANY;
      if (!auth) return undefined;
      const verdict = auth.check(req.headers.authorization);
      const answer = (v: AuthVerdict): HookResponse | undefined => (v === 'ok' ? undefined : v === 'busy' ? TOO_MANY : UNAUTHORIZED);
      return typeof verdict === 'string' ? answer(verdict) : verdict.then(answer);
    };
  }
  return {
    file: parsed.file,
    ...(tls ? { tls: tls.settings } : {}),
    headers,
    ...(onRequest ? { onRequest } : {}),
    summary: {
      tls: tls !== undefined,
      clientAuth: tls?.clientAuth ?? 'none',
      users: parsed.users.size,
      headers: Object.keys(headers),
      rateLimit: limiter !== undefined,
    },
    warnings,
  };
}

/** Reads, checks and turns `file` into server settings. Throws WebConfigError naming the file. */
export function loadWebConfig(file: string, options: WebConfigOptions = {}): WebConfig {
  return webConfigOf(readWebConfig(file), options);
}
