/** A real Prometheus Pushgateway for a test, optionally behind bcrypt basic auth (exporter-toolkit web config). */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { requireBinary, type HelperContext } from './binaries.js';
import { startOnFreePort } from './process.js';
import { makeTempDir } from './tempdir.js';

export interface PushgatewayOptions {
  webConfig?: {
    /** user name → bcrypt hash (e.g. bcrypt.hashSync(password, 4) from bcryptjs). */
    basicAuthUsers: Record<string, string>;
  };
  /** Extra command-line flags, e.g. ['--push.disable-consistency-check']. */
  extraArgs?: string[];
  /** Default 15 000 ms. */
  readyTimeoutMs?: number;
}

export interface PushgatewayHandle {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the Pushgateway on 127.0.0.1 and a free port, in-memory only (no persistence file), and
 * waits for /-/ready. Returns undefined when the binary is missing outside CI (test skipped).
 */
export async function startPushgateway(
  t: HelperContext,
  options: PushgatewayOptions = {},
): Promise<PushgatewayHandle | undefined> {
  const bin = requireBinary(t, 'prometheus-pushgateway');
  if (!bin) return undefined;

  const tmp = await makeTempDir('pushgateway');
  const args: string[] = ['--persistence.file=', '--log.level=info'];
  if (options.webConfig) {
    const webConfigPath = path.join(tmp.path, 'web-config.yml');
    await writeFile(webConfigPath, YAML.stringify({ basic_auth_users: options.webConfig.basicAuthUsers }));
    args.push(`--web.config.file=${webConfigPath}`);
  }
  args.push(...(options.extraArgs ?? []));

  let proc;
  try {
    proc = await startOnFreePort((port) => ({
      cmd: bin,
      args: [`--web.listen-address=127.0.0.1:${port}`, ...args],
      options: {
        readyUrl: `http://127.0.0.1:${port}/-/ready`,
        // behind basic auth every path answers 401 without credentials: that still means "up"
        readyStatuses: options.webConfig ? [200, 401] : [200],
        readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
      },
    }));
  } catch (err) {
    await tmp.remove();
    throw err;
  }
  const p = proc;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= p.stop().finally(() => tmp.remove());
    return stopping;
  };
  t.after?.(stop);
  return { url: `http://127.0.0.1:${p.port}`, port: p.port, pid: p.pid, output: () => p.output(), stop };
}
