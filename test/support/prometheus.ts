/**
 * A real Prometheus server for a test: scrapes the given loopback targets, answers PromQL over its
 * HTTP API. Config and TSDB live in a temp dir removed on stop().
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { requireBinary, type HelperContext } from './binaries.js';
import { isLoopbackHost } from './ports.js';
import { startOnFreePort } from './process.js';
import { makeTempDir } from './tempdir.js';

export interface ScrapeTarget {
  job: string;
  /** host:port on loopback, e.g. `127.0.0.1:9400`. */
  target: string;
  /** Default /metrics. */
  metricsPath?: string;
  /** Default 1. */
  scrapeIntervalS?: number;
  /** Default: the scrape interval. */
  scrapeTimeoutS?: number;
  /** Default http. */
  scheme?: 'http' | 'https';
  basicAuth?: { username: string; password: string };
  tls?: {
    caFile?: string;
    certFile?: string;
    keyFile?: string;
    serverName?: string;
    insecureSkipVerify?: boolean;
  };
  /** Extra target labels. */
  labels?: Record<string, string>;
  honorLabels?: boolean;
  /** URL query parameters sent with each scrape. */
  params?: Record<string, string[]>;
}

export interface PrometheusOptions {
  scrapeTargets?: ScrapeTarget[];
  /** Adds --web.enable-remote-write-receiver (POST /api/v1/write). */
  remoteWriteReceiver?: boolean;
  /** Extra command-line flags, e.g. ['--query.lookback-delta=30s']. */
  extraArgs?: string[];
  /** Default 30 000 ms. */
  readyTimeoutMs?: number;
}

/** One element of an instant vector (a scalar result comes back as one sample with no labels). */
export interface Sample {
  metric: Record<string, string>;
  value: number;
  /** Unix seconds, as Prometheus gives it. */
  timestamp: number;
}

export interface TargetHealth {
  job: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface PrometheusHandle {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The temp dir holding prometheus.yml and data/. */
  readonly dir: string;
  readonly configPath: string;
  /** Instant query via /api/v1/query. */
  query(promql: string): Promise<Sample[]>;
  /**
   * Re-runs `promql` until `predicate` holds for its result; returns that result. On timeout throws
   * with the last result and the health of every target.
   */
  waitFor(
    promql: string,
    predicate: (samples: Sample[]) => boolean,
    timeoutMs?: number,
  ): Promise<Sample[]>;
  /** Active targets from /api/v1/targets. */
  targets(): Promise<TargetHealth[]>;
  output(): string;
  stop(): Promise<void>;
}

/** Prometheus's sample value strings: numbers, "NaN", "+Inf", "-Inf". */
export function parseSampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function targetHost(target: string): string {
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(target);
  if (!m?.[1]) throw new Error(`scrape target must be host:port, got "${target}"`);
  return m[1];
}

function scrapeConfig(t: ScrapeTarget): Record<string, unknown> {
  if (!isLoopbackHost(targetHost(t.target))) {
    throw new Error(`scrape target must be on loopback (127.0.0.1, ::1, localhost), got "${t.target}"`);
  }
  const interval = t.scrapeIntervalS ?? 1;
  const timeout = Math.min(t.scrapeTimeoutS ?? interval, interval);
  const cfg: Record<string, unknown> = {
    job_name: t.job,
    scrape_interval: `${interval}s`,
    scrape_timeout: `${timeout}s`,
    metrics_path: t.metricsPath ?? '/metrics',
    scheme: t.scheme ?? 'http',
    static_configs: [{ targets: [t.target], ...(t.labels ? { labels: t.labels } : {}) }],
  };
  if (t.honorLabels !== undefined) cfg.honor_labels = t.honorLabels;
  if (t.params) cfg.params = t.params;
  if (t.basicAuth) cfg.basic_auth = { username: t.basicAuth.username, password: t.basicAuth.password };
  if (t.tls) {
    const tls: Record<string, unknown> = {};
    if (t.tls.caFile !== undefined) tls.ca_file = t.tls.caFile;
    if (t.tls.certFile !== undefined) tls.cert_file = t.tls.certFile;
    if (t.tls.keyFile !== undefined) tls.key_file = t.tls.keyFile;
    if (t.tls.serverName !== undefined) tls.server_name = t.tls.serverName;
    if (t.tls.insecureSkipVerify !== undefined) tls.insecure_skip_verify = t.tls.insecureSkipVerify;
    cfg.tls_config = tls;
  }
  return cfg;
}

/** The prometheus.yml text for these targets (exported for tests that want to look at it). */
export function prometheusConfig(targets: readonly ScrapeTarget[]): string {
  return YAML.stringify({
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    scrape_configs: targets.map(scrapeConfig),
  });
}

interface ApiResponse {
  status: 'success' | 'error';
  data?: { resultType: string; result: unknown };
  errorType?: string;
  error?: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts Prometheus on 127.0.0.1 and a free port, waits for /-/ready. Returns undefined when the
 * binary is missing outside CI (the test is then marked skipped). Stopped when the test ends if `t`
 * has `after`; stop() may be called earlier.
 */
export async function startPrometheus(
  t: HelperContext,
  options: PrometheusOptions = {},
): Promise<PrometheusHandle | undefined> {
  const bin = requireBinary(t, 'prometheus');
  if (!bin) return undefined;

  const config = prometheusConfig(options.scrapeTargets ?? []);
  const tmp = await makeTempDir('prometheus');
  const configPath = path.join(tmp.path, 'prometheus.yml');
  let proc;
  try {
    await writeFile(configPath, config);
    proc = await startOnFreePort((port) => ({
      cmd: bin,
      args: [
        `--config.file=${configPath}`,
        `--storage.tsdb.path=${path.join(tmp.path, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.console.templates=${path.join(tmp.path, 'consoles')}`,
        `--web.console.libraries=${path.join(tmp.path, 'console_libraries')}`,
        '--storage.tsdb.retention.time=1d',
        ...(options.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
        ...(options.extraArgs ?? []),
      ],
      options: {
        readyUrl: `http://127.0.0.1:${port}/-/ready`,
        readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
      },
    }));
  } catch (err) {
    await tmp.remove();
    throw err;
  }
  const p = proc;
  const url = `http://127.0.0.1:${p.port}`;

  const api = async (apiPath: string, params: Record<string, string> = {}): Promise<unknown> => {
    const qs = new URLSearchParams(params).toString();
    const res = await fetch(`${url}${apiPath}${qs ? `?${qs}` : ''}`, {
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let body: ApiResponse;
    try {
      body = JSON.parse(text) as ApiResponse;
    } catch {
      throw new Error(`${apiPath}: HTTP ${res.status}, not JSON: ${text.slice(0, 500)}`);
    }
    if (body.status !== 'success' || body.data === undefined) {
      throw new Error(`${apiPath} ${JSON.stringify(params)}: ${body.errorType ?? `HTTP ${res.status}`}: ${body.error ?? text.slice(0, 500)}`);
    }
    return body.data;
  };

  const query = async (promql: string): Promise<Sample[]> => {
    const data = (await api('/api/v1/query', { query: promql })) as { resultType: string; result: unknown };
    if (data.resultType === 'vector') {
      return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
        metric: r.metric,
        timestamp: r.value[0],
        value: parseSampleValue(r.value[1]),
      }));
    }
    if (data.resultType === 'scalar') {
      const [ts, v] = data.result as [number, string];
      return [{ metric: {}, timestamp: ts, value: parseSampleValue(v) }];
    }
    throw new Error(`query "${promql}" gave a ${data.resultType}, expected an instant vector or scalar`);
  };

  const targets = async (): Promise<TargetHealth[]> => {
    const data = (await api('/api/v1/targets', { state: 'active' })) as {
      activeTargets: { labels: Record<string, string>; scrapeUrl: string; health: TargetHealth['health']; lastError: string }[];
    };
    return data.activeTargets.map((a) => ({
      job: a.labels.job ?? '',
      scrapeUrl: a.scrapeUrl,
      health: a.health,
      lastError: a.lastError,
    }));
  };

  const waitFor = async (
    promql: string,
    predicate: (samples: Sample[]) => boolean,
    timeoutMs = 15_000,
  ): Promise<Sample[]> => {
    const deadline = Date.now() + timeoutMs;
    let last = 'no result yet';
    while (true) {
      try {
        const samples = await query(promql);
        if (predicate(samples)) return samples;
        last = `result ${JSON.stringify(samples)}`;
      } catch (err) {
        last = `error ${err instanceof Error ? err.message : String(err)}`;
      }
      if (Date.now() >= deadline) break;
      await sleep(Math.min(250, Math.max(0, deadline - Date.now())));
    }
    let health: string;
    try {
      health = (await targets())
        .map((x) => `${x.job} ${x.scrapeUrl}: ${x.health}${x.lastError ? ` (${x.lastError})` : ''}`)
        .join('\n  ');
    } catch (err) {
      health = `could not read targets: ${err instanceof Error ? err.message : String(err)}`;
    }
    throw new Error(
      `waitFor(${JSON.stringify(promql)}) timed out after ${timeoutMs} ms; last ${last}\ntargets:\n  ${health || '(none)'}`,
    );
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= p.stop().finally(() => tmp.remove());
    return stopping;
  };
  t.after?.(stop);

  return {
    url,
    port: p.port,
    pid: p.pid,
    dir: tmp.path,
    configPath,
    query,
    waitFor,
    targets,
    output: () => p.output(),
    stop,
  };
}
