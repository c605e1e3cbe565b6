/**
 * Starting the exporter command for the sidecar tests when it serves HTTPS or wants
 * credentials (test/cli/cli-process.ts's helper waits on plain-HTTP /-/healthy): waits until
 * `/-/healthy` answers 200 or 401 over the scheme it serves.
 */
import { CLI, REPO } from '../cli/cli-process.js';
import { freePort } from '../support/ports.js';
import { startProcess, type ProcessHandle } from '../support/process.js';
import { sleep } from '../server/http-client.js';
import { tlsRequest } from './tls-client.js';

export interface TlsExporter extends ProcessHandle {
  readonly port: number;
  readonly url: string;
}

/**
 * `node --import tsx src/cli.ts --web.listen-address=127.0.0.1:PORT ...args`, ready once
 * `/-/healthy` answers (over HTTPS trusting `ca` when given, with `client`'s certificate).
 */
export async function startServing(args: readonly string[], options: { env?: Record<string, string>; ca?: Buffer; client?: { cert: Buffer; key: Buffer }; cmd?: readonly string[]; cwd?: string } = {}): Promise<TlsExporter> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const scheme = options.ca ? 'https' : 'http';
    const url = `${scheme}://127.0.0.1:${port}`;
    const cmd = options.cmd ?? [process.execPath, ...CLI];
    const p = await startProcess(cmd[0]!, [...cmd.slice(1), ...args, `--web.listen-address=127.0.0.1:${port}`], { cwd: options.cwd ?? REPO, env: options.env, port });
    const deadline = Date.now() + 30_000;
    while (p.running && Date.now() < deadline) {
      const status = options.ca
        ? await tlsRequest(`${url}/-/healthy`, { ca: options.ca, ...options.client }).then((r) => r.status, () => 0)
        : await fetch(`${url}/-/healthy`).then((r) => r.status, () => 0);
      if (status === 200 || status === 401) return Object.assign(p, { port, url });
      await sleep(100);
    }
    await p.stop();
    if (attempt < 2 && /address already in use/i.test(p.output())) continue;
    throw new Error(`${p.commandLine}: not serving ${url}/-/healthy\n${p.output()}`);
  }
}
