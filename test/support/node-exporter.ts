/** A real node_exporter (Debian: prometheus-node-exporter) for a test: the reference for host metrics. */
import { requireBinary, type HelperContext } from './binaries.js';
import { startOnFreePort } from './process.js';
import { makeTempDir } from './tempdir.js';

export interface NodeExporterOptions {
  /**
   * Extra command-line flags, e.g. ['--collector.disable-defaults', '--collector.meminfo'].
   * Unless they set --collector.textfile.directory, the textfile collector reads an empty temp dir
   * (not /var/lib/prometheus/node-exporter).
   */
  args?: string[];
  /** Default 15 000 ms. */
  readyTimeoutMs?: number;
}

export interface NodeExporterHandle {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The textfile collector's directory when the helper chose it, else undefined. */
  readonly textfileDir: string | undefined;
  /** GET the metrics path; rejects unless HTTP 200. */
  scrape(): Promise<string>;
  output(): string;
  stop(): Promise<void>;
}

function flagValue(args: readonly string[], flag: string): string | undefined {
  for (const a of args) if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * Starts node_exporter on 127.0.0.1 and a free port, waits for its landing page. Returns undefined
 * when the binary is missing outside CI (test skipped).
 */
export async function startNodeExporter(
  t: HelperContext,
  options: NodeExporterOptions = {},
): Promise<NodeExporterHandle | undefined> {
  const bin = requireBinary(t, 'prometheus-node-exporter');
  if (!bin) return undefined;

  const userArgs = options.args ?? [];
  const metricsPath = flagValue(userArgs, '--web.telemetry-path') ?? '/metrics';
  const tmp = await makeTempDir('node-exporter');
  const ownTextfileDir = flagValue(userArgs, '--collector.textfile.directory') === undefined;
  const args = ownTextfileDir ? [`--collector.textfile.directory=${tmp.path}`, ...userArgs] : [...userArgs];

  let proc;
  try {
    proc = await startOnFreePort((port) => ({
      cmd: bin,
      args: [`--web.listen-address=127.0.0.1:${port}`, ...args],
      options: {
        readyUrl: `http://127.0.0.1:${port}/`,
        readyStatuses: [200, 401],
        readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
      },
    }));
  } catch (err) {
    await tmp.remove();
    throw err;
  }
  const p = proc;
  const url = `http://127.0.0.1:${p.port}`;

  const scrape = async (): Promise<string> => {
    const res = await fetch(`${url}${metricsPath}`, { signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`node_exporter ${metricsPath}: HTTP ${res.status}: ${text.slice(0, 500)}`);
    return text;
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
    textfileDir: ownTextfileDir ? tmp.path : undefined,
    scrape,
    output: () => p.output(),
    stop,
  };
}
