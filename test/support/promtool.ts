/** `promtool check metrics`: the Prometheus project's own linter for the text exposition format. */
import { spawn } from 'node:child_process';

export interface CheckMetricsResult {
  /** 0: clean; 3: lint problems (e.g. missing HELP); 1: the text does not parse. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** One entry per non-empty line promtool reported (it reports on stderr). */
  problems: string[];
}

/** Pipes `text` to `promtool check metrics` on stdin. Rejects only if promtool cannot run or hangs. */
export function checkMetrics(
  promtoolPath: string,
  text: string,
  options: { timeoutMs?: number } = {},
): Promise<CheckMetricsResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(promtoolPath, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    // promtool may exit before reading all of stdin (parse error): ignore EPIPE.
    child.stdin.on('error', () => {});
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`promtool check metrics did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${promtoolPath}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === null) {
        reject(new Error(`promtool check metrics ended by ${signal}\n${stderr}`));
        return;
      }
      const problems = `${stderr}\n${stdout}`
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
      resolve({ exitCode: code, stdout, stderr, problems });
    });
    child.stdin.end(text);
  });
}
