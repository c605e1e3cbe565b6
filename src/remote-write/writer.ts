/**
 * Remote write: every interval, the families the exporter exposes (the registry's, synthetic
 * or collectors alike) are sent to a remote-write endpoint (Prometheus with
 * --web.enable-remote-write-receiver, Mimir, Thanos Receive, VictoriaMetrics, Cortex) with the
 * remote-write 1.0 protocol, `batchSize` samples per request, one timestamp per cycle.
 *
 * - Cycles never overlap: a tick that comes while the previous cycle still runs is skipped
 *   (counted in atomic_exporter_remote_write_cycles_skipped_total).
 * - A request that fails with a network error, a 5xx or a 429 is retried with exponential
 *   backoff (429's Retry-After is honoured, within the maximum), up to `maxRetries` times; any
 *   other 4xx is not retried: the receiver refused the data, sending it again would not help.
 * - Families are copied out one at a time and encoded batch by batch, yielding to the event
 *   loop in between: a cycle of a million series does not stall scrapes.
 *
 * Self-metrics (in the registry given): samples sent, failed (given up: refused, or out of
 * retries) and retried (each resend counts), requests by HTTP status, and the last cycle.
 */
import { Counter } from '../metrics/counter.js';
import { Gauge } from '../metrics/gauge.js';
import type { Registry } from '../registry.js';
import type { PlannedFamily } from '../render/plan.js';
import { Slicer } from '../render/slicer.js';
import { planSnapshots } from '../render/snapshots.js';
import type { MetricMetadata, TimeSeries } from './protocol.js';

/** The protocol module (protobufjs, snappyjs), loaded on the first send: importing the package costs nothing. */
let protocol: Promise<typeof import('./protocol.js')> | undefined;
const loadProtocol = (): Promise<typeof import('./protocol.js')> => (protocol ??= import('./protocol.js'));

/** The protocol's own headers (protocol.ts REMOTE_WRITE_HEADERS, without loading it). */
const PROTOCOL_HEADERS = {
  'content-encoding': 'snappy',
  'content-type': 'application/x-protobuf',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;
import { familyMetadata, familySamples } from './series.js';

export interface RemoteWriteLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface RemoteWriteOptions {
  readonly url: string;
  /** Between cycles, ms. */
  readonly intervalMs: number;
  /** One request's time limit, ms (default 30 s). */
  readonly timeoutMs?: number;
  /** Samples per request (default 2000). */
  readonly batchSize?: number;
  /** Extra request headers (authorization included), lower-case names. */
  readonly headers?: Readonly<Record<string, string>>;
  /** What to send: called once per cycle. */
  readonly families: () => Promise<readonly PlannedFamily[]>;
  /** Where the self-metrics go (none when absent). */
  readonly registry?: Registry;
  readonly logger?: RemoteWriteLogger;
  /** Resends of one request before giving up (default 5). */
  readonly maxRetries?: number;
  /** First backoff, ms (default 100), doubled on each retry up to maxBackoffMs (default 5000). */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Replaces global fetch (tests). */
  readonly fetch?: typeof fetch;
  /** User-Agent header (default atomic-exporter). */
  readonly userAgent?: string;
}

export interface CycleResult {
  readonly samples: number;
  readonly sent: number;
  readonly failed: number;
  readonly retried: number;
  readonly requests: number;
  readonly durationMs: number;
}

class SelfMetrics {
  readonly sent: Counter;
  readonly failed: Counter;
  readonly retried: Counter;
  readonly requests: Counter<'code'>;
  readonly skipped: Counter;
  readonly lastSuccess: Gauge;
  readonly duration: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.sent = new Counter({ name: 'atomic_exporter_remote_write_samples_sent_total', help: 'Samples the remote-write endpoint accepted (2xx).', registers });
    this.failed = new Counter({
      name: 'atomic_exporter_remote_write_samples_failed_total',
      help: 'Samples given up on: refused with a 4xx other than 429, or still failing after the last retry.',
      registers,
    });
    this.retried = new Counter({ name: 'atomic_exporter_remote_write_samples_retried_total', help: 'Samples sent again after a network error, a 5xx or a 429 (each resend counts).', registers });
    this.requests = new Counter<'code'>({
      name: 'atomic_exporter_remote_write_requests_total',
      help: 'Remote-write requests by HTTP status code ("error" when no response came).',
      labelNames: ['code'],
      registers,
    });
    this.skipped = new Counter({ name: 'atomic_exporter_remote_write_cycles_skipped_total', help: 'Remote-write cycles skipped because the previous one had not finished.', registers });
    this.lastSuccess = new Gauge({ name: 'atomic_exporter_remote_write_last_success_timestamp_seconds', help: 'Unix time of the latest cycle whose samples were all accepted.', registers });
    this.duration = new Gauge({ name: 'atomic_exporter_remote_write_cycle_duration_seconds', help: 'How long the latest remote-write cycle took.', registers });
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A URL for logs: without credentials, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export class RemoteWriter {
  readonly #o: RemoteWriteOptions;
  readonly #fetch: typeof fetch;
  readonly #metrics: SelfMetrics | undefined;
  readonly #headers: Record<string, string>;
  #timer: NodeJS.Timeout | undefined;
  #cycle: Promise<CycleResult> | undefined;
  #stopping: Promise<void> | undefined;
  readonly #stop = new AbortController();
  /** Totals since start. */
  readonly totals = { sent: 0, failed: 0, retried: 0, cycles: 0 };

  constructor(options: RemoteWriteOptions) {
    const u = new URL(options.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`remote-write URL must be http:// or https://, got ${displayUrl(options.url)}`);
    if (!(Number.isFinite(options.intervalMs) && options.intervalMs > 0)) throw new TypeError(`intervalMs must be positive, got ${options.intervalMs}`);
    const batch = options.batchSize ?? 2000;
    if (!(Number.isInteger(batch) && batch > 0)) throw new TypeError(`batchSize must be a positive whole number, got ${batch}`);
    this.#o = options;
    this.#fetch = options.fetch ?? fetch;
    this.#metrics = options.registry ? new SelfMetrics(options.registry) : undefined;
    this.#headers = { ...options.headers, ...PROTOCOL_HEADERS, 'user-agent': options.userAgent ?? 'atomic-exporter' };
  }

  /** Sends a cycle every interval, the first one right away. */
  start(): void {
    if (this.#timer !== undefined || this.#stopping) return;
    const tick = (): void => {
      if (this.#cycle !== undefined) {
        this.#metrics?.skipped.inc();
        return;
      }
      void this.sendOnce().catch(() => undefined);
    };
    this.#timer = setInterval(tick, this.#o.intervalMs);
    this.#timer.unref();
    tick();
  }

  /** Stops the interval and waits for the cycle in flight (cut short once `signal` aborts). */
  stop(signal?: AbortSignal): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#timer);
      this.#timer = undefined;
      const onAbort = (): void => this.#stop.abort();
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      await this.#cycle?.catch(() => undefined);
    })();
    return this.#stopping;
  }

  /** One cycle now (or the one in flight). */
  sendOnce(): Promise<CycleResult> {
    if (this.#cycle) return this.#cycle;
    const p = this.#run().finally(() => {
      this.#cycle = undefined;
    });
    this.#cycle = p;
    return p;
  }

  async #run(): Promise<CycleResult> {
    const started = performance.now();
    const timestamp = Date.now();
    const batchSize = this.#o.batchSize ?? 2000;
    const slicer = new Slicer();
    const result = { samples: 0, sent: 0, failed: 0, retried: 0, requests: 0 };
    let series: TimeSeries[] = [];
    let metadata: MetricMetadata[] = [];
    const flush = async (): Promise<void> => {
      if (series.length === 0) return;
      const batch = series;
      const meta = metadata;
      series = [];
      metadata = [];
      await this.#send(batch, meta, result);
      await slicer.maybeYield();
    };
    const plan = await this.#o.families();
    for await (const family of planSnapshots(plan, slicer)) {
      if (this.#stop.signal.aborted) break;
      let withMeta = false;
      for (const s of familySamples(family)) {
        if (!withMeta) {
          metadata.push(familyMetadata(family));
          withMeta = true;
        }
        series.push({ labels: s.labels, samples: [{ value: s.value, timestamp }] });
        result.samples++;
        if (series.length >= batchSize) {
          await flush();
          withMeta = false;
        }
      }
    }
    await flush();
    const durationMs = performance.now() - started;
    this.totals.cycles++;
    this.#metrics?.duration.set(durationMs / 1000);
    if (result.failed === 0 && result.sent === result.samples) this.#metrics?.lastSuccess.set(Date.now() / 1000);
    if (result.failed > 0) this.#o.logger?.warn({ url: displayUrl(this.#o.url), failed: result.failed, sent: result.sent }, 'remote write: samples were not accepted');
    return { ...result, durationMs };
  }

  async #send(batch: TimeSeries[], metadata: MetricMetadata[], result: { sent: number; failed: number; retried: number; requests: number }): Promise<void> {
    const body = (await loadProtocol()).writeRequestBody({ timeseries: batch, metadata });
    const n = batch.length;
    const maxRetries = this.#o.maxRetries ?? 5;
    let backoff = this.#o.minBackoffMs ?? 100;
    const maxBackoff = this.#o.maxBackoffMs ?? 5000;
    for (let attempt = 0; ; attempt++) {
      let status: number | undefined;
      let retryAfterMs: number | undefined;
      let error: string | undefined;
      try {
        const signal = AbortSignal.any([AbortSignal.timeout(this.#o.timeoutMs ?? 30_000), this.#stop.signal]);
        const res = await this.#fetch(this.#o.url, { method: 'POST', headers: this.#headers, body, signal });
        status = res.status;
        const ra = res.headers.get('retry-after');
        if (ra !== null && /^\d+$/.test(ra.trim())) retryAfterMs = Number(ra.trim()) * 1000;
        const text = await res.text().catch(() => '');
        if (status >= 300) error = `HTTP ${status}${text ? `: ${text.slice(0, 200).trim()}` : ''}`;
      } catch (e) {
        error = (e as Error).message;
      }
      result.requests++;
      this.#metrics?.requests.inc({ code: status === undefined ? 'error' : String(status) });
      if (status !== undefined && status >= 200 && status < 300) {
        result.sent += n;
        this.totals.sent += n;
        this.#metrics?.sent.inc(n);
        return;
      }
      const retryable = status === undefined || status >= 500 || status === 429;
      if (!retryable || attempt >= maxRetries || this.#stop.signal.aborted) {
        result.failed += n;
        this.totals.failed += n;
        this.#metrics?.failed.inc(n);
        this.#o.logger?.error({ url: displayUrl(this.#o.url), err: error, samples: n, attempts: attempt + 1 }, retryable ? 'remote write: giving up on a batch after retries' : 'remote write: batch refused');
        return;
      }
      result.retried += n;
      this.totals.retried += n;
      this.#metrics?.retried.inc(n);
      await sleep(Math.min(maxBackoff, retryAfterMs ?? backoff), this.#stop.signal);
      backoff = Math.min(maxBackoff, backoff * 2);
    }
  }
}
