/**
 * The exporter's HTTP server: `/metrics` (path configurable), `/`, `/-/healthy`, `/-/ready`.
 *
 * Routing, limits, negotiation and rendering live here; moving bytes is the backend's job
 * (uws-backend.ts, or node-backend.ts when uWebSockets.js cannot load). Every response goes
 * through `#send`, so headers added for all responses (security headers) and the request hook
 * (authentication) apply to every path alike; TLS is a backend option. That is where
 * `--web.config.file` plugs in.
 */
import { createRequire } from 'node:module';
import { register as globalRegistry, type Registry } from '../registry.js';
import type { Engine, Exchange, HttpBackend, IncomingRequest, ResponseBody, ResponseHeaders, TlsFiles, TlsSettings } from './backend.js';
import { formatHostPort, isTlsSettings } from './backend.js';
import { landingPage } from './landing.js';
import { negotiateEncoding, negotiateFormat } from './negotiate.js';
import { NodeBackend, tlsSettingsFromFiles } from './node-backend.js';
import { SelfMetrics } from './self-metrics.js';
import { SharedRenders } from './shared-render.js';
import { Sources, type PromClientRegistryLike } from './sources.js';
import { UwsBackend } from './uws-backend.js';
import { loadUws, type UwsLoadResult } from './uws.js';

/** What the server serves: a registry and whether it is ready (the collector runtime fits). */
export interface MetricsTarget {
  readonly registry: Registry;
  /** True once the target can answer scrapes with real values; `/-/ready` says so. Default: always. */
  ready?(): boolean;
}

/** The logging the server does (a pino logger fits). */
export interface ServerLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** A refusal from the request hook: the response to send instead. */
export interface HookResponse {
  readonly status: number;
  readonly headers?: ResponseHeaders;
  readonly body?: string;
}

/**
 * Runs before routing, for every request. Returns undefined to let the request through, or the
 * response to send instead (e.g. 401 with `WWW-Authenticate`). May be async (bcrypt).
 */
export type RequestHook = (request: IncomingRequest) => HookResponse | undefined | Promise<HookResponse | undefined>;

export interface MetricsServerOptions {
  /** What to serve. Default: the global registry, always ready. */
  target?: MetricsTarget;
  /** Default `/metrics`. Must start with `/`. */
  metricsPath?: string;
  /** Concurrent `/metrics` requests served; more get 503. 0: no limit. Default 40. */
  maxRequests?: number;
  /** `auto` (default): uWebSockets.js, or node:http with a warning when it cannot load. */
  engine?: 'auto' | Engine;
  /** prom-client's default process and Node.js metrics (`process_*`, `nodejs_*`). Default true. */
  defaultMetrics?: boolean;
  /** More prom-client registries served on the same endpoint. */
  promClientRegistries?: readonly PromClientRegistryLike[];
  logger?: ServerLogger;
  /**
   * Serve HTTPS: certificate files (both engines), or TlsSettings (`--web.config.file`), which
   * may need node:https (client certificates, TLS versions, ciphers): then `auto` picks node and
   * `uws` is refused.
   */
  tls?: TlsFiles | TlsSettings;
  /** See RequestHook. */
  onRequest?: RequestHook;
  /** Headers added to every response. */
  headers?: ResponseHeaders;
  /**
   * Bytes of rendered output kept per format for reuse while its values do not change (see
   * src/render/renderer.ts; default 64 MiB). 0: every scrape renders everything.
   */
  renderCacheBytes?: number;
  /**
   * Sample lines above which `/metrics` is sent as it is rendered (chunked, never whole in
   * memory) rather than with a Content-Length (default 200 000).
   */
  streamLines?: number;
  /** @internal Replaces the uWebSockets.js loader (tests force the fallback with it). */
  loadUws?: () => UwsLoadResult;
  /** @internal Largest buffered body joined into reused memory (SharedRendersOptions.joinMaxBytes; tests). */
  joinMaxBytes?: number;
}

export interface ListeningAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (`https` with TLS; `localhost` for every interface). */
  readonly url: string;
}

const TEXT_PLAIN = 'text/plain; charset=utf-8';
const ALLOW = 'GET, HEAD';
const DEFAULT_MAX_REQUESTS = 40;
/** prom-client default metrics left out: see the constructor. */
const LINTED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

type Route = 'metrics' | 'landing' | 'healthy' | 'ready';

/** Writes warnings and errors to stderr when no logger is given. */
const consoleLogger: ServerLogger = {
  debug: () => {},
  info: () => {},
  warn: (obj, msg) => console.error(`level=warn msg=${JSON.stringify(msg)}`, Object.keys(obj).length > 0 ? JSON.stringify(obj) : ''),
  error: (obj, msg) => console.error(`level=error msg=${JSON.stringify(msg)}`, Object.keys(obj).length > 0 ? JSON.stringify(obj) : ''),
};

function checkOptions(o: MetricsServerOptions): void {
  if (o.metricsPath !== undefined && (typeof o.metricsPath !== 'string' || !o.metricsPath.startsWith('/'))) {
    throw new TypeError(`options.metricsPath must be a path starting with "/", got ${JSON.stringify(o.metricsPath)}`);
  }
  if (o.maxRequests !== undefined && !(Number.isInteger(o.maxRequests) && o.maxRequests >= 0)) {
    throw new TypeError(`options.maxRequests must be a non-negative integer, got ${String(o.maxRequests)}`);
  }
  if (o.renderCacheBytes !== undefined && !(Number.isSafeInteger(o.renderCacheBytes) && o.renderCacheBytes >= 0)) {
    throw new TypeError(`options.renderCacheBytes must be a non-negative integer, got ${String(o.renderCacheBytes)}`);
  }
  if (o.streamLines !== undefined && !(o.streamLines >= 0)) throw new TypeError(`options.streamLines must be a non-negative number, got ${String(o.streamLines)}`);
  if (o.engine !== undefined && o.engine !== 'auto' && o.engine !== 'uws' && o.engine !== 'node') {
    throw new TypeError(`options.engine must be "auto", "uws" or "node", got ${JSON.stringify(o.engine)}`);
  }
}

/**
 * Serves a registry (and prom-client registries) over HTTP. Create, `listen`, `close`.
 *
 * Concurrency: everything runs on the main thread's event loop. Renders of the same format and
 * encoding that overlap are shared (SharedRenders); the in-flight count covers a request from
 * its arrival until its response is fully handed to the socket or the client goes away.
 */
export class MetricsServer {
  readonly #target: MetricsTarget;
  readonly #metricsPath: string;
  readonly #maxRequests: number;
  readonly #logger: ServerLogger;
  readonly #sources: Sources;
  readonly #self = new SelfMetrics();
  readonly #renders: SharedRenders;
  readonly #backend: HttpBackend;
  readonly #onRequest: RequestHook | undefined;
  readonly #extraHeaders: ResponseHeaders;
  readonly #tls: boolean;
  readonly #landing: Buffer;
  #inFlight = 0;
  #idle: (() => void) | undefined;
  #address: ListeningAddress | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: MetricsServerOptions = {}) {
    checkOptions(options);
    this.#target = options.target ?? { registry: globalRegistry };
    this.#metricsPath = options.metricsPath ?? '/metrics';
    this.#maxRequests = options.maxRequests ?? DEFAULT_MAX_REQUESTS;
    this.#logger = options.logger ?? consoleLogger;
    this.#onRequest = options.onRequest;
    this.#extraHeaders = options.headers ?? {};
    this.#tls = options.tls !== undefined;
    this.#landing = Buffer.from(landingPage(this.#metricsPath));

    this.#sources = new Sources((msg) => this.#logger.warn({}, msg));
    this.#sources.addRegistry(this.#target.registry, 'the atomic-exporter registry');
    this.#sources.addRegistry(this.#self.registry, "the server's self-metrics");
    if (options.defaultMetrics ?? true) {
      // Loaded here, not at import: a worker thread importing the package's entry point should
      // not pay for prom-client.
      const promClient = createRequire(import.meta.url)('prom-client') as typeof import('prom-client');
      const defaults = new promClient.Registry();
      promClient.collectDefaultMetrics({ register: defaults });
      // Gauges named `*_total`, which promtool flags (a counter suffix on a gauge); each is the
      // sum over the labelled gauge of the same name without it, so nothing is lost.
      for (const name of LINTED_DEFAULT_METRICS) defaults.removeSingleMetric(name);
      this.#sources.addPromClientRegistry(defaults, 'default process metrics');
    }
    for (const r of options.promClientRegistries ?? []) this.#sources.addPromClientRegistry(r);

    this.#renders = new SharedRenders(
      () => this.#sources.plan(),
      (format, seconds) => this.#self.observeRender(format, seconds),
      {
        ...(options.renderCacheBytes !== undefined ? { maxCacheBytes: options.renderCacheBytes } : {}),
        ...(options.streamLines !== undefined ? { streamLines: options.streamLines } : {}),
        ...(options.joinMaxBytes !== undefined ? { joinMaxBytes: options.joinMaxBytes } : {}),
      },
    );
    this.#backend = this.#createBackend(options.engine ?? 'auto', options.tls, options.loadUws ?? loadUws);
  }

  #createBackend(engine: 'auto' | Engine, tls: TlsFiles | TlsSettings | undefined, load: () => UwsLoadResult): HttpBackend {
    const handler = (ex: Exchange): void => this.#handle(ex);
    // Certificate files given directly are read lazily: uWS reads them itself.
    const settings = (): TlsSettings | undefined => (tls === undefined ? undefined : isTlsSettings(tls) ? tls : tlsSettingsFromFiles(tls));
    const node = (): NodeBackend => {
      const s = settings();
      return new NodeBackend(handler, s ? { tls: s } : {});
    };
    if (engine === 'node') return node();
    const uwsTls = tls === undefined ? undefined : isTlsSettings(tls) ? tls.uws : tls;
    if (tls !== undefined && uwsTls === undefined) {
      const why = (tls as TlsSettings).uwsUnsupported ?? 'these TLS settings need node:https';
      if (engine === 'uws') throw new Error(`options.engine is "uws" but uWebSockets.js cannot serve these TLS settings: ${why}`);
      this.#logger.info({ reason: why }, 'serving with node:https: uWebSockets.js cannot serve these TLS settings');
      return node();
    }
    const uws = load();
    if (uws.ok) return new UwsBackend(uws.uws, handler, uwsTls ? { tls: uwsTls } : {});
    if (engine === 'uws') throw new Error(`options.engine is "uws" but ${uws.reason}`);
    this.#logger.warn({ reason: uws.reason }, 'uWebSockets.js is not available here; serving with node:http instead');
    return node();
  }

  /** The HTTP implementation in use: `uws` or `node`. */
  get engine(): Engine {
    return this.#backend.engine;
  }

  /** Where the server listens, once `listen` resolved. */
  get address(): ListeningAddress | undefined {
    return this.#address;
  }

  /** Requests being served now: `/metrics` scrapes, and any request waiting on an async request hook. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Serves a prom-client registry's metrics on the same endpoint. Throws MetricNameClashError
   * when one of its names is already served.
   */
  addPromClientRegistry(registry: PromClientRegistryLike, description?: string): void {
    this.#sources.addPromClientRegistry(registry, description);
  }

  /**
   * Checks again that no two sources serve the same name (after collectors declared their
   * metrics, for example). Throws MetricNameClashError.
   */
  checkNames(): void {
    this.#sources.check();
  }

  /**
   * Listens on `host:port` (`host` '' for every interface, port 0 for any free port). Rejects
   * with a ListenError (`code` EADDRINUSE, ...) when the address cannot be bound.
   */
  async listen(host: string, port: number): Promise<ListeningAddress> {
    this.#sources.check();
    const { port: bound } = await this.#backend.listen(host, port);
    const scheme = this.#tls ? 'https' : 'http';
    this.#address = { host, port: bound, url: `${scheme}://${formatHostPort(host === '' ? 'localhost' : host, bound)}` };
    this.#logger.info({ address: formatHostPort(host, bound), engine: this.engine, tls: this.#tls }, 'Listening');
    return this.#address;
  }

  /**
   * Stops accepting connections, lets `/metrics` responses in flight finish (up to `graceMs`,
   * default 5000), then closes every connection. Requests that still arrive on connections
   * opened before (keep-alive) get 503 with `Connection: close`.
   */
  close(graceMs = 5000): Promise<void> {
    this.#closing ??= (async () => {
      this.#backend.stopListening();
      if (this.#inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => (this.#idle = resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
        ]);
        clearTimeout(timer);
      }
      this.#backend.closeConnections();
    })();
    return this.#closing;
  }

  #handle(ex: Exchange): void {
    if (this.#closing !== undefined) {
      // A request on a connection that was open before close() (keep-alive): the server is
      // going away; say so, and end the connection.
      this.#send(ex, 503, { 'content-type': TEXT_PLAIN, connection: 'close' }, 'Service Unavailable: shutting down.\n');
      return;
    }
    if (this.#onRequest === undefined) {
      this.#route(ex);
      return;
    }
    let verdict: ReturnType<RequestHook>;
    try {
      verdict = this.#onRequest(ex.request);
    } catch (err) {
      this.#failHook(ex, err);
      return;
    }
    if (verdict instanceof Promise) {
      // Keep the exchange counted while the hook runs, so close() waits for it too.
      this.#enter(ex);
      verdict.then(
        (v) => {
          if (v) this.#sendHook(ex, v);
          else this.#route(ex, true);
        },
        (err) => this.#failHook(ex, err),
      );
    } else if (verdict) this.#sendHook(ex, verdict);
    else this.#route(ex);
  }

  #sendHook(ex: Exchange, r: HookResponse): void {
    this.#send(ex, r.status, { 'content-type': TEXT_PLAIN, ...r.headers }, r.body ?? '');
  }

  #failHook(ex: Exchange, err: unknown): void {
    this.#logger.error({ err: err instanceof Error ? err.message : String(err) }, 'request hook failed');
    this.#send(ex, 500, { 'content-type': TEXT_PLAIN }, 'Internal Server Error\n');
  }

  #routeOf(path: string): Route | undefined {
    if (path === this.#metricsPath) return 'metrics';
    if (path === '/') return 'landing';
    if (path === '/-/healthy') return 'healthy';
    if (path === '/-/ready') return 'ready';
    return undefined;
  }

  /** `counted`: the exchange was already entered (async hook). */
  #route(ex: Exchange, counted = false): void {
    const { method, path } = ex.request;
    const route = this.#routeOf(path);
    if (route === undefined) {
      this.#send(ex, 404, { 'content-type': TEXT_PLAIN }, '404 page not found\n');
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      this.#send(ex, 405, { 'content-type': TEXT_PLAIN, allow: ALLOW }, 'Method Not Allowed\n');
      return;
    }
    const head = method === 'HEAD';
    switch (route) {
      case 'metrics':
        this.#metrics(ex, head, counted);
        return;
      case 'landing':
        this.#send(ex, 200, { 'content-type': 'text/html; charset=utf-8' }, this.#landing, head);
        return;
      case 'healthy':
        this.#send(ex, 200, { 'content-type': TEXT_PLAIN }, 'Healthy.\n', head);
        return;
      case 'ready': {
        const ready = this.#target.ready?.() ?? true;
        this.#send(ex, ready ? 200 : 503, { 'content-type': TEXT_PLAIN }, ready ? 'Ready.\n' : 'Not ready.\n', head);
        return;
      }
    }
  }

  /** Counts an exchange in flight until it ends. */
  #enter(ex: Exchange): void {
    this.#inFlight++;
    ex.onDone = () => {
      if (--this.#inFlight === 0 && this.#idle) {
        this.#idle();
        this.#idle = undefined;
      }
    };
  }

  #metrics(ex: Exchange, head: boolean, counted: boolean): void {
    if (!counted) {
      if (this.#maxRequests > 0 && this.#inFlight >= this.#maxRequests) {
        this.#send(ex, 503, { 'content-type': TEXT_PLAIN }, `Limit of concurrent requests reached (${this.#maxRequests}), try again later.\n`);
        return;
      }
      this.#enter(ex);
    } else if (this.#maxRequests > 0 && this.#inFlight > this.#maxRequests) {
      // An async hook already counted this one: the limit applies to the others.
      this.#send(ex, 503, { 'content-type': TEXT_PLAIN }, `Limit of concurrent requests reached (${this.#maxRequests}), try again later.\n`);
      return;
    }
    const headers = ex.request.headers;
    const format = negotiateFormat(headers.accept);
    const encoding = negotiateEncoding(headers['accept-encoding']);
    this.#renders.get(format, encoding).then(
      async (r) => {
        const h: Record<string, string> = { 'content-type': r.contentType, vary: 'Accept, Accept-Encoding' };
        if (r.encoding === 'gzip') h['content-encoding'] = 'gzip';
        if ('body' in r) {
          if (r.release !== undefined) releaseWhenDone(ex, r.release);
          this.#send(ex, 200, h, r.body, head);
          return;
        }
        // A big body, sent as it is rendered (chunked). HEAD still needs its length.
        if (ex.aborted) {
          r.stream.close();
          return;
        }
        if (head) {
          const parts: Buffer[] = [];
          for (let c = await r.stream.next(); c !== undefined; c = await r.stream.next()) parts.push(c);
          this.#send(ex, 200, h, parts, true);
          return;
        }
        const extra = this.#extraHeaders;
        ex.stream(200, Object.keys(extra).length > 0 ? { ...extra, ...h } : h, r.stream);
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        this.#logger.error({ err: message }, 'error gathering metrics');
        this.#send(ex, 500, { 'content-type': TEXT_PLAIN }, `An error has occurred while serving metrics:\n\n${message}\n`);
      },
    );
  }

  #send(ex: Exchange, status: number, headers: ResponseHeaders, body: ResponseBody, head = false): void {
    if (ex.aborted) return;
    const extra = this.#extraHeaders;
    for (const _ in extra) {
      ex.respond(status, { ...extra, ...headers }, body, head);
      return;
    }
    ex.respond(status, headers, body, head);
  }
}

/**
 * Calls `release` once the exchange is over: its response was handed to the socket in full, or
 * the client went away (at once if it already did). Set before the response is written.
 */
function releaseWhenDone(ex: Exchange, release: () => void): void {
  if (ex.aborted) {
    release();
    return;
  }
  const done = ex.onDone;
  ex.onDone = (aborted) => {
    release();
    done?.(aborted);
  };
}
