/** Running the `atomic-exporter` command (src/cli.ts under tsx) as a child process in tests. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COMMAND_NODE_FLAGS } from '../../src/cli/node-flags.js';
import { startOnFreePort, type ProcessHandle } from '../support/process.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
// With the node flags package.json's start script and the bin's shebang give it.
export const CLI = [...COMMAND_NODE_FLAGS, '--import', 'tsx', 'src/cli.ts'];

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command to its end (bad input, --help, a failed start). */
export function runCli(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`atomic-exporter ${args.join(' ')} did not end within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the exporter on 127.0.0.1 and a free port; resolves once `/-/healthy` answers. */
export async function startExporter(args: readonly string[] = [], env: Record<string, string> = {}): Promise<ProcessHandle & { port: number; url: string }> {
  const p = await startOnFreePort((port) => ({
    cmd: process.execPath,
    args: [...CLI, `--web.listen-address=127.0.0.1:${port}`, ...args],
    options: { cwd: REPO, env, readyUrl: `http://127.0.0.1:${port}/-/healthy`, readyTimeoutMs: 30_000 },
  }));
  return Object.assign(p, { url: `http://127.0.0.1:${p.port}` });
}
