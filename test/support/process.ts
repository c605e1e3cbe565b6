/**
 * Starting an external program for a test: no shell, output kept (bounded), wait until an HTTP URL on
 * loopback answers, stop by PID (SIGTERM, then SIGKILL). Whatever is still running when the test
 * process exits or is signalled is killed, so nothing leaks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { freePort, isLoopbackHost } from './ports.js';

export interface StartProcessOptions {
  /** Poll this URL (loopback only) until it answers with one of `readyStatuses`. */
  readyUrl?: string;
  /** How long to wait for `readyUrl`. Default 20 000 ms. */
  readyTimeoutMs?: number;
  /** Statuses that count as ready. Default [200]. */
  readyStatuses?: readonly number[];
  /** Headers sent with each readiness request. */
  readyHeaders?: Record<string, string>;
  /** Added to (and overriding) the test process's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The port the program was told to use, recorded on the handle. */
  port?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 5 000 ms. */
  stopTimeoutMs?: number;
  /** How many characters of stdout+stderr are kept (the latest). Default 256 KiB. */
  maxOutputChars?: number;
}

export interface ProcessHandle {
  readonly pid: number;
  readonly port?: number;
  /** The command line, for messages. */
  readonly commandLine: string;
  /** Exit code, or null while running (or when ended by a signal). */
  readonly exitCode: number | null;
  readonly running: boolean;
  /** SIGTERM, wait, SIGKILL after stopTimeoutMs. Idempotent; resolves once the process has exited. */
  stop(): Promise<void>;
  /** stdout and stderr as received, interleaved; the latest maxOutputChars characters. */
  output(): string;
}

// ---------------------------------------------------------------------------------------------
// Cleanup when the test process ends.

const exitCleanups = new Set<() => void>();
let hooksInstalled = false;

function runExitCleanups(): void {
  for (const fn of [...exitCleanups]) {
    exitCleanups.delete(fn);
    try {
      fn();
    } catch {
      // best effort: the process is going away
    }
  }
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', runExitCleanups);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      runExitCleanups();
      // Only act as the default handler when nobody else listens for this signal.
      if (process.listenerCount(signal) === 1) process.exit(128 + (os.constants.signals[signal] ?? 0));
    };
    process.on(signal, onSignal);
  }
}

/**
 * Runs `fn` (synchronous) if the test process exits or is signalled before the returned function is
 * called to unregister it. For killing children and removing temp dirs.
 */
export function addExitCleanup(fn: () => void): () => void {
  installExitHooks();
  exitCleanups.add(fn);
  return () => {
    exitCleanups.delete(fn);
  };
}

// ---------------------------------------------------------------------------------------------

class BoundedText {
  private chunks: string[] = [];
  private size = 0;
  private dropped = 0;
  constructor(private readonly max: number) {}

  push(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.max && this.chunks.length > 0) {
      const first = this.chunks[0] ?? '';
      const excess = this.size - this.max;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.slice(excess);
        this.size -= excess;
        this.dropped += excess;
      }
    }
  }

  toString(): string {
    const head = this.dropped > 0 ? `[... ${this.dropped} earlier characters dropped ...]\n` : '';
    return head + this.chunks.join('');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describeFetchError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as Error & { code?: string }).code;
      return code !== undefined ? `${code}: ${cause.message}` : cause.message;
    }
    return err.message;
  }
  return String(err);
}

function tail(text: string, chars = 4000): string {
  return text.length <= chars ? text : `[...]\n${text.slice(-chars)}`;
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Spawns `cmd` with `args` (no shell) and, when `readyUrl` is given, waits until it answers. On a
 * failed start (early exit, timeout) the process is killed and the error carries its output.
 */
export async function startProcess(
  cmd: string,
  args: readonly string[],
  options: StartProcessOptions = {},
): Promise<ProcessHandle> {
  const {
    readyUrl,
    readyTimeoutMs = 20_000,
    readyStatuses = [200],
    readyHeaders,
    env,
    cwd,
    port,
    stopTimeoutMs = 5_000,
    maxOutputChars = 256 * 1024,
  } = options;
  if (readyUrl !== undefined && !isLoopbackHost(new URL(readyUrl).hostname)) {
    throw new Error(`readyUrl must be on loopback, got ${readyUrl}`);
  }
  const commandLine = [cmd, ...args].map(quoteArg).join(' ');
  const log = new BoundedText(maxOutputChars);

  const child: ChildProcess = spawn(cmd, [...args], {
    cwd,
    env: env === undefined ? process.env : { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (s: string) => log.push(s));
  child.stderr?.on('data', (s: string) => log.push(s));

  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      spawnError = err;
      // 'exit' does not follow an 'error' from a failed spawn
      if (child.pid === undefined) resolve();
    });
  });
  const isRunning = (): boolean =>
    spawnError === undefined && child.exitCode === null && child.signalCode === null;

  if (child.pid === undefined) {
    await exited;
    throw new Error(`could not start ${commandLine}: ${spawnError?.message ?? 'no pid'}`);
  }
  const pid = child.pid;

  const killNow = (): void => {
    try {
      if (isRunning()) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const unregister = addExitCleanup(killNow);
  void exited.then(unregister);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!isRunning()) return;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return; // ESRCH: already gone
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), stopTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        killNow();
        await exited;
      }
    })();
    return stopping;
  };

  const handle: ProcessHandle = {
    pid,
    port,
    commandLine,
    get exitCode() {
      return child.exitCode;
    },
    get running() {
      return isRunning();
    },
    stop,
    output: () => log.toString(),
  };

  if (readyUrl === undefined) return handle;

  // Wait for readiness, or for the process to die, or for the deadline.
  const deadline = Date.now() + readyTimeoutMs;
  let last = 'no answer yet';
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
  });
  while (!exitedEarly && Date.now() < deadline) {
    try {
      const res = await fetch(readyUrl, {
        headers: readyHeaders,
        signal: AbortSignal.timeout(Math.max(100, Math.min(2_000, deadline - Date.now()))),
      });
      await res.arrayBuffer();
      if (readyStatuses.includes(res.status)) return handle;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = describeFetchError(err);
    }
    await Promise.race([sleep(100), exited]);
  }

  let reason: string;
  if (exitedEarly) {
    // let the pipes drain so the output is complete
    await Promise.race([new Promise((resolve) => child.once('close', resolve)), sleep(500)]);
    reason = `exited (code ${child.exitCode}, signal ${child.signalCode}) before ${readyUrl} was ready`;
  } else {
    reason = `not ready after ${readyTimeoutMs} ms: ${readyUrl} last gave ${last}`;
    await stop();
  }
  throw new Error(`${commandLine}\n${reason}\n--- output ---\n${tail(log.toString())}`);
}

/**
 * Picks a free port, builds the command for it and starts it; if the program could not bind
 * ("address already in use": someone took the port in between), tries again with another port.
 */
export async function startOnFreePort(
  build: (port: number) => { cmd: string; args: readonly string[]; options?: StartProcessOptions },
  attempts = 3,
): Promise<ProcessHandle & { port: number }> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    const port = await freePort();
    const { cmd, args, options } = build(port);
    try {
      const handle = await startProcess(cmd, args, { ...options, port });
      return handle as ProcessHandle & { port: number };
    } catch (err) {
      lastError = err;
      if (!(err instanceof Error && /address already in use/i.test(err.message))) throw err;
    }
  }
  throw lastError;
}
