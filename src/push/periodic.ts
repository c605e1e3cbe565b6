/**
 * Pushing on an interval, for a long-running exporter (`--push.interval`), and once more when it
 * stops, so the gateway keeps the last values rather than ones up to an interval old.
 *
 * Pushes never overlap: a tick that comes while the previous push is still running is skipped.
 * A failed push is logged (the first one of a streak at error, later ones at most once a
 * minute, with how many were left out) and the next tick tries again; "push recovered" is
 * logged once after a logged failure.
 *
 * Wiring into the server (src/cli/main.ts, issue #8): start it once the exporter is up and add
 * `{ name: 'push', run: (signal) => periodic.stop(signal) }` to the shutdown hooks; `stop`
 * does the final push and resolves (it never rejects: failures are logged).
 */
import type { PushMethod, PushParameters, PushResult } from './pushgateway.js';

/** The pushing part of a Pushgateway (our Pushgateway fits). */
export interface Pusher {
  push(params: PushParameters): Promise<PushResult>;
  pushAdd(params: PushParameters): Promise<PushResult>;
}

/** The logging used (a pino logger fits). */
export interface PushLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
  debug?(obj: Record<string, unknown>, msg: string): void;
}

export interface PeriodicPushOptions {
  readonly gateway: Pusher;
  readonly jobName: string;
  readonly groupings?: Readonly<Record<string, string>>;
  /** Between pushes, ms. */
  readonly intervalMs: number;
  /** `push` (PUT, replaces the group: the default) or `pushAdd` (POST). */
  readonly method?: Exclude<PushMethod, 'delete'>;
  /** Push once right away (default false: the first push comes after one interval). */
  readonly immediately?: boolean;
  readonly logger?: PushLogger;
  /** At most one failure line per this many ms (default 60 000). */
  readonly logIntervalMs?: number;
}

export interface PeriodicPush {
  /** Pushes now (waits for a push in flight first). Rejects on failure, also logged. */
  pushNow(signal?: AbortSignal): Promise<PushResult>;
  /**
   * Stops the interval, waits for a push in flight, and pushes one last time (aborted by
   * `signal`). Never rejects. Idempotent: later calls return the same promise.
   */
  stop(signal?: AbortSignal): Promise<void>;
  /** Pushes done and failed so far. */
  readonly stats: { readonly ok: number; readonly failed: number };
}

export function startPeriodicPush(options: PeriodicPushOptions): PeriodicPush {
  const { gateway, jobName, groupings, intervalMs, logger } = options;
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new TypeError(`intervalMs must be a positive number, got ${String(intervalMs)}`);
  const method = options.method ?? 'push';
  const logIntervalMs = options.logIntervalMs ?? 60_000;
  const stats = { ok: 0, failed: 0 };
  let inFlight: Promise<void> | undefined;
  let failing = false;
  let lastLogged = -Infinity;
  let suppressed = 0;
  let stopping: Promise<void> | undefined;

  const once = (signal?: AbortSignal): Promise<PushResult> => {
    const p = gateway[method]({ jobName, ...(groupings ? { groupings } : {}), ...(signal ? { signal } : {}) }).then(
      (r) => {
        stats.ok++;
        if (failing) {
          failing = false;
          logger?.info({ job: jobName, suppressed }, 'push recovered');
          suppressed = 0;
        }
        return r;
      },
      (err: unknown) => {
        stats.failed++;
        const now = Date.now();
        if (!failing || now - lastLogged >= logIntervalMs) {
          logger?.error({ job: jobName, err: err instanceof Error ? err.message : String(err), suppressed }, 'push failed');
          lastLogged = now;
          suppressed = 0;
        } else suppressed++;
        failing = true;
        throw err;
      },
    );
    // Tracks the push without rejecting (nobody may be listening to it).
    const tracked: Promise<void> = p.then(
      () => undefined,
      () => undefined,
    );
    inFlight = tracked;
    void tracked.then(() => {
      if (inFlight === tracked) inFlight = undefined;
    });
    return p;
  };

  const tick = (): void => {
    if (stopping || inFlight) return;
    once().catch(() => undefined);
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  if (options.immediately) tick();

  return {
    stats,
    async pushNow(signal) {
      if (inFlight) await inFlight;
      return once(signal);
    },
    stop(signal) {
      stopping ??= (async () => {
        clearInterval(timer);
        if (inFlight) await inFlight;
        await once(signal).catch(() => undefined);
      })();
      return stopping;
    },
  };
}
